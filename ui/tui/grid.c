/*
 * grid.c -- the character grid (grid.h).
 */
#include "ui/tui/grid.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool tui_grid_init(struct tui_grid *g, int cols, int rows, bool ascii)
{
	memset(g, 0, sizeof *g);
	if (cols < 1 || rows < 1)
		return false;
	g->cells = calloc((size_t)cols * (size_t)rows, sizeof *g->cells);
	if (!g->cells)
		return false;
	g->cols = cols;
	g->rows = rows;
	g->ascii = ascii;
	tui_grid_clear(g);
	return true;
}

void tui_grid_free(struct tui_grid *g)
{
	free(g->cells);
	g->cells = NULL;
}

void tui_grid_clear(struct tui_grid *g)
{
	for (int i = 0; i < g->cols * g->rows; i++)
		g->cells[i] = (struct tui_cell){ ' ', TA_NORMAL };
	g->cur_x = g->cur_y = -1;
}

void tui_put(struct tui_grid *g, int x, int y, uint32_t ch, enum tui_attr a)
{
	if (x < 0 || y < 0 || x >= g->cols || y >= g->rows)
		return;
	if (g->ascii && ch >= 0x80)
		ch = '?';
	g->cells[y * g->cols + x] = (struct tui_cell){ ch, (uint8_t)a };
}

size_t tui_utf8_next(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;

	if (!u[0])
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	n = (u[0] & 0xe0) == 0xc0 ? 2 : (u[0] & 0xf0) == 0xe0 ? 3 : (u[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (!n) {
		*cp = '?';
		return 1;
	}
	uint32_t c = u[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*cp = '?';
			return i;
		}
		c = c << 6 | (u[i] & 0x3f);
	}
	*cp = c;
	return n;
}

int tui_text(struct tui_grid *g, int x, int y, int max, const char *s, enum tui_attr a)
{
	int col = 0;
	uint32_t cp;
	size_t k;

	while (col < max && (k = tui_utf8_next(s, &cp)) > 0) {
		s += k;
		if (cp == '\t') { /* tabs to the next multiple of 8 */
			do
				tui_put(g, x + col++, y, ' ', a);
			while (col < max && col % 8);
			continue;
		}
		if (cp < 0x20 || cp == 0x7f)
			cp = '.';
		tui_put(g, x + col++, y, cp, a);
	}
	return col;
}

int tui_printf(struct tui_grid *g, int x, int y, int max, enum tui_attr a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return tui_text(g, x, y, max, buf, a);
}

void tui_fill(struct tui_grid *g, struct tui_rect r, uint32_t ch, enum tui_attr a)
{
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++)
			tui_put(g, x, y, ch, a);
}

/* The line-drawing set: Unicode or ASCII. */
enum { LH, LV, LTL, LTR, LBL, LBR };
static uint32_t line_ch(const struct tui_grid *g, int which)
{
	static const uint32_t uni[] = { 0x2500, 0x2502, 0x250c, 0x2510, 0x2514, 0x2518 };
	static const uint32_t asc[] = { '-', '|', '+', '+', '+', '+' };

	return g->ascii ? asc[which] : uni[which];
}

void tui_rule(struct tui_grid *g, int x, int y, int w, const char *title, enum tui_attr a)
{
	for (int i = 0; i < w; i++)
		tui_put(g, x + i, y, line_ch(g, LH), a);
	if (title && *title && w > 4) {
		tui_put(g, x + 1, y, ' ', a);
		int n = tui_text(g, x + 2, y, w - 4, title, a);
		tui_put(g, x + 2 + n, y, ' ', a);
	}
}

struct tui_rect tui_box(struct tui_grid *g, struct tui_rect r, const char *title, enum tui_attr a)
{
	if (r.w < 2 || r.h < 2)
		return (struct tui_rect){ r.x, r.y, 0, 0 };
	tui_rule(g, r.x + 1, r.y, r.w - 2, NULL, a);
	tui_rule(g, r.x + 1, r.y + r.h - 1, r.w - 2, NULL, a);
	for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
		tui_put(g, r.x, y, line_ch(g, LV), a);
		tui_put(g, r.x + r.w - 1, y, line_ch(g, LV), a);
	}
	tui_put(g, r.x, r.y, line_ch(g, LTL), a);
	tui_put(g, r.x + r.w - 1, r.y, line_ch(g, LTR), a);
	tui_put(g, r.x, r.y + r.h - 1, line_ch(g, LBL), a);
	tui_put(g, r.x + r.w - 1, r.y + r.h - 1, line_ch(g, LBR), a);
	if (title && *title && r.w > 6) {
		tui_put(g, r.x + 1, r.y, ' ', a);
		int n = tui_text(g, r.x + 2, r.y, r.w - 5, title, a);
		tui_put(g, r.x + 2 + n, r.y, ' ', a);
	}
	return (struct tui_rect){ r.x + 1, r.y + 1, r.w - 2, r.h - 2 };
}

static size_t put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

char *tui_grid_text(const struct tui_grid *g)
{
	char *out = malloc((size_t)g->rows * ((size_t)g->cols * 4 + 1) + 1), *p = out;

	if (!out)
		return NULL;
	for (int y = 0; y < g->rows; y++) {
		char *line = p, *end = p;
		for (int x = 0; x < g->cols; x++) {
			p += put_utf8(p, g->cells[y * g->cols + x].ch);
			if (g->cells[y * g->cols + x].ch != ' ')
				end = p;
		}
		(void)line;
		p = end;
		*p++ = '\n';
	}
	*p = '\0';
	return out;
}
