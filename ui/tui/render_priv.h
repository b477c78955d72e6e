/*
 * render_priv.h -- the pane renderers that layout.c places (render.h).
 * Each draws its frame and contents inside r and nothing outside it.
 */
#ifndef VMLAB_TUI_RENDER_PRIV_H
#define VMLAB_TUI_RENDER_PRIV_H

#include "ui/tui/render.h"

/* The frame's attribute: the focused pane stands out. */
enum tui_attr tui_frame_attr(const struct tui_model *m, enum tui_pane p);

void pane_src(const struct tui_model *m, struct tui_grid *g, struct tui_rect r);
void pane_asm(const struct tui_model *m, struct tui_grid *g, struct tui_rect r);
void pane_regs(const struct tui_model *m, struct tui_grid *g, struct tui_rect r);
void pane_mem(const struct tui_model *m, struct tui_grid *g, struct tui_rect r);
void pane_mmu(const struct tui_model *m, struct tui_grid *g, struct tui_rect r);
void pane_vms(const struct tui_model *m, struct tui_grid *g, struct tui_rect r);
void pane_console(const struct tui_model *m, struct tui_grid *g, struct tui_rect r);
/* The command log and the input line (no frame: a rule on top). */
void pane_cmd(const struct tui_model *m, struct tui_grid *g, struct tui_rect r);
void pane_help(const struct tui_model *m, struct tui_grid *g);

/* Draw the last lines of text (ending `back` lines before its end) into
 * r, wrapping long lines; shared by the console and the command log. */
void tui_text_tail(struct tui_grid *g, struct tui_rect r, const char *text, size_t len, int back,
		   enum tui_attr a);

#endif
