/*
 * pane_mmu.c -- the page walk of one virtual address, level by level,
 * and the TLB.
 *
 * Bare machine: the hardware's walk (directory entry, table entry, the
 * physical address) and what each kind of access would do in the
 * current ring.  Under the monitor: the guest's walk (its tables, in
 * guest-physical addresses) beside the shadow walk the real MMU uses
 * (host-physical), entry by entry, each row marked = (agrees) or !
 * (differs), with the reason under it:
 *
 *   va 40000010  vm0 guest ring 3  real asid 2  vm base 01000000
 *       guest walk (gpa)                   | shadow walk (host pa)
 *   PDE @00123400=00456007 P W U . . .     | @00fe2400=00fe3007 P W U . .
 *    !  shadow PDE -> its own table (pool frame 00fe3000), not the guest's
 *   PTE @00456040=00789067 P W U . A D     | @00fe3040=01789005 P . U . .
 *    !  read-only until the first write sets D (dirty-bit emulation)
 *   page gpa 00789010 + base = 01789010    | hpa 01789010
 */
#include "ui/tui/render_priv.h"

#include <stdio.h>
#include <string.h>

#include "sim/isa.h"

/* "P W U G A D" with '.' for clear bits. */
static void flags(uint32_t e, char *buf)
{
	static const struct { uint32_t bit; char c; } f[] = {
		{ PTE_P, 'P' }, { PTE_W, 'W' }, { PTE_U, 'U' }, { PTE_G, 'G' }, { PTE_A, 'A' }, { PTE_D, 'D' },
	};
	for (int i = 0; i < 6; i++) {
		buf[2 * i] = e & f[i].bit ? f[i].c : '.';
		buf[2 * i + 1] = ' ';
	}
	buf[11] = '\0';
}

static int tlb_rows(const struct tui_model *m, struct tui_grid *g, struct tui_rect r, int y)
{
	if (y >= r.y + r.h)
		return y;
	tui_printf(g, r.x, y++, r.w, TA_TITLE, "TLB: %u entries, %u valid, CPU asid %u%s", m->tlb_size,
		   m->tlb_valid, m->real_asid, m->vmm ? " (the shadow's)" : "");
	int per = r.w >= 78 ? 2 : 1, col = 0;
	if (y < r.y + r.h && m->ntlb) {
		for (int c = 0; c < per; c++)
			tui_text(g, r.x + c * 39, y, 38, "slot va       pa       asid flags", TA_DIM);
		y++;
	}
	for (int i = 0; i < m->ntlb && y < r.y + r.h; i++) {
		const struct tui_tlb_row *t = &m->tlb[i];
		char f[12];
		bool hit = t->va == (m->mmu_va & ~PAGE_MASK);
		flags(t->flags | PTE_P, f);
		tui_printf(g, r.x + col * 39, y, 38, hit ? TA_PC : TA_NORMAL, "%4u %08x %08x %4u %s%s",
			   t->slot, t->va, t->pa, t->asid, f + 2, t->asid == m->real_asid ||
			   (t->flags & PTE_G) ? "" : "~");
		if (++col == per) {
			col = 0;
			y++;
		}
	}
	return col ? y + 1 : y;
}

static void bare(const struct tui_model *m, struct tui_grid *g, struct tui_rect r)
{
	const struct mmu_walk *w = &m->walk;
	char f[12];
	int y = r.y;
	static const char *const acc[3] = { "read", "write", "fetch" };

	tui_printf(g, r.x, y++, r.w, TA_TITLE, "va %08x  paging %s  ptbr %08x  asid %u  ring %u",
		   m->mmu_va, w->paging ? "on" : "off", m->cr_ptbr, m->cr_asid, m->psw & PSW_RING_MASK);
	if (!w->paging) {
		tui_printf(g, r.x, y++, r.w, TA_NORMAL, "paging off: pa = va = %08x", m->mmu_va);
	} else {
		tui_text(g, r.x, y++, r.w, "level entry at   value    flags        points to", TA_DIM);
		flags(w->pde, f);
		tui_printf(g, r.x, y++, r.w, w->pde & PTE_P ? TA_NORMAL : TA_ERROR,
			   "PDE   %08x   %08x %s  %s %08x  (dir slot %u)", w->pde_pa, w->pde, f,
			   w->pde & PTE_P ? "table" : "-    ", PTE_FRAME(w->pde), VA_DIR(m->mmu_va));
		if (w->pde & PTE_P) {
			flags(w->pte, f);
			tui_printf(g, r.x, y++, r.w, w->pte & PTE_P ? TA_NORMAL : TA_ERROR,
				   "PTE   %08x   %08x %s  %s %08x  (table slot %u)", w->pte_pa, w->pte, f,
				   w->pte & PTE_P ? "page " : "-    ", PTE_FRAME(w->pte), VA_TABLE(m->mmu_va));
		}
	}
	for (int a = 0; a < 3 && y < r.y + r.h; a++)
		if (m->verdict[a])
			tui_printf(g, r.x, y++, r.w, strcmp(m->verdict[a], "ok") ? TA_ERROR : TA_SAME,
				   "ring %u %-5s %s", m->psw & PSW_RING_MASK, acc[a], m->verdict[a]);
	if (y < r.y + r.h && m->walk.fault == 0 && m->verdict[0])
		tui_printf(g, r.x, y++, r.w, TA_NORMAL, "va %08x -> pa %08x", m->mmu_va, w->pa);
	tlb_rows(m, g, r, y);
}

