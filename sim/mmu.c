/*
 * mmu.c -- address translation: the two-level page walk, the
 * architectural TLB (ASID-tagged, direct-mapped), and the fast TLB that
 * mirrors it for the dispatch loop (see machine_priv.h).
 *
 * The walk (docs/isa.md, "Paging"):
 *
 *   PTBR ──► page directory ──► page table ──► page
 *            [va 31..22]         [va 21..12]    [va 11..0]
 *
 * A walk charges 10 cycles per table read, sets A (and D for a write) in
 * the entries it used, and fills TLB slot (vpn & mask).  A TLB entry only
 * grants: anything it does not allow is decided by a fresh walk.
 */
#include "machine_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALK_READ_COST 10

bool mmu_init(struct machine *m, unsigned entries, char *err, size_t errlen)
{
	if (entries == 0 || entries > 4096 || (entries & (entries - 1))) {
		snprintf(err, errlen, "TLB size %u is not a power of two from 1 to 4096", entries);
		return false;
	}
	m->tlb = calloc(entries, sizeof *m->tlb);
	m->ftlb[0] = malloc(entries * sizeof *m->ftlb[0]);
	m->ftlb[1] = malloc(entries * sizeof *m->ftlb[1]);
	if (!m->tlb || !m->ftlb[0] || !m->ftlb[1]) {
		snprintf(err, errlen, "out of memory for a %u-entry TLB", entries);
		return false;
	}
	m->tlb_mask = entries - 1;
	mmu_ftlb_flush(m);
	return true;
}

void mmu_free(struct machine *m)
{
	free(m->tlb);
	free(m->ftlb[0]);
	free(m->ftlb[1]);
}

static void ftlb_clear_slot(struct machine *m, unsigned slot)
{
	for (int c = 0; c < 2; c++)
		m->ftlb[c][slot] = (struct ftlb_entry){ FTLB_NONE, FTLB_NONE, 0 };
}

void mmu_ftlb_flush(struct machine *m)
{
	for (unsigned i = 0; i <= m->tlb_mask; i++)
		ftlb_clear_slot(m, i);
}

void mmu_ftlb_mark_code(struct machine *m, uint32_t pfn)
{
	uint8_t *host = m->ram + ((size_t)pfn << PAGE_SHIFT);

	for (int c = 0; c < 2; c++)
		for (unsigned i = 0; i <= m->tlb_mask; i++) {
			struct ftlb_entry *f = &m->ftlb[c][i];
			if (f->wtag != FTLB_NONE && (f->wtag & ~PAGE_MASK) + f->addend == (uintptr_t)host)
				f->wtag |= FTLB_CODE;
		}
}

static bool tlb_matches(const struct machine *m, const struct tlb_entry *e, uint32_t vpn)
{
	return e->valid && e->vpn == vpn &&
	       ((e->flags & PTE_G) || e->asid == (m->cpu.cr[CR_ASID] & ASID_MASK));
}

/* Does a mapping with these effective flags allow the access? */
static bool flags_grant(uint8_t flags, enum mem_access acc, bool user)
{
	if (user && !(flags & PTE_U))
		return false;
	if (acc == ACC_WRITE && (flags & (PTE_W | PTE_D)) != (PTE_W | PTE_D))
		return false;
	return true;
}

/* The walk itself.  With commit, it charges cycles and writes A/D back;
 * without, it only looks (the debugger's `page`).  Returns 0 or a CAUSE. */
