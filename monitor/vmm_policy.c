/*
 * vmm_policy.c -- the monitor's behaviour replaced from outside: policies
 * for exit causes, a scheduler, and the calls through which they (and
 * tools between runs) read and change a VM's virtual CPU.
 *
 * A policy runs inside the exit, where the C handler has decided the
 * cause (vmm_exit_begin, vmm_priv.h):
 *
 *   handler ── cause ──► vmm_exit_begin ──► vmm_policy_run ──► fn
 *                             │                  HANDLED: count, done
 *                             │                  REFLECT: count reflect,
 *                             │                           inject the trap
 *                             ▼                  DEFAULT ─┐
 *                        count the cause  ◄───────────────┘
 *                        the C path goes on
 *
 * The policy of a VM is looked up first, then the one for every VM.
 */
#include "monitor/vmm_priv.h"

#include <string.h>

/* ---- policies ---- */

bool vmm_set_policy(struct vmm *v, enum vmm_exit cause, int vm, vmm_policy_fn fn, void *opaque)
{
	struct vmm_policy *p;

	if ((unsigned)cause >= EXIT_COUNT || cause == EXIT_INTERRUPT || vm >= v->nvms)
		return false;
	p = vm < 0 ? &v->policy[cause] : &v->vms[vm]->policy[cause];
	v->npolicies += (fn != NULL) - (p->fn != NULL);
	*p = (struct vmm_policy){ .fn = fn, .opaque = fn ? opaque : NULL };
	return true;
}

bool vmm_policy_run(struct vmm *v, struct vm *vm, enum vmm_exit cause,
		    const struct trap_event *t, uint32_t guest_cause)
{
	const struct vmm_policy *p = vm->policy[cause].fn ? &vm->policy[cause] : &v->policy[cause];
	uint64_t injections = vm->cpu.injections;
	struct vmm_exit_ctx x = {
		.vm = vm->id, .cause = cause, .trap = t, .guest_cause = guest_cause,
		.vring = vm->cpu.vring,
	};

	if (!p->fn)
		return false;
	switch (p->fn(p->opaque, v, &x)) {
	case VMM_HANDLED:
		vm->stats.exits[cause]++;
		/* the instruction completed for the guest (unless the policy
		 * delivered a trap): a fault now is no double fault */
		if (vm->cpu.injections == injections)
			vm->cpu.inject_valid = false;
		return true;
	case VMM_REFLECT:
		vm->stats.exits[EXIT_REFLECT]++;
		vcpu_inject(v, vm, CAUSE_CODE(guest_cause), CAUSE_ACCESS(guest_cause),
			    CAUSE_PROT(guest_cause), t->pc, t->badva);
		return true;
	default:
		return false;
	}
}

/* ---- the scheduler ---- */

void vmm_set_scheduler(struct vmm *v, vmm_sched_fn fn, void *opaque)
{
	v->sched = fn;
	v->sched_opaque = opaque;
}

struct vm *vmm_sched_pick(struct vmm *v)
{
	int ready[VMM_MAX_VMS], n = 0, pick;

	for (int i = 0; i < v->nvms; i++)
		if (v->vms[i]->state == VM_RUNNING && !v->vms[i]->cpu.halted)
			ready[n++] = i;
	if (!n)
		return NULL;
	pick = v->sched(v->sched_opaque, v, v->cur ? v->cur->id : -1, ready, n);
	for (int i = 0; i < n; i++)
		if (ready[i] == pick)
			return v->vms[pick];
	return NULL;
}

/* ---- the virtual CPU, from outside ---- */

static struct vm *vm_of(const struct vmm *v, int i)
{
	return i >= 0 && i < v->nvms ? v->vms[i] : NULL;
}

/* Its registers are the real CPU's (an ended VM's too, until another
 * VM gets the CPU). */
static bool on_cpu(const struct vmm *v, const struct vm *vm)
{
	return v->cur == vm;
}

