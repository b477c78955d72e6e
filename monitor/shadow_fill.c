/*
 * shadow_fill.c -- the core of shadow paging: the guest's page walk as its
 * hardware would make it, the shadow entry a hidden fault fills from that
 * walk, and the store that hit a traced guest page table (shadow.c does
 * the rest: the shadow tables, tracing, dropping, the reverse map).
 *
 *   real page fault at va (shadow.c: shadow_fault)
 *     guest_walk(va, access)  ──► cause != 0: the guest's own fault, injected
 *       the guest's PTE: frame | D A U W P            (docs/isa.md section 8)
 *     write to a traced page ──► pt_store: do the guest's store, then the
 *                                monitor drops the shadows built from it
 *     else a hidden fault    ──► shadow_pte(gpa, walk flags) is installed:
 *       the shadow PTE:  host frame | D A U W P
 *                        U as the guest's; W only for a dirty guest entry
 *                        of a page that is no page table (else the first
 *                        write must fault: D, tracing)
 *
 * This file is the student's in labs/05-shadow: the grader links a
 * student's copy in place of this one.
 */
#include "monitor/vmm_priv.h"

static uint32_t guest_read32(struct vmm *v, struct vm *vm, uint32_t gpa)
{
	uint32_t x = 0;
	machine_phys_read(v->m, vm->base + gpa, &x, 4);
	return x;
}

static void guest_write32(struct vmm *v, struct vm *vm, uint32_t gpa, uint32_t x)
{
	machine_phys_write(v->m, vm->base + gpa, &x, 4);
}

uint32_t guest_walk(struct vmm *v, struct vm *vm, uint32_t va, enum mem_access acc,
		    struct gwalk *w)
{
	struct vcpu *c = &vm->cpu;
	unsigned ring = c->vring;
	uint32_t pde_gpa, pte_gpa, pde, pte;

	w->pt_gpa = NO_FRAME;
	if (!(c->vcr[CR_MMU] & MMU_PG)) {
		w->gpa = va;
		w->flags = PTE_W | PTE_U | PTE_D;
		return 0;
	}
	pde_gpa = (c->vcr[CR_PTBR] & ~PAGE_MASK) + 4 * VA_DIR(va);
	if (!gpa_is_ram(vm, pde_gpa, 4))
		return CAUSE_MAKE(TRAP_BUS_ERROR, acc, 0, ring);
	pde = guest_read32(v, vm, pde_gpa);
	if (!(pde & PTE_P))
		return CAUSE_MAKE(TRAP_PAGE_FAULT, acc, 0, ring);
	pte_gpa = PTE_FRAME(pde) + 4 * VA_TABLE(va);
	if (!gpa_is_ram(vm, pte_gpa, 4))
		return CAUSE_MAKE(TRAP_BUS_ERROR, acc, 0, ring);
	pte = guest_read32(v, vm, pte_gpa);
	if (!(pte & PTE_P))
		return CAUSE_MAKE(TRAP_PAGE_FAULT, acc, 0, ring);
	w->flags = (uint8_t)(pde & pte & (PTE_W | PTE_U));
	// BEGIN SOLUTION TODO: the rights check (user ring, write) and the hardware's A/D updates on the guest's entries
	if ((ring == RING_USER && !(w->flags & PTE_U)) || (acc == ACC_WRITE && !(w->flags & PTE_W)))
		return CAUSE_MAKE(TRAP_PAGE_FAULT, acc, 1, ring);
	/* the hardware's A/D updates, on the guest's own entries */
	if (!(pde & PTE_A))
		guest_write32(v, vm, pde_gpa, pde | PTE_A);
	if ((pte | PTE_A | (acc == ACC_WRITE ? PTE_D : 0)) != pte) {
		pte |= PTE_A | (acc == ACC_WRITE ? PTE_D : 0);
		guest_write32(v, vm, pte_gpa, pte);
	}
	// END SOLUTION
	w->flags |= (uint8_t)(pte & PTE_D);
	w->gpa = PTE_FRAME(pte) | (va & PAGE_MASK);
	w->pt_gpa = PTE_FRAME(pde);
	return 0;
}

uint32_t shadow_pte(const struct vm *vm, uint32_t gpa, uint32_t gflags)
{
	uint32_t flags = 0;

	// BEGIN SOLUTION TODO: the shadow's rights from the walk's (gflags: W, U, D): U as the guest's, W for a dirty entry of a page that is not traced
	flags = gflags & PTE_U;
	if ((gflags & PTE_W) && (gflags & PTE_D))
		flags |= PTE_W;
	if (gpa_traced(vm, gpa)) /* checked after tracing: a table may map itself */
		flags &= ~PTE_W;
	// END SOLUTION
	return ((vm->base + gpa) & ~PAGE_MASK) | PTE_P | PTE_A | flags |
	       ((flags & PTE_W) ? PTE_D : 0);
}

unsigned pt_store(struct vmm *v, struct vm *vm, const struct trap_event *t, uint32_t gpa,
		  uint32_t *value)
{
	struct isa_insn in;
	unsigned size = 0;

	if (!isa_decode(t->insn, &in) ||
	    (in.op != OP_sw && in.op != OP_sh && in.op != OP_sb))
		return 0;
	// BEGIN SOLUTION TODO: do the guest's store (1, 2 or 4 bytes of rs2) at guest-physical gpa; return its size
	size = in.op == OP_sw ? 4 : in.op == OP_sh ? 2 : 1;
	*value = machine_reg(v->m, in.rs2);
	machine_phys_write(v->m, vm->base + gpa, value, size);
	// END SOLUTION
	return size;
}
