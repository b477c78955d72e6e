-- Monitor events `shadow_fill` and `shadow_drop`: each shadow entry the
-- monitor fills (what it maps, and the guest walk agrees) and drops; the
-- va-range filter.
local TOYOS = os.getenv("TOYOS") or "../../build/toyos.elf"
local mon = vmlab.monitor{variant = "strict",
	vms = {{image = TOYOS, console_in = "../../labs/os/demo.txt"}}}
local vm = mon.vms[1]
local fills, drops, tables, low = 0, 0, 0, 0
mon:on("shadow_fill", function(ev)
	fills = fills + 1
	assert(ev.va & 0xfff == 0 and ev.gpa & 0xfff == 0)
	local w = vm:walk(ev.va)
	assert(w.guest.gpa & ~0xfff == ev.gpa, "the guest's own translation")
	assert(w.shadow.hpa & ~0xfff == ev.hpa, "and the shadow entry just made")
	assert(vm.phys:read32(ev.gpa) == mon.machine.phys:read32(ev.hpa))
	-- writable only if the guest's entry is writable and already dirty
	if ev.writable and w.guest.paging then assert(w.guest.pte & 0x22 == 0x22, "W and D") end
	assert(ev.writable == (w.shadow.spte & 2 ~= 0))
end)
mon:on("shadow_fill", {0, 0xffff}, function(ev)
	low = low + 1
	assert(ev.va <= 0xffff)
end)
mon:on("shadow_drop", function(ev)
	drops = drops + 1
	if ev.table then tables = tables + 1; assert(ev.va & 0x3fffff == 0) end
end)
assert(mon:run{max_insns = 400000000} == "done")
local s = mon:stats()
assert(fills == s.shadow_fills and fills > 100, fills)
assert(drops == s.shadow_drops and drops > 0, drops)
assert(low > 0 and low < fills)
