/*
 * layout.c -- where the panes go (render.h): the status bar on top, the
 * layout's panes stacked in the main area, a side column on wide
 * terminals, the command log and input line at the bottom, the help
 * screen over everything.
 */
#include "ui/tui/render_priv.h"

#include <stdio.h>
#include <string.h>

static const char *const layout_names[TL_COUNT] = {
	[TL_SRC] = "src", [TL_ASM] = "asm", [TL_SPLIT] = "split", [TL_REGS] = "regs",
	[TL_MMU] = "mmu", [TL_VMS] = "vms", [TL_MEM] = "mem", [TL_CON] = "con",
};
static const char *const pane_names[TP_COUNT] = {
	[TP_CODE] = "code", [TP_REGS] = "regs", [TP_MEM] = "mem", [TP_MMU] = "mmu",
	[TP_VMS] = "vms", [TP_CONS] = "con", [TP_CMD] = "cmd",
};

const char *tui_layout_name(enum tui_layout l)
{
	return (unsigned)l < TL_COUNT ? layout_names[l] : "?";
}

const char *tui_pane_name(enum tui_pane p)
{
	return (unsigned)p < TP_COUNT ? pane_names[p] : "?";
}

bool tui_layout_parse(const char *name, enum tui_layout *l)
{
	for (int i = 0; i < TL_COUNT; i++)
		if (!strcmp(name, layout_names[i])) {
			*l = (enum tui_layout)i;
			return true;
		}
	return false;
}

bool tui_pane_parse(const char *name, enum tui_pane *p)
{
	for (int i = 0; i < TP_COUNT; i++)
		if (!strcmp(name, pane_names[i]) ||
		    (i == TP_CODE && (!strcmp(name, "src") || !strcmp(name, "asm"))) ||
		    (i == TP_CONS && !strcmp(name, "console"))) {
			*p = (enum tui_pane)i;
			return true;
		}
	return false;
}

enum tui_attr tui_frame_attr(const struct tui_model *m, enum tui_pane p)
{
	return m->focus == p ? TA_FOCUS : TA_NORMAL;
}

/* ---- placing the panes ---- */

enum kind { K_SRC, K_ASM, K_REGS, K_MEM, K_MMU, K_VMS, K_CON, K_CMD };
static const enum tui_pane kind_pane[] = {
	[K_SRC] = TP_CODE, [K_ASM] = TP_CODE, [K_REGS] = TP_REGS, [K_MEM] = TP_MEM,
	[K_MMU] = TP_MMU, [K_VMS] = TP_VMS, [K_CON] = TP_CONS, [K_CMD] = TP_CMD,
};
struct placed {
	enum kind kind;
	struct tui_rect r;
};
#define MAX_PLACED 8

/* Stack kinds top to bottom in r, the first ones taking `first` rows
 * each (0: an equal share). */
static int stack(struct placed *p, int n, struct tui_rect r, const enum kind *k, int nk, int first)
{
	int y = r.y;
	for (int i = 0; i < nk; i++) {
		int h = i == nk - 1 ? r.y + r.h - y : first ? first : r.h / nk;
		p[n++] = (struct placed){ k[i], { r.x, y, r.w, h } };
		y += h;
	}
	return n;
}

static int place(const struct tui_model *m, int cols, int rows, struct placed *p)
{
	int cmd_h = rows >= 40 ? 10 : rows >= 30 ? 8 : 6, n = 0;
	struct tui_rect main = { 0, 1, cols, rows - 1 - cmd_h };
	bool shown[K_CMD + 1] = { false };
	enum kind k[3];
	int nk = 0, first = 0;

	switch (m->layout) {
	case TL_SRC: k[nk++] = K_SRC; break;
	case TL_ASM: k[nk++] = K_ASM; break;
	case TL_SPLIT: k[nk++] = K_SRC; k[nk++] = K_ASM; break;
	case TL_REGS:
		k[nk++] = K_REGS;
		k[nk++] = K_ASM;
		first = main.h * 3 / 5 < 15 ? main.h * 3 / 5 : 15;
		break;
	case TL_MMU: k[nk++] = K_MMU; break;
	case TL_VMS:
		k[nk++] = K_VMS;
		k[nk++] = K_CON;
		first = main.h * 3 / 5;
		break;
	case TL_MEM: k[nk++] = K_MEM; break;
	default: k[nk++] = K_CON; break;
	}
	for (int i = 0; i < nk; i++)
		shown[k[i]] = true;
	if (cols >= 120) { /* a side column for what the layout leaves out */
		int side_w = cols - 80 > 64 ? 64 : cols - 80;
		struct tui_rect side = { cols - side_w, main.y, side_w, main.h };
		enum kind sk[3];
		int ns = 0, sfirst = 0;
		main.w -= side_w;
		if (!shown[K_REGS]) {
			sk[ns++] = K_REGS;
			sfirst = side_w >= 78 ? 15 : 23;
			if (sfirst > side.h / 2)
				sfirst = side.h / 2;
		}
		if (!shown[K_CON])
			sk[ns++] = K_CON;
		if (!shown[K_MEM] && ns < 2)
			sk[ns++] = K_MEM;
		n = stack(p, n, side, sk, ns, sfirst);
	}
	n = stack(p, n, main, k, nk, first);
	p[n++] = (struct placed){ K_CMD, { 0, rows - cmd_h, cols, cmd_h } };
	return n;
}