static uint32_t walk(struct machine *m, uint32_t va, enum mem_access acc,
		     unsigned ring, bool commit, struct mmu_walk *w)
{
	uint32_t ptbr = m->cpu.cr[CR_PTBR] & ~PAGE_MASK;
	uint32_t cause_np = CAUSE_MAKE(TRAP_PAGE_FAULT, acc, 0, ring);
	uint32_t cause_prot = CAUSE_MAKE(TRAP_PAGE_FAULT, acc, 1, ring);
	uint32_t cause_bus = CAUSE_MAKE(TRAP_BUS_ERROR, acc, 0, ring);
	uint32_t pde, pte;

	memset(w, 0, sizeof *w);
	w->paging = true;
	w->pde_pa = ptbr + 4 * VA_DIR(va);
	if (commit)
		m->cpu.penalty += WALK_READ_COST;
	if (!mem_is_ram(m, w->pde_pa, 4))
		return w->fault = cause_bus;
	memcpy(&pde, m->ram + w->pde_pa, 4);
	w->pde = pde;
	w->pde_ok = true;
	if (!(pde & PTE_P))
		return w->fault = cause_np;

	w->pte_pa = PTE_FRAME(pde) + 4 * VA_TABLE(va);
	if (commit)
		m->cpu.penalty += WALK_READ_COST;
	if (!mem_is_ram(m, w->pte_pa, 4))
		return w->fault = cause_bus;
	memcpy(&pte, m->ram + w->pte_pa, 4);
	w->pte = pte;
	w->pte_ok = true;
	if (!(pte & PTE_P))
		return w->fault = cause_np;

	uint8_t flags = (uint8_t)((pde & pte & (PTE_W | PTE_U)) | (pte & PTE_G));
	if (!flags_grant(flags | PTE_D, acc, ring == RING_USER))
		return w->fault = cause_prot;

	w->pa = PTE_FRAME(pte) | (va & PAGE_MASK);
	if (commit) {
		uint32_t npde = pde | PTE_A;
		uint32_t npte = pte | PTE_A | (acc == ACC_WRITE ? PTE_D : 0);
		if (npde != pde)
			machine_phys_write(m, w->pde_pa, &npde, 4);
		if (npte != pte)
			machine_phys_write(m, w->pte_pa, &npte, 4);
		w->pde = npde;
		w->pte = npte;
	}
	return 0;
}

void machine_walk(struct machine *m, uint32_t va, enum mem_access acc,
		  unsigned ring, struct mmu_walk *w)
{
	if (!cpu_paging(m)) {
		memset(w, 0, sizeof *w);
		w->pa = va;
		return;
	}
	walk(m, va, acc, ring & 3, false, w);
}

/* Fill fast slot `slot` of the current class: va's page reaches RAM page
 * pfn, for reading and writing as the TLB entry grants. */
static inline void ftlb_set(struct machine *m, unsigned slot, uint32_t va, uint32_t pfn,
			    bool can_read, bool can_write)
{
	struct ftlb_entry *f = &m->ftlb[cpu_class(m)][slot];

	f->addend = (uintptr_t)(m->ram + ((size_t)pfn << PAGE_SHIFT)) - (va & ~PAGE_MASK);
	f->rtag = can_read ? (va & ~PAGE_MASK) : FTLB_NONE;
	f->wtag = !can_write ? FTLB_NONE
		  : (va & ~PAGE_MASK) | (m->pages[pfn].code ? FTLB_CODE : 0);
}

/* ftlb_fill while virtual watches exist: out of line and reached by a
 * tail call, so that without them ftlb_fill pays one test and no frame. */
static __attribute__((noinline, cold))
void ftlb_set_if_unwatched(struct machine *m, unsigned slot, uint32_t va, uint32_t pfn,
			   bool can_read, bool can_write)
{
	if (!watch_list_hit(&m->vwatch, va & ~PAGE_MASK, PAGE_SIZE))
		ftlb_set(m, slot, va, pfn, can_read, can_write);
}

/* Let the dispatch loop reach page pa of RAM through fast slot `slot`.
 * Not for a watched physical page, nor for a virtual page a virtual watch
 * overlaps: every access to those takes the slow path, which reports it.
 * Every fast entry is made here, from the va it serves, so a virtual watch
 * holds in whatever address space, mapping or paging mode is current. */
