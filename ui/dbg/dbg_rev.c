/*
 * dbg_rev.c -- reverse execution by deterministic replay, and checkpoint
 * files.
 *
 * The history is a list of snapshots (sim/snapshot.c), each at a known
 * step count: one where history begins (reset, or the last time the user
 * changed the machine by hand), then more as the machine runs forward (the
 * resume engine ends its chunks on the steps where one is due).
 * The machine is deterministic, so the state at any step after the first
 * snapshot can be rebuilt: restore the latest snapshot at or before it,
 * run the difference with everything muted, settle.
 *
 *   reverse-stepi N    go to step (now - N)
 *   reverse-continue   replay the spans between snapshots backward, newest
 *                      first, with the breakpoints live but only noting
 *                      where they would have stopped; go to the last such
 *                      place before now
 *
 * Cost: a snapshot holds only the non-zero RAM pages, and copying them
 * costs time, so snapshots are spaced by at least STEPS_PER_BYTE steps per
 * byte of the previous one (a guest that fills 16 MiB of RAM gets one
 * every 64 million steps or so; a small one every `interval`): copying
 * stays a few percent of the run, and a replay a fraction of a second.
 * When they exceed the memory budget, every other one is dropped and the
 * interval doubles, so the history always reaches back to its beginning
 * and a replay is at most a few spacings long.
 *
 * Changing the machine by hand (set, print with =, load) makes the past
 * unreplayable: history restarts at that point.
 */
#include "ui/dbg/dbg_priv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/asm/disasm.h"

static void ck_free_all(struct dbg *d)
{
	for (size_t i = 0; i < d->nck; i++)
		machine_state_free(d->ck[i].st);
	d->nck = 0;
	d->ck_bytes = 0;
}

/* Insert a snapshot of the machine as it is now; false if out of memory. */
static bool ck_take(struct dbg *d)
{
	char err[128];
	uint64_t steps = dbg_steps(d);
	struct machine_state *st;
	size_t at = d->nck;

	if (d->nck == d->capck) {
		size_t cap = d->capck ? d->capck * 2 : 64;
		struct dbg_ckpt *nc = realloc(d->ck, cap * sizeof *nc);
		if (!nc)
			return false;
		d->ck = nc;
		d->capck = cap;
	}
	st = machine_state_save(d->m, err, sizeof err);
	if (!st)
		return false;
	while (at > 0 && d->ck[at - 1].steps > steps)
		at--;
	memmove(&d->ck[at + 1], &d->ck[at], (d->nck - at) * sizeof *d->ck);
	d->ck[at] = (struct dbg_ckpt){ steps, st };
	d->nck++;
	d->ck_bytes += machine_state_bytes(st);
	return true;
}

/* Copying a byte of snapshot costs about a tenth of a step of the run. */
#define STEPS_PER_BYTE 4

/* Over budget: keep the first and the last snapshot and every other one
 * between them, and space the next ones twice as far. */
static void thin(struct dbg *d)
{
	while (d->ck_bytes > d->ck_budget && d->nck > 2) {
		size_t keep = 1;
		d->interval *= 2;
		for (size_t i = 1; i < d->nck; i++) {
			if (i % 2 == 0 || i + 1 == d->nck) {
				d->ck[keep++] = d->ck[i];
			} else {
				d->ck_bytes -= machine_state_bytes(d->ck[i].st);
				machine_state_free(d->ck[i].st);
			}
		}
		d->nck = keep;
	}
}

/* Steps from snapshot c to the next one. */
static uint64_t spacing(const struct dbg *d, const struct dbg_ckpt *c)
{
	uint64_t by_size = (uint64_t)machine_state_bytes(c->st) * STEPS_PER_BYTE;

	return by_size > d->interval && !d->exact_interval ? by_size : d->interval;
}

bool dbg_history_init(struct dbg *d, uint64_t interval, size_t budget)
{
	d->interval = interval;
	d->ck_budget = budget;
	dbg_history_restart(d);
	return d->nck == 1;
}

void dbg_history_free(struct dbg *d)
{
	ck_free_all(d);
	free(d->ck);
	d->ck = NULL;
	d->capck = 0;
}

