/*
 * grid.h -- a character grid: what the TUI's renderer produces and the
 * curses driver copies to the terminal.  Pure data, no terminal here, so
 * tests compare grids with golden text.
 *
 *   cell (x, y) = cells[y * cols + x]:   ch    a Unicode code point
 *                                        attr  one of enum tui_attr
 *
 * Frames are drawn with tui_box(): Unicode line-drawing characters, or
 * + - | when the grid is ASCII-only (a locale without UTF-8).
 */
#ifndef VMLAB_TUI_GRID_H
#define VMLAB_TUI_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a cell means; the driver picks colours (or bold/reverse without). */
enum tui_attr {
	TA_NORMAL,
	TA_TITLE,    /* pane titles, the status bar                    */
	TA_FOCUS,    /* the frame and title of the focused pane        */
	TA_CHANGED,  /* a register the last step changed               */
	TA_PC,       /* the current instruction or line                */
	TA_BREAK,    /* a breakpoint marker                            */
	TA_DIM,      /* addresses, secondary text                      */
	TA_DIFF,     /* the shadow differs from the guest here         */
	TA_SAME,     /* the shadow agrees with the guest here          */
	TA_ERROR,    /* error messages, faults                         */
	TA_INPUT,    /* the command line                               */
	TA_COUNT
};

struct tui_cell {
	uint32_t ch;
	uint8_t attr;
};

struct tui_grid {
	int cols, rows;
	bool ascii;            /* line drawing in ASCII                  */
	struct tui_cell *cells;
	int cur_x, cur_y;      /* where the terminal cursor goes; -1: hidden */
};

struct tui_rect {
	int x, y, w, h;
};

/* false if out of memory. */
bool tui_grid_init(struct tui_grid *g, int cols, int rows, bool ascii);
void tui_grid_free(struct tui_grid *g);
void tui_grid_clear(struct tui_grid *g);
void tui_put(struct tui_grid *g, int x, int y, uint32_t ch, enum tui_attr a);
/* UTF-8 text at (x, y), cut at max columns (and at the grid's edge);
 * returns the columns written. */
int tui_text(struct tui_grid *g, int x, int y, int max, const char *s, enum tui_attr a);
/* printf into a line of the grid, cut at max columns. */
int tui_printf(struct tui_grid *g, int x, int y, int max, enum tui_attr a, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void tui_fill(struct tui_grid *g, struct tui_rect r, uint32_t ch, enum tui_attr a);
/* A frame around r with a title in its top edge; returns the inside. */
struct tui_rect tui_box(struct tui_grid *g, struct tui_rect r, const char *title, enum tui_attr a);
/* A horizontal rule across r's top row with a title. */
void tui_rule(struct tui_grid *g, int x, int y, int w, const char *title, enum tui_attr a);
/* The grid as text: rows of UTF-8 ending in '\n', trailing blanks cut.
 * Malloc'd, NULL if out of memory. */
char *tui_grid_text(const struct tui_grid *g);
/* Decode one UTF-8 character of s (invalid bytes become '?'); returns
 * its length in bytes (0 at the end). */
size_t tui_utf8_next(const char *s, uint32_t *cp);

#endif