static void ftlb_fill(struct machine *m, unsigned slot, uint32_t va,
		      uint32_t pa, bool can_read, bool can_write)
{
	uint32_t pfn = pa >> PAGE_SHIFT;

	if (!mem_is_ram(m, pa & ~PAGE_MASK, PAGE_SIZE) || m->pages[pfn].watched)
		return;
	if (UNLIKELY(m->vwatch.n))
		ftlb_set_if_unwatched(m, slot, va, pfn, can_read, can_write);
	else
		ftlb_set(m, slot, va, pfn, can_read, can_write);
}

uint32_t mmu_translate(struct machine *m, uint32_t va, enum mem_access acc, uint32_t *pa)
{
	uint32_t vpn = va >> PAGE_SHIFT;
	unsigned slot = vpn & m->tlb_mask;
	unsigned ring = cpu_ring(m);
	bool user = ring == RING_USER;
	struct tlb_entry *e = &m->tlb[slot];

	if (!cpu_paging(m)) {
		*pa = va;
		ftlb_fill(m, slot, va, va, true, true);
		return 0;
	}
	if (!(tlb_matches(m, e, vpn) && flags_grant(e->flags, acc, user))) {
		struct mmu_walk w;
		uint32_t cause = walk(m, va, acc, ring, true, &w);
		if (cause)
			return cause;
		*e = (struct tlb_entry){
			.vpn = vpn, .pfn = w.pte >> PAGE_SHIFT,
			.asid = (uint8_t)(m->cpu.cr[CR_ASID] & ASID_MASK),
			.flags = (uint8_t)((w.pde & w.pte & (PTE_W | PTE_U)) |
					   (w.pte & (PTE_G | PTE_D))),
			.valid = true,
		};
		ftlb_clear_slot(m, slot); /* it mirrored the entry just replaced */
		/* The code page being executed may have lived in this slot: its
		 * next fetch must look the TLB up again (and walk if evicted). */
		if (((m->cpu.itlb_va >> PAGE_SHIFT) & m->tlb_mask) == slot)
			m->cpu.itlb_valid = false;
		cpu_itlb_drop_parked(m); /* either may have lived there too */
		m->stats.tlb_misses++;
		if (m->nlisten[EV_TLB_FILL]) {
			struct machine_event_info ev = {
				.kind = EV_TLB_FILL, .pc = m->cpu.pc, .addr = va,
				.value = w.pa & ~PAGE_MASK, .write = acc == ACC_WRITE,
			};
			machine_emit(m, &ev);
		}
	}
	*pa = (e->pfn << PAGE_SHIFT) | (va & PAGE_MASK);
	ftlb_fill(m, slot, va, *pa, flags_grant(e->flags, ACC_READ, user),
		  flags_grant(e->flags, ACC_WRITE, user));
	return 0;
}

void mmu_tlb_invalidate(struct machine *m, uint32_t va)
{
	unsigned slot = (va >> PAGE_SHIFT) & m->tlb_mask;

	if (tlb_matches(m, &m->tlb[slot], va >> PAGE_SHIFT)) {
		m->tlb[slot].valid = false;
		ftlb_clear_slot(m, slot);
	}
	cpu_itlb_drop_parked(m);
}

void mmu_tlb_flush(struct machine *m)
{
	for (unsigned i = 0; i <= m->tlb_mask; i++)
		m->tlb[i].valid = false;
	mmu_ftlb_flush(m);
	cpu_itlb_drop_parked(m);
	m->stats.tlb_flushes++;
}

void machine_tlb_invalidate(struct machine *m, uint32_t va)
{
	mmu_tlb_invalidate(m, va);
	m->cpu.itlb_valid = false;
}

void machine_tlb_flush(struct machine *m)
{
	mmu_tlb_flush(m);
	m->cpu.itlb_valid = false;
}

unsigned machine_tlb_size(const struct machine *m)
{
	return m->tlb_mask + 1;
}

void machine_tlb_entry(const struct machine *m, unsigned i, struct tlb_view *v)
{
	const struct tlb_entry *e = &m->tlb[i & m->tlb_mask];

	*v = (struct tlb_view){ .valid = e->valid, .vpn = e->vpn, .pfn = e->pfn,
				.asid = e->asid, .flags = e->flags };
}
