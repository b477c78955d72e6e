-- expect: 1 /vmlab.machine expected, got table/ --sandbox
local x = vmlab.machine{source = "_start: halt\n"}
x.run({}, {})
