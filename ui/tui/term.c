/*
 * term.c -- the TUI's terminal (term.h).
 *
 * Curses draws on a copy of the terminal's descriptor; the process's fds
 * 1 and 2 point at an unlinked file (O_APPEND) meanwhile, so everything
 * the debugger core, the tracer or a message prints is caught and shown
 * in the command pane instead of tearing the screen.
 *
 * Signals: the handlers can reach no context of ours but this file's
 * one `crash` record (one terminal per process).  A crash (SIGSEGV,
 * SIGBUS, SIGILL, SIGFPE, SIGABRT) resets the terminal with
 * async-signal-safe calls only (tcsetattr, write), prints a report, and
 * dies of the same signal.
 */
#define _GNU_SOURCE
#define NCURSES_WIDECHAR 1
#include "ui/tui/term.h"

#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ui/tui/grid.h"

/* What the signal handlers need (see the top). */
static struct {
	volatile sig_atomic_t armed;
	struct termios tios;
	int tty_fd;
	char leave[64];              /* rmcup and cnorm, as the terminal has them */
	size_t leave_len;
	void (*on_stop)(void *);
	void (*on_end)(void *, int);
	void *opaque;
} crash;

static void put(int fd, const char *s)
{
	ssize_t r = write(fd, s, strlen(s));
	(void)r;
}

static void on_crash(int sig)
{
	if (crash.armed) {
		crash.armed = 0;
		tcsetattr(crash.tty_fd, TCSANOW, &crash.tios);
		if (write(crash.tty_fd, crash.leave, crash.leave_len) < 0)
			(void)0;
		char num[4] = { (char)('0' + sig / 10 % 10), (char)('0' + sig % 10), 0 };
		put(crash.tty_fd, "\r\nvmlab tui: internal error: crashed with signal ");
		put(crash.tty_fd, num);
		put(crash.tty_fd, "; the terminal is restored.\nPlease report it with the "
				  "command line and the steps that led here.\n");
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_int(int sig)
{
	(void)sig;
	if (crash.on_stop)
		crash.on_stop(crash.opaque);
}

static void on_term(int sig)
{
	if (crash.on_end)
		crash.on_end(crash.opaque, sig);
}

static const int sigs[6] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGABRT };

static void catch_signals(struct tui_term *tt)
{
	struct sigaction sa;

	for (int i = 0; i < 6; i++) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = i == 0 ? on_int : i < 3 ? on_term : on_crash;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = i == 0 ? SA_RESTART : 0;
		sigaction(sigs[i], &sa, &tt->old[i]);
	}
	signal(SIGILL, on_crash);
	signal(SIGFPE, on_crash);
}

