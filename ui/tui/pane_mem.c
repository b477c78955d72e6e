/*
 * pane_mem.c -- memory as hex and ASCII, 16 bytes a row (8 at narrow
 * widths), virtual (through the selected VM's tables) or physical.
 *
 *   40000000  13 05 00 00 93 05 10 00  ...  |........|
 *
 * Bytes that cannot be read (unmapped, outside RAM) show as "--".
 */
#include "ui/tui/render_priv.h"

#include <stdio.h>

void pane_mem(const struct tui_model *m, struct tui_grid *g, struct tui_rect r)
{
	char title[64];

	snprintf(title, sizeof title, "memory: %s 0x%08x", m->mem_phys ? "physical" : "virtual",
		 m->mem_addr);
	r = tui_box(g, r, title, tui_frame_attr(m, TP_MEM));
	int per = r.w >= 78 ? 16 : r.w >= 45 ? 8 : 4;
	for (int row = 0; row < r.h && (row + 1) * per <= TUI_MEM_BYTES; row++) {
		int y = r.y + row, off = row * per;
		tui_printf(g, r.x, y, 8, TA_DIM, "%08x", m->mem_addr + (uint32_t)off);
		for (int i = 0; i < per; i++) {
			int x = r.x + 10 + 3 * i + (i >= 8 && per == 16);
			if (m->mem_ok[off + i])
				tui_printf(g, x, y, 2, TA_NORMAL, "%02x", m->mem[off + i]);
			else
				tui_text(g, x, y, 2, "--", TA_DIM);
		}
		int ax = r.x + 10 + 3 * per + (per == 16);
		tui_put(g, ax, y, '|', TA_DIM);
		for (int i = 0; i < per; i++) {
			uint8_t b = m->mem[off + i];
			tui_put(g, ax + 1 + i, y, m->mem_ok[off + i] && b >= 0x20 && b < 0x7f ? b : '.',
				TA_NORMAL);
		}
		tui_put(g, ax + 1 + per, y, '|', TA_DIM);
	}
}
