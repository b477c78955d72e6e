/*
 * vmm_inspect.c -- the monitor seen from outside: exit observers for tools
 * and side-effect-free answers about a VM (its virtual CPU, its own page
 * walk, and the shadow walk built from it, with why the two differ).
 *
 * A guest address and the two walks that translate it:
 *
 *   guest va ──guest PD/PT (guest RAM, gpa)──► gpa ──+ vm.base──► host pa
 *   guest va ──shadow PD/PT (pool frames)───────────────────────► host pa
 *
 * The shadow is what the real MMU walks.  It lags the guest's tables by
 * design (docs/monitor.md, "Shadow paging"): empty until first use, a
 * writable page read-only while it is a traced page table or until the
 * guest's D bit is set, a device page never mapped.
 */
#include "monitor/vmm_priv.h"

#include <string.h>

/* ---- observers ---- */

static bool obs_used(const struct vmm_observer *o)
{
	return o->on_exit || o->on_event;
}

int vmm_observe(struct vmm *v, const struct vmm_observer *o)
{
	if (!obs_used(o))
		return -1;
	for (int i = 0; i < VMM_MAX_OBSERVERS; i++) {
		if (!obs_used(&v->obs[i])) {
			v->obs[i] = *o;
			v->nobs++;
			return i;
		}
	}
	return -1;
}

void vmm_unobserve(struct vmm *v, int h)
{
	if (h >= 0 && h < VMM_MAX_OBSERVERS && obs_used(&v->obs[h])) {
		v->obs[h].on_exit = NULL;
		v->obs[h].on_event = NULL;
		v->nobs--;
	}
}

void vmm_emit(struct vmm *v, const struct vmm_event *e)
{
	struct vmm_event ev = *e;

	ev.cycle = machine_cycles(v->m);
	for (int i = 0; i < VMM_MAX_OBSERVERS; i++)
		if (v->obs[i].on_event)
			v->obs[i].on_event(v->obs[i].opaque, &ev);
}

void vmm_vm_ended(struct vmm *v, struct vm *vm)
{
	if (v->nobs)
		vmm_emit(v, &(struct vmm_event){ .kind = VMM_EV_VM_END, .vm = vm->id,
						 .state = vm->state, .exit_code = vm->exit_code,
						 .reason = vm->reason, .from = -1 });
}

void vmm_observe_exit(struct vmm *v, struct vm *vm, const struct trap_event *t, unsigned vring,
		      const uint64_t before[EXIT_COUNT], uint64_t cycles_before)
{
	struct vmm_exit_info e = {
		.vm = vm->id, .cause = EXIT_COUNT, .pc = t->pc, .vring = vring,
		.trap_cause = t->cause, .badva = t->badva, .cycle = machine_cycles(v->m),
		.cost = (uint32_t)(vm->stats.monitor_cycles - cycles_before),
	};

	/* the handler counted the exit under its cause: that is the cause */
	for (int c = 0; c < EXIT_COUNT; c++)
		if (vm->stats.exits[c] != before[c])
			e.cause = (enum vmm_exit)c;
	for (int i = 0; i < VMM_MAX_OBSERVERS; i++)
		if (v->obs[i].on_exit)
			v->obs[i].on_exit(v->obs[i].opaque, &e);
}

/* ---- VMs ---- */

int vmm_current(const struct vmm *v)
{
	return v->cur ? v->cur->id : -1;
}

const char *vmm_vm_name(const struct vmm *v, int vm)
{
	return vm >= 0 && vm < v->nvms ? v->vms[vm]->name : NULL;
}

