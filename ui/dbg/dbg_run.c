/*
 * dbg_run.c -- run control: the resume engine, settling, the stepping
 * commands and the report of why the machine stopped.
 *
 * Steps.  The machine counts a step for every instruction that retires
 * and for every instruction that traps instead (machine_run(m, 1) stops at
 * the first instruction of the handler); an interrupt taken between two
 * instructions is no step.  So the step count is
 *
 *	instret + traps other than interrupts and syscalls
 *
 * (a syscall retires: it is counted in instret already), and the debugger
 * reads it off the statistics.  machine_run(m, K) moves exactly K steps on.
 *
 * Settling.  machine_run stops after its last step with the work that
 * comes between instructions partly undone: a due device event may have
 * fired, but a pending interrupt is not taken and a halt not woken until
 * the next run starts.  The debugger finishes that work before it shows a
 * stop (dbg_settle: run with an EV_INSN listener that stops before the
 * next instruction), so a stepped interrupt shows its handler, and every
 * stop it reports is the same state for the same step count however the
 * machine got there -- which is what lets reverse execution return to it.
 *
 * The resume engine (dbg_resume) runs in chunks: up to the next step at
 * which a periodic snapshot is due (dbg_rev.c), and never more than
 * CHUNK steps, so Ctrl-C is noticed within milliseconds.  A chunk that
 * ends at the pc of a breakpoint would pass it (machine_run steps over the
 * breakpoint it starts on), so the engine asks the breakpoints itself
 * there.  Between chunks the machine runs at full speed: breakpoints are
 * patched decoded slots, nothing is checked per instruction.
 */
#include "ui/dbg/dbg_priv.h"

#include <stdlib.h>
#include <string.h>

#include "sim/asm/disasm.h"
#include "sim/image.h"
#include "ui/dbg/report.h"
#include "ui/dbg/trace.h"

#define CHUNK (1ull << 22)

uint64_t dbg_steps_of(struct machine *m)
{
	struct machine_stats s;
	uint64_t n;

	machine_get_stats(m, &s);
	n = s.instret;
	for (unsigned c = 0; c < TRAP_NCAUSES; c++)
		if (c != TRAP_INTERRUPT && c != TRAP_SYSCALL)
			n += s.traps[c];
	return n;
}

uint64_t dbg_steps(const struct dbg *d)
{
	return dbg_steps_of(d->m);
}

bool dbg_budget_exhausted(const struct dbg *d)
{
	return d->budget_hit;
}

/* Forward steps the budget still allows (UINT64_MAX: no budget). */
static uint64_t budget_left(const struct dbg *d, uint64_t done)
{
	if (!d->max_steps || d->replaying)
		return UINT64_MAX;
	uint64_t used = d->steps_run + d->idle_run + done;
	return used >= d->max_steps ? 0 : d->max_steps - used;
}

bool dbg_on_insn(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct dbg *d = opaque;

	if (d->insn_mode == INSN_SETTLE)
		return true;
	if (d->uw) { /* replaying to find the frames */
		dbg_unwind_insn(d, ev);
		return false;
	}
	if (d->rec) { /* recording the past for reverse-step: note, never stop */
		uint64_t i = dbg_steps_of(m) - d->rec_lo;
		if (i < d->rec_n)
			d->rec[i] = (struct dbg_rec){ ev->pc, machine_reg(m, ISA_REG_SP), ev->word,
						      (uint8_t)(machine_psw(m) & PSW_RING_MASK) };
		return false;
	}
	if (d->replaying && !d->scanning)
		return false;
	if (dbg_ring_check(d))
		return true;
	if (d->insn_mode == INSN_PRED && d->pred && d->pred(d, ev)) {
		if (d->stop.kind == SK_NONE)
			d->stop.kind = SK_PRED;
		return true;
	}
	return false;
}

/* machine_run(n), but a halted machine, which retires nothing, sleeps at
 * most CHUNK cycles: so Ctrl-C and signals are seen, and its halted
 * cycles count toward the --max-insns budget (as in `vmlab run`). */
