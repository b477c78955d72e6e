/*
 * emulate.c -- trap-and-emulate: what each privileged instruction of the
 * guest kernel does to its virtual CPU.
 *
 * The guest kernel runs in real ring 2 (vcpu.c, ring compression), so each
 * instruction that reads or changes the processor's privileged state traps
 * to the monitor; vcpu_emulate decodes it, gives a Lua policy its chance
 * (mon:handle), charges the cost and calls vcpu_emulate_insn, here, to do
 * what the instruction would have done on bare metal -- to the vCPU, not
 * the real CPU (Popek and Goldberg 1974: the monitor's control).
 *
 *   guest:   mtcr ptbr, a0     (real ring 2: traps, TRAP_PRIVILEGED)
 *   monitor: vcpu_emulate ─► vcpu_emulate_insn(.., in = {op mtcr, imm CR_PTBR,
 *            rs1 a0}, ..) ─► vcpu_write_cr (a new shadow) ─► vcpu_next (pc + 4)
 *
 * This file is the student's in labs/04-trap-emulate (its C track): it
 * uses only the vCPU calls of vmm_priv.h (vcpu_*, machine_reg/set_reg/
 * set_pc, shadow_invalidate, machine_tlb_flush), and the grader links a
 * student's copy in place of this one.
 */
#include "monitor/vmm_priv.h"

void vcpu_emulate_insn(struct vmm *v, struct vm *vm, const struct trap_event *t,
		       const struct isa_insn *in, enum vmm_exit cause)
{
	struct vcpu *c = &vm->cpu;
	unsigned cr;
	uint32_t x;

	switch (in->op) {
	case OP_mfcr:
	case OP_mtcr:
		cr = (unsigned)in->imm;
		if (!isa_cr_ring_ok(c->vring, cr)) {
			vcpu_inject(v, vm, TRAP_PRIVILEGED, 0, 0, t->pc, 0);
			return;
		}
		if (cr >= CR_COUNT || !isa_cr_name(cr) ||
		    (in->op == OP_mtcr && (cr == CR_CPUID || cr == CR_MEMSIZE))) {
			vcpu_inject(v, vm, TRAP_ILLEGAL, 0, 0, t->pc, 0);
			return;
		}
		// BEGIN SOLUTION TODO: mfcr: rd = the virtual register; mtcr: write it (vcpu_write_cr); resume after the insn
		if (in->op == OP_mfcr) {
			machine_set_reg(v->m, in->rd, c->vcr[cr]);
			vcpu_next(v, vm, t);
		} else {
			vcpu_write_cr(v, vm, cr, machine_reg(v->m, in->rs1));
			vcpu_next(v, vm, t);
		}
		return;
		// END SOLUTION
		break;
	case OP_rfe:
		if (c->vring == 0) {
			// BEGIN SOLUTION TODO: rfe in ring 0: pc = epc, the virtual PSW = epsw
			machine_set_pc(v->m, c->vcr[CR_EPC]);
			vcpu_set_psw(v, vm, c->vcr[CR_EPSW]);
			c->inject_valid = false;
			return;
			// END SOLUTION
		} else if (c->vring == 1 && (c->vcr[CR_EPSW1] & PSW_RING_MASK) >= 1) {
			x = c->vcr[CR_EPSW1];
			machine_set_pc(v->m, c->vcr[CR_EPC1]);
			vcpu_set_psw(v, vm, (x & ~PSW_IE) | (c->vie ? PSW_IE : 0));
			c->inject_valid = false;
			return;
		} else {
			vcpu_inject(v, vm, TRAP_PRIVILEGED, 0, 0, t->pc, 0);
			return;
		}
		break;
	default:
		break;
	}
	if (cause == EXIT_REFLECT) { /* ring 0's only; or no such instruction */
		vcpu_inject(v, vm, c->vring != 0 ? TRAP_PRIVILEGED : TRAP_ILLEGAL, 0, 0, t->pc, 0);
		return;
	}
	/* on the strict machine rdpsw, wrpsw and rdcycle trap too (on the
	 * classic one they never do) */
	switch (in->op) {
	case OP_rdpsw: /* strict machine: these trap, so they can be right */
		// BEGIN SOLUTION TODO: rd = the PSW the guest believes in (vcpu_psw)
		machine_set_reg(v->m, in->rd, vcpu_psw(v, vm));
		vcpu_next(v, vm, t);
		return;
		// END SOLUTION
		break;
	case OP_wrpsw:
		// BEGIN SOLUTION TODO: the virtual PSW = rs1 (vcpu_set_psw)
		vcpu_set_psw(v, vm, machine_reg(v->m, in->rs1));
		vcpu_next(v, vm, t);
		return;
		// END SOLUTION
		break;
	case OP_rdcycle:
	case OP_rdcycleh:
		/* the guest's clock, as its timer counts it (the timer policy:
		 * under "guest" it leaves out the monitor's work for this VM) */
		x = in->op == OP_rdcycle ? (uint32_t)vmm_vm_now(v, vm)
					 : (uint32_t)(vmm_vm_now(v, vm) >> 32);
		machine_set_reg(v->m, in->rd, x);
		vcpu_next(v, vm, t);
		return;
	case OP_tlbinv:
		// BEGIN SOLUTION TODO: drop va rs1 from the shadow and the real TLB (shadow_invalidate)
		shadow_invalidate(v, vm, machine_reg(v->m, in->rs1));
		vcpu_next(v, vm, t);
		return;
		// END SOLUTION
		break;
	case OP_tlbflush:
		// BEGIN SOLUTION TODO: flush the real TLB (the shadows stay: tracing keeps them coherent)
		/* shadows are coherent through tracing; only the real TLB goes */
		machine_tlb_flush(v->m);
		vcpu_next(v, vm, t);
		return;
		// END SOLUTION
		break;
	case OP_halt:
		// BEGIN SOLUTION TODO: resume after the halt, then wait for an interrupt (vcpu_halt)
		vcpu_next(v, vm, t);
		vcpu_halt(vm);
		return;
		// END SOLUTION
		break;
	default:
		break;
	}
	/* what is not emulated (yet): the guest gets an illegal instruction */
	vcpu_inject(v, vm, TRAP_ILLEGAL, 0, 0, t->pc, 0);
}
