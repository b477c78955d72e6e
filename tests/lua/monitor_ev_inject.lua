-- Monitor event `inject`: a trap or interrupt delivered into the guest,
-- at its vector, as its hardware would; the trap-cause filter.
local TOYOS = os.getenv("TOYOS") or "../../build/toyos.elf"
local mon = vmlab.monitor{variant = "strict",
	vms = {{image = TOYOS, console_in = "../../labs/os/demo.txt"}}}
local n, irqs, sys = 0, 0, 0
mon:on("inject", function(ev)
	n = n + 1
	local tvec = mon.vms[1].cpu.cr.tvec
	assert(ev.pc == (tvec & ~3) + 4 * (ev.cause & 0xff), "the vector")
	assert(mon.vms[1].cpu.cr.epc == ev.epc and mon.vms[1].cpu.cr.cause == ev.cause)
	assert(mon.vms[1].cpu.ring == 0, "delivered to the guest kernel")
	if ev.name == "interrupt" then irqs = irqs + 1 end
end)
mon:on("inject", "syscall", function(ev)
	sys = sys + 1
	assert(ev.name == "syscall" and ev.badva == 0)
end)
assert(mon:run{max_insns = 400000000} == "done")
local s = mon:stats()
assert(irqs == s.injected_irqs and irqs > 0, irqs)
assert(sys > 0 and sys <= s.exits.reflect and n >= sys + irqs)
local ok, err = pcall(mon.on, mon, "inject", "sycall", function() end)
assert(not ok and err:find("trap cause"), err)
