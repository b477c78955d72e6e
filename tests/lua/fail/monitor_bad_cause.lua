-- expect: 1 /monitor_bad_cause\.lua:4: mon:handle: unknown exit cause 'mtrc'/
local G = "_start: li t1, 5\n mtcr scratch, t1\n mfcr t2, scratch\n li t0, 0xf0004000\n sw zero, 0(t0)\n"
local mon = vmlab.monitor{vms = {{source = G, mem = "64K"}}}
mon:handle("mtrc", function() return "default" end)
