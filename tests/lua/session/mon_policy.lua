-- vmlab run --vmm trap --lua mon_policy.lua guest.s: a policy (mon:handle)
-- changes what the guest sees in a plain run: its mfcr of scratch reads
-- 40, not 21, so it powers off with 41 instead of 22.  Also what a
-- borrowed monitor refuses, and that the cost model may be set before the
-- run.
local mon = vmlab.session
local vm = mon.vms[1]
assert(vm.id == 0 and vm.name:find("guest.s$") and vm.state == "running")
assert(mon.current == nil and mon.machine.cpu and vm:symbol("_start") == vm.cpu.pc)
assert(vm:where(vm.cpu.pc) == "_start")
local ok, err = pcall(mon.run, mon)
assert(not ok and err:find("vmlab run runs vmlab.session"), err)
ok, err = pcall(mon.close, mon)
assert(not ok and err:find("not the script's to close"), err)
ok, err = pcall(mon.console, mon, 0)
assert(not ok and err:find("consoles are the run's"), err)
ok, err = pcall(mon.machine.run, mon.machine)
assert(not ok and err:find("vmlab run runs vmlab.session"), err)
mon.costs.emulate = 1234
assert(mon.costs.emulate == 1234)
local calls = 0
mon:handle("mfcr", function(v, cpu, insn)
	assert(v == vm and insn.op == "mfcr" and insn.cr == "scratch")
	calls = calls + 1
	cpu.r[insn.rd] = 40
	cpu.pc = insn.pc + 4
	v:charge(mon.costs.emulate)
	return "handled"
end)
mon:on("vm_end", function(ev)
	assert(calls == 1 and ev.state == "poweroff" and ev.exit == 41, ev.exit)
	print(("policy: %d call, exit %d"):format(calls, ev.exit))
end)