static void restore_signals(struct tui_term *tt)
{
	for (int i = 0; i < 6; i++)
		sigaction(sigs[i], &tt->old[i], NULL);
	signal(SIGILL, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
}

/* Colour pairs and attributes per enum tui_attr; without colour, only
 * bold, reverse and underline. */
static attr_t attrs[TA_COUNT];
static short pairs[TA_COUNT];

static void setup_attrs(bool color)
{
	static const struct { short fg, bg; attr_t a, plain; } map[TA_COUNT] = {
		[TA_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
		[TA_TITLE] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
		[TA_FOCUS] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
		[TA_CHANGED] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
		[TA_PC] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE },
		[TA_BREAK] = { COLOR_RED, -1, A_BOLD, A_BOLD },
		[TA_DIM] = { COLOR_BLUE, -1, A_NORMAL, A_NORMAL },
		[TA_DIFF] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
		[TA_SAME] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
		[TA_ERROR] = { COLOR_RED, -1, A_NORMAL, A_BOLD },
		[TA_INPUT] = { -1, -1, A_BOLD, A_BOLD },
	};
	for (int i = 0; i < TA_COUNT; i++) {
		pairs[i] = 0;
		attrs[i] = color ? map[i].a : map[i].plain;
		if (color && i) {
			init_pair((short)i, map[i].fg, map[i].bg);
			pairs[i] = (short)i;
		}
	}
}

bool term_open(struct tui_term *tt, bool no_color, void (*on_stop)(void *), void (*on_end)(void *, int),
	       void *opaque)
{
	const char *nc = getenv("NO_COLOR");
	char tmpl[] = "/tmp/vmlab-tui-XXXXXX";
	SCREEN *scr;
	FILE *out;

	memset(tt, 0, sizeof *tt);
	tt->saved_out = tt->saved_err = tt->cap_fd = -1;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vmlab tui: needs a terminal on standard input and output\n");
		return false;
	}
	fflush(stdout);
	fflush(stderr);
	tt->cap_fd = mkstemp(tmpl);
	if (tt->cap_fd < 0) {
		fprintf(stderr, "vmlab tui: cannot make a file for the command output in /tmp\n");
		return false;
	}
	unlink(tmpl);
	fcntl(tt->cap_fd, F_SETFL, O_APPEND);
	tt->saved_out = dup(STDOUT_FILENO);
	tt->saved_err = dup(STDERR_FILENO);
	int tty = dup(tt->saved_out);
	out = tty >= 0 ? fdopen(tty, "w") : NULL;
	if (tt->saved_out < 0 || tt->saved_err < 0 || !out) {
		fprintf(stderr, "vmlab tui: out of file descriptors\n");
		if (out)
			fclose(out);
		term_close(tt);
		return false;
	}
	/* wide characters need the locale's character type (only that: numbers
	 * print as always); no UTF-8, no line-drawing characters */
	setlocale(LC_CTYPE, "");
	tt->ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	tcgetattr(STDIN_FILENO, &crash.tios);
	scr = newterm(NULL, out, stdin);
	if (!scr) {
		fprintf(stderr, "vmlab tui: cannot use the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		fclose(out);
		term_close(tt);
		return false;
	}
	tt->scr = scr;
	tt->tty_out = out;
	tt->on = true;
	dup2(tt->cap_fd, STDOUT_FILENO);
	dup2(tt->cap_fd, STDERR_FILENO);
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	tt->color = !no_color && !(nc && *nc) && has_colors();
	if (tt->color) {
		start_color();
		use_default_colors();
	}
	setup_attrs(tt->color);

	/* the crash path's way back: the terminal modes and rmcup/cnorm */
	crash.tty_fd = fileno(out);
	crash.leave_len = 0;
	const char *caps[] = { "sgr0", "cnorm", "rmcup" };
	for (int i = 0; i < 3; i++) {
		char *s = tigetstr(caps[i]);
		size_t n = s && s != (char *)-1 ? strlen(s) : 0;
		if (n && crash.leave_len + n < sizeof crash.leave) {
			memcpy(crash.leave + crash.leave_len, s, n);
			crash.leave_len += n;
		}
	}
	crash.on_stop = on_stop;
	crash.on_end = on_end;
	crash.opaque = opaque;
	crash.armed = 1;
	catch_signals(tt);
	return true;
}

void term_close(struct tui_term *tt)
{
	if (tt->on) {
		crash.armed = 0;
		endwin();
		delscreen(tt->scr);
		fclose(tt->tty_out);
		restore_signals(tt);
		crash.on_stop = NULL;
		crash.on_end = NULL;
		tt->on = false;
	}
	fflush(stdout);
	fflush(stderr);
	if (tt->saved_out >= 0) {
		dup2(tt->saved_out, STDOUT_FILENO);
		close(tt->saved_out);
	}
	if (tt->saved_err >= 0) {
		dup2(tt->saved_err, STDERR_FILENO);
		close(tt->saved_err);
	}
	if (tt->cap_fd >= 0)
		close(tt->cap_fd);
	tt->saved_out = tt->saved_err = tt->cap_fd = -1;
}

void term_drain(struct tui_term *tt, void (*add)(void *ctx, const char *s, size_t n), void *ctx)
{
	char buf[4096];
	ssize_t n;
	off_t at = 0;

	if (tt->cap_fd < 0)
		return;
	fflush(stdout);
	fflush(stderr);
	while ((n = pread(tt->cap_fd, buf, sizeof buf, at)) > 0) {
		add(ctx, buf, (size_t)n);
		at += n;
	}
	if (at && ftruncate(tt->cap_fd, 0) != 0)
		(void)0; /* writes append (O_APPEND): they start over at 0 */
}

void term_size(struct tui_term *tt, int *cols, int *rows)
{
	(void)tt;
	getmaxyx(stdscr, *rows, *cols);
}

void term_draw(struct tui_term *tt, const struct tui_grid *g)
{
	(void)tt;
	for (int y = 0; y < g->rows; y++)
		for (int x = 0; x < g->cols; x++) {
			const struct tui_cell *c = &g->cells[y * g->cols + x];
			wchar_t w[2] = { (wchar_t)c->ch, 0 };
			cchar_t cc;
			setcchar(&cc, w, attrs[c->attr], pairs[c->attr], NULL);
			mvadd_wch(y, x, &cc);
		}
	if (g->cur_x >= 0) {
		move(g->cur_y, g->cur_x);
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
}

int term_key(struct tui_term *tt, int timeout_ms)
{
	(void)tt;
	timeout(timeout_ms);
	int ch = getch();
	return ch == ERR ? -1 : ch;
}
