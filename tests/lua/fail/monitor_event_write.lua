-- expect: 1 /monitor_event_write\.lua:5: vm\.cpu: a VM is read-only in an event handler/
local G = "_start: li t1, 5\n mtcr scratch, t1\n mfcr t2, scratch\n li t0, 0xf0004000\n sw zero, 0(t0)\n"
local mon = vmlab.monitor{vms = {{source = G, mem = "64K"}}}
mon:on("exit", function(ev)
	ev.vm.cpu.pc = 0
end)
mon:run{}