bool vmm_vcpu(const struct vmm *v, int i, struct vmm_vcpu_state *s)
{
	const struct vm *vm;

	if (i < 0 || i >= v->nvms)
		return false;
	vm = v->vms[i];
	memset(s, 0, sizeof *s);
	s->on_cpu = v->cur == vm && vm->state == VM_RUNNING;
	s->halted = vm->cpu.halted;
	for (unsigned r = 1; r < ISA_NREGS; r++)
		s->regs[r] = s->on_cpu ? machine_reg(v->m, r) : vm->cpu.regs[r];
	s->pc = s->on_cpu ? machine_pc(v->m) : vm->cpu.pc;
	s->psw = vcpu_psw(v, vm);
	s->real_ring = vm->pv ? vm->cpu.vring : vcpu_real_ring(vm->cpu.vring);
	for (unsigned cr = 0; cr < CR_COUNT; cr++)
		s->cr[cr] = vcpu_cr(v, vm, cr);
	s->mem_base = vm->base;
	s->mem_bytes = vm->mem;
	s->pending = vm->vlines & vm->venabled;
	return true;
}

bool vmm_gpa_to_hpa(const struct vmm *v, int i, uint32_t gpa, uint32_t *hpa)
{
	if (i < 0 || i >= v->nvms || !gpa_is_ram(v->vms[i], gpa, 1))
		return false;
	*hpa = v->vms[i]->base + gpa;
	return true;
}

/* ---- guest-physical memory ---- */

bool vmm_gpa_read(const struct vmm *v, int i, uint32_t gpa, void *buf, uint32_t len)
{
	if (i < 0 || i >= v->nvms || !gpa_is_ram(v->vms[i], gpa, len))
		return false;
	return machine_phys_read(v->m, v->vms[i]->base + gpa, buf, len);
}

bool vmm_guest_write(struct vmm *v, struct vm *vm, uint32_t gpa, const void *buf, uint32_t len)
{
	if (!gpa_is_ram(vm, gpa, len) || !machine_phys_write(v->m, vm->base + gpa, buf, len))
		return false;
	for (uint32_t off = 0; off < len;) { /* into a page table: keep shadows right */
		uint32_t n = PAGE_SIZE - ((gpa + off) & PAGE_MASK);
		n = n < len - off ? n : len - off;
		shadow_guest_wrote(v, vm, gpa + off, n);
		off += n;
	}
	return true;
}

bool vmm_gpa_write(struct vmm *v, int i, uint32_t gpa, const void *buf, uint32_t len)
{
	return i >= 0 && i < v->nvms && vmm_guest_write(v, v->vms[i], gpa, buf, len);
}

/* ---- the cost model ---- */

void vmm_get_costs(const struct vmm *v, struct vmm_costs *c)
{
	*c = v->cfg.costs;
}

void vmm_set_costs(struct vmm *v, const struct vmm_costs *c)
{
	v->cfg.costs = *c;
}

/* ---- the two walks ---- */

static uint32_t read32(const struct vmm *v, uint32_t pa)
{
	uint32_t x = 0;
	machine_phys_read(v->m, pa, &x, 4);
	return x;
}

static void walk_guest(const struct vmm *v, const struct vm *vm, uint32_t va, struct vmm_gwalk *g)
{
	uint32_t mmu = vcpu_cr(v, vm, CR_MMU), ptbr = vcpu_cr(v, vm, CR_PTBR);

	memset(g, 0, sizeof *g);
	g->paging = (mmu & MMU_PG) != 0;
	if (!g->paging) {
		g->mapped = true;
		g->gpa = va;
	} else {
		g->pde_gpa = (ptbr & ~PAGE_MASK) + 4 * VA_DIR(va);
		g->pde_ok = gpa_is_ram(vm, g->pde_gpa, 4);
		g->pde = g->pde_ok ? read32(v, vm->base + g->pde_gpa) : 0;
		if (g->pde & PTE_P) {
			g->pte_gpa = PTE_FRAME(g->pde) + 4 * VA_TABLE(va);
			g->pte_ok = gpa_is_ram(vm, g->pte_gpa, 4);
			g->pte = g->pte_ok ? read32(v, vm->base + g->pte_gpa) : 0;
		}
		g->mapped = (g->pte & PTE_P) != 0;
		g->gpa = g->mapped ? (PTE_FRAME(g->pte) | (va & PAGE_MASK)) : 0;
	}
	g->ram = g->mapped && gpa_is_ram(vm, g->gpa, 1);
	g->device = g->mapped && !g->ram && vdev_is_mmio(g->gpa);
}

