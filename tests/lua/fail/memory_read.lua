-- expect: 1 /not enough memory/ --sandbox --lua-mem 4M
local x = vmlab.machine{source = "_start: halt\n", mem = "16M"}
local s = x.phys:read(0, 16 * 1024 * 1024)
