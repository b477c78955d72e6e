/*
 * pane_code.c -- the code panes: source lines around the pc's line, and
 * the disassembly around the pc (like gdb's src and asm windows).
 *
 *   src:   B>  123  loop:   addi t0, t0, 1       B breakpoint, > the pc
 *   asm:   B> 0x40000010 <main+0x4>   addi sp, sp, -16
 *
 * The pc's row is drawn in TA_PC; the view scrolls so it sits a third of
 * the way down.
 */
#include "ui/tui/render_priv.h"

#include <stdio.h>

/* First row to show so that `cur` of n rows sits a third down h rows. */
static int first_row(int cur, int n, int h)
{
	int first = cur < 0 ? 0 : cur - h / 3;

	if (first > n - h)
		first = n - h;
	return first < 0 ? 0 : first;
}

void pane_src(const struct tui_model *m, struct tui_grid *g, struct tui_rect r)
{
	char title[96];
	int cur = -1;

	if (m->nsrc)
		snprintf(title, sizeof title, "src: %s:%u", m->src_file, m->src_cur);
	else
		snprintf(title, sizeof title, "src");
	r = tui_box(g, r, title, tui_frame_attr(m, TP_CODE));
	if (!m->nsrc) {
		tui_text(g, r.x + 1, r.y, r.w - 1, "(no source line here: see layout asm)", TA_DIM);
		return;
	}
	if (m->src_cur >= m->src_first && m->src_cur < m->src_first + (uint32_t)m->nsrc)
		cur = (int)(m->src_cur - m->src_first);
	int first = first_row(cur, m->nsrc, r.h);
	for (int i = 0; i < r.h && first + i < m->nsrc; i++) {
		int k = first + i, y = r.y + i;
		bool here = k == cur;
		enum tui_attr a = here ? TA_PC : TA_NORMAL;
		if (here)
			tui_fill(g, (struct tui_rect){ r.x, y, r.w, 1 }, ' ', TA_PC);
		tui_put(g, r.x, y, m->src_bp[k] ? 'B' : ' ', m->src_bp[k] == 1 ? TA_BREAK : TA_DIM);
		tui_put(g, r.x + 1, y, here ? '>' : ' ', a);
		tui_printf(g, r.x + 2, y, 6, here ? TA_PC : TA_DIM, "%5u ", m->src_first + (uint32_t)k);
		tui_text(g, r.x + 8, y, r.w - 8, m->src[k], a);
	}
}

void pane_asm(const struct tui_model *m, struct tui_grid *g, struct tui_rect r)
{
	char title[96];

	snprintf(title, sizeof title, "asm: pc 0x%08x %s", m->pc, m->pc_label);
	r = tui_box(g, r, title, tui_frame_attr(m, TP_CODE));
	int first = first_row(m->asm_cur, m->nasm, r.h);
	for (int i = 0; i < r.h && first + i < m->nasm; i++) {
		const struct tui_asm_row *a = &m->asmr[first + i];
		int y = r.y + i;
		bool here = first + i == m->asm_cur;
		enum tui_attr at = here ? TA_PC : TA_NORMAL;
		if (here)
			tui_fill(g, (struct tui_rect){ r.x, y, r.w, 1 }, ' ', TA_PC);
		tui_put(g, r.x, y, a->bp ? 'B' : ' ', a->bp == 1 ? TA_BREAK : TA_DIM);
		tui_put(g, r.x + 1, y, here ? '>' : ' ', at);
		tui_printf(g, r.x + 3, y, 10, here ? TA_PC : TA_DIM, "0x%08x", a->addr);
		tui_text(g, r.x + 14, y, 18, a->label, at);
		if (a->ok)
			tui_text(g, r.x + 33, y, r.w - 33, a->text, at);
		else
			tui_text(g, r.x + 33, y, r.w - 33, "(cannot read)", TA_ERROR);
	}
}
