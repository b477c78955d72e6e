/*
 * pv.c -- the paravirtual monitor (`vmlab run --vmm pv`, docs/paravirt.md):
 * hypercalls, the shared page, and a guest kernel in real ring 1.
 *
 * A paravirtual guest kernel knows it is a guest.  Instead of privileged
 * instructions it calls the monitor (`hypercall`, an exit cause of its own
 * in vmm_exit) or writes the page it shares with the monitor:
 *
 *   guest user (real ring 3) ──syscall──► guest kernel (real ring 1)
 *        │   hardware delegation (real deleg = syscall, real tvec1 =
 *        │   the guest's vector table): no exit
 *        ▼ any other trap, an interrupt, a hypercall
 *   vmm_exit ─► pv_hypercall   the call, its result in t0
 *            ─► shadow_fault   as for trap-and-emulate (shadow paging)
 *            ─► pv_inject      a guest trap or virtual interrupt, delivered
 *                              through the real ring-1 bank (epc1 ..), as
 *                              the hardware's delegation would
 *
 * The kernel owns the real ring-1 bank (epc1 .. scratch1) and uses it, and
 * `rfe` in ring 1, without exits: the machine's ring-1 exceptions exist for
 * this (docs/isa.md, section 5).  The monitor keeps real deleg and tvec1
 * for it while it runs, and copies the bank to vcpu.vcr[16..21] when it
 * does not.  Its interrupt flag is a word of the shared page: changing it
 * costs nothing; the monitor delivers a virtual interrupt at an exit when
 * the guest is in ring 3 (user code always runs with interrupts on), or in
 * ring 1 with the flag set, and clears the flag as a trap entry clears IE.
 */
#include "monitor/vmm_priv.h"

#include <stdio.h>
#include <string.h>

#include "sim/image.h"

#define R_T0 5 /* number and result */
#define R_A0 1 /* a0..a3: arguments */

static const char *const hc_names[PV_HC_COUNT] = {
	[PV_HC_INIT] = "init", [PV_HC_MMU_UPDATE] = "mmu_update", [PV_HC_MMUEXT] = "mmuext",
	[PV_HC_SET_TRAP_TABLE] = "set_trap_table", [PV_HC_SET_KSTACK] = "set_kstack",
	[PV_HC_SET_TIMER] = "set_timer", [PV_HC_BLOCK] = "block", [PV_HC_YIELD] = "yield",
	[PV_HC_IRQ_ENABLE] = "irq_enable", [PV_HC_IRET] = "iret",
	[PV_HC_CONSOLE_WRITE] = "console_write", [PV_HC_NOTIFY] = "notify",
	[PV_HC_MULTICALL] = "multicall", [PV_HC_QUEUE_INIT] = "queue_init",
};

const char *pv_hcall_name(unsigned n)
{
	return n < PV_HC_COUNT ? hc_names[n] : "?";
}

bool pv_image_ok(const struct vmm *v, const struct vm_config *vc, char *err, size_t errlen)
{
	bool marked = image_symbol_find(vc->image, PV_MARKER_SYMBOL) != NULL;

	if (marked != v->cfg.pv) {
		/* (the marker is the symbol PV_MARKER_SYMBOL; the front end
		 * names the image before this) */
		snprintf(err, errlen, "%s", marked ? "a paravirtual image: run it with --vmm pv"
						   : "not a paravirtual image: run it with --vmm trap");
		return false;
	}
	return true;
}

void pv_reset(struct vm *vm)
{
	vm->pv = true;
	vm->cpu.vring = 1;
}

/* ---- guest memory: every address from the guest is checked ---- */

uint32_t pv_rd(struct vmm *v, const struct vm *vm, uint32_t gpa, uint32_t len)
{
	uint32_t x = 0;
	machine_phys_read(v->m, vm->base + gpa, &x, len);
	return x;
}

void pv_wr(struct vmm *v, struct vm *vm, uint32_t gpa, uint32_t x, uint32_t len)
{
	machine_phys_write(v->m, vm->base + gpa, &x, len);
	shadow_guest_wrote(v, vm, gpa, len);
}

static uint32_t rd32(struct vmm *v, const struct vm *vm, uint32_t gpa)
{
	return pv_rd(v, vm, gpa, 4);
}

static void wr32(struct vmm *v, struct vm *vm, uint32_t gpa, uint32_t x)
{
	pv_wr(v, vm, gpa, x, 4);
}

static bool sh_ok(const struct vm *vm)
{
	return vm->pv_shared != 0;
}

