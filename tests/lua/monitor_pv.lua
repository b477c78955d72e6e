-- A hypercall is an exit cause like the others (docs/paravirt.md): a Lua
-- policy (mon:handle("hypercall", fn)) sees every one a paravirtual guest
-- makes, may leave it to the monitor's C dispatcher ("default") or carry
-- it out itself ("handled").
local TOYOS_PV = (os.getenv("TOYOS") or "../../build/toyos.elf"):gsub("toyos%.elf$", "toyos-pv.elf")
local INPUT = "../../labs/os/demo.txt"

-- 1. toyos-pv under a policy that only counts: the same console and the
-- same hypercalls, by number, as the C dispatcher alone
local function boot(variant)
	return vmlab.monitor{mode = "pv", variant = variant,
			     vms = {{image = TOYOS_PV, console_in = INPUT}}}
end
for _, variant in ipairs({"classic", "strict"}) do
	local plain, seen = boot(variant), boot(variant)
	local by_number = {}
	seen:handle("hypercall", function(vm, cpu, insn)
		by_number[cpu.t0] = (by_number[cpu.t0] or 0) + 1
		return "default"
	end)
	assert(plain:run{max_insns = 400000000} == "done")
	assert(seen:run{max_insns = 400000000} == "done")
	assert(#plain:console(0) > 1000 and plain:console(0) == seen:console(0),
	       variant .. ": a counting policy changes nothing the guest sees")
	local total = 0
	for _, n in pairs(by_number) do total = total + n end
	assert(total > 100 and total == seen:stats().exits.hypercall,
	       variant .. ": the policy saw every hypercall")
	assert(plain:stats().exits.hypercall == total)
end

-- 2. a hypercall the monitor does not have, carried out in Lua
local src = [[
        .equ  POWER, 0xf0004000
__vmlab_paravirt:
_start: li    t0, vectors
        mv    a0, t0
        li    t0, 3                # set_trap_table
        hypercall
        li    t0, 99               # no such hypercall in C
        hypercall
        mv    a0, t0
        li    t1, POWER
        sw    a0, 0(t1)
        .align 8
vectors: .space 256
]]
local function run99(policy)
	local m = vmlab.monitor{mode = "pv", vms = {{source = src}}}
	if policy then m:handle("hypercall", policy) end
	assert(m:run{max_insns = 100000} == "done")
	return m.vms[1]
end
local c = run99(nil)
assert(c.state == "poweroff" and c.exit_code ~= 42, "C: an unknown number is an error")
local l = run99(function(vm, cpu, insn)
	if cpu.t0 ~= 99 then return "default" end
	cpu.t0 = 42
	cpu.pc = insn.pc + 4
	return "handled"
end)
assert(l.state == "poweroff" and l.exit_code == 42, "Lua: hypercall 99 returned 42")
