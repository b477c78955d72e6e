-- privileged.lua -- lab 04, the Lua track: emulate the privileged
-- instructions of a guest kernel as monitor policies (mon:handle,
-- docs/lua.md).  Return a table: cause name -> function(vm, cpu, insn).
--
-- Each policy does to the virtual CPU what the instruction does on bare
-- metal (docs/isa.md), sets cpu.pc, and returns "handled".  A guest in
-- ring 1 or 2 (toyos never is) is left to the monitor: return "default".
-- The grader charges the cost of an emulation for you.
--
--   cpu.r[n]      general registers      cpu.cr.NAME   control registers
--   cpu.pc        where the guest goes   cpu.psw       ring | IE | flags
--   cpu.ring      the guest's ring       insn.pc, insn.rd, insn.rs1, insn.cr
--   vm:tlbinv(va), vm:tlbflush(), vm:halt(), vm:inject("illegal-instruction")
local P = {}

function P.mfcr(vm, cpu, insn)
	if cpu.ring ~= 0 or not insn.cr then return "default" end
	-- BEGIN SOLUTION TODO: rd = the virtual control register, then resume after the instruction
	cpu.r[insn.rd] = cpu.cr[insn.cr]
	cpu.pc = insn.pc + 4
	return "handled"
	-- END SOLUTION
end

function P.mtcr(vm, cpu, insn)
	if cpu.ring ~= 0 or not insn.cr then return "default" end
	-- BEGIN SOLUTION TODO: cpuid and memsize are read-only (an illegal instruction); else write the register from rs1
	if insn.cr == "cpuid" or insn.cr == "memsize" then
		vm:inject("illegal-instruction")
		return "handled"
	end
	cpu.cr[insn.cr] = cpu.r[insn.rs1]  -- ptbr, mmu: the monitor makes a new shadow
	cpu.pc = insn.pc + 4
	return "handled"
	-- END SOLUTION
end

function P.rfe(vm, cpu, insn)
	if cpu.ring ~= 0 then return "default" end
	-- BEGIN SOLUTION TODO: back to epc, with the PSW saved in epsw (the virtual ring and IE)
	cpu.pc = cpu.cr.epc
	cpu.psw = cpu.cr.epsw
	return "handled"
	-- END SOLUTION
end

function P.rdpsw(vm, cpu, insn)
	-- BEGIN SOLUTION TODO: rd = the PSW the guest believes in
	cpu.r[insn.rd] = cpu.psw
	cpu.pc = insn.pc + 4
	return "handled"
	-- END SOLUTION
end

function P.wrpsw(vm, cpu, insn)
	-- BEGIN SOLUTION TODO: the PSW = rs1 (ring, IE, flags)
	cpu.psw = cpu.r[insn.rs1]
	cpu.pc = insn.pc + 4
	return "handled"
	-- END SOLUTION
end

function P.tlbinv(vm, cpu, insn)
	-- BEGIN SOLUTION TODO: forget the translation of the address in rs1
	vm:tlbinv(cpu.r[insn.rs1])
	cpu.pc = insn.pc + 4
	return "handled"
	-- END SOLUTION
end

function P.tlbflush(vm, cpu, insn)
	-- BEGIN SOLUTION TODO: forget every translation
	vm:tlbflush()
	cpu.pc = insn.pc + 4
	return "handled"
	-- END SOLUTION
end

function P.halt(vm, cpu, insn)
	-- BEGIN SOLUTION TODO: resume after the halt, and wait for an interrupt
	cpu.pc = insn.pc + 4
	vm:halt()
	return "handled"
	-- END SOLUTION
end

return P