uint32_t vmm_vcpu_reg(const struct vmm *v, int i, unsigned r)
{
	const struct vm *vm = vm_of(v, i);

	if (!vm || r == 0 || r >= ISA_NREGS)
		return 0;
	return on_cpu(v, vm) ? machine_reg(v->m, r) : vm->cpu.regs[r];
}

void vmm_vcpu_set_reg(struct vmm *v, int i, unsigned r, uint32_t x)
{
	struct vm *vm = vm_of(v, i);

	if (!vm || r == 0 || r >= ISA_NREGS)
		return;
	if (on_cpu(v, vm))
		machine_set_reg(v->m, r, x);
	else
		vm->cpu.regs[r] = x;
}

uint32_t vmm_vcpu_pc(const struct vmm *v, int i)
{
	const struct vm *vm = vm_of(v, i);

	return !vm ? 0 : on_cpu(v, vm) ? machine_pc(v->m) : vm->cpu.pc;
}

void vmm_vcpu_set_pc(struct vmm *v, int i, uint32_t pc)
{
	struct vm *vm = vm_of(v, i);

	if (vm && on_cpu(v, vm))
		machine_set_pc(v->m, pc);
	else if (vm)
		vm->cpu.pc = pc;
}

uint32_t vmm_vcpu_psw(const struct vmm *v, int i)
{
	const struct vm *vm = vm_of(v, i);

	return vm ? vcpu_psw(v, vm) : 0;
}

void vmm_vcpu_set_psw(struct vmm *v, int i, uint32_t psw)
{
	struct vm *vm = vm_of(v, i);

	if (vm) {
		vcpu_set_psw(v, vm, psw & PSW_WRITABLE);
		vmm_vm_changed(v, vm); /* its IE decides whether a tick is late */
	}
}

uint32_t vmm_vcpu_cr(const struct vmm *v, int i, unsigned cr)
{
	const struct vm *vm = vm_of(v, i);

	return vm && cr < CR_COUNT ? vcpu_cr(v, vm, cr) : 0;
}

bool vmm_vcpu_set_cr(struct vmm *v, int i, unsigned cr, uint32_t x)
{
	struct vm *vm = vm_of(v, i);

	if (!vm || cr >= CR_COUNT || !isa_cr_name(cr) || cr == CR_CPUID || cr == CR_MEMSIZE)
		return false;
	vcpu_write_cr(v, vm, cr, x);
	vmm_vm_changed(v, vm); /* (e.g. the interrupt mask) */
	return true;
}

uint64_t vmm_vcpu_clock(const struct vmm *v, int i)
{
	const struct vm *vm = vm_of(v, i);

	return vm ? vmm_vm_now(v, vm) : 0;
}

/* The VM on the CPU, for the calls that act as its instructions do. */
static struct vm *running(struct vmm *v, int i)
{
	struct vm *vm = vm_of(v, i);

	return vm && on_cpu(v, vm) && vm->state == VM_RUNNING ? vm : NULL;
}

bool vmm_vcpu_halt(struct vmm *v, int i)
{
	struct vm *vm = running(v, i);

	if (vm)
		vcpu_halt(vm);
	return vm != NULL;
}

bool vmm_vcpu_tlbflush(struct vmm *v, int i)
{
	if (!running(v, i))
		return false;
	machine_tlb_flush(v->m); /* shadows are coherent through tracing */
	return true;
}

bool vmm_vcpu_tlbinv(struct vmm *v, int i, uint32_t va)
{
	struct vm *vm = running(v, i);

	if (vm)
		shadow_invalidate(v, vm, va);
	return vm != NULL;
}

bool vmm_vcpu_inject(struct vmm *v, int i, unsigned code, uint32_t epc, uint32_t badva)
{
	struct vm *vm = running(v, i);

	if (!vm || code >= TRAP_NCAUSES)
		return false;
	vcpu_inject(v, vm, code, 0, 0, epc, badva);
	return true;
}

bool vmm_vcpu_charge(struct vmm *v, int i, uint32_t cycles)
{
	struct vm *vm = running(v, i);

	if (vm)
		vmm_charge(v, vm, cycles);
	return vm != NULL;
}
