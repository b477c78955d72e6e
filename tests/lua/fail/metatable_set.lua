-- expect: 1 /bad argument #1 to 'setmetatable' \(table expected, got vmlab.machine\)/ --sandbox
local x = vmlab.machine{source = "_start: halt\n"}
setmetatable(x, {})