bool tui_pane_shown(const struct tui_model *m, enum tui_pane pane, int cols, int rows)
{
	struct placed p[MAX_PLACED];
	int n = place(m, cols, rows, p);

	for (int i = 0; i < n; i++)
		if (kind_pane[p[i].kind] == pane)
			return true;
	return false;
}

/* ---- the status bar ---- */

static void status_bar(const struct tui_model *m, struct tui_grid *g)
{
	static const char spin[] = "|/-\\";
	char left[160], right[64];

	tui_fill(g, (struct tui_rect){ 0, 0, g->cols, 1 }, ' ', TA_TITLE);
	if (m->running)
		snprintf(right, sizeof right, "%c running (Ctrl-C stops)", spin[m->spin % 4]);
	else
		snprintf(right, sizeof right, "F1 help");
	char vm[16] = "";
	if (m->vmm)
		snprintf(vm, sizeof vm, "  vm%d", m->vm);
	snprintf(left, sizeof left, " vmlab tui  %s  pc %08x%s  %s", tui_layout_name(m->layout),
		 m->pc, vm, m->running ? "" : m->status);
	int rl = (int)strlen(right);
	tui_text(g, 0, 0, g->cols - rl - 1, left, TA_TITLE);
	tui_text(g, g->cols - rl - 1, 0, rl, right, TA_TITLE);
}

/* ---- help ---- */

static const char *const help_lines[] = {
	"Keys (a pane has the focus; F6 or Ctrl-X o moves it, : to the command line)",
	"  s F11  step a line        i  stepi       S I  reverse step, stepi",
	"  n F10  next line          o  nexti       N O  reverse next, nexti",
	"  c F5   continue           f  finish      C F  reverse continue, finish",
	"  r      run from reset     u d  up, down a frame",
	"  b      break at the pc    q  quit        F1 ?  this help",
	"  Ctrl-C (or any key) stops a running machine",
	"Panes: arrows/PgUp/PgDn scroll memory; p memory phys/virt",
	"  a  ask for an address (memory, mmu)   console: keys go to the guest",
	"Commands: every vmlab debug command, and",
	"  layout src|asm|split|regs|mmu|vms|mem|con   focus PANE (code regs mem mmu..)",
	"  mem ADDR [phys]   mmu VA   console N   tui disable (back to the prompt)",
	"Command line: Up/Down history, Tab completes, PgUp/PgDn scroll the log",
	"",
	"Press any key to close this help.",
};

void pane_help(const struct tui_model *m, struct tui_grid *g)
{
	int n = (int)(sizeof help_lines / sizeof help_lines[0]), w = 78, h = n + 2;
	struct tui_rect r = { (g->cols - w) / 2, (g->rows - h) / 2, w, h };

	(void)m;
	tui_fill(g, r, ' ', TA_NORMAL);
	r = tui_box(g, r, "help", TA_FOCUS);
	for (int i = 0; i < n && i < r.h; i++)
		tui_text(g, r.x, r.y + i, r.w, help_lines[i], i == 0 || i == 9 ? TA_TITLE : TA_NORMAL);
}

/* ---- the screen ---- */

void tui_render(const struct tui_model *m, struct tui_grid *g)
{
	struct placed p[MAX_PLACED];
	int n;

	tui_grid_clear(g);
	if (g->cols < TUI_MIN_COLS || g->rows < TUI_MIN_ROWS) {
		tui_printf(g, 0, 0, g->cols, TA_ERROR, "vmlab tui needs %dx%d (this is %dx%d)",
			   TUI_MIN_COLS, TUI_MIN_ROWS, g->cols, g->rows);
		tui_text(g, 0, 1, g->cols, "enlarge the window, or q to quit", TA_NORMAL);
		return;
	}
	status_bar(m, g);
	n = place(m, g->cols, g->rows, p);
	for (int i = 0; i < n; i++) {
		struct tui_rect r = p[i].r;
		switch (p[i].kind) {
		case K_SRC: pane_src(m, g, r); break;
		case K_ASM: pane_asm(m, g, r); break;
		case K_REGS: pane_regs(m, g, r); break;
		case K_MEM: pane_mem(m, g, r); break;
		case K_MMU: pane_mmu(m, g, r); break;
		case K_VMS: pane_vms(m, g, r); break;
		case K_CON: pane_console(m, g, r); break;
		case K_CMD: pane_cmd(m, g, r); break;
		}
	}
	if (m->help)
		pane_help(m, g);
}
