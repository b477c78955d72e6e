-- privileged.lua -- the monitor's emulation of the privileged instructions
-- toyos uses, written in Lua: mfcr, mtcr, rfe, wrpsw, rdpsw, rdcycle,
-- tlbflush, tlbinv and halt each become a policy (mon:handle) that does to
-- the virtual CPU what the instruction would do on bare metal.
--
--   vmlab script examples/lua/privileged.lua [TOYOS.elf [INPUT.txt]]
--
-- runs toyos (default build/toyos.elf with labs/os/demo.txt as console
-- input) bare on the strict machine and under the monitor with these
-- policies, and checks that the console output is the same byte for byte.
-- As a library: loadfile("privileged.lua")("--module").install(mon).
--
-- Each policy returns "handled" (done: it set the pc), or "default" for
-- what toyos never does (a guest in ring 1 or 2), which the monitor's C
-- code then handles.  It charges the cost model's `emulate` cycles, as
-- the C code does, so even the cycle counts agree.

local M = {}

function M.install(mon, only_vm)
	local cost = mon.costs.emulate

	local function done(vm, cpu, insn)
		cpu.pc = insn.pc + 4
		vm:charge(cost)
		return "handled"
	end
	local p = {}
	-- insn.cr names the control register (nil: there is none of that number)
	function p.mfcr(vm, cpu, insn)
		if cpu.ring ~= 0 or not insn.cr then return "default" end
		cpu.r[insn.rd] = cpu.cr[insn.cr]
		return done(vm, cpu, insn)
	end
	function p.mtcr(vm, cpu, insn)
		if cpu.ring ~= 0 or not insn.cr then return "default" end
		if insn.cr == "cpuid" or insn.cr == "memsize" then
			vm:inject("illegal-instruction") -- read-only, as the hardware says
			vm:charge(cost)
			return "handled"
		end
		cpu.cr[insn.cr] = cpu.r[insn.rs1]  -- ptbr, mmu: a new shadow
		return done(vm, cpu, insn)
	end
	function p.rfe(vm, cpu, insn)
		if cpu.ring ~= 0 then return "default" end
		cpu.pc = cpu.cr.epc
		cpu.psw = cpu.cr.epsw               -- the virtual ring and IE
		vm:charge(cost)
		return "handled"
	end
	function p.wrpsw(vm, cpu, insn)
		cpu.psw = cpu.r[insn.rs1]
		return done(vm, cpu, insn)
	end
	function p.rdpsw(vm, cpu, insn)
		cpu.r[insn.rd] = cpu.psw
		return done(vm, cpu, insn)
	end
	function p.rdcycle(vm, cpu, insn)
		local t = vm.clock
		cpu.r[insn.rd] = insn.op == "rdcycle" and t & 0xffffffff or t >> 32
		return done(vm, cpu, insn)
	end
	function p.tlbflush(vm, cpu, insn)
		vm:tlbflush()
		return done(vm, cpu, insn)
	end
	function p.tlbinv(vm, cpu, insn)
		vm:tlbinv(cpu.r[insn.rs1])
		return done(vm, cpu, insn)
	end
	function p.halt(vm, cpu, insn)
		local r = done(vm, cpu, insn)
		vm:halt()                           -- the scheduler runs another VM
		return r
	end
	for cause, fn in pairs(p) do
		mon:handle(cause, fn, only_vm)
	end
	return p
end

function M.main(image, input)
	image = image or "build/toyos.elf"
	input = input or "labs/os/demo.txt"
	local budget = 400000000
	local bare = vmlab.machine{image = image, variant = "strict", console_in = input}
	local why = bare:run{max_insns = budget}
	assert(why == "poweroff", "bare toyos did not power off: " .. why)

	local mon = vmlab.monitor{variant = "strict", vms = {{image = image, console_in = input}}}
	M.install(mon)
	why = mon:run{max_insns = budget}
	assert(why == "done", "toyos under the monitor did not finish: " .. why)
	local a, b = bare:console(), mon:console(0)
	if a ~= b then
		local i = 1
		while a:sub(i, i) == b:sub(i, i) do i = i + 1 end
		error(("console output differs at byte %d: bare %q, monitor %q"):format(i,
			a:sub(i, i + 20), b:sub(i, i + 20)))
	end
	local s = mon:stats()
	print(("toyos under Lua emulation: %d console bytes identical to bare metal"):format(#a))
	print(("exits: mfcr %d, mtcr %d, rfe %d, wrpsw %d, rdpsw %d, tlbflush %d, halt %d"):format(
		s.exits.mfcr, s.exits.mtcr, s.exits.rfe, s.exits.wrpsw, s.exits.rdpsw,
		s.exits.tlbflush, s.exits.halt))
	return mon, bare
end

if ... == "--module" then
	return M
end
M.main(...)
