-- Monitor events `vm_switch` and `vm_end`: which VM gets the CPU (and from
-- which), and how each VM ends; the VM filter.
local function guest(status, spin)
	return ([[
_start: li   t0, %d
1:      addi t0, t0, -1
        bne  t0, zero, 1b
        li   t0, 0xf0004000
        li   a0, %d
        sw   a0, 0(t0)
]]):format(spin, status)
end
local mon = vmlab.monitor{slice = 10000, vms = {
	{source = guest(4, 20000), mem = "64K"}, {source = guest(5, 50000), mem = "64K"},
	{source = "_start: li t0, 1\n lw t0, 0(t0)\n", mem = "64K"}}}
local switches, to_b, ends = 0, 0, {}
mon:on("vm_switch", function(ev)
	switches = switches + 1
	assert(ev.vm == mon.current and ev.vm ~= ev.from)
	assert(ev.from == nil or ev.from.id ~= ev.vm.id)
end)
mon:on("vm_switch", mon.vms[2], function(ev) to_b = to_b + 1; assert(ev.vm.id == 1) end)
mon:on("vm_end", function(ev)
	ends[#ends + 1] = ev
	assert(ev.vm.state == ev.state)
end)
local only = 0
mon:on("vm_end", 1, function(ev) only = only + 1 end)
assert(mon:run{} == "done")
assert(switches == mon:stats().vm_switches and switches > 3, switches)
assert(to_b == mon.vms[2]:stats().vm_switches)
assert(#ends == 3 and only == 1)
local by = {}
for _, ev in ipairs(ends) do by[ev.vm.id] = ev end
assert(by[0].state == "poweroff" and by[0].exit == 4 and by[0].reason == nil)
assert(by[1].state == "poweroff" and by[1].exit == 5)
assert(by[2].state == "crashed" and by[2].reason and by[2].exit == nil, by[2].reason)
assert(mon.vms[3].reason == by[2].reason)
local ok, err = pcall(mon.on, mon, "vm_end", 7, function() end)
assert(not ok and err:find("no VM 7"), err)

-- step-wise: vmlab.wait on a monitor, for its events
local m = vmlab.monitor{slice = 10000, vms = {{source = guest(1, 5000), mem = "64K"},
	{source = guest(2, 100), mem = "64K"}}}
local first = vmlab.wait(m, "vm_end")
assert(first.vm.id == 1 and first.exit == 2 and m.vms[1].state == "running")
local second = vmlab.wait(m, "vm_end", m.vms[1])
assert(second.vm.id == 0 and second.exit == 1)
local none, why = vmlab.wait(m, "vm_end")
assert(none == nil and why == "done", why)