void dbg_history_restart(struct dbg *d)
{
	d->history_gen++; /* the frames found in the old history are void */
	ck_free_all(d);
	ck_take(d); /* if this fails there is no history: reverse commands say so */
}

/* The latest snapshot at or before step s, or -1. */
static long ck_before(const struct dbg *d, uint64_t s)
{
	long found = -1;

	for (size_t i = 0; i < d->nck && d->ck[i].steps <= s; i++)
		found = (long)i;
	return found;
}

uint64_t dbg_history_next(const struct dbg *d)
{
	long i = ck_before(d, dbg_steps(d));
	uint64_t next;

	if (i < 0)
		return UINT64_MAX;
	/* snapshots already taken further on (before a reverse) count */
	next = d->ck[i].steps + spacing(d, &d->ck[i]);
	for (size_t j = (size_t)i + 1; j < d->nck && d->ck[j].steps <= next; j++)
		next = d->ck[j].steps + spacing(d, &d->ck[j]);
	return next;
}

void dbg_history_tick(struct dbg *d)
{
	uint64_t s = dbg_steps(d);
	long i = ck_before(d, s);

	if (i < 0 || d->ck[i].steps == s || s < dbg_history_next(d))
		return;
	if (ck_take(d))
		thin(d);
}

/* Rebuild the machine as it was at step target (>= the first snapshot). */
static bool goto_step(struct dbg *d, uint64_t target);

bool dbg_goto_step(struct dbg *d, uint64_t target)
{
	return goto_step(d, target);
}

static bool goto_step(struct dbg *d, uint64_t target)
{
	char err[256];
	long i = ck_before(d, target);
	bool ok;

	if (i < 0) {
		dbg_error(d, "No snapshot at or before step %llu.", (unsigned long long)target);
		return false;
	}
	dbg_mute(d, true);
	ok = machine_state_restore(d->m, d->ck[i].st, err, sizeof err);
	if (ok) {
		uint64_t s;
		while ((s = dbg_steps(d)) < target) {
			enum machine_stop why = machine_run(d->m, target - s);
			if (why == STOP_POWER_OFF || why == STOP_FATAL)
				break;
		}
		dbg_settle(d);
		if (dbg_steps(d) != target) {
			snprintf(err, sizeof err, "replay reached step %llu instead of %llu",
				 (unsigned long long)dbg_steps(d), (unsigned long long)target);
			ok = false;
		}
	}
	dbg_mute(d, false);
	dbg_bp_refresh(d);
	if (!ok)
		dbg_error(d, "Reverse execution failed: %s (vmlab bug: please report it).", err);
	return ok;
}

static bool have_history(struct dbg *d)
{
	if (d->nck)
		return true;
	dbg_error(d, "No reverse-execution history (out of memory for snapshots).");
	return false;
}

int dbgc_reverse_stepi(struct dbg *d, const char *args, const char *fmt)
{
	uint64_t n = 1, now = dbg_steps(d), base;

	if (!dbg_is_blank(args) && (!dbg_parse_count(args, &n) || n == 0))
		return dbg_error(d, "Invalid count \"%s\": expected a positive number.", dbg_skip_ws(args));
	if (!have_history(d))
		return DBG_ERROR;
	base = d->ck[0].steps;
	memset(&d->stop, 0, sizeof d->stop);
	if (now - base < n) {
		n = now - base;
		d->stop.kind = SK_HISTORY_END;
	} else {
		d->stop.kind = SK_STEPPED;
	}
	if (n && !goto_step(d, now - n))
		return DBG_ERROR;
	dbg_report_stop(d);
	return DBG_OK;
}

/* Replay [ck[i], end) with the breakpoints live; note the last stop
 * before `now`.  false if interrupted. */
