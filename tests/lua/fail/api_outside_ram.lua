-- expect: 1 /api_outside_ram\.lua:3: bad argument #1 to 'read32' .*outside RAM/
local x = vmlab.machine{source = "_start: halt\n", mem = "64K"}
print(x.phys:read32(0x10000))
