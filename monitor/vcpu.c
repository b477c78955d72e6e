/*
 * vcpu.c -- the virtual CPU: what the guest kernel believes about its
 * processor, and the emulation of every instruction that reveals or
 * changes it.
 *
 * Ring compression: guest rings 0, 1 and 2 run in real ring 2, guest user
 * code in ring 3.  Real ring 2 reaches no control register and cannot rfe,
 * so every instruction that touches the guest's privileged state traps and
 * lands here -- the ring-1 bank (epc1 .. scratch1) and trap delegation
 * (deleg, tvec1) included, which real ring 1 could use without trapping.
 * The real deleg stays 0, so every guest trap reaches the monitor, and a
 * cause the guest delegates is delivered to its virtual ring 1 here.  On
 * the strict machine rdpsw/wrpsw/rdcycle trap too, so the guest cannot
 * tell.  On the classic machine those three run directly and see the real
 * ring (2) and IE: the hole that breaks Popek and Goldberg's equivalence.
 *
 *   guest ring:  0 ──┐                          real CPU, while a guest runs:
 *                1 ──┼──► real ring 2           regs, pc, PSW FLAGS: the guest's
 *                2 ──┘                          RING 2 or 3, IE 1 (monitor's timer)
 *                3 ─────► real ring 3           deleg 0, ring-1 bank: the monitor's
 *
 * While the guest runs, its general registers, pc and PSW FLAGS live in
 * the real CPU; the virtual ring, the virtual IE and every virtual control
 * register (both banks) live here.  The real IE is always 1 in a guest, so
 * the monitor's timer can always take the CPU back (resource control).
 */
#include "monitor/vmm_priv.h"

#include <stdio.h>
#include <string.h>

void vcpu_reset(struct vm *vm, uint32_t entry, enum machine_variant variant)
{
	memset(&vm->cpu, 0, sizeof vm->cpu);
	vm->cpu.pc = entry;
	vm->cpu.vcr[CR_CPUID] = variant == VARIANT_STRICT ? CPUID_STRICT : 0;
	vm->cpu.vcr[CR_MEMSIZE] = vm->mem;
}

static uint32_t live_flags(const struct vmm *v, const struct vm *vm)
{
	return v->cur == vm ? (machine_psw(v->m) & PSW_FLAGS_MASK) : vm->cpu.flags;
}

uint32_t vcpu_psw(const struct vmm *v, const struct vm *vm)
{
	return vm->cpu.vring | (vm->cpu.vie ? PSW_IE : 0) | live_flags(v, vm);
}

/* Make the real PSW match the virtual one (ring compressed, IE on); a
 * VM off the CPU keeps its flags for vcpu_load. */
static void set_real_psw(struct vmm *v, struct vm *vm, uint32_t flags)
{
	if (v->cur != vm) {
		vm->cpu.flags = flags & PSW_FLAGS_MASK;
		return;
	}
	machine_set_psw(v->m, vcpu_real_ring(vm->cpu.vring) | PSW_IE | (flags & PSW_FLAGS_MASK));
}

/* The guest's view of one of its control registers: all of them,
 * the ring-1 bank included, live in the vCPU (the real ones never hold
 * the guest's while it runs in real ring 2; a paravirtual one's do). */
uint32_t vcpu_cr(const struct vmm *v, const struct vm *vm, unsigned cr)
{
	uint32_t x = vm->cpu.vcr[cr];

	/* a paravirtual guest on the CPU owns the real ring-1 bank (pv.c) */
	if (vm->pv && v->cur == vm && cr >= CR_RING1_BASE && cr <= CR_SCRATCH1)
		machine_cr(v->m, cr, &x);
	return x;
}

void vcpu_set_psw(struct vmm *v, struct vm *vm, uint32_t psw)
{
	vm->cpu.vring = psw & PSW_RING_MASK;
	vm->cpu.vie = (psw & PSW_IE) != 0;
	set_real_psw(v, vm, psw);
}

void vcpu_load(struct vmm *v, struct vm *vm)
{
	if (vm->pv) {
		pv_load(v, vm);
		return;
	}
	for (unsigned i = 1; i < ISA_NREGS; i++)
		machine_set_reg(v->m, i, vm->cpu.regs[i]);
	machine_set_pc(v->m, vm->cpu.pc);
	set_real_psw(v, vm, vm->cpu.flags);
	shadow_activate(v, vm);
}

void vcpu_save(struct vmm *v, struct vm *vm)
{
	if (vm->pv) {
		pv_save(v, vm);
		return;
	}
	for (unsigned i = 1; i < ISA_NREGS; i++)
		vm->cpu.regs[i] = machine_reg(v->m, i);
	vm->cpu.pc = machine_pc(v->m);
	vm->cpu.flags = machine_psw(v->m) & PSW_FLAGS_MASK;
}

