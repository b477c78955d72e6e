/*
 * term.h -- the TUI's terminal: taking it (ncurses on a copy of the
 * terminal's descriptor, the process's own standard output and error
 * caught in a file that the command pane shows), drawing a grid on it,
 * and giving it back on every way out, a crash included.
 */
#ifndef VMLAB_TUI_TERM_H
#define VMLAB_TUI_TERM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "ui/tui/grid.h"

struct tui_term {
	bool on;                  /* curses has the terminal             */
	bool color, ascii;
	int saved_out, saved_err; /* the process's fds 1 and 2 before     */
	int cap_fd;               /* where fds 1 and 2 go meanwhile       */
	void *scr;                /* SCREEN *                             */
	void *tty_out;            /* FILE * curses writes to             */
	struct sigaction old[6];
};

/* Take the terminal; false after a message on stderr (no terminal, ...).
 * on_stop is called from SIGINT, on_end from SIGTERM/SIGHUP (signal
 * handlers: they must only set flags), with opaque. */
bool term_open(struct tui_term *tt, bool no_color, void (*on_stop)(void *), void (*on_end)(void *, int),
	       void *opaque);
/* Give it back (idempotent). */
void term_close(struct tui_term *tt);
/* Bytes written to fds 1 and 2 since the last call, appended by add. */
void term_drain(struct tui_term *tt, void (*add)(void *ctx, const char *s, size_t n), void *ctx);
/* The terminal's size now. */
void term_size(struct tui_term *tt, int *cols, int *rows);
/* Copy the grid to the screen (curses sends only what changed). */
void term_draw(struct tui_term *tt, const struct tui_grid *g);
/* A key, or -1 after timeout_ms (0: do not wait).  Curses key codes. */
int term_key(struct tui_term *tt, int timeout_ms);

#endif
