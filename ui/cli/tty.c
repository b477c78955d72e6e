/*
 * tty.c -- the terminal in the guest's mode, and back (tty.h).
 *
 * This is the one place with file-scope state in vmlab: a signal handler
 * can reach nothing else, and the terminal is one per process anyway.
 */
#include "ui/cli/tty.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct {
	volatile sig_atomic_t interrupted; /* SIGINT seen                    */
	volatile sig_atomic_t raw;         /* fd is in the guest's mode      */
	int fd;
	struct termios saved;              /* the terminal's own settings    */
	struct termios guest;              /* the mode while the guest runs  */
	bool atexit_done, handlers_done;
} tty = { .fd = -1 };

static void on_interrupt(int sig)
{
	(void)sig;
	tty.interrupted = 1;
}

void tty_catch_interrupt(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: a wait for input ends */
	tty.interrupted = 0;
}

bool tty_interrupted(void)
{
	bool was = tty.interrupted;

	tty.interrupted = 0;
	return was;
}

void tty_release_interrupt(void)
{
	signal(SIGINT, SIG_DFL);
}

void tty_restore(void)
{
	if (tty.raw) {
		tcsetattr(tty.fd, TCSADRAIN, &tty.saved);
		tty.raw = 0;
	}
}

/* A signal that ends or stops the process: the terminal first, then the
 * signal's own action (async-signal-safe calls only). */
static void on_fatal(int sig)
{
	if (tty.raw)
		tcsetattr(tty.fd, TCSANOW, &tty.saved);
	if (sig == SIGTSTP) {
		tty.raw = tty.raw ? 2 : 0; /* 2: stopped, to be switched back */
		signal(SIGTSTP, SIG_DFL);
		raise(SIGTSTP);
		return;
	}
	tty.raw = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_continue(int sig)
{
	struct sigaction sa;

	(void)sig;
	if (tty.raw == 2) {
		tcsetattr(tty.fd, TCSANOW, &tty.guest);
		tty.raw = 1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, NULL);
}

static void install_handlers(void)
{
	static const int fatal[] = { SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGSEGV, SIGBUS, SIGFPE,
				     SIGABRT };
	struct sigaction sa;

	if (tty.handlers_done)
		return;
	tty.handlers_done = true;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_fatal;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
		struct sigaction old;
		/* a signal the shell told us to ignore stays ignored */
		if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(fatal[i], &sa, NULL);
	}
	sa.sa_handler = on_continue;
	sigaction(SIGCONT, &sa, NULL);
}

bool tty_raw(int fd)
{
	struct termios t;

	if (tty.raw && fd == tty.fd)
		return true; /* already: keep the settings saved the first time */
	if (!isatty(fd) || tcgetattr(fd, &t) != 0)
		return false;
	tty.fd = fd;
	tty.saved = t;
	t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | IXON | ISTRIP);
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | IEXTEN);
	t.c_lflag |= ISIG;
	t.c_oflag |= OPOST | ONLCR;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tty.guest = t;
	install_handlers();
	if (!tty.atexit_done) {
		atexit(tty_restore);
		tty.atexit_done = true;
	}
	if (tcsetattr(fd, TCSADRAIN, &t) != 0)
		return false;
	tty.raw = 1;
	return true;
}

unsigned char tty_eof_char(void)
{
	return tty.fd >= 0 && tty.saved.c_cc[VEOF] ? tty.saved.c_cc[VEOF] : 4;
}