static enum machine_stop run_bounded(struct dbg *d, uint64_t n)
{
	uint64_t idle0 = machine_idle_counted(d->m), c0 = machine_cycles(d->m);
	enum machine_stop why;

	machine_set_budget(d->m, c0 > UINT64_MAX - CHUNK ? UINT64_MAX : c0 + CHUNK, true);
	why = machine_run(d->m, n);
	if (!d->replaying)
		d->idle_run += machine_idle_counted(d->m) - idle0;
	machine_set_budget(d->m, UINT64_MAX, false);
	return why;
}

/* A script's handlers (dbg_lang.after_run) ran during a forward stretch:
 * note what they want; their changes are taken in once the machine is
 * settled (lang_settled), since history restarts from a settled state. */
static void lang_after(struct dbg *d, enum machine_stop why)
{
	unsigned f;

	if (!d->lang || !d->lang->after_run || d->replaying)
		return;
	f = d->lang->after_run(d->lang->ctx, why);
	d->lang_stop |= (f & DBG_LANG_STOP) != 0;
	d->lang_changed |= (f & DBG_LANG_CHANGED) != 0;
}

static void lang_settled(struct dbg *d)
{
	if (d->lang_changed && !d->replaying) {
		d->lang_changed = false;
		dbg_machine_changed(d);
	}
}

bool dbg_settle(struct dbg *d)
{
	enum insn_mode saved = d->insn_mode;
	unsigned cats = d->trace_cats;
	enum machine_stop why;

	if (!dbg_machine_alive(d, false))
		return false;
	d->insn_mode = INSN_SETTLE;
	dbg_listen_sync(d);
	/* the instruction about to run is traced when it runs, not now */
	d->trace_cats &= ~(unsigned)TRACE_INSN;
	dbg_trace_apply(d);
	why = run_bounded(d, 1);
	d->trace_cats = cats;
	dbg_trace_apply(d);
	d->insn_mode = saved;
	dbg_listen_sync(d);
	lang_after(d, why);
	lang_settled(d);
	return dbg_machine_alive(d, false);
}

bool dbg_machine_alive(struct dbg *d, bool complain)
{
	const struct machine_fatal *f;

	if (dbg_vm_ended(d)) /* the monitor stopped: every guest ended */
		return complain ? dbg_error(d, "The guests are not running: every VM has ended."),
				  false : false;
	if (!machine_dead(d->m))
		return true;
	if (!complain)
		return false;
	f = machine_fatal_report(d->m);
	if (f)
		dbg_error(d, "The machine is not running: it stopped (%s).  Use run to start again, "
			  "or reverse-stepi.", f->reason);
	else
		dbg_error(d, "The machine is not running: it powered off (exit code %d).  Use run to "
			  "start again, or reverse-stepi.", machine_exit_code(d->m));
	return false;
}

/* Why machine_run refused or stopped for good. */
static void stop_dead(struct dbg *d)
{
	const struct machine_fatal *f = machine_fatal_report(d->m);

	if (d->stop.kind != SK_NONE && d->stop.kind != SK_PRED)
		return;
	d->stop.kind = f ? SK_FATAL : SK_POWER;
}

enum stop_kind dbg_resume(struct dbg *d, uint64_t max_steps, dbg_pred_fn pred)
{
	uint64_t start = dbg_steps(d);

