/*
 * dbg.h -- the debugger core, for every front end; today there is one,
 * the readline command line (`vmlab debug`, ui/cli/cmd_debug.c).
 *
 * One struct dbg debugs one machine with one program image.  It never
 * touches a terminal: everything it says goes to the two streams the front
 * end gives it (results to `out`, error messages to `err`; a front end that
 * wants text in memory passes open_memstream() streams).  No readline here.
 *
 *	struct dbg *d = dbg_new(&(struct dbg_config){ .m = m, .img = img,
 *				.out = stdout, .err = stderr });
 *	while ((line = read_a_line()))
 *		if (dbg_exec(d, line) == DBG_QUIT)
 *			break;
 *	dbg_free(d);
 *
 * Commands follow gdb's names where gdb has one (docs/debugger.md lists
 * them all).  Every stop of the machine the debugger reports is a point
 * *between* two instructions where everything that happens between
 * instructions has happened (device events fired, a pending interrupt
 * taken): a "step" is one instruction that retires or one that traps, and
 * the debugger counts them (`info checkpoints` shows the count).  That
 * count is what reverse execution navigates by: the debugger keeps
 * snapshots of the machine (sim/snapshot.c) every so many steps and
 * replays from the nearest one, deterministically, to reach any earlier
 * step exactly.
 */
#ifndef VMLAB_DBG_H
#define VMLAB_DBG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/machine.h"

struct image;
struct dbg;
struct vmm;

struct dbg_config {
	struct machine *m;        /* the machine, program loaded, at reset   */
	const struct image *img;  /* symbols and line table, or NULL         */
	const char *image_path;   /* to find source files next to it; NULL ok */
	const char *source_root;  /* read sources only under it; NULL: anywhere */
	FILE *out;                /* results                                 */
	FILE *err;                /* one-line error messages                 */
	unsigned trace_cats;      /* TRACE_* categories on at start          */
	uint64_t checkpoint_interval; /* least steps between snapshots; 0: default */
	bool exact_interval;      /* ... and not more, however big they are (tests) */
	size_t history_bytes;     /* memory for snapshots; 0: default         */
	/* Called around each stretch a running command runs (continue,
	 * until, finish, ...; never while replaying history): before = true
	 * just before machine_run, false right after with its result, which
	 * may be STOP_IDLE if the hook set a sleep limit.  A front end delivers
	 * console input and paces idle time there.  NULL: nothing. */
	void (*run_hook)(void *opaque, struct machine *m, bool before, enum machine_stop why);
	void *run_hook_opaque;
	struct vmm *vmm;          /* the machine runs this monitor's guests,
				     started (vmm_start); NULL: bare */
	uint64_t max_steps;       /* steps the session may run forward; 0: no
				   * limit (vmlab debug --max-insns)          */
	bool batch_safe;          /* refuse `shell` (graded batch runs)        */
	bool confirm;             /* ask before delete-all and restarting run   */
	/* Ask the user a yes/no question (confirm only); NULL: always yes. */
	bool (*ask)(void *ctx, const char *question);
	void *ask_ctx;
};

/* NULL if out of memory (message on cfg->err).  The debugger takes over
 * the machine's io callbacks (and gives them back in dbg_free): it
 * forwards them, except while it replays execution already shown. */
struct dbg *dbg_new(const struct dbg_config *cfg);
void dbg_free(struct dbg *d);

enum dbg_result {
	DBG_OK,    /* the command did what it was asked                 */
	DBG_ERROR, /* it failed; a one-line message went to `err`       */
	DBG_QUIT,  /* `quit`                                            */
};

/* Run one command line.  An empty line repeats the last step, next or x
 * (as gdb does); a line starting with '#' is a comment. */
enum dbg_result dbg_exec(struct dbg *d, const char *line);

/* A `define` is open: the next lines are its body, up to `end` (a front
 * end shows gdb's ">" prompt for them). */
bool dbg_defining(const struct dbg *d);

/* Ask a running command to stop at the next chance (a few milliseconds):
 * safe to call from a signal handler. */
void dbg_interrupt(struct dbg *d);

/* Completion for a front end: call add(ctx, candidate) for every word
 * that could stand at `word` (the partial word, which starts at byte
 * `start` of `line`): command names first on a line, then what the
 * command takes (symbols, registers as $name, subcommands). */
void dbg_complete(struct dbg *d, const char *line, size_t start, const char *word,
		  void (*add)(void *ctx, const char *candidate), void *ctx);

/* The location line(s) of the current stop, as printed after a step. */
void dbg_show_location(struct dbg *d);

/* Evaluate an expression (docs/debugger.md, "Expressions"); false with a
 * message in err (a buffer of errlen bytes). */
bool dbg_eval(struct dbg *d, const char *expr, uint32_t *value, char *err, size_t errlen);

/* Where the debugger is in the run: steps since reset. */
uint64_t dbg_steps(const struct dbg *d);
/* Steps of any machine as machine_run counts them: instructions retired
 * plus instructions that trapped (the Lua run loop counts the same way). */
uint64_t dbg_steps_of(struct machine *m);

/* The session ran its max_steps: a batch front end exits non-zero. */
bool dbg_budget_exhausted(const struct dbg *d);

#endif
