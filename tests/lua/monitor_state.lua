-- The monitor from Lua: building it, its VMs' virtual CPUs (registers,
-- pc, the guest's PSW and ring, virtual control registers), guest-physical
-- memory, the guest walk beside the shadow walk, statistics, the cost
-- model, consoles, and API misuse as errors that name the argument.
local G = [[
        .equ UART, 0xf0002000
        .equ POWER, 0xf0004000
        .equ PD, 0x10000
        .equ PT, 0x11000
_start: li    t0, PT                    # identity-map 0..64K, and the UART
        li    t1, 3
        li    t2, 0x10003
        li    t3, 0x1000
1:      sw    t1, 0(t0)
        addi  t0, t0, 4
        add   t1, t1, t3
        bne   t1, t2, 1b
        li    t0, PD
        li    t1, PT | 3
        sw    t1, 0(t0)
        li    t1, PT + 0x1000 | 3
        sw    t1, 0xf00(t0)
        li    t0, PT + 0x1000
        li    t1, 0xf0002003
        sw    t1, 8(t0)
        li    t1, 0xf0004003
        sw    t1, 16(t0)
        li    t0, PD
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  mmu, t0
        li    t0, 0x5000
        lw    t1, 0(t0)                 # a hidden fault fills the shadow
        li    s0, 77
stop:   beq   s1, zero, stop            # waits for the script
        li    t0, UART
        li    a0, 33
        sw    a0, 0(t0)
        lw    a0, 0x5000(zero)          # what the script wrote there
        li    t0, POWER
        sw    a0, 0(t0)
]]
local mon = vmlab.monitor{variant = "strict", vms = {{source = G, mem = "128K"}, {source = G, mem = "128K", seed = 3}},
	costs = {exit = 1000, entry = 500}, slice = 50000}