	memset(&d->stop, 0, sizeof d->stop);
	d->pred = pred;
	d->insn_mode = pred ? INSN_PRED : INSN_NONE;
	d->fresh = false;
	dbg_listen_sync(d);
	dbg_vm_run(d, true);
	for (;;) {
		if (!dbg_machine_alive(d, false)) {
			stop_dead(d);
			break;
		}
		uint64_t now = dbg_steps(d), done_steps = now - start;
		if (done_steps >= max_steps) {
			d->stop.kind = SK_STEPPED;
			break;
		}
		uint64_t budget = max_steps - done_steps, left = budget_left(d, done_steps);
		if (left == 0) {
			d->stop.kind = SK_BUDGET;
			d->budget_hit = true;
			break;
		}
		if (left < budget)
			budget = left;
		if (!d->replaying) {
			uint64_t next = dbg_history_next(d);
			if (next > now && next - now < budget)
				budget = next - now;
		}
		if (budget > CHUNK)
			budget = CHUNK;
		bool hook = d->run_hook && !d->replaying;
		if (hook)
			d->run_hook(d->run_hook_opaque, d->m, true, STOP_LIMIT);
		enum machine_stop why = run_bounded(d, budget);
		if (hook)
			d->run_hook(d->run_hook_opaque, d->m, false, why);
		lang_after(d, why);
		if (why == STOP_POWER_OFF || why == STOP_FATAL) {
			stop_dead(d);
			break;
		}
		dbg_settle(d);
		if (d->lang_stop) {
			d->lang_stop = false;
			if (d->stop.kind == SK_NONE)
				d->stop.kind = SK_LANG;
		}
		if (d->stop.kind != SK_NONE)
			break;
		if (why == STOP_DEBUG_BREAK && !d->replaying) {
			d->stop.kind = SK_GUEST_BREAK;
			break;
		}
		if (!d->replaying)
			dbg_history_tick(d);
		if (d->interrupted) {
			d->stop.kind = SK_INTERRUPTED;
			d->interrupted = 0;
			break;
		}
		/* the next chunk starts here: machine_run would pass a breakpoint */
		if (dbg_steps(d) - start < max_steps && dbg_bp_check_here(d))
			break;
	}
	d->insn_mode = INSN_NONE;
	d->pred = NULL;
	d->lang_stop = false;
	lang_settled(d); /* a power off is not settled, but final */
	dbg_listen_sync(d);
	dbg_vm_run(d, false);
	if (!d->replaying) {
		d->steps_run += dbg_steps(d) - start;
		dbg_bp_refresh(d);
	}
	return d->stop.kind;
}

/* ---- reporting ------------------------------------------------------------ */

static void show_notes(struct dbg *d)
{
	char text[96];

	for (int i = 0; i < d->nnotes && i < DBG_MAX_NOTES; i++) {
		const struct dbg_note *n = &d->notes[i];
		if (CAUSE_CODE(n->cause) == TRAP_INTERRUPT)
			dbg_printf(d, "Interrupt: from ring %u, epc 0x%08x, lines 0x%08x -> ring %u\n",
				   n->from_ring, n->pc, machine_irq_lines(d->m) & machine_irq_enabled(d->m),
				   n->to_ring);
		else if (CAUSE_CODE(n->cause) == TRAP_PAGE_FAULT || CAUSE_CODE(n->cause) == TRAP_ALIGN ||
			 CAUSE_CODE(n->cause) == TRAP_BUS_ERROR)
			dbg_printf(d, "Trap: %s from ring %u, epc 0x%08x, badva 0x%08x -> ring %u\n",
				   dbg_cause_text(n->cause, text, sizeof text), n->from_ring, n->pc,
				   n->badva, n->to_ring);
		else
			dbg_printf(d, "Trap: %s from ring %u, epc 0x%08x -> ring %u\n",
				   dbg_cause_text(n->cause, text, sizeof text), n->from_ring, n->pc,
				   n->to_ring);
	}
	if (d->nnotes_more)
		dbg_printf(d, "(and %d more traps or interrupts)\n", d->nnotes_more);
	d->nnotes = d->nnotes_more = 0;
}

