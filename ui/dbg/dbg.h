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

/* ---- a scripting language, plugged in by the front end ------------------
 * The core has the commands `lua CHUNK` and `source FILE.lua` but knows no
 * Lua: the layers point ui/cli -> ui/lua -> ui/dbg, so the front end that
 * links the language hands the core these functions (ui/lua's
 * vlua_attach_debugger does it).  They are here, not in the front end,
 * because commands reach the core by other ways than the front end's
 * prompt -- lines of a `source` file, a `define` body, dbg:command() --
 * and there `lua` must work the same; the core also gives it help,
 * completion and the nesting limit.  Without a language both commands say
 * so, and `source` of any other file reads debugger commands as before. */
struct dbg_lang {
	const char *name;     /* "Lua", for messages                         */
	const char *suffix;   /* ".lua": `source FILE` with it runs here     */
	/* Run a chunk or a file: DBG_OK, or DBG_ERROR after its report went
	 * to dbg_err(d). */
	enum dbg_result (*run_chunk)(void *ctx, const char *chunk);
	enum dbg_result (*run_file)(void *ctx, const char *path);
	/* After each stretch the core runs the machine forward (never a
	 * replay of the past), at an instruction boundary: the language's
	 * event handlers may have written registers, which it applies now,
	 * or asked to stop.  DBG_LANG_* bits; NULL: none. */
	unsigned (*after_run)(void *ctx, enum machine_stop why);
	void *ctx;
};
enum {
	DBG_LANG_STOP = 1,     /* stop the run here ("Stopped by a Lua handler.") */
	DBG_LANG_CHANGED = 2,  /* it changed the machine: history restarts        */
};
/* Plug lang in (NULL: none); the core keeps the pointer. */
void dbg_set_lang(struct dbg *d, const struct dbg_lang *lang);

/* The streams results and errors go to now, and a change of them (a
 * script capturing a command's output in open_memstream streams; the
 * tracer follows `out`). */
FILE *dbg_out(const struct dbg *d);
FILE *dbg_err(const struct dbg *d);
void dbg_set_streams(struct dbg *d, FILE *out, FILE *err);

/* The built-in command a line starts with, by its full name ("break"
 * for "b main"), or NULL (none, ambiguous, or a user command). */
const char *dbg_command_of(const char *line);

/* Run a command one level down, as `source` runs its lines (no repeat
 * of the empty line, the nesting limit applies). */
enum dbg_result dbg_exec_nested(struct dbg *d, const char *line);

/* Breakpoints, watchpoints and catchpoints as `info breakpoints` lists
 * them, for a script: i from 0 to dbg_bp_count(d) - 1. */
struct dbg_bp_info {
	int num;
	const char *type;      /* "breakpoint", "watchpoint", "read watchpoint",
				* "acc watchpoint", "catchpoint"             */
	const char *what;      /* the location or event as written           */
	const char *cond;      /* condition, or NULL                         */
	bool enabled, temporary, phys;
	uint32_t addr;         /* breakpoint or watchpoint address           */
	int asid;              /* -1: any address space                      */
	unsigned hits, ignore;
};
size_t dbg_bp_count(const struct dbg *d);
void dbg_bp_get(const struct dbg *d, size_t i, struct dbg_bp_info *info);
/* The number the newest breakpoint got (0: none yet). */
int dbg_bp_last(const struct dbg *d);

/* Someone else changed the machine (a script wrote a register): the
 * recorded past cannot be replayed to here any more, so reverse-execution
 * history restarts, and breakpoints are translated again. */
void dbg_machine_changed(struct dbg *d);
/* The debugger is re-running the past (reverse execution): events now
 * were seen before, and observers should ignore them. */
bool dbg_replaying(const struct dbg *d);

#endif
