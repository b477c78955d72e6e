-- Monitor event `pt_write`: a guest store to one of its own page tables,
-- which the monitor traces and emulates; the gpa filter.
local TOYOS = os.getenv("TOYOS") or "../../build/toyos.elf"
local mon = vmlab.monitor{variant = "strict",
	vms = {{image = TOYOS, console_in = "../../labs/os/demo.txt"}}}
local vm = mon.vms[1]
local n, pending = 0, nil
mon:on("pt_write", function(ev)
	n = n + 1
	assert(ev.size == 4 and ev.gpa & 3 == 0 and ev.gpa < vm.phys.size)
	-- the value is stored when the event comes
	assert(vm.phys:read32(ev.gpa) == ev.value, "stored")
	assert(vm:walk(ev.pc).guest.mapped)
end)
local one = 0
mon:on("pt_write", {0, 0}, function() one = one + 1 end)
assert(mon:run{max_insns = 400000000} == "done")
assert(n == mon:stats().exits["pt-write"] and n > 0, n)
assert(one == 0)