/* The shadow of the guest's current address space, if it has one. */
static const struct shadow_as *shadow_of(const struct vmm *v, const struct vm *vm)
{
	uint32_t key = (vcpu_cr(v, vm, CR_MMU) & MMU_PG) ? (vcpu_cr(v, vm, CR_PTBR) & ~PAGE_MASK)
							 : PHYS_MODE_KEY;

	for (int i = 0; i < SHADOW_AS_PER_VM; i++)
		if (vm->as[i].used && vm->as[i].key == key)
			return &vm->as[i];
	return NULL;
}

bool vmm_walks(const struct vmm *v, int i, uint32_t va, struct vmm_gwalk *g, struct vmm_swalk *s)
{
	const struct shadow_as *as;
	const struct vm *vm;

	if (i < 0 || i >= v->nvms)
		return false;
	vm = v->vms[i];
	walk_guest(v, vm, va, g);
	memset(s, 0, sizeof *s);
	as = shadow_of(v, vm);
	if (as) {
		s->exists = true;
		s->spd = as->spd;
		s->asid = as->asid;
		s->spde_pa = as->spd + 4 * VA_DIR(va);
		s->spde = read32(v, s->spde_pa);
		if (s->spde & PTE_P) {
			s->spte_pa = PTE_FRAME(s->spde) + 4 * VA_TABLE(va);
			s->spte = read32(v, s->spte_pa);
		}
		s->mapped = (s->spte & PTE_P) != 0;
		s->hpa = s->mapped ? (PTE_FRAME(s->spte) | (va & PAGE_MASK)) : 0;
	}

	/* the guest's entry grants W only if both levels do (paging off: all) */
	uint32_t gflags = g->paging ? (g->pde & g->pte) : (PTE_W | PTE_U);
	bool gdirty = !g->paging || (g->pte & PTE_D);
	if (!g->mapped)
		s->why = SHW_GUEST_FAULT;
	else if (g->device)
		s->why = SHW_DEVICE;
	else if (!g->ram)
		s->why = SHW_NOT_RAM;
	else if (!as)
		s->why = SHW_NO_SHADOW;
	else if (!s->mapped)
		s->why = SHW_NOT_FILLED;
	else if (PTE_FRAME(s->spte) != ((vm->base + g->gpa) & ~PAGE_MASK) ||
		 (s->spte & PTE_U) != (gflags & PTE_U))
		s->why = SHW_OTHER;
	else if ((gflags & PTE_W) && !(s->spte & PTE_W))
		s->why = vm->traced[g->gpa >> PAGE_SHIFT] ? SHW_TRACED : !gdirty ? SHW_DIRTY : SHW_OTHER;
	else if (!(gflags & PTE_W) && (s->spte & PTE_W))
		s->why = SHW_OTHER;
	else
		s->why = SHW_SAME;
	return true;
}

const char *vmm_shadow_why_text(enum vmm_shadow_why w)
{
	static const char *const text[] = {
		[SHW_SAME] = "the shadow maps the guest's frame with the guest's rights",
		[SHW_GUEST_FAULT] = "the guest's tables do not map it: an access is a true fault",
		[SHW_NO_SHADOW] = "no shadow of this address space yet: built on first use",
		[SHW_NOT_FILLED] = "not yet filled: the first access is a hidden fault",
		[SHW_TRACED] = "write-protected: the frame is a guest page table (traced)",
		[SHW_DIRTY] = "read-only until the first write sets D (dirty-bit emulation)",
		[SHW_DEVICE] = "a device page: left unmapped, every access traps (mmio)",
		[SHW_NOT_RAM] = "the guest maps no RAM there: an access is a bus error",
		[SHW_OTHER] = "differs unexpectedly (a monitor bug?)",
	};
	return (unsigned)w < sizeof text / sizeof text[0] ? text[w] : "?";
}