static bool scan(struct dbg *d, size_t i, uint64_t end, uint64_t now, struct dbg_stop *best,
		 uint64_t *best_steps, bool *found)
{
	char err[256];
	uint64_t s;

	if (!machine_state_restore(d->m, d->ck[i].st, err, sizeof err)) {
		dbg_error(d, "Reverse execution failed: %s", err);
		return false;
	}
	d->scanning = true;
	dbg_bp_refresh(d);
	memset(&d->stop, 0, sizeof d->stop);
	if (dbg_bp_check_here(d) && dbg_steps(d) < now) {
		*best = d->stop;
		*best_steps = dbg_steps(d);
		*found = true;
	}
	while ((s = dbg_steps(d)) < end && !machine_dead(d->m)) {
		enum stop_kind k = dbg_resume(d, end - s, NULL);
		if (k == SK_INTERRUPTED) {
			d->scanning = false;
			return false;
		}
		if ((k == SK_BREAK || k == SK_WATCH || k == SK_CATCH || k == SK_COND_ERROR) &&
		    dbg_steps(d) < now) {
			*best = d->stop;
			*best_steps = dbg_steps(d);
			*found = true;
		}
		if (k == SK_STEPPED || k == SK_POWER || k == SK_FATAL)
			break;
	}
	d->scanning = false;
	return true;
}

int dbgc_reverse_continue(struct dbg *d, const char *args, const char *fmt)
{
	uint64_t now = dbg_steps(d), best_steps = 0;
	struct dbg_stop best;
	bool found = false, ok = true;
	long i;

	if (!dbg_is_blank(args))
		return dbg_error(d, "reverse-continue takes no arguments");
	if (!have_history(d))
		return DBG_ERROR;
	memset(&best, 0, sizeof best);
	dbg_mute(d, true);
	for (i = ck_before(d, now); i >= 0 && !found && ok; i--) {
		if (d->ck[i].steps >= now)
			continue;
		uint64_t end = (size_t)i + 1 < d->nck && d->ck[i + 1].steps < now ? d->ck[i + 1].steps : now;
		ok = scan(d, (size_t)i, end, now, &best, &best_steps, &found);
	}
	dbg_mute(d, false);
	if (!ok) {
		/* interrupted: go back to where we were */
		if (!goto_step(d, now))
			return DBG_ERROR;
		memset(&d->stop, 0, sizeof d->stop);
		d->stop.kind = SK_INTERRUPTED;
		dbg_report_stop(d);
		return DBG_OK;
	}
	if (!goto_step(d, found ? best_steps : d->ck[0].steps))
		return DBG_ERROR;
	if (found) {
		d->stop = best;
	} else {
		memset(&d->stop, 0, sizeof d->stop);
		d->stop.kind = SK_HISTORY_END;
	}
	dbg_report_stop(d);
	return DBG_OK;
}

/* ---- reverse-step, reverse-next, reverse-finish ------------------------------------ */

/* These go back by source lines and frames, which only the instructions
 * of the past can tell: replay a stretch of it (muted) and record every
 * step's pc, sp, instruction and ring (dbg_on_insn fills d->rec), then
 * look for the step to return to, and go there exactly (goto_step).  The
 * stretch starts WINDOW steps back and grows sixteenfold until the step
 * is found or history begins.
 *
 * Frames: a call (jal, jalr to ra) that retires in the same ring enters
 * one, a return (ret, rfe) leaves one, and a trap or interrupt -- the
 * ring drops to a more privileged one -- enters one: depth[i] counts them
 * from the start of the stretch. */
#define WINDOW (1ull << 16)
#define MAX_RECORD (1ull << 22)       /* 64 MiB of records at most */

enum rev_goal { REV_STEP, REV_NEXT, REV_FINISH };

/* Record steps [lo, hi); false (after a message) on failure. */
static bool record(struct dbg *d, uint64_t lo, uint64_t hi, struct dbg_rec *rec)
{
	uint64_t s;

	memset(rec, 0xff, (hi - lo) * sizeof *rec);
	if (!goto_step(d, lo))
		return false;
	dbg_mute(d, true);
	d->rec = rec;
	d->rec_lo = lo;
	d->rec_n = hi - lo;
	d->insn_mode = INSN_PRED; /* the listener that records */
	dbg_listen_sync(d);
	while ((s = dbg_steps(d)) < hi) {
		enum machine_stop why = machine_run(d->m, hi - s);
		if (why == STOP_POWER_OFF || why == STOP_FATAL)
			break;
	}
	d->rec = NULL;
	d->insn_mode = INSN_NONE;
	dbg_mute(d, false);
	return true;
}

