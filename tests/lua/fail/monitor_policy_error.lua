-- expect: 1 /monitor_policy_error\.lua:5: boom/
local G = "_start: li t1, 5\n mtcr scratch, t1\n mfcr t2, scratch\n li t0, 0xf0004000\n sw zero, 0(t0)\n"
local mon = vmlab.monitor{vms = {{source = G, mem = "64K"}}}
mon:handle("mtcr", function(vm, cpu, insn)
	error("boom")
end)
mon:run{}