void dbg_report_stop(struct dbg *d)
{
	const struct dbg_stop *s = &d->stop;

	if (d->console_midline) { /* start the report on a line of its own */
		dbg_printf(d, "\n");
		d->console_midline = false;
	}
	show_notes(d);
	switch (s->kind) {
	case SK_POWER:
		if (d->vm)
			dbg_vm_report_end(d);
		else
			dbg_printf(d, "[machine powered off, exit code %d]\n", machine_exit_code(d->m));
		return;
	case SK_FATAL:
		fflush(d->out);
		report_fatal(d->m, d->img, d->out);
		return;
	case SK_BREAK:
	case SK_WATCH:
	case SK_CATCH:
		dbg_report_bp(d, s);
		break;
	case SK_GUEST_BREAK:
		dbg_printf(d, "Guest break (the debug device's BREAK register)\n");
		break;
	case SK_INTERRUPTED:
		dbg_printf(d, "Interrupted.\n");
		break;
	case SK_LANG:
		dbg_printf(d, "Stopped by a %s handler.\n", d->lang ? d->lang->name : "script");
		break;
	case SK_COND_ERROR:
		dbg_printf(d, "%s\n", s->msg);
		break;
	case SK_HISTORY_END:
		dbg_printf(d, "No more reverse-execution history.\n");
		break;
	case SK_BUDGET:
		dbg_printf(d, "Instruction budget of %llu exhausted (--max-insns).\n",
			   (unsigned long long)d->max_steps);
		break;
	default:
		break;
	}
	dbg_show_location(d);
	if (d->finishing && s->kind == SK_PRED && !d->pred_rfe) {
		char v[64];
		dbg_format_value(machine_reg(d->m, 1), 0, v, sizeof v);
		dbg_printf(d, "Value returned: a0 = %s\n", v);
	}
	d->finishing = false;
	dbg_show_displays(d);
}

/* ---- the commands ------------------------------------------------------------ */

/* [N]: a count, 1 by default. */
static bool parse_n(struct dbg *d, const char *args, uint64_t *n)
{
	*n = 1;
	if (dbg_is_blank(args))
		return true;
	if (dbg_parse_count(args, n) && *n > 0)
		return true;
	dbg_error(d, "Invalid count \"%s\": expected a positive number.", dbg_skip_ws(args));
	return false;
}

static bool insn_at_pc(struct dbg *d, struct isa_insn *in)
{
	uint32_t word;
	char err[160];

	in->op = OP_INVALID;
	if (!dbg_read_mem(d, machine_pc(d->m), false, &word, 4, err, sizeof err))
		return false;
	isa_decode(word, in);
	return in->op != OP_INVALID;
}

static bool is_call(const struct isa_insn *in)
{
	return in->op == OP_jal || (in->op == OP_jalr && in->rd == ISA_REG_RA);
}

static bool is_ret(const struct isa_insn *in)
{
	return in->op == OP_jalr && in->rd == 0 && in->rs1 == ISA_REG_RA && in->imm == 0;
}

bool dbg_word_is_call(uint32_t word)
{
	struct isa_insn in;

	isa_decode(word, &in);
	return is_call(&in);
}

bool dbg_word_is_ret(uint32_t word)
{
	struct isa_insn in;

	isa_decode(word, &in);
	return is_ret(&in) || in.op == OP_rfe;
}

/* One step, or over a call: run to the instruction after it in this frame. */
static enum stop_kind step_once(struct dbg *d, bool over)
{
	struct isa_insn in;
	enum stop_kind k;

	if (!over || !insn_at_pc(d, &in) || !is_call(&in))
		return dbg_resume(d, 1, NULL);
	dbg_temp_set(d, machine_pc(d->m) + 4, true);
	d->collect_notes = false;
	k = dbg_resume(d, UINT64_MAX, NULL);
	d->collect_notes = true;
	dbg_temp_clear(d);
	return k == SK_TEMP ? SK_STEPPED : k;
}

static int stepping(struct dbg *d, uint64_t n, bool over)
{
	d->nnotes = d->nnotes_more = 0;
	d->collect_notes = true;
	if (!over)
		dbg_resume(d, n, NULL);
	else
		for (uint64_t i = 0; i < n && step_once(d, true) == SK_STEPPED; i++)
			continue;
	d->collect_notes = false;
	dbg_report_stop(d);
	return DBG_OK;
}

bool dbg_at_line_start(struct dbg *d, uint32_t pc, bool *has_line)
{
	const char *file;
	uint32_t line;
	const struct image_line *l;

	*has_line = dbg_line_of(d, pc, &file, &line);
	l = *has_line ? image_line_at(dbg_image_at(d, pc), pc) : NULL;
	return l && l->addr == pc;
}