/* Why the shadow's directory entry differs from the guest's (it always
 * does once it exists: it points at a shadow table, never the guest's). */
static const char *pde_note(const struct tui_model *m, char *buf, size_t len, bool *same)
{
	*same = false;
	if (!m->gw.paging) {
		*same = true;
		return "guest paging off: gpa = va; the shadow maps that (phys mode)";
	}
	if (!(m->gw.pde & PTE_P))
		return "guest PDE not present: an access is a true fault (injected)";
	if (!m->sw.exists)
		return vmm_shadow_why_text(SHW_NO_SHADOW);
	if (!(m->sw.spde & PTE_P))
		return "shadow PDE empty: not yet filled, the first access fills it";
	snprintf(buf, len, "shadow PDE -> its own table (pool %08x), not the guest's",
		 PTE_FRAME(m->sw.spde));
	return buf;
}

static void monitor(const struct tui_model *m, struct tui_grid *g, struct tui_rect r)
{
	const struct vmm_gwalk *gw = &m->gw;
	const struct vmm_swalk *sw = &m->sw;
	int y = r.y, half = r.w / 2, rx = r.x + half + 1;
	char f[12], note[96];
	bool same;

	tui_printf(g, r.x, y++, r.w, TA_TITLE, "va %08x  vm%d guest ring %u  real asid %u  vm base %08x",
		   m->mmu_va, m->vm, m->vring, sw->asid, m->vm_base);
	tui_text(g, r.x, y, half, "    guest walk (gpa)", TA_DIM);
	tui_put(g, r.x + half, y, '|', TA_DIM);
	tui_text(g, rx, y++, r.w - half - 1, "shadow walk (host pa)", TA_DIM);

	/* directory entries */
	if (gw->paging) {
		flags(gw->pde, f);
		tui_printf(g, r.x, y, half, TA_NORMAL, "PDE @%08x=%08x %s", gw->pde_gpa, gw->pde, f);
	} else {
		tui_text(g, r.x, y, half, "PDE (guest paging off)", TA_DIM);
	}
	tui_put(g, r.x + half, y, '|', TA_DIM);
	if (sw->exists) {
		flags(sw->spde, f);
		tui_printf(g, rx, y, r.w - half - 1, TA_NORMAL, "@%08x=%08x %s", sw->spde_pa, sw->spde, f);
	} else {
		tui_text(g, rx, y, r.w - half - 1, "(no shadow)", TA_DIM);
	}
	y++;
	const char *n = pde_note(m, note, sizeof note, &same);
	tui_text(g, r.x, y, 4, same ? " =" : " !", same ? TA_SAME : TA_DIFF);
	tui_text(g, r.x + 4, y++, r.w - 4, n, same ? TA_SAME : TA_DIFF);

	/* table entries */
	if (y < r.y + r.h) {
		if (gw->paging && (gw->pde & PTE_P)) {
			flags(gw->pte, f);
			tui_printf(g, r.x, y, half, TA_NORMAL, "PTE @%08x=%08x %s", gw->pte_gpa, gw->pte, f);
		} else {
			tui_text(g, r.x, y, half, "PTE -", TA_DIM);
		}
		tui_put(g, r.x + half, y, '|', TA_DIM);
		if (sw->exists && (sw->spde & PTE_P)) {
			flags(sw->spte, f);
			tui_printf(g, rx, y, r.w - half - 1, TA_NORMAL, "@%08x=%08x %s", sw->spte_pa,
				   sw->spte, f);
		} else {
			tui_text(g, rx, y, r.w - half - 1, "-", TA_DIM);
		}
		y++;
	}
	if (y < r.y + r.h) {
		same = sw->why == SHW_SAME;
		tui_text(g, r.x, y, 4, same ? " =" : " !", same ? TA_SAME : TA_DIFF);
		tui_text(g, r.x + 4, y++, r.w - 4, vmm_shadow_why_text(sw->why), same ? TA_SAME : TA_DIFF);
	}
	/* where it lands */
	if (y < r.y + r.h) {
		if (gw->mapped && gw->ram)
			tui_printf(g, r.x, y, half, TA_NORMAL, "gpa %08x +base= %08x", gw->gpa,
				   m->vm_base + gw->gpa);
		else if (gw->mapped)
			tui_printf(g, r.x, y, half, TA_NORMAL, "gpa %08x (%s)", gw->gpa,
				   gw->device ? "a device" : "not RAM");
		else
			tui_text(g, r.x, y, half, "no gpa: the guest faults", TA_DIM);
		tui_put(g, r.x + half, y, '|', TA_DIM);
		if (sw->mapped)
			tui_printf(g, rx, y, r.w - half - 1, TA_NORMAL, "hpa %08x", sw->hpa);
		else
			tui_text(g, rx, y, r.w - half - 1, "no hpa: an access exits", TA_DIM);
		y++;
	}
	tlb_rows(m, g, r, y);
}

void pane_mmu(const struct tui_model *m, struct tui_grid *g, struct tui_rect r)
{
	r = tui_box(g, r, m->vmm ? "mmu: guest walk beside shadow walk" : "mmu: page walk",
		    tui_frame_attr(m, TP_MMU));
	if (m->vmm)
		monitor(m, g, r);
	else
		bare(m, g, r);
}