bool pv_irq_enabled(const struct vmm *v, const struct vm *vm)
{
	uint32_t x = 0;
	if (!sh_ok(vm))
		return false;
	machine_phys_read(v->m, vm->base + vm->pv_shared + PV_SH_IRQ_ENABLED, &x, 4);
	return x != 0;
}

static void set_irq_enabled(struct vmm *v, struct vm *vm, bool on)
{
	if (sh_ok(vm))
		wr32(v, vm, vm->pv_shared + PV_SH_IRQ_ENABLED, on);
}

/* ---- the vCPU on and off the real CPU ---- */

void pv_load(struct vmm *v, struct vm *vm)
{
	struct vcpu *c = &vm->cpu;

	for (unsigned i = 1; i < ISA_NREGS; i++)
		machine_set_reg(v->m, i, c->regs[i]);
	machine_set_pc(v->m, c->pc);
	machine_set_psw(v->m, c->vring | PSW_IE | (c->flags & PSW_FLAGS_MASK));
	for (unsigned cr = CR_RING1_BASE; cr <= CR_SCRATCH1; cr++)
		machine_set_cr(v->m, cr, c->vcr[cr]);
	machine_set_cr(v->m, CR_DELEG, c->vcr[CR_TVEC1] ? 1u << TRAP_SYSCALL : 0);
	shadow_activate(v, vm);
}

void pv_save(struct vmm *v, struct vm *vm)
{
	struct vcpu *c = &vm->cpu;

	for (unsigned i = 1; i < ISA_NREGS; i++)
		c->regs[i] = machine_reg(v->m, i);
	c->pc = machine_pc(v->m);
	c->flags = machine_psw(v->m) & PSW_FLAGS_MASK;
	c->vring = machine_psw(v->m) & PSW_RING_MASK;
	for (unsigned cr = CR_RING1_BASE; cr <= CR_SCRATCH1; cr++)
		machine_cr(v->m, cr, &c->vcr[cr]);
	/* the next guest may be another's: real delegation is per VM */
	machine_set_cr(v->m, CR_DELEG, 0);
	machine_set_cr(v->m, CR_TVEC1, 0);
}

/* ---- traps and interrupts into the guest kernel ---- */

void pv_inject(struct vmm *v, struct vm *vm, uint32_t code, uint32_t access, uint32_t prot,
	       uint32_t epc, uint32_t badva)
{
	struct vcpu *c = &vm->cpu;
	uint64_t now = machine_instret(v->m);
	uint32_t psw = machine_psw(v->m), tvec1 = 0;
	unsigned ring = psw & PSW_RING_MASK;
	uint32_t cause = CAUSE_MAKE(code, access, prot, ring);
	bool ie = ring == RING_USER || pv_irq_enabled(v, vm);

	vmm_charge(v, vm, v->cfg.costs.inject);
	if (code != TRAP_INTERRUPT && c->inject_valid && c->inject_instret == now) {
		isa_double_fault_reason(vm->reason, sizeof vm->reason, code, epc);
		vmm_crash(v, vm, vm->reason, c->entry.cause, c->entry.epc, c->entry.badva);
		return;
	}
	machine_cr(v->m, CR_TVEC1, &tvec1); /* the guest's own (ring 1 may change it) */
	if (tvec1 == 0) {
		vmm_crash(v, vm, "paravirtual guest trap with no trap table (set_trap_table)",
			  cause, epc, badva);
		return;
	}
	/* as the hardware's delegated entry, plus the virtual IE in epsw1 */
	machine_set_cr(v->m, CR_EPC1, epc);
	machine_set_cr(v->m, CR_EPSW1, (psw & (PSW_RING_MASK | PSW_FLAGS_MASK)) | (ie ? PSW_IE : 0));
	machine_set_cr(v->m, CR_CAUSE1, cause);
	machine_set_cr(v->m, CR_BADVA1, badva);
	set_irq_enabled(v, vm, false);
	machine_set_psw(v->m, 1 | PSW_IE | (psw & PSW_FLAGS_MASK));
	machine_set_pc(v->m, (tvec1 & ~3u) + 4 * code);
	c->vring = 1;
	c->vie = false;
	vcpu_injected(v, vm, code, cause, epc, badva);
}

/* At the end of every exit: publish pending lines and time, deliver a
 * virtual interrupt the guest can take, keep the trap vector mapped. */