assert(tostring(mon) == "vmlab.monitor (2 VMs)" and #mon.vms == 2 and mon.variant == "strict")
assert(getmetatable(mon) == "vmlab.monitor" and mon.machine.variant == "strict")
local a, b = mon.vms[1], mon.vms[2]
assert(a.id == 0 and b.id == 1 and a.name == "source.s" and a.state == "running")
assert(a == mon.vms[1] and a ~= b and a.cpu == a.cpu and a.exit_code == nil)
assert(a.cpu.pc == a:symbol("_start") and a.cpu.ring == 0 and not a.cpu.ie)
assert(a.cpu.cr.memsize == 128 * 1024 and a.cpu.cr.cpuid ~= 0 and a.phys.size == 128 * 1024)
assert(mon.current == nil and not a.cpu.on_cpu)

-- run until VM 0 spins at `stop`: its state is the guest's own view
assert(mon:run{stop_at = {"insn", a:symbol("stop")}} == "event")
assert(mon.current == a and a.cpu.on_cpu and a.cpu.s0 == 77 and a.cpu.r[10] == 77)
assert(a.cpu.pc == a:symbol("stop") and a.cpu.ring == 0 and a.cpu.real_ring == 2)
assert(a.cpu.cr.ptbr == 0x10000 and a.cpu.cr.mmu == 1 and a.cpu.cr[6] == a.cpu.cr.ptbr)
assert(mon.machine.cpu.ring == 2, "ring compression: the guest kernel runs in ring 2")
assert(mon.machine.cpu.cr.ptbr ~= 0x10000, "the real ptbr is the shadow's")
assert(a:where(a:symbol("stop") + 4) == "stop+4")

-- the two walks side by side
local w = a:walk(0x5000)
assert(w.guest.paging and w.guest.mapped and w.guest.gpa == 0x5000 and w.guest.ram)
assert(w.shadow.exists and w.shadow.mapped and w.why == "dirty" and w.text:find("first write"), w.why)
assert(w.shadow.hpa == mon.machine.mmu:walk(0x5000).pa, "the shadow is what the MMU walks")
assert(mon.machine.phys:read32(w.shadow.hpa) == a.phys:read32(0x5000))
w = a:walk(0x6000)
assert(w.guest.mapped and not w.shadow.mapped and w.why == "not-filled" and w.text:find("hidden"))
assert(a:walk(0x400000).why == "guest-fault")
assert(a:walk(0xf0002000).why == "device", a:walk(0xf0002000).why)

-- guest-physical memory and registers, changed between runs
a.phys:write32(0x5000, 0x2a)
assert(a.phys:read32(0x5000) == 0x2a and a.phys:read8(0x5000) == 0x2a)
a.phys:write(0x5100, "abc")
assert(a.phys:read(0x5100, 3) == "abc")
local ok, err = pcall(a.phys.read32, a.phys, 128 * 1024)
assert(not ok and err:find("outside the VM's RAM"), err)
a.cpu.s1 = 1                                    -- lets it go on
a.cpu:set_reg("a3", 9)
assert(a.cpu:reg(4) == 9 and a.cpu.a3 == 9)
ok, err = pcall(function() a.cpu.cr.cpuid = 1 end)
assert(not ok and err:find("read%-only"), err)
ok, err = pcall(function() a.cpu.halted = true end)
assert(not ok and err:find("read%-only"), err)
ok, err = pcall(function() a.cpu.q9 = 1 end)
assert(not ok and err:find("no such register"), err)

-- a write to a guest page table through vm.phys keeps the shadow right
local pte = a.phys:read32(0x11000 + 4 * 5)
a.phys:write32(0x11000 + 4 * 5, 0)              -- unmap 0x5000
assert(a:walk(0x5000).why == "guest-fault", a:walk(0x5000).why)
a.phys:write32(0x11000 + 4 * 5, pte)

-- the cost model, between runs
assert(mon.costs.exit == 1000 and mon.costs.entry == 500 and mon.costs.emulate == 100)
local n = 0
for k, v in pairs(mon.costs) do
	n = n + 1
	assert(mon.costs[k] == v)
end
assert(n == 10) -- exit .. switch_vm, and --vmm pv's hypercall, pv_update
mon.costs.emulate = 7
assert(mon.costs.emulate == 7)
ok, err = pcall(function() mon.costs.bogus = 1 end)
assert(not ok and err:find("no such cost") and err:find("shadow_fill"), err)
ok, err = pcall(function() mon.costs.exit = -1 end)
assert(not ok and err:find("integer of cycles"), err)
ok, err = pcall(function() mon.costs = {} end)
assert(not ok and err:find("read%-only"), err)

-- both VMs to the end: each printed '!' and powered off with 0x2a / 0
b.cpu.s1 = 1
local why = mon:run{}
assert(why == "done", why)
assert(mon:console(0) == "!" and mon:console(b) == "!")
assert(a.state == "poweroff" and a.exit_code == 0x2a and b.exit_code == 0, b.exit_code)
assert(a.cpu.a0 == 0x2a, "an ended VM's registers stay readable")
assert(mon:run{} == "done", "a finished monitor stays done")

-- statistics: per VM and totals
local sa, sb, st = a:stats(), b:stats(), mon:stats()
assert(sa.exits.mtcr == 2 and sa.exits["hidden-fault"] >= 1 and sa.exits.mmio == 2)
assert(st.exits_total == sa.exits_total + sb.exits_total)
assert(st.guest_insns == sa.guest_insns + sb.guest_insns and sa.guest_insns > 0)
assert(st.vm_switches >= 2 and sa.shadow_fills >= 1)
assert(sa.monitor_cycles > 0 and sa.exits.interrupt >= 0)

-- API misuse names the argument
for _, t in ipairs({
	{function() return vmlab.monitor{} end, "vms must be a list"},
	{function() return vmlab.monitor{vms = {{source = G}}, bogus = 1} end, "unknown field 'bogus'"},
	{function() return vmlab.monitor{vms = {{source = G, mem = "1X"}}} end, "vms%[1%]: mem"},
	{function() return vmlab.monitor{vms = {{}}} end, "give image= or source="},
	{function() return vmlab.monitor{vms = {{source = G}}, mode = "hw"} end, "mode 'hw'"},
	{function() return vmlab.monitor{vms = {{source = G}}, costs = {exitt = 1}} end, "unknown cost 'exitt'"},
	{function() return vmlab.monitor{vms = {{source = G}}, timer = "x"} end, "timer 'x'"},
	{function() return vmlab.monitor{vms = {{source = G}}, slice = 0} end, "slice"},
	{function() return vmlab.monitor{vms = {{source = "_start: frob\n"}}} end, "does not assemble"},
	{function() return mon:console(5) end, "no VM 5"},
	{function() return mon:console("a") end, "a VM"},
	{function() return mon:send(0) end, "string expected"},
	{function() return mon.bogus end, "no field 'bogus'"},
	{function() return a.bogus end, "no field 'bogus'"},
	{function() a.id = 3 end, "read%-only"},
	{function() a:halt() end, "only in a policy"},
	{function() a:inject("syscall") end, "only in a policy"},
	{function() return a:walk(-1) end, "not 32%-bit"},
	{function() return a:symbol("nope") end, "no symbol 'nope'"},
	{function() mon.machine:snapshot() end, "not of a monitor's machine"},
	{function() a.cpu.cr.bogus = 1 end, "unknown control register"},
}) do
	ok, err = pcall(t[1])
	assert(not ok and err:find(t[2]), tostring(err) .. " (want " .. t[2] .. ")")
end

-- closing: every object says so
mon:close()
ok, err = pcall(function() return a.cpu.pc end)
assert(not ok and err:find("closed"), err)
ok, err = pcall(mon.run, mon)
assert(not ok and err:find("closed"), err)