void vcpu_inject(struct vmm *v, struct vm *vm, uint32_t code, uint32_t access,
		 uint32_t prot, uint32_t epc, uint32_t badva)
{
	struct vcpu *c = &vm->cpu;
	uint64_t now = machine_instret(v->m);
	uint32_t vpsw = vcpu_psw(v, vm);
	uint32_t vcause = CAUSE_MAKE(code, access, prot, c->vring);
	unsigned bank = 0;
	uint32_t base;

	c->injections++;
	if (vm->pv) { /* through the real ring-1 bank (pv.c) */
		pv_inject(v, vm, code, access, prot, epc, badva);
		return;
	}
	vmm_charge(v, vm, v->cfg.costs.inject);
	if (code != TRAP_INTERRUPT && c->inject_valid && c->inject_instret == now) {
		/* as the hardware reports it: the trap being entered, and the
		 * second one only in the reason */
		isa_double_fault_reason(vm->reason, sizeof vm->reason, code, epc);
		vmm_crash(v, vm, vm->reason, c->entry.cause, c->entry.epc, c->entry.badva);
		return;
	}
	if (c->vring >= 1 && code != TRAP_INTERRUPT && (c->vcr[CR_DELEG] >> code & 1) &&
	    c->vcr[CR_TVEC1]) {
		bank = CR_RING1_BASE; /* the guest delegates this cause to its ring 1 */
		base = c->vcr[CR_TVEC1];
	} else if (c->vcr[CR_TVEC] == 0) {
		vmm_crash(v, vm, "guest trap with no trap vector (tvec is 0)", vcause, epc, badva);
		return;
	} else {
		base = c->vcr[CR_TVEC];
	}
	c->vcr[bank + CR_EPC] = epc;
	c->vcr[bank + CR_EPSW] = vpsw;
	c->vcr[bank + CR_CAUSE] = vcause;
	c->vcr[bank + CR_BADVA] = badva;
	if (bank)
		vcpu_set_psw(v, vm, (vpsw & ~PSW_RING_MASK) | 1);
	else
		vcpu_set_psw(v, vm, vpsw & PSW_FLAGS_MASK); /* ring 0, IE off */
	machine_set_pc(v->m, (base & ~3u) + 4 * code);
	vcpu_injected(v, vm, code, vcause, epc, badva);
}

void vcpu_injected(struct vmm *v, struct vm *vm, uint32_t code, uint32_t cause, uint32_t epc,
		   uint32_t badva)
{
	struct vcpu *c = &vm->cpu;

	c->inject_instret = machine_instret(v->m);
	c->inject_valid = true;
	c->entry.cause = cause;
	c->entry.epc = epc;
	c->entry.badva = badva;
	if (code == TRAP_INTERRUPT)
		vm->stats.injected_irqs++;
	if (v->nobs)
		vmm_emit(v, &(struct vmm_event){ .kind = VMM_EV_INJECT, .vm = vm->id,
						 .pc = machine_pc(v->m), .cause = cause,
						 .epc = epc, .badva = badva });
}

void vcpu_check_irq(struct vmm *v, struct vm *vm)
{
	if (vm->pv) {
		pv_check_irq(v, vm);
		return;
	}
	if (vm->state == VM_RUNNING && !vm->cpu.halted && vm->cpu.vie &&
	    (vm->vlines & vm->venabled))
		vcpu_inject(v, vm, TRAP_INTERRUPT, 0, 0, machine_pc(v->m), 0);
}

void vcpu_write_cr(struct vmm *v, struct vm *vm, unsigned cr, uint32_t x)
{
	switch (cr) {
	case CR_ASID:
		x &= ASID_MASK; /* shadows are kept coherent; the ASID is the guest's */
		break;
	case CR_MMU:
		x &= MMU_PG;
		break;
	default:
		break;
	}
	vm->cpu.vcr[cr] = x;
	if ((cr == CR_PTBR || cr == CR_MMU) && v->cur == vm)
		shadow_activate(v, vm); /* a new guest address space (or at vcpu_load) */
}

void vcpu_halt(struct vm *vm)
{
	if (!(vm->vlines & vm->venabled))
		vm->cpu.halted = true; /* the scheduler runs someone else */
}

/* The emulated instruction completed: resume after it.  For the guest it
 * ran (it just never retired on the real CPU), so its handler is past its
 * first instruction and a fault now is no double fault. */
void vcpu_next(struct vmm *v, struct vm *vm, const struct trap_event *t)
{
	machine_set_pc(v->m, t->pc + 4);
	vm->cpu.inject_valid = false;
}

/* The exit a privileged instruction of the guest kernel is (what the
 * statistics count it as). */
static enum vmm_exit emulate_cause(const struct vcpu *c, enum isa_op op)
{
	switch (op) {
	case OP_mfcr: return EXIT_MFCR;
	case OP_mtcr: return EXIT_MTCR;
	case OP_rfe: return EXIT_RFE;
	default: break;
	}
	if (c->vring != 0) /* the rest is ring 0's only */
		return EXIT_REFLECT;
	switch (op) {
	case OP_rdpsw: return EXIT_RDPSW;
	case OP_wrpsw: return EXIT_WRPSW;
	case OP_rdcycle:
	case OP_rdcycleh: return EXIT_RDCYCLE;
	case OP_tlbinv: return EXIT_TLBINV;
	case OP_tlbflush: return EXIT_TLBFLUSH;
	case OP_halt: return EXIT_HALT;
	default: return EXIT_REFLECT;
	}
}

void vcpu_emulate(struct vmm *v, struct vm *vm, const struct trap_event *t)
{
	struct vcpu *c = &vm->cpu;
	struct isa_insn in;
	enum vmm_exit cause;

	isa_decode(t->insn, &in);
	if ((t->psw & PSW_RING_MASK) == RING_USER || vm->pv) {
		/* (a pv kernel in real ring 1 trapped as ring 1 traps on bare
		 * metal: its own handler gets it) */
		/* guest user code: the guest kernel gets the trap, as on hardware */
		if (!vmm_exit_begin(v, vm, EXIT_REFLECT, t, t->cause))
			vcpu_inject(v, vm, TRAP_PRIVILEGED, 0, 0, t->pc, 0);
		return;
	}
	cause = emulate_cause(c, in.op);
	if (vmm_exit_begin(v, vm, cause, t, t->cause))
		return; /* a policy took it */
	vmm_charge(v, vm, v->cfg.costs.emulate);
	vcpu_emulate_insn(v, vm, t, &in, cause);
}
