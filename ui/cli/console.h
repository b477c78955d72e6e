/*
 * console.h -- where a bare machine's console input comes from while it
 * runs, and how the run is paced (docs/toyos.md, "The console").
 *
 *   batch        --console-in FILE, or standard input that is not a
 *                terminal with --console-in -: the whole input arrives at
 *                cycle 0, then the end of input.  No --console-in and no
 *                terminal: the end of input at once.  Runs at full speed.
 *   interactive  standard input and output are terminals (or
 *                --console-in - with a terminal): the terminal is in the
 *                guest's mode (tty.h); what is typed arrives at the cycle
 *                at which vmlab delivers it, between two instructions;
 *                Ctrl-D is the end of input; idle time is paced.
 *   replay       --replay FILE: a recording's arrivals at their cycles
 *                (conlog.h); its stop, if any, stops the run there.
 *
 * --record FILE writes every arrival (and a Ctrl-C stop) as it happens.
 * Ctrl-C stops the run in every mode: console_run returns STOP_REQUESTED
 * with `stopped` set.
 *
 * Determinism.  Host time never reaches the guest except through the
 * cycles at which typed bytes arrive, and those are recorded.  While the
 * guest is idle (halted) in an interactive run, its virtual time is paced
 * at CONSOLE_IDLE_HZ cycles per host second, so an idle guest with a
 * periodic timer neither races ahead in virtual time nor spins the host;
 * a guest that runs is never slowed down.
 */
#ifndef VMLAB_CONSOLE_H
#define VMLAB_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/machine.h"

#define CONSOLE_IDLE_HZ 10000000u   /* idle cycles per host second      */
#define CONSOLE_CHUNK   (1u << 18)  /* instructions between looks at the host */

struct image;

struct console {
	const char *cmd;          /* "run": prefix of messages            */
	struct machine *m;
	FILE *out;                /* flushed as the guest writes          */
	int in_fd;                /* interactive input, or -1             */
	bool in_tty;              /* in_fd is a terminal in guest mode    */
	bool in_open;             /* interactive input not ended yet      */
	FILE *rec;                /* --record, or NULL                    */
	bool has_stop;            /* --replay with a stop line            */
	uint64_t stop_cycle, stop_insns;
	uint64_t limit;           /* sleep limit while interactive        */
	uint64_t debt_ns;         /* paced idle time not yet waited       */
	uint64_t end, idle0;      /* console_run's budget (UINT64_MAX: none) */
	bool stopped;             /* Ctrl-C, or the replay's stop         */
	bool replay_stop;         /* it was the replay's stop             */
};

/* Feed the machine's console from the options (NULL: not given) and get
 * ready to run: interactive only if `interactive` is allowed.  0, or 2
 * after printing why (bad file, both --replay and --console-in, ...). */
int console_open(struct console *c, const char *cmd, struct machine *m, FILE *out,
		 const char *console_in, const char *record, const char *replay,
		 bool interactive);
/* Run at most max_insns instructions as machine_run does, with input,
 * Ctrl-C (after tty_catch_interrupt) and pacing as above.  The terminal
 * stays in the guest's mode between calls; console_pause() gives it back
 * (before a prompt or a report). */
enum machine_stop console_run(struct console *c, uint64_t max_insns);
/* The same for a caller with its own run loop (the debugger): call it with
 * before = true just before each machine_run, and with false and its
 * result right after.  `opaque` is the struct console. */
void console_hook(void *opaque, struct machine *m, bool before, enum machine_stop why);
void console_pause(struct console *c);
/* "vmlab CMD: stopped (Ctrl-C) at ..." with the place it stopped. */
void console_report_stop(const struct console *c, const struct image *img, FILE *out);
void console_close(struct console *c);

#endif