void pv_check_irq(struct vmm *v, struct vm *vm)
{
	uint32_t pending = vm->vlines & vm->venabled, tvec1 = 0;
	uint64_t now;
	unsigned ring = machine_psw(v->m) & PSW_RING_MASK;

	if (vm->state != VM_RUNNING)
		return;
	pv_queue_poll(v, vm); /* polled rings need no kick */
	if (!sh_ok(vm))
		return;
	now = vmm_vm_now(v, vm);
	wr32(v, vm, vm->pv_shared + PV_SH_IRQ_PENDING, pending);
	wr32(v, vm, vm->pv_shared + PV_SH_TIME, (uint32_t)now);
	wr32(v, vm, vm->pv_shared + PV_SH_TIME + 4, (uint32_t)(now >> 32));
	vm->cpu.vring = ring;
	vm->cpu.vie = ring == RING_USER || pv_irq_enabled(v, vm);
	if (!vm->cpu.halted && pending && vm->cpu.vie)
		pv_inject(v, vm, TRAP_INTERRUPT, 0, 0, machine_pc(v->m), 0);
	if (vm->state == VM_RUNNING && machine_cr(v->m, CR_TVEC1, &tvec1) && tvec1)
		shadow_prefault(v, vm, tvec1 & ~3u);
}

/* ---- the hypercalls ---- */

/* The frame a page-table entry maps is the VM's own: its RAM, or one of
 * its emulated devices (never mapped by a shadow; accesses emulated). */
static bool frame_owned(const struct vm *vm, uint32_t pte)
{
	uint32_t frame = PTE_FRAME(pte);
	return gpa_is_ram(vm, frame, PAGE_SIZE) || vdev_is_mmio(frame);
}

/* Which --stats bucket a batch of n falls in: 1, 2-3, 4-15, 16-63, 64-255, 256+. */
static unsigned batch_bucket(uint32_t n)
{
	static const uint32_t lo[PV_BATCH_BUCKETS] = { 1, 2, 4, 16, 64, 256 };
	unsigned b = 0;
	while (b + 1 < PV_BATCH_BUCKETS && n >= lo[b + 1])
		b++;
	return b;
}

/* An array of count entries of size bytes at gpa, in guest RAM; the
 * count is signed for the guest (a negative one is refused). */
static int32_t check_array(const struct vm *vm, uint32_t gpa, uint32_t count, uint32_t size)
{
	if ((int32_t)count < 0 || count > PV_BATCH_MAX || (gpa & 3))
		return PV_EINVAL;
	if (count && !gpa_is_ram(vm, gpa, count * size))
		return PV_EFAULT;
	return PV_EOK;
}

static void count_batch(struct vm *vm, uint32_t n, uint32_t failed)
{
	if (!n)
		return;
	vm->stats.batches[batch_bucket(n)]++;
	vm->stats.batch_entries += n;
	vm->stats.batch_failed += failed;
}

/* mmu_update: entries {ptr, val, status}; each validated on its own.
 * The result is the number of entries refused. */
static int32_t mmu_update(struct vmm *v, struct vm *vm, uint32_t arr, uint32_t count)
{
	int32_t r = check_array(vm, arr, count, PV_MMU_ENTRY_BYTES);
	uint32_t failed = 0;

	if (r)
		return r;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t e = arr + i * PV_MMU_ENTRY_BYTES;
		uint32_t ptr = rd32(v, vm, e), val = rd32(v, vm, e + 4);
		int32_t st = PV_EOK;
		vmm_charge(v, vm, v->cfg.costs.pv_update);
		if ((ptr & 3) || !gpa_is_ram(vm, ptr, 4))
			st = PV_EFAULT;
		else if ((val & PTE_P) && !frame_owned(vm, val))
			st = PV_EPERM;
		else
			wr32(v, vm, ptr, val); /* drops the shadows built from it */
		wr32(v, vm, e + 8, (uint32_t)st);
		failed += st != PV_EOK;
	}
	count_batch(vm, count, failed);
	return (int32_t)failed;
}

