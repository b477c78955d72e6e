/*
 * render.h -- the TUI's screen as a pure function of its model:
 *
 *	tui_render(&model, &grid);
 *
 * No curses, no machine: the same model always gives the same grid.  The
 * panes are one module each (pane_*.c); layout.c places them:
 *
 *   +-- status bar: layout, running indicator, last stop, pc ----------+
 *   | main area: the layout's panes (src, asm, split, regs, mmu, vms,  |
 *   |            mem, con), stacked top to bottom                      |
 *   |                                          | at >= 120 columns, a  |
 *   |                                          | side column: regs,    |
 *   |                                          | memory, console       |
 *   +-- command log (a rule with its title), then the input line -----+
 *
 * At 80x24 every layout fits; more rows and columns show more.
 */
#ifndef VMLAB_TUI_RENDER_H
#define VMLAB_TUI_RENDER_H

#include "ui/tui/grid.h"
#include "ui/tui/model.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24

void tui_render(const struct tui_model *m, struct tui_grid *g);

/* Names of layouts and panes, as `layout NAME` and `focus NAME` take them. */
const char *tui_layout_name(enum tui_layout l);
const char *tui_pane_name(enum tui_pane p);
bool tui_layout_parse(const char *name, enum tui_layout *l);
bool tui_pane_parse(const char *name, enum tui_pane *p);
/* Is the pane on the screen in this layout at this size? */
bool tui_pane_shown(const struct tui_model *m, enum tui_pane p, int cols, int rows);

#endif
