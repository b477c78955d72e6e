-- expect: 1 /monitor_sched_error\.lua:4: mon:schedule: the scheduler must return a VM/
local G = "_start: li t1, 5\n mtcr scratch, t1\n mfcr t2, scratch\n li t0, 0xf0004000\n sw zero, 0(t0)\n"
local mon = vmlab.monitor{vms = {{source = G, mem = "64K"}, {source = G, mem = "64K"}}}
mon:schedule(function(ready, current) return 42 end)
mon:run{}
