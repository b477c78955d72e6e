-- Policies (mon:handle): a Lua function replaces the monitor's handling of
-- one exit cause, for every VM or one; its verdict "handled" (it did the
-- work and set the pc), "reflect" (the guest gets the trap) or "default"
-- (the monitor's C code).  Any cause: here a privileged instruction, the
-- hypercall instruction (a reflected trap until the paravirtual monitor),
-- and a device access (mmio) emulated in Lua.
local G = [[
        .text
_start: la    t0, vec
        mtcr  tvec, t0
        li    t1, 5
        mtcr  scratch, t1       # handled by Lua: stored doubled
        mfcr  s0, scratch       # default: the C path reads 10
        li    a0, 41
        hypercall               # Lua: a0 = a0 + 1
        li    t0, 0xf0002000
        li    t1, 72
        sw    t1, 0(t0)         # mmio, emulated by Lua: nothing printed
        mfcr  s1, scratch       # reflect: the guest's vector gets it
after:  li    t0, 0xf0004000
        sw    s2, 0(t0)
vec:    ]] .. ("j tr\n        "):rep(16) .. [[

tr:     mfcr  s2, cause
        la    t3, after
        mtcr  epc, t3
        rfe
]]
local mon = vmlab.monitor{variant = "strict", vms = {{source = G, mem = "64K"}, {source = G, mem = "64K"}}}
local a, b = mon.vms[1], mon.vms[2]
local calls, seen, stored = {}, {}, {}
local function count(k) calls[k] = (calls[k] or 0) + 1 end

mon:handle("mtcr", function(vm, cpu, insn)
	count("mtcr")
	assert(vm == mon.current and cpu == vm.cpu and cpu.on_cpu and cpu.ring == 0)
	assert(insn.op == "mtcr" and insn.cause == "mtcr" and insn.ring == 0)
	assert(insn.pc == cpu.pc and insn.word == vm.phys:read32(insn.pc))
	if insn.cr ~= "scratch" then return "default" end
	seen.mtcr = {rs1 = insn.rs1, imm = insn.imm, cr = insn.cr}
	cpu.cr[insn.cr] = cpu.r[insn.rs1] * 2
	cpu.pc = insn.pc + 4
	return "handled"
end)
mon:handle("mfcr", function(vm, cpu, insn)
	count("mfcr")
	if insn.rd == 11 then return "reflect" end  -- s1
	return "default"
end)
mon:handle("reflect", function(vm, cpu, insn)
	count("reflect")
	if insn.op ~= "hypercall" then return "default" end
	cpu.a0 = cpu.a0 + 1
	cpu.pc = insn.pc + 4
	vm:charge(10)
	return "handled"
end)
mon:handle("mmio", function(vm, cpu, insn)
	count("mmio")
	assert(insn.op == "sw")
	if insn.badva ~= 0xf0002000 then return "default" end  -- the power device
	stored[#stored + 1] = cpu.r[insn.rs2]
	cpu.pc = insn.pc + 4
	return "handled"
end, b)                                       -- VM 1 only

assert(mon:run{} == "done")
for _, vm in ipairs({a, b}) do
	assert(vm.cpu.s0 == 10, "the Lua mtcr doubled it")
	assert(vm.cpu.a0 == 42, "the Lua hypercall")
	assert(vm.cpu.s2 & 0xff == 4 and vm.exit_code == vm.cpu.s2, "reflected: privileged")
	assert(vm.cpu.cr.epc ~= 0)
end
assert(seen.mtcr.cr == "scratch" and seen.mtcr.rs1 == 6)  -- t1
assert(mon:console(0) == "H" and mon:console(1) == "", "VM 1's UART store went to Lua")
assert(#stored == 1 and stored[1] == 72)
-- counted: handled under the cause, reflected as reflect, default as the C path's
local s = a:stats()
assert(s.exits.mtcr == 3 and s.exits.mfcr == 2 and s.exits.reflect == 2, s.exits.reflect)
assert(calls.mtcr == 6 and calls.mfcr == 6 and calls.mmio == 2 and calls.reflect == 2)

-- removing a policy (nil) brings back the C path; a VM's own wins over all's
local mon2 = vmlab.monitor{variant = "strict", vms = {{source = G, mem = "64K"}, {source = G, mem = "64K"}}}
local n_all, n_one = 0, 0
mon2:handle("mtcr", function() n_all = n_all + 1; return "default" end)
mon2:handle("mtcr", function() n_one = n_one + 1; return "default" end, 1)
mon2:handle("mtcr", nil)
assert(mon2:run{} == "done")
assert(n_all == 0 and n_one == 3 and mon2.vms[1].cpu.s0 == 5)

-- a policy may not run the monitor, and misuse is an error naming the argument
local mon3 = vmlab.monitor{variant = "strict", vms = {{source = G, mem = "64K"}}}
mon3:handle("mtcr", function() mon3:step() end)
local ok, err = pcall(mon3.run, mon3)
assert(not ok and err:find("not allowed inside an event handler") and err:find("the 'mtcr' policy"), err)
for _, t in ipairs({
	{function() mon3:handle("mtrc", print) end, "unknown exit cause 'mtrc'"},
	{function() mon3:handle("mtcr", 5) end, "function expected"},
	{function() mon3:handle(7, print) end, "must be a name"},
	{function() mon3:handle("interrupt", print) end, "timer interrupt"},
	{function() mon3:handle("mtcr", print, 3) end, "no VM 3"},
	{function() mon3:schedule("x") end, "function expected"},
}) do
	ok, err = pcall(t[1])
	assert(not ok and err:find(t[2]), tostring(err) .. " (want " .. t[2] .. ")")
end