/* The step to go back to in rec[0..n) (n: now), or -1 if the stretch
 * does not reach it. */
static long rev_target(struct dbg *d, const struct dbg_rec *rec, long n, enum rev_goal goal)
{
	long *depth = malloc(((size_t)n + 1) * sizeof *depth);
	long found = -1, want;
	bool has_line;

	if (!depth)
		return -1;
	depth[0] = 0;
	for (long i = 0; i < n; i++) {
		const struct dbg_rec *a = &rec[i], *b = &rec[i + 1];
		unsigned ring_next = i + 1 < n ? b->ring : machine_psw(d->m) & PSW_RING_MASK;
		depth[i + 1] = depth[i];
		if (a->ring == 0xff || ring_next == 0xff)
			continue;
		if (ring_next < a->ring)
			depth[i + 1]++;                 /* a trap or interrupt */
		else if (dbg_word_is_call(a->word) && ring_next == a->ring)
			depth[i + 1]++;
		else if (dbg_word_is_ret(a->word))
			depth[i + 1]--;
	}
	want = depth[n];
	for (long i = n - 1; i >= 0 && found < 0; i--) {
		if (rec[i].ring == 0xff)
			continue;
		if (goal == REV_FINISH) {
			if (depth[i] < want)
				found = i;              /* the call (or trap) that entered */
			continue;
		}
		if (depth[i] < want)
			want = depth[i];                /* back out into the caller */
		if ((goal == REV_STEP || depth[i] == want) && dbg_at_line_start(d, rec[i].pc, &has_line))
			found = i;
	}
	free(depth);
	return found;
}

static int reverse_by(struct dbg *d, const char *args, enum rev_goal goal, const char *name)
{
	uint64_t now = dbg_steps(d), base, back = WINDOW;
	char sym[96];

	if (!dbg_is_blank(args))
		return dbg_error(d, "%s takes no arguments", name);
	if (!have_history(d))
		return DBG_ERROR;
	base = d->ck[0].steps;
	if (goal == REV_FINISH) {
		uint32_t pc = machine_pc(d->m);
		disasm_symbolize(dbg_image_at(d, pc), pc, sym, sizeof sym);
		dbg_printf(d, "Run back to call of 0x%08x%s%s\n", pc, sym[0] ? " " : "", sym);
	}
	memset(&d->stop, 0, sizeof d->stop);
	for (;;) {
		uint64_t lo = now - base < back ? base : now - back;
		struct dbg_rec *rec = malloc((size_t)(now - lo + 1) * sizeof *rec);
		long at;
		if (!rec)
			return dbg_error(d, "out of memory");
		if (!record(d, lo, now, rec)) {
			free(rec);
			return DBG_ERROR;
		}
		at = rev_target(d, rec, (long)(now - lo), goal);
		free(rec);
		if (at >= 0 || lo == base || back >= MAX_RECORD) {
			d->stop.kind = at >= 0 ? SK_STEPPED : SK_HISTORY_END;
			if (!goto_step(d, at >= 0 ? lo + (uint64_t)at : lo))
				return DBG_ERROR;
			break;
		}
		back *= 16;
	}
	dbg_report_stop(d);
	return DBG_OK;
}

int dbgc_reverse_step(struct dbg *d, const char *args, const char *fmt)
{
	return reverse_by(d, args, REV_STEP, "reverse-step");
}

int dbgc_reverse_next(struct dbg *d, const char *args, const char *fmt)
{
	return reverse_by(d, args, REV_NEXT, "reverse-next");
}

int dbgc_reverse_finish(struct dbg *d, const char *args, const char *fmt)
{
	return reverse_by(d, args, REV_FINISH, "reverse-finish");
}

/* ---- checkpoint files ---------------------------------------------------------- */

