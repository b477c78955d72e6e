-- expect: 1 /vmlab.phys expected, got vmlab.cpu/ --sandbox
local x = vmlab.machine{source = "_start: halt\n"}
x.phys.read32(x.cpu, 0)
