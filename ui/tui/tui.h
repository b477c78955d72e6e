/*
 * tui.h -- `vmlab tui` and `tui` inside `vmlab debug`: the debugger
 * session drawn on the whole terminal with ncurses (docs/tui.md).
 *
 *	struct tui *t = tui_new(&(struct tui_config){ .d = d, .nvms = 1 });
 *	session's console output -> tui_console_out(t, vm, bytes, n)
 *	status = tui_run(t);     // takes the terminal, gives it back
 *	tui_free(t);
 *
 * While it runs, whatever the process writes to its standard output and
 * error (the debugger's results, trace lines, messages) lands in the
 * command pane; the guest's console goes to the console pane.  The
 * terminal is given back on every way out: quit, leaving (tui disable),
 * an error, SIGTERM/SIGHUP, and a crash (the crash report is printed on
 * the restored terminal).
 */
#ifndef VMLAB_TUI_H
#define VMLAB_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ui/dbg/dbg.h"

struct tui;

struct tui_config {
	struct dbg *d;
	int nvms;            /* consoles: 1 bare, or the monitor's VMs     */
	bool no_color;       /* --no-color (NO_COLOR in the environment too) */
	bool can_leave;      /* inside vmlab debug: `tui disable` goes back */
};

enum tui_end {
	TUI_QUIT,            /* quit: the program ends                     */
	TUI_LEAVE,           /* tui disable: back to the debugger's prompt  */
	TUI_FAILED,          /* no terminal, too small, ... (message printed) */
	TUI_SIGNAL,          /* SIGTERM or SIGHUP: tui_signal() says which */
};

struct tui *tui_new(const struct tui_config *cfg);
void tui_free(struct tui *t);
/* The guest's console output (from the session or the monitor's io). */
void tui_console_out(void *tui, int vm, const uint8_t *bytes, size_t n);
/* A stream whose writes are console 0's output (a bare session's
 * console FILE); NULL if it cannot be made.  Closed by tui_free. */
FILE *tui_console_stream(struct tui *t);
enum tui_end tui_run(struct tui *t);
int tui_signal(const struct tui *t);
/* A yes/no question on the screen (the debugger's confirmations). */
bool tui_ask(void *tui, const char *question);
/* The TUI that has the terminal now, or NULL (for a front end's ask). */
struct tui *tui_active(void);

#endif