/* Step by source lines: until pc is at the start of a line (a different
 * one, or the same one again through a jump back) or leaves the program's
 * source.  until_mode: also require pc beyond where it started, or stop
 * after a return. */
static int line_step(struct dbg *d, uint64_t n, bool over, bool until_mode)
{
	d->nnotes = d->nnotes_more = 0;
	d->collect_notes = true;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t start = machine_pc(d->m);
		bool has_line, stopped = false;
		for (;;) {
			struct isa_insn in;
			bool ret = insn_at_pc(d, &in) && is_ret(&in);
			enum stop_kind k = step_once(d, over);
			if (k != SK_STEPPED) {
				stopped = true;
				break;
			}
			uint32_t pc = machine_pc(d->m);
			bool start_of_line = dbg_at_line_start(d, pc, &has_line);
			if (!has_line || (until_mode && ret))
				break;
			if (start_of_line && (!until_mode || pc > start))
				break;
			if (d->interrupted) {
				d->stop.kind = SK_INTERRUPTED;
				d->interrupted = 0;
				stopped = true;
				break;
			}
		}
		if (stopped)
			break;
	}
	d->collect_notes = false;
	dbg_report_stop(d);
	return DBG_OK;
}

/* stepi, nexti, step, next: [N], then by instructions or by lines. */
static int step_by(struct dbg *d, const char *args, bool lines, bool over)
{
	uint64_t n;

	if (!parse_n(d, args, &n) || !dbg_machine_alive(d, true))
		return DBG_ERROR;
	return lines ? line_step(d, n, over, false) : stepping(d, n, over);
}

int dbgc_stepi(struct dbg *d, const char *args, const char *fmt)
{
	return step_by(d, args, false, false);
}

int dbgc_nexti(struct dbg *d, const char *args, const char *fmt)
{
	return step_by(d, args, false, true);
}

int dbgc_step(struct dbg *d, const char *args, const char *fmt)
{
	return step_by(d, args, true, false);
}

int dbgc_next(struct dbg *d, const char *args, const char *fmt)
{
	return step_by(d, args, true, true);
}

/* continue and run: at reset nobody has seen the first instruction yet,
 * so a breakpoint on it counts (machine_run would step over it). */
static void resume_from_rest(struct dbg *d)
{
	if (d->fresh) {
		d->fresh = false;
		memset(&d->stop, 0, sizeof d->stop);
		if (dbg_bp_check_here(d)) {
			dbg_bp_refresh(d);
			return;
		}
	}
	dbg_resume(d, UINT64_MAX, NULL);
}

int dbgc_continue(struct dbg *d, const char *args, const char *fmt)
{
	uint64_t n = 1;

	if (!dbg_is_blank(args) && (!dbg_parse_count(args, &n) || n == 0))
		return dbg_error(d, "Invalid count \"%s\": expected a positive number.", dbg_skip_ws(args));
	if (!dbg_machine_alive(d, true))
		return DBG_ERROR;
	if (n > 1 && d->stop.kind == SK_BREAK) {
		for (size_t i = 0; i < d->nbps; i++)
			if (d->bps[i]->num == d->stop.num) {
				d->bps[i]->ignore = (unsigned)(n - 1);
				dbg_printf(d, "Will ignore next %llu crossings of breakpoint %d.  Continuing.\n",
					   (unsigned long long)(n - 1), d->stop.num);
			}
	}
	resume_from_rest(d);
	dbg_report_stop(d);
	return DBG_OK;
}

int dbgc_run(struct dbg *d, const char *args, const char *fmt)
{
	char err[256];

	if (!dbg_is_blank(args))
		return dbg_error(d, "run takes no arguments (the program and its input are given to vmlab debug)");
	if (!d->fresh && d->confirm && d->ask &&
	    !d->ask(d->ask_ctx, "The program being debugged has been started already.\n"
				"Start it from the beginning? "))
		return DBG_OK;
	if (!machine_state_restore(d->m, d->reset, err, sizeof err))
		return dbg_error(d, "cannot restart: %s", err);
	dbg_history_restart(d);
	d->fresh = true;
	dbg_bp_refresh(d);
	resume_from_rest(d);
	dbg_report_stop(d);
	return DBG_OK;
}

