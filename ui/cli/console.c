/*
 * console.c -- console input while a bare machine runs: batch, interactive
 * or replayed, with recording and Ctrl-C (console.h).
 *
 * The interactive loop, between machine_run calls of CONSOLE_CHUNK
 * instructions at most:
 *
 *   Ctrl-C seen?           -> stop here (STOP_REQUESTED, stopped)
 *   machine_run(chunk), sleeping no further than `limit`
 *     ran its chunk        -> flush output; deliver what was typed, at
 *                             this cycle; go on
 *     STOP_IDLE (halted,   -> the next event is N cycles away: pace them
 *      would sleep past       (N / CONSOLE_IDLE_HZ host seconds, short ones
 *      limit)                 batched); a key typed meanwhile arrives at
 *                             now + the host time waited, in cycles; no
 *                             event at all: wait for a key
 *     anything else        -> return it
 *
 * A typed byte thus arrives at an instruction boundary (or inside a
 * sleep), at a cycle the recording keeps; a replay puts it on the UART's
 * tape at that cycle and the machine takes the same path.
 *
 * The budget of a chunk counts halted cycles too (`vmlab run`), so a
 * paced sleep goes on over several chunks, and Ctrl-C may stop the run
 * between two: partway through the sleep, after the last instruction.
 * The replay runs to that instruction and then sleeps to the recorded
 * cycle with machine_sleep, which runs no instruction and needs no
 * instruction budget (machine_run(m, 0) could not sleep at all).
 */
#include "ui/cli/console.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/hostfile.h"
#include "sim/image.h"
#include "ui/cli/conlog.h"
#include "ui/cli/tty.h"
#include "ui/dbg/report.h"

#define BATCH_NS 2000000ull /* idle waits shorter than this add up first */

static uint64_t host_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int batch_input(struct console *c, const char *path)
{
	char err[512];
	size_t len;
	uint8_t *in = hostfile_read(path, HOSTFILE_MAX_CONSOLE_IN, "console input", &len, err, sizeof err);

	if (!in) {
		fprintf(stderr, "vmlab %s: --console-in: %s\n", c->cmd, err);
		return 2;
	}
	machine_console_input(c->m, in, len);
	if (c->rec && len)
		conlog_put_bytes(c->rec, machine_cycles(c->m), in, len);
	free(in);
	return 0;
}

static int replay_input(struct console *c, const char *path)
{
	struct conlog log;
	char err[512];
	bool ok = true;

	if (!conlog_read(&log, path, err, sizeof err)) {
		fprintf(stderr, "vmlab %s: --replay: %s\n", c->cmd, err);
		return 2;
	}
	for (size_t i = 0; i < log.n && ok; i++) {
		const struct conlog_entry *e = &log.e[i];
		switch (e->kind) {
		case CONLOG_BYTES:
			ok = machine_console_input_at(c->m, e->cycle, log.bytes + e->off, e->len);
			if (ok && c->rec)
				conlog_put_bytes(c->rec, e->cycle, log.bytes + e->off, e->len);
			break;
		case CONLOG_EOF:
			ok = machine_console_eof_at(c->m, e->cycle);
			if (ok && c->rec)
				conlog_put_eof(c->rec, e->cycle);
			break;
		case CONLOG_STOP:
			c->has_stop = true;
			c->stop_cycle = e->cycle;
			c->stop_insns = e->insns;
			break;
		}
	}
	conlog_free(&log);
	if (!ok) {
		fprintf(stderr, "vmlab %s: --replay: %s: out of memory\n", c->cmd, path);
		return 2;
	}
	return 0;
}

int console_open(struct console *c, const char *cmd, struct machine *m, FILE *out,
		 const char *console_in, const char *record, const char *replay,
		 bool interactive)
{
	char err[512];
	bool in_term = isatty(STDIN_FILENO);

	memset(c, 0, sizeof *c);
	c->cmd = cmd;
	c->m = m;
	c->out = out;
	c->in_fd = -1;
	c->limit = UINT64_MAX;
	c->end = UINT64_MAX;
	if (replay && console_in) {
		fprintf(stderr, "vmlab %s: --replay and --console-in both give the input\n", cmd);
		return 2;
	}
	if (record && replay && !strcmp(record, replay)) {
		fprintf(stderr, "vmlab %s: --record would overwrite the --replay file %s\n", cmd,
			record);
		return 2;
	}
	if (record && !(c->rec = conlog_create(record, err, sizeof err))) {
		fprintf(stderr, "vmlab %s: --record: %s\n", cmd, err);
		return 2;
	}
	if (replay)
		return replay_input(c, replay);
	/* interactive: asked for with "-" on a terminal, or both ends are one */
	if (interactive && in_term &&
	    (console_in ? !strcmp(console_in, "-") : isatty(STDOUT_FILENO))) {
		c->in_fd = STDIN_FILENO;
		c->in_open = true;
		c->in_tty = tty_raw(STDIN_FILENO);
		c->limit = machine_cycles(m);
		return 0;
	}
	if (console_in) {
		int st = batch_input(c, console_in);
		if (st)
			return st;
	}
	machine_console_eof(m);
	if (c->rec)
		conlog_put_eof(c->rec, machine_cycles(m));
	return 0;
}

