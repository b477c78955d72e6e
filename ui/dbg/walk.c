/*
 * walk.c -- the verdict of a page walk for every ring and access (walk.h).
 */
#include "ui/dbg/walk.h"

#include <stdio.h>

/* Why an access in a ring faults, from the walk's entries. */
static const char *fault_reason(const struct mmu_walk *w, enum mem_access acc, unsigned ring,
				char *buf, size_t len)
{
	if (!w->pde_ok)
		return "bus error: the directory entry is not in RAM";
	if (!(w->pde & PTE_P))
		return "page fault, not present: P clear in the directory entry";
	if (!w->pte_ok)
		return "bus error: the table entry is not in RAM";
	if (!(w->pte & PTE_P))
		return "page fault, not present: P clear in the table entry";
	if (ring == RING_USER && !(w->pde & PTE_U))
		return "page fault, protection: U clear in the directory entry";
	if (ring == RING_USER && !(w->pte & PTE_U))
		return "page fault, protection: U clear in the table entry";
	if (acc == ACC_WRITE && !(w->pde & PTE_W))
		return "page fault, protection: W clear in the directory entry";
	if (acc == ACC_WRITE && !(w->pte & PTE_W))
		return "page fault, protection: W clear in the table entry";
	snprintf(buf, len, "fault 0x%08x", w->fault);
	return buf;
}

void walk_verdicts(struct machine *m, uint32_t va, struct walk_verdict v[4][3])
{
	for (unsigned ring = 0; ring < 4; ring++)
		for (unsigned a = ACC_READ; a <= ACC_FETCH; a++) {
			struct walk_verdict *r = &v[ring][a];
			struct mmu_walk w;
			machine_walk(m, va, (enum mem_access)a, ring, &w);
			r->pa = w.pa;
			r->cause = w.fault;
			r->ok = !w.fault;
			if (!w.fault && a == ACC_FETCH && w.pa >= machine_mem_bytes(m)) {
				/* code runs from RAM only: a fetch elsewhere is a bus error */
				r->ok = false;
				r->cause = CAUSE_MAKE(TRAP_BUS_ERROR, ACC_FETCH, 0, ring);
				r->reason = "a bus error (not RAM)";
			} else if (!w.fault) {
				r->reason = "ok";
			} else {
				r->reason = fault_reason(&w, (enum mem_access)a, ring, r->buf, sizeof r->buf);
			}
		}
}
