/*
 * pane_text.c -- panes of running text: the guest's console (one per VM,
 * the selected one shown) and the command log with the input line.  Both
 * show the end of their text, wrapped to the pane's width.
 */
#include "ui/tui/render_priv.h"

#include <stdio.h>
#include <string.h>

/* Columns of a line of text, up to the next newline. */
static size_t line_cols(const char *s, size_t n)
{
	size_t cols = 0;
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		char tmp[5] = { 0 };
		size_t k = n - i < 4 ? n - i : 4;
		memcpy(tmp, s + i, k);
		size_t len = tui_utf8_next(tmp, &cp);
		i += len ? len : 1;
		cols += cp == '\t' ? 8 - cols % 8 : 1;
	}
	return cols;
}

/* Rows a line of `cols` columns takes at width w. */
static int wrap_rows(size_t cols, int w)
{
	return cols == 0 ? 1 : (int)((cols + (size_t)w - 1) / (size_t)w);
}

void tui_text_tail(struct tui_grid *g, struct tui_rect r, const char *text, size_t len, int back,
		   enum tui_attr a)
{
	if (r.w <= 0 || r.h <= 0 || !text)
		return;
	/* walk back over lines until the rows (plus those scrolled back) are filled */
	size_t end = len;
	if (end && text[end - 1] == '\n')
		end--; /* a final newline starts no row of its own */
	int need = r.h + back, have = 0;
	size_t lend = end, ls;
	for (;;) {
		ls = lend;
		while (ls > 0 && text[ls - 1] != '\n')
			ls--;
		have += wrap_rows(line_cols(text + ls, lend - ls), r.w);
		if (have >= need || ls == 0)
			break;
		lend = ls - 1; /* the previous line ends at this one's newline */
	}
	size_t start = ls;
	/* draw from start; skip rows that do not fit at the top */
	int skip = have - need > 0 ? have - need : 0, row = -skip;
	size_t p = start;
	while (p <= end && row < r.h) {
		size_t e = p;
		while (e < end && text[e] != '\n')
			e++;
		char line[1024];
		size_t n = e - p < sizeof line - 1 ? e - p : sizeof line - 1;
		memcpy(line, text + p, n);
		line[n] = '\0';
		/* cut into rows of r.w columns */
		const char *s = line;
		do {
			char part[4 * 512 + 1];
			size_t pn = 0;
			int cols = 0;
			uint32_t cp;
			size_t k;
			while (cols < r.w && (k = tui_utf8_next(s, &cp)) > 0 && pn + k < sizeof part) {
				memcpy(part + pn, s, k);
				pn += k;
				s += k;
				cols += cp == '\t' ? 8 - cols % 8 : 1;
			}
			part[pn] = '\0';
			if (row >= 0 && row < r.h)
				tui_text(g, r.x, r.y + row, r.w, part, a);
			row++;
		} while (*s);
		p = e + 1;
	}
}

void pane_console(const struct tui_model *m, struct tui_grid *g, struct tui_rect r)
{
	char title[80];

	if (m->ncons > 1)
		snprintf(title, sizeof title, "console vm%d (%d of %d; console N switches)%s", m->con_vm,
			 m->con_vm + 1, m->ncons, m->focus == TP_CONS ? " keys to guest" : "");
	else
		snprintf(title, sizeof title, "console%s", m->focus == TP_CONS ? " (keys go to the guest)" : "");
	r = tui_box(g, r, title, tui_frame_attr(m, TP_CONS));
	tui_text_tail(g, r, m->con_text, m->con_len, 0, TA_NORMAL);
}

void pane_cmd(const struct tui_model *m, struct tui_grid *g, struct tui_rect r)
{
	enum tui_attr a = tui_frame_attr(m, TP_CMD);

	tui_rule(g, r.x, r.y, r.w, m->cmd_scroll ? "commands (scrolled: PgDn)" : "commands", a);
	tui_text_tail(g, (struct tui_rect){ r.x, r.y + 1, r.w, r.h - 2 }, m->cmd_text, m->cmd_len,
		      m->cmd_scroll, TA_NORMAL);
	int y = r.y + r.h - 1;
	const char *prompt = "(vmlab) ";
	int pl = (int)strlen(prompt), avail = r.w - pl - 1;
	size_t first = m->cursor > (size_t)avail ? m->cursor - (size_t)avail : 0;
	tui_text(g, r.x, y, pl, prompt, m->focus == TP_CMD ? TA_INPUT : TA_DIM);
	tui_text(g, r.x + pl, y, avail, m->input + first, TA_INPUT);
	if (m->focus == TP_CMD && !m->running && !m->help) {
		g->cur_x = r.x + pl + (int)(m->cursor - first);
		g->cur_y = y;
	}
}