/* Read what was typed (fd is readable) and deliver it now. */
static void take_input(struct console *c)
{
	uint8_t buf[256];
	ssize_t n = read(c->in_fd, buf, sizeof buf);
	size_t k;
	bool eof;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	k = n > 0 ? (size_t)n : 0;
	eof = k == 0; /* end of file, or the terminal hung up */
	if (c->in_tty) {
		uint8_t *d = memchr(buf, tty_eof_char(), k);
		if (d) { /* Ctrl-D: what came before it, then the end */
			k = (size_t)(d - buf);
			eof = true;
		}
	}
	if (k) {
		machine_console_input(c->m, buf, k);
		if (c->rec)
			conlog_put_bytes(c->rec, machine_cycles(c->m), buf, k);
	}
	if (eof) {
		machine_console_eof(c->m);
		if (c->rec)
			conlog_put_eof(c->rec, machine_cycles(c->m));
		c->in_open = false;
	}
}

/* Wait up to ns host nanoseconds (UINT64_MAX: no limit) for a key or a
 * signal; true if input is ready. */
static bool wait_input(struct console *c, uint64_t ns)
{
	struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
	uint64_t ms = ns == UINT64_MAX ? 0 : (ns + 999999u) / 1000000u;
	int r = poll(&p, c->in_open ? 1 : 0, ns == UINT64_MAX ? -1 : ms > 60000 ? 60000 : (int)ms);

	return r > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR));
}

/* What is left of console_run's budget: instructions and halted cycles
 * together, as `vmlab run` counts them (machine_set_budget's idle_counts,
 * added up here over many machine_run calls). */
static uint64_t budget_left(const struct console *c)
{
	uint64_t used = machine_instret(c->m) + (machine_idle_counted(c->m) - c->idle0);

	return used >= c->end ? 0 : c->end - used;
}

/* The cycle a halted CPU may sleep to: `until`, or sooner if the budget
 * ends first. */
static uint64_t sleep_end(const struct console *c, uint64_t until)
{
	uint64_t now = machine_cycles(c->m), left;

	if (c->end == UINT64_MAX || until <= now)
		return until;
	left = budget_left(c);
	return left < until - now ? now + left : until;
}

/* The guest is idle: pace its sleep, deliver what is typed meanwhile. */
static void idle(struct console *c)
{
	struct machine *m = c->m;
	uint64_t now = machine_cycles(m), next = machine_next_event(m), ns = UINT64_MAX;
	uint64_t t0, waited;

	/* Nothing can wake it, not even a key (the input has ended, or the
	 * UART's line is masked at the interrupt controller): let the machine
	 * say so, as a batch run would. */
	if (next == UINT64_MAX &&
	    (!c->in_open || !(machine_irq_enabled(m) & (1u << IRQ_UART)))) {
		c->limit = UINT64_MAX;
		return;
	}
	if (next != UINT64_MAX)
		ns = (next - now) / (CONSOLE_IDLE_HZ / 1000000u) * 1000u;
	if (ns != UINT64_MAX && c->debt_ns + ns < BATCH_NS) {
		c->debt_ns += ns; /* a short sleep: wait for it later, with others */
		c->limit = next;
		if (c->in_open && wait_input(c, 0))
			take_input(c);
		return;
	}
	if (ns != UINT64_MAX)
		ns += c->debt_ns;
	c->debt_ns = 0;
	t0 = host_ns();
	bool ready = wait_input(c, ns);
	waited = (host_ns() - t0) / 1000u * (CONSOLE_IDLE_HZ / 1000000u);
	if (!ready) {
		/* The whole sleep, or a signal cut it short (Ctrl-C, or a
		 * SIGCONT after Ctrl-Z): then sleep only as far as the host
		 * waited, never to "no event at all", which would end the run
		 * as a halt with nothing to wake it. */
		c->limit = next != UINT64_MAX && waited >= next - now ? next : now + waited;
		return;
	}
	/* A key, `waited` into the sleep: it arrives there, before the event. */
	uint64_t at = next != UINT64_MAX && waited >= next - now ? next - 1 : now + waited;
	/* not machine_run(m, 0): a budget that counts halted cycles would
	 * not let it sleep at all, and the key would arrive `now` */
	machine_sleep(m, sleep_end(c, at));
	take_input(c);
	c->limit = machine_cycles(m);
}

