-- vmlab run --vmm trap --lua mon_write.lua guest.s: an `exit` handler
-- writes a register of the monitor's machine (the guest's s1 while it is
-- on the CPU); the write takes effect at the next instruction boundary,
-- after the exit, and the run goes on: the guest powers off with
-- 21 + 5 = 26.
local mon = vmlab.session
local x = mon.machine
mon:on("exit", "mtcr", function(ev)
	assert(ev.vm.id == 0 and x.cpu.s1 == 1)
	x.cpu.s1 = 5
	assert(x.cpu.s1 == 5) -- pending: reads see it
end)