static int32_t mmuext(struct vmm *v, struct vm *vm, uint32_t op, uint32_t arg)
{
	struct vcpu *c = &vm->cpu;

	switch (op) {
	case PV_MMUEXT_NEW_BASEPTR:
		if ((arg & PAGE_MASK) || !gpa_is_ram(vm, arg, PAGE_SIZE))
			return PV_EFAULT;
		c->vcr[CR_PTBR] = arg;
		shadow_activate(v, vm);
		return PV_EOK;
	case PV_MMUEXT_SET_ASID:
		c->vcr[CR_ASID] = arg & ASID_MASK; /* shadows have real ASIDs of their own */
		return PV_EOK;
	case PV_MMUEXT_PAGING:
		if (arg > 1)
			return PV_EINVAL;
		c->vcr[CR_MMU] = arg;
		shadow_activate(v, vm);
		return PV_EOK;
	case PV_MMUEXT_TLB_FLUSH: /* shadows are coherent: only the real TLB goes */
		machine_tlb_flush(v->m);
		return PV_EOK;
	case PV_MMUEXT_INVLPG:
		shadow_invalidate(v, vm, arg);
		return PV_EOK;
	default:
		return PV_EINVAL;
	}
}

static int32_t set_timer(struct vmm *v, struct vm *vm, uint32_t delta)
{
	(void)v;
	if (!vm->timer)
		return PV_ENOSYS;
	if (delta == 0)
		return vm->timer->ops->write(vm->timer->dev, 0x0, 0) ? PV_EOK : PV_EINVAL;
	/* the VM's own timer device, one-shot, interrupt on: set next event */
	if (!vm->timer->ops->write(vm->timer->dev, 0x4, delta) ||
	    !vm->timer->ops->write(vm->timer->dev, 0x0, 0x1 | 0x4))
		return PV_EINVAL;
	return PV_EOK;
}

static int32_t console_write(struct vmm *v, struct vm *vm, uint32_t gpa, uint32_t len)
{
	uint8_t buf[256];
	const struct vmm_io *io = &v->cfg.io;

	if (len > 4096)
		return PV_EINVAL;
	if (len && !gpa_is_ram(vm, gpa, len))
		return PV_EFAULT;
	for (uint32_t done = 0; done < len;) {
		uint32_t n = len - done < sizeof buf ? len - done : (uint32_t)sizeof buf;
		machine_phys_read(v->m, vm->base + gpa + done, buf, n);
		if (io->console_out)
			io->console_out(io->opaque, vm->id, buf, n);
		done += n;
	}
	return (int32_t)len;
}

static int32_t init_shared(struct vmm *v, struct vm *vm, uint32_t gpa)
{
	if (gpa == 0 || (gpa & PAGE_MASK) || !gpa_is_ram(vm, gpa, PAGE_SIZE))
		return PV_EFAULT;
	vm->pv_shared = gpa;
	wr32(v, vm, gpa + PV_SH_MAGIC, PV_MAGIC);
	wr32(v, vm, gpa + PV_SH_IRQ_ENABLED, 0);
	wr32(v, vm, gpa + PV_SH_MEM_BYTES, vm->mem);
	wr32(v, vm, gpa + PV_SH_VM_ID, (uint32_t)vm->id);
	wr32(v, vm, gpa + PV_SH_CPUID, vm->cpu.vcr[CR_CPUID]);
	wr32(v, vm, gpa + PV_SH_NVMS, (uint32_t)v->nvms);
	return PV_EOK;
}

/* The calls that leave control flow alone (a multicall may carry them). */
static int32_t simple_call(struct vmm *v, struct vm *vm, uint32_t n, const uint32_t a[4])
{
	switch (n) {
	case PV_HC_INIT:
		return init_shared(v, vm, a[0]);
	case PV_HC_MMU_UPDATE:
		return mmu_update(v, vm, a[0], a[1]);
	case PV_HC_MMUEXT:
		return mmuext(v, vm, a[0], a[1]);
	case PV_HC_SET_TRAP_TABLE:
		if (a[0] & 3)
			return PV_EINVAL;
		vm->cpu.vcr[CR_TVEC1] = a[0];
		machine_set_cr(v->m, CR_TVEC1, a[0]);
		machine_set_cr(v->m, CR_DELEG, a[0] ? 1u << TRAP_SYSCALL : 0);
		return PV_EOK;
	case PV_HC_SET_KSTACK:
		if (!sh_ok(vm))
			return PV_EINVAL;
		wr32(v, vm, vm->pv_shared + PV_SH_KSTACK, a[0]);
		return PV_EOK;
	case PV_HC_SET_TIMER:
		return set_timer(v, vm, a[0]);
	case PV_HC_IRQ_ENABLE: /* the flag is set: pv_check_irq delivers */
		return PV_EOK;
	case PV_HC_CONSOLE_WRITE:
		return console_write(v, vm, a[0], a[1]);
	case PV_HC_NOTIFY:
		return pv_queue_notify(v, vm, a[0]);
	case PV_HC_QUEUE_INIT:
		return pv_queue_init(v, vm, a[0], a[1], a[2], a[3]);
	default:
		return PV_ENOSYS;
	}
}

