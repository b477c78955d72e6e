-- expect: 1 /attempt to index a string value/ --sandbox
local x = vmlab.machine{source = "_start: halt\n"}
assert(getmetatable(x) == "vmlab.machine")
getmetatable(x).__index = nil