int dbgc_save(struct dbg *d, const char *args, const char *fmt)
{
	char err[512];
	struct machine_state *st;
	const char *path = dbg_skip_ws(args);

	if (!strncmp(path, "breakpoints", 11) && (path[11] == ' ' || path[11] == '\t' || !path[11]))
		return dbg_bp_save(d, dbg_skip_ws(path + 11));
	if (!*path)
		return dbg_error(d, "save needs a file name (save FILE)");
	st = machine_state_save(d->m, err, sizeof err);
	if (!st)
		return dbg_error(d, "%s", err);
	struct machine_image_id id = { d->image_path, d->img };
	bool ok = machine_state_write_file(st, path, d->img ? &id : NULL, err, sizeof err);
	struct stat sb;
	long long bytes = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
	machine_state_free(st);
	if (!ok)
		return dbg_error(d, "%s", err);
	dbg_printf(d, "Saved the machine to %s (%lld bytes; step %llu, cycle %llu).\n", path, bytes,
		   (unsigned long long)dbg_steps(d), (unsigned long long)machine_cycles(d->m));
	return DBG_OK;
}

int dbgc_load(struct dbg *d, const char *args, const char *fmt)
{
	char err[512], err2[256], path[4096];
	struct machine_state *st, *backup;
	struct machine_image_id id = { d->image_path, d->img };
	bool force = false, other;
	size_t n;

	/* load FILE [force]: force loads a checkpoint of another image */
	snprintf(path, sizeof path, "%s", dbg_skip_ws(args));
	n = strlen(path);
	while (n && (path[n - 1] == ' ' || path[n - 1] == '\t'))
		path[--n] = '\0';
	if (n > 6 && !strcmp(path + n - 5, "force") && (path[n - 6] == ' ' || path[n - 6] == '\t')) {
		force = true;
		path[n -= 6] = '\0';
		while (n && (path[n - 1] == ' ' || path[n - 1] == '\t'))
			path[--n] = '\0';
	}
	if (!*path)
		return dbg_error(d, "load needs a file name (load FILE [force])");
	st = machine_state_read_file(path, d->m, d->img ? &id : NULL, force, &other, err,
				     sizeof err);
	if (!st && other)
		return dbg_error(d, "%s\n(load %s force: load it anyway)", err, path);
	if (!st)
		return dbg_error(d, "%s", err);
	backup = machine_state_save(d->m, err, sizeof err);
	if (!backup) {
		machine_state_free(st);
		return dbg_error(d, "%s", err);
	}
	bool ok = machine_state_restore(d->m, st, err, sizeof err);
	machine_state_free(st);
	if (!ok) {
		/* a foreign file may have got half way: put everything back */
		if (!machine_state_restore(d->m, backup, err2, sizeof err2))
			dbg_error(d, "cannot return to the state before load: %s", err2);
		machine_state_free(backup);
		dbg_bp_refresh(d);
		return dbg_error(d, "%s: %s", path, err);
	}
	machine_state_free(backup);
	dbg_history_restart(d);
	dbg_bp_refresh(d);
	d->fresh = false;
	memset(&d->stop, 0, sizeof d->stop);
	dbg_printf(d, "Loaded %s (step %llu, cycle %llu).\n", path, (unsigned long long)dbg_steps(d),
		   (unsigned long long)machine_cycles(d->m));
	if (machine_dead(d->m))
		dbg_printf(d, "The machine in it is not running (it had stopped).\n");
	dbg_show_location(d);
	return DBG_OK;
}

int dbgi_checkpoints(struct dbg *d, const char *args)
{
	if (!d->nck) {
		dbg_printf(d, "No reverse-execution history.\n");
		return DBG_OK;
	}
	dbg_printf(d, "Reverse-execution history: %zu snapshot%s from step %llu to step %llu, spaced "
		      "%llu steps or more,\n%zu KiB of %zu KiB allowed.  Now at step %llu.\n",
		   d->nck, d->nck == 1 ? "" : "s", (unsigned long long)d->ck[0].steps,
		   (unsigned long long)d->ck[d->nck - 1].steps,
		   (unsigned long long)spacing(d, &d->ck[d->nck - 1]), d->ck_bytes >> 10,
		   d->ck_budget >> 10, (unsigned long long)dbg_steps(d));
	return DBG_OK;
}