/* finish: count the calls and returns that retire in the starting ring
 * (rfe counts as a return: it leaves a trap handler).
 * ev is the instruction about to be dispatched; the one dispatched before
 * it retired if instret moved (a faulting call runs again later). */
static bool finish_pred(struct dbg *d, const struct machine_event_info *ev)
{
	uint64_t instret = machine_instret(d->m);
	struct isa_insn in;

	if (d->pred_prev_valid && instret != d->pred_prev_instret && d->pred_prev_ring == d->pred_ring) {
		isa_decode(d->pred_prev_word, &in);
		if (is_call(&in))
			d->pred_depth++;
		else if ((is_ret(&in) || in.op == OP_rfe) && d->pred_depth-- == 0) {
			d->pred_rfe = in.op == OP_rfe;
			return true; /* right after the return that leaves the function */
		}
	}
	d->pred_prev_valid = true;
	d->pred_prev_word = ev->word;
	d->pred_prev_ring = machine_psw(d->m) & PSW_RING_MASK;
	d->pred_prev_instret = instret;
	return false;
}

int dbgc_finish(struct dbg *d, const char *args, const char *fmt)
{
	char sym[96];
	uint32_t pc = machine_pc(d->m);

	if (!dbg_is_blank(args))
		return dbg_error(d, "finish takes no arguments");
	if (!dbg_machine_alive(d, true))
		return DBG_ERROR;
	disasm_symbolize(dbg_image_at(d, pc), pc, sym, sizeof sym);
	dbg_printf(d, "Run till exit from 0x%08x %s\n", pc, sym);
	d->pred_depth = 0;
	d->pred_ring = machine_psw(d->m) & PSW_RING_MASK;
	d->pred_prev_valid = false;
	d->pred_rfe = false;
	dbg_resume(d, UINT64_MAX, finish_pred);
	d->finishing = true;
	dbg_report_stop(d);
	return DBG_OK;
}

static int run_to(struct dbg *d, const char *args, const char *cmd)
{
	uint32_t va;

	if (dbg_is_blank(args))
		return dbg_error(d, "%s needs a location (see help %s)", cmd, cmd);
	if (!dbg_parse_location(d, args, &va))
		return DBG_ERROR;
	if (!dbg_machine_alive(d, true))
		return DBG_ERROR;
	dbg_temp_set(d, va, false);
	dbg_resume(d, UINT64_MAX, NULL);
	dbg_temp_clear(d);
	dbg_report_stop(d);
	return DBG_OK;
}

int dbgc_advance(struct dbg *d, const char *args, const char *fmt)
{
	return run_to(d, args, "advance");
}

int dbgc_until(struct dbg *d, const char *args, const char *fmt)
{
	if (!dbg_is_blank(args))
		return run_to(d, args, "until");
	if (!dbg_machine_alive(d, true))
		return DBG_ERROR;
	return line_step(d, 1, true, true);
}

int dbgc_run_until(struct dbg *d, const char *args, const char *fmt)
{
	struct dbg_bp proto, *bp;
	int num;

	memset(&proto, 0, sizeof proto);
	if (dbg_catch_parse(d, args, &proto) != DBG_OK)
		return DBG_ERROR;
	if (!dbg_machine_alive(d, true)) {
		free(proto.cond);
		free(proto.what);
		return DBG_ERROR;
	}
	proto.temporary = true;
	bp = dbg_bp_add(d, &proto);
	if (!bp)
		return DBG_ERROR;
	num = bp->num;
	dbg_resume(d, UINT64_MAX, NULL);
	dbg_bp_delete(d, num); /* if it did not fire */
	dbg_report_stop(d);
	return DBG_OK;
}
