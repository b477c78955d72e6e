/*
 * pane_regs.c -- the registers: the 16 general registers in as many
 * columns of four as fit, then pc, the PSW decoded, the MMU and trap
 * control registers and the counters.  A register the last step changed
 * is drawn in TA_CHANGED.
 *
 *   r0  zero 00000000  r1  ra   4000002c  r2  sp   7ffffff0  r3  gp ...
 *   pc  0x40000010 <main+0x4>
 *   psw 0x00000007  ring 3  IE on  flags 0x00
 */
#include "ui/tui/render_priv.h"

#include <stdio.h>

#include "sim/isa.h"

#define REG_COL 19

void pane_regs(const struct tui_model *m, struct tui_grid *g, struct tui_rect r)
{
	char title[48];

	if (m->vmm)
		snprintf(title, sizeof title, "regs: vm%d (virtual CPU)", m->vm);
	else
		snprintf(title, sizeof title, "regs");
	r = tui_box(g, r, title, tui_frame_attr(m, TP_REGS));
	int ncol = (r.w + 1) / REG_COL;
	if (ncol > 4)
		ncol = 4;
	if (ncol < 1)
		ncol = 1;
	int nrow = (ISA_NREGS + ncol - 1) / ncol, y = r.y;
	for (int row = 0; row < nrow && y < r.y + r.h; row++, y++)
		for (int c = 0; c < ncol; c++) {
			unsigned i = (unsigned)(c * nrow + row);
			if (i >= ISA_NREGS)
				continue;
			bool ch = m->have_prev && m->regs[i] != m->prev_regs[i];
			int x = r.x + c * REG_COL;
			tui_printf(g, x, y, 9, TA_DIM, "r%-2u %-4s", i, isa_reg_abi_name(i));
			tui_printf(g, x + 9, y, 8, ch ? TA_CHANGED : TA_NORMAL, "%08x", m->regs[i]);
		}
	if (y < r.y + r.h) {
		bool ch = m->have_prev && m->pc != m->prev_pc;
		tui_text(g, r.x, y, 4, "pc", TA_DIM);
		tui_printf(g, r.x + 4, y, 10, ch ? TA_CHANGED : TA_NORMAL, "0x%08x", m->pc);
		tui_text(g, r.x + 15, y++, r.w - 15, m->pc_label, TA_NORMAL);
	}
	if (y < r.y + r.h) {
		bool ch = m->have_prev && m->psw != m->prev_psw;
		tui_text(g, r.x, y, 4, "psw", TA_DIM);
		tui_printf(g, r.x + 4, y, 10, ch ? TA_CHANGED : TA_NORMAL, "0x%08x", m->psw);
		tui_printf(g, r.x + 15, y++, r.w - 15, ch ? TA_CHANGED : TA_NORMAL,
			   "ring %u IE %s flags %02x%s", m->psw & PSW_RING_MASK,
			   m->psw & PSW_IE ? "on" : "off", (m->psw & PSW_FLAGS_MASK) >> 8,
			   m->vmm && r.w >= 60 ? "  (the virtual PSW)" : "");
	}
	/* the control registers: two to a line when narrow */
	bool wide = r.w >= 60;
	char lines[4][80];
	int n = 0;
	if (wide) {
		snprintf(lines[n++], sizeof lines[0], "mmu paging %s  ptbr 0x%08x  asid %u",
			 m->cr_mmu & MMU_PG ? "on" : "off", m->cr_ptbr, m->cr_asid);
		snprintf(lines[n++], sizeof lines[0], "cause 0x%08x  epc 0x%08x  badva 0x%08x",
			 m->cr_cause, m->cr_epc, m->cr_badva);
	} else {
		snprintf(lines[n++], sizeof lines[0], "paging %s  asid %u", m->cr_mmu & MMU_PG ? "on" : "off",
			 m->cr_asid);
		snprintf(lines[n++], sizeof lines[0], "ptbr  0x%08x cause 0x%08x", m->cr_ptbr, m->cr_cause);
		snprintf(lines[n++], sizeof lines[0], "epc   0x%08x badva 0x%08x", m->cr_epc, m->cr_badva);
	}
	for (int i = 0; i < n && y < r.y + r.h; i++)
		tui_text(g, r.x, y++, r.w, lines[i], TA_NORMAL);
	if (y < r.y + r.h)
		tui_printf(g, r.x, y++, r.w, TA_DIM, "cycles %llu  steps %llu",
			   (unsigned long long)m->cycles, (unsigned long long)m->steps);
}