static enum machine_stop stop_here(struct console *c, bool replayed)
{
	c->stopped = true;
	c->replay_stop = replayed;
	if (c->rec)
		conlog_put_stop(c->rec, machine_cycles(c->m), machine_instret(c->m));
	return STOP_REQUESTED;
}

/* The replay's stop: instructions done; the recorded run may have slept
 * on to its stop (Ctrl-C while the guest idled), through device events
 * that did not wake it: sleep there too, with no instruction. */
static enum machine_stop replay_stop(struct console *c)
{
	uint64_t to = sleep_end(c, c->stop_cycle);
	enum machine_stop why = machine_sleep(c->m, to);

	if (why != STOP_IDLE)
		return why;
	if (to < c->stop_cycle && machine_cycles(c->m) == to)
		return STOP_LIMIT; /* this run's budget ends before the stop */
	if (machine_cycles(c->m) != c->stop_cycle)
		fprintf(stderr, "vmlab %s: the replay stops at cycle %llu, not %llu as recorded\n",
			c->cmd, (unsigned long long)machine_cycles(c->m),
			(unsigned long long)c->stop_cycle);
	return stop_here(c, true);
}

void console_hook(void *opaque, struct machine *m, bool before, enum machine_stop why)
{
	struct console *c = opaque;

	if (before) {
		if (c->in_tty)
			tty_raw(c->in_fd); /* the terminal may have been given back */
		/* a replay's stop may come while the guest sleeps */
		machine_set_sleep_limit(m, c->has_stop ? c->stop_cycle : c->limit);
		return;
	}
	machine_set_sleep_limit(m, UINT64_MAX);
	fflush(c->out);
	if (c->in_fd < 0)
		return;
	if (why == STOP_IDLE) {
		idle(c);
		return;
	}
	if (c->in_open && wait_input(c, 0))
		take_input(c);
	/* A sleep cut short by the budget of a chunk goes on to the limit
	 * already waited for; the limit only catches up with the guest. */
	if (c->limit < machine_cycles(m))
		c->limit = machine_cycles(m);
}

enum machine_stop console_run(struct console *c, uint64_t max_insns)
{
	struct machine *m = c->m;
	uint64_t start = machine_instret(m);
	enum machine_stop why;

	c->stopped = false;
	c->end = max_insns > UINT64_MAX - start ? UINT64_MAX : start + max_insns;
	c->idle0 = machine_idle_counted(m);
	for (;;) {
		uint64_t at = machine_instret(m), n = budget_left(c);
		if (n == 0)
			return STOP_LIMIT;
		if (tty_interrupted())
			return stop_here(c, false);
		if (c->has_stop && c->stop_insns <= at)
			return replay_stop(c);
		if (c->has_stop && c->stop_insns - at < n) {
			/* n counts halted cycles too: a halted CPU would creep to
			 * its wake-up n cycles a call; it sleeps there first */
			uint64_t t0 = machine_cycles(m);
			why = machine_sleep(m, sleep_end(c, c->stop_cycle));
			if (why != STOP_IDLE)
				return why;
			if (machine_cycles(m) != t0)
				continue; /* the budget, again */
			n = c->stop_insns - at;
		}
		if (n > CONSOLE_CHUNK)
			n = CONSOLE_CHUNK;
		console_hook(c, m, true, STOP_LIMIT);
		why = machine_run(m, n);
		console_hook(c, m, false, why);
		if (why == STOP_IDLE && c->has_stop)
			return replay_stop(c);
		if (why != STOP_IDLE &&
		    (why != STOP_LIMIT || machine_cycles_spent(m) || budget_left(c) == 0))
			return why;
	}
}

void console_pause(struct console *c)
{
	fflush(c->out);
	if (c->in_tty)
		tty_restore();
}

void console_report_stop(const struct console *c, const struct image *img, FILE *out)
{
	struct machine *m = c->m;
	uint32_t pc = machine_pc(m);
	const struct image_symbol *sym = img ? image_symbol_near(img, pc) : NULL;

	if (c->in_tty)
		fputc('\n', out); /* the guest's prompt has no newline yet */
	fprintf(out, "vmlab %s: stopped (%s)\n  cycle  %llu, after %llu instructions\n", c->cmd,
		c->replay_stop ? "Ctrl-C, replayed" : "Ctrl-C",
		(unsigned long long)machine_cycles(m), (unsigned long long)machine_instret(m));
	if (sym)
		fprintf(out, "  pc     0x%08x  ring %u  <%s+%u>\n", pc, machine_psw(m) & PSW_RING_MASK,
			sym->name, pc - sym->value);
	else
		fprintf(out, "  pc     0x%08x  ring %u\n", pc, machine_psw(m) & PSW_RING_MASK);
	report_insn_source(m, img, pc, out);
}

void console_close(struct console *c)
{
	console_pause(c);
	if (c->rec)
		fclose(c->rec);
	c->rec = NULL;
}