static int32_t multicall(struct vmm *v, struct vm *vm, uint32_t arr, uint32_t count)
{
	int32_t r = check_array(vm, arr, count, PV_MC_ENTRY_BYTES);

	if (r)
		return r;
	uint32_t failed = 0;
	for (uint32_t i = 0; i < count && vm->state == VM_RUNNING; i++) {
		uint32_t e = arr + i * PV_MC_ENTRY_BYTES, op = rd32(v, vm, e);
		uint32_t a[4] = { rd32(v, vm, e + 4), rd32(v, vm, e + 8), rd32(v, vm, e + 12), 0 };
		int32_t res;
		vmm_charge(v, vm, v->cfg.costs.hypercall);
		if (op < PV_HC_COUNT)
			vm->stats.hypercalls[op]++;
		/* control flow and nesting stay out of a batch */
		if (op == PV_HC_MULTICALL || op == PV_HC_BLOCK || op == PV_HC_YIELD || op == PV_HC_IRET)
			res = PV_EINVAL;
		else
			res = simple_call(v, vm, op, a);
		wr32(v, vm, e + 16, (uint32_t)res);
		failed += res < 0;
	}
	count_batch(vm, count, failed);
	return (int32_t)failed;
}

/* iret: return from the guest's trap handler with interrupts on, in one
 * step (a store to the flag, then rfe, would let an interrupt in between
 * overwrite epc1).  t0 comes back from scratch1, where the guest parked it. */
static void iret(struct vmm *v, struct vm *vm, const struct trap_event *t)
{
	uint32_t epc1 = 0, epsw1 = 0, t0 = 0;

	machine_cr(v->m, CR_EPC1, &epc1);
	machine_cr(v->m, CR_EPSW1, &epsw1);
	machine_cr(v->m, CR_SCRATCH1, &t0);
	if ((epsw1 & PSW_RING_MASK) == 0 || (t->psw & PSW_RING_MASK) != 1) {
		vm->stats.exits[EXIT_REFLECT]++; /* as rfe in ring 1 would: refused */
		pv_inject(v, vm, TRAP_PRIVILEGED, 0, 0, t->pc, 0);
		return;
	}
	machine_set_reg(v->m, R_T0, t0);
	set_irq_enabled(v, vm, true);
	machine_set_psw(v->m, (epsw1 & (PSW_RING_MASK | PSW_FLAGS_MASK)) | PSW_IE);
	machine_set_pc(v->m, epc1);
	vm->cpu.vring = epsw1 & PSW_RING_MASK;
	vm->cpu.inject_valid = false;
}

void pv_hypercall(struct vmm *v, struct vm *vm, const struct trap_event *t)
{
	uint32_t n = machine_reg(v->m, R_T0);
	uint32_t a[4] = { machine_reg(v->m, R_A0), machine_reg(v->m, R_A0 + 1),
			  machine_reg(v->m, R_A0 + 2), machine_reg(v->m, R_A0 + 3) };
	int32_t res;

	vmm_charge(v, vm, v->cfg.costs.hypercall);
	if (n < PV_HC_COUNT)
		vm->stats.hypercalls[n]++;
	if ((t->psw & PSW_RING_MASK) == RING_USER) {
		/* only the guest kernel may call the monitor: user code gets
		 * the illegal instruction it would get on bare metal */
		vm->stats.exits[EXIT_REFLECT]++;
		pv_inject(v, vm, TRAP_ILLEGAL, 0, 0, t->pc, 0);
		return;
	}
	machine_set_pc(v->m, t->pc + 4);
	vm->cpu.inject_valid = false;
	switch (n) {
	case PV_HC_IRET:
		iret(v, vm, t);
		return;
	case PV_HC_BLOCK:
		set_irq_enabled(v, vm, true);
		if (!(vm->vlines & vm->venabled))
			vm->cpu.halted = true; /* the scheduler runs someone else */
		res = PV_EOK;
		break;
	case PV_HC_YIELD:
		machine_set_reg(v->m, R_T0, PV_EOK);
		v->slice_end = machine_cycles(v->m);
		vmm_schedule(v);
		return;
	case PV_HC_MULTICALL:
		res = multicall(v, vm, a[0], a[1]);
		break;
	default:
		res = simple_call(v, vm, n, a);
		break;
	}
	machine_set_reg(v->m, R_T0, (uint32_t)res);
}
