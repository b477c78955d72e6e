/*
 * dbg_frame.c -- the call stack: backtrace, frame, up, down, info frame.
 *
 * The unwinding rule.  The machine's calling convention (docs/isa.md)
 * has a frame-pointer register but does not require its use, and toyos
 * and the labs save ra wherever they like (push ra, ENTER, or not at all
 * in a leaf), so the stack cannot be walked from memory reliably.  The
 * debugger does not need to: it can replay the past exactly, so it
 * *watches* the calls happen.  Replaying from the start of the history
 * (dbg_rev.c) with a listener on every instruction and every trap, it
 * keeps a shadow stack:
 *
 *   a call (jal, jalr to ra)  pushes a call frame: where the call is, the
 *                             return address, the caller's sp and ring
 *   a trap or interrupt       pushes a trap frame: epc, cause, badva, the
 *                             rings, the interrupted sp
 *   a return (jalr r0,0(ra))  pops down to the call frame it returns to:
 *                             same return address, same sp, same ring
 *   rfe                       pops down to the latest trap frame
 *
 * A return that matches no frame of the current stack is a switch of
 * stacks (toyos's swtch: another process's kernel stack); the current
 * stack is put aside and the one whose top frame matches becomes current
 * (or a new, empty one: a process starting).  So the backtrace of any
 * process, kernel frames, trap frame and user frames, is what really
 * happened -- no convention needed, leaf functions and macros included.
 * Cost: one replay at about 10 million steps a second, from the start of
 * the history or at most MAX_REPLAY steps back (older frames are then
 * unknown, and said so); Ctrl-C stops it; the result is kept until the
 * machine moves.
 */
#include "ui/dbg/dbg_priv.h"

#include <stdlib.h>
#include <string.h>

#include "sim/asm/disasm.h"
#include "sim/image.h"

#define MAX_REPLAY (1ull << 25)   /* steps replayed to find frames (~3 s)  */
#define CHUNK (1ull << 22)        /* steps between looks at Ctrl-C         */
#define MAX_STACKS 64             /* stacks put aside (processes)          */
#define MAX_DEPTH 1024            /* frames in one stack                   */

enum { FR_CALL, FR_TRAP };

struct dbg_frame_rec {
	uint8_t kind;              /* FR_CALL or FR_TRAP                      */
	uint8_t ring;              /* ring of the caller / interrupted code   */
	uint8_t to_ring;           /* trap: the handler's ring                */
	uint32_t pc;               /* call: the call; trap: epc               */
	uint32_t ret;              /* call: the return address                */
	uint32_t sp;               /* the caller's / interrupted code's sp    */
	uint32_t ptbr;             /* its address space                       */
	uint32_t cause, badva;     /* trap                                    */
};

struct shadow {
	struct dbg_frame_rec *v;
	size_t n, cap;
};

struct dbg_unwind {
	struct shadow cur;
	struct shadow aside[MAX_STACKS];
	size_t naside;
	bool lost;                 /* frames were dropped (depth, stacks)     */
};

static uint32_t ptbr_now(struct machine *m)
{
	uint32_t v = 0;

	machine_cr(m, CR_PTBR, &v);
	return v;
}

static void push(struct dbg_unwind *u, const struct dbg_frame_rec *f)
{
	struct shadow *s = &u->cur;

	if (s->n == MAX_DEPTH) { /* runaway recursion: forget the oldest */
		memmove(s->v, s->v + 1, (s->n - 1) * sizeof *s->v);
		s->n--;
		u->lost = true;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct dbg_frame_rec *nv = realloc(s->v, cap * sizeof *nv);
		if (!nv) {
			u->lost = true;
			return;
		}
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = *f;
}

static bool returns_to(const struct dbg_frame_rec *f, uint32_t target, uint32_t sp, unsigned ring,
		       uint32_t ptbr)
{
	return f->kind == FR_CALL && f->ret == target && f->sp == sp && f->ring == ring &&
	       (ring == 0 || f->ptbr == ptbr);
}

/* A return to target: pop to its frame, or change stacks. */
static void do_return(struct dbg_unwind *u, uint32_t target, uint32_t sp, unsigned ring,
		      uint32_t ptbr)
{
	struct shadow *s = &u->cur;

	for (size_t i = s->n; i-- > 0;)
		if (returns_to(&s->v[i], target, sp, ring, ptbr)) {
			s->n = i;
			return;
		}
	for (size_t k = u->naside; k-- > 0;) {
		struct shadow *a = &u->aside[k];
		if (a->n && returns_to(&a->v[a->n - 1], target, sp, ring, ptbr)) {
			struct shadow t = *a;
			*a = *s;
			*s = t;
			s->n--;
			if (!a->n) { /* nothing to keep of the one left */
				free(a->v);
				*a = u->aside[--u->naside];
			}
			return;
		}
	}
	if (s->n) { /* put it aside: its return may come later */
		if (u->naside == MAX_STACKS) {
			free(u->aside[0].v);
			memmove(u->aside, u->aside + 1, (MAX_STACKS - 1) * sizeof *u->aside);
			u->naside--;
		}
		u->aside[u->naside++] = *s;
		*s = (struct shadow){ 0 };
	}
}

void dbg_unwind_insn(struct dbg *d, const struct machine_event_info *ev)
{
	struct dbg_unwind *u = d->uw;
	struct machine *m = d->m;
	unsigned ring = machine_psw(m) & PSW_RING_MASK;
	uint32_t sp = machine_reg(m, ISA_REG_SP);

	if (dbg_word_is_call(ev->word)) {
		struct dbg_frame_rec f = { FR_CALL, (uint8_t)ring, 0, ev->pc, ev->pc + 4, sp,
					   ptbr_now(m), 0, 0 };
		push(u, &f);
	} else if (dbg_word_is_ret(ev->word)) {
		struct isa_insn in;
		isa_decode(ev->word, &in);
		if (in.op == OP_rfe) {
			struct shadow *s = &u->cur;
			size_t i = s->n;
			while (i > 0 && s->v[i - 1].kind != FR_TRAP)
				i--;
			s->n = i ? i - 1 : 0;
		} else {
			do_return(u, machine_reg(m, ISA_REG_RA), sp, ring, ptbr_now(m));
		}
	}
}

void dbg_unwind_trap(struct dbg *d, const struct machine_event_info *ev)
{
	struct machine *m = d->m;
	struct dbg_frame_rec f = { FR_TRAP, (uint8_t)CAUSE_RING(ev->word), (uint8_t)ev->value, ev->pc, 0,
				   machine_reg(m, ISA_REG_SP), ptbr_now(m), ev->word, ev->addr };

	push(d->uw, &f);
}

static void unwind_free(struct dbg_unwind *u)
{
	free(u->cur.v);
	for (size_t i = 0; i < u->naside; i++)
		free(u->aside[i].v);
	free(u);
}

void dbg_frames_forget(struct dbg *d)
{
	free(d->frames);
	d->frames = NULL;
	d->nframes = 0;
	d->frames_valid = false;
	d->frame_sel = 0;
}

/* The shadow stack at the current step, by replay; false after a message. */
static bool frames_compute(struct dbg *d)
{
	uint64_t now = dbg_steps(d), from, s;
	struct dbg_unwind *u;
	long i;

	if (d->frames_valid && d->frames_at == now && d->frames_gen == d->history_gen)
		return true;
	dbg_frames_forget(d);
	if (!d->nck)
		return dbg_error(d, "No history to find the frames in (out of memory for snapshots).") ==
		       DBG_OK;
	from = now - d->ck[0].steps > MAX_REPLAY ? now - MAX_REPLAY : d->ck[0].steps;
	for (i = (long)d->nck - 1; i > 0 && d->ck[i].steps > from; i--)
		continue;
	u = calloc(1, sizeof *u);
	if (!u)
		return dbg_error(d, "out of memory") == DBG_OK;
	char err[256];
	dbg_mute(d, true);
	bool ok = machine_state_restore(d->m, d->ck[i].st, err, sizeof err);
	d->uw = u;
	d->insn_mode = INSN_PRED;
	dbg_listen_sync(d);
	while (ok && (s = dbg_steps(d)) < now && !d->interrupted) {
		enum machine_stop why = machine_run(d->m, now - s < CHUNK ? now - s : CHUNK);
		if (why == STOP_POWER_OFF || why == STOP_FATAL)
			break;
	}
	d->uw = NULL;
	d->insn_mode = INSN_NONE;
	dbg_settle(d);
	dbg_mute(d, false);
	dbg_bp_refresh(d);
	if (ok && d->interrupted) { /* Ctrl-C: back to where we were */
		unwind_free(u);
		d->interrupted = 0;
		if (dbg_steps(d) != now && !dbg_goto_step(d, now))
			return false;
		return dbg_error(d, "Interrupted: the frames were not found.") == DBG_OK;
	}
	if (!ok || dbg_steps(d) != now) {
		unwind_free(u);
		return dbg_error(d, "Finding the frames failed: %s (vmlab bug: please report it).",
				 ok ? "the replay did not reach this step" : err) == DBG_OK;
	}
	d->frames = u->cur.v;
	d->nframes = u->cur.n;
	d->frames_lost = u->lost || d->ck[i].steps > d->ck[0].steps;
	d->frames_from = d->ck[i].steps;
	u->cur.v = NULL;
	unwind_free(u);
	d->frames_at = now;
	d->frames_gen = d->history_gen;
	d->frames_valid = true;
	return true;
}

/* ---- frames as the user numbers them ------------------------------------
 *
 * Frame 0 is where the machine is.  Going down the shadow stack, a call
 * frame makes one frame (the caller, at the return address), a trap frame
 * two: the trap itself, as gdb shows <signal handler called>, and the
 * interrupted code at epc. */

struct uframe {
	bool trap;                 /* the trap pseudo-frame                   */
	uint32_t pc, sp;           /* pc: where it is (return address, epc)  */
	unsigned ring;
	const struct dbg_frame_rec *rec; /* the record behind it, or NULL (#0) */
	bool after_call;           /* pc is a return address: the line is the call's */
	bool after_syscall;        /* pc is a syscall's epc: the line is the syscall's */
};

static size_t uframe_count(const struct dbg *d)
{
	size_t n = 1;

	for (size_t i = 0; i < d->nframes; i++)
		n += d->frames[i].kind == FR_TRAP ? 2 : 1;
	return n;
}

static struct uframe uframe_get(const struct dbg *d, size_t k)
{
	struct uframe f = { false, machine_pc(d->m), machine_reg(d->m, ISA_REG_SP),
			    machine_psw(d->m) & PSW_RING_MASK, NULL, false, false };

	for (size_t i = d->nframes; k > 0 && i-- > 0;) {
		const struct dbg_frame_rec *r = &d->frames[i];
		if (r->kind == FR_CALL) {
			f = (struct uframe){ false, r->ret, r->sp, r->ring, r, true, false };
			k--;
			continue;
		}
		f = (struct uframe){ true, r->pc, r->sp, r->ring, r, false, false };
		if (--k == 0)
			break;
		f = (struct uframe){ false, r->pc, r->sp, r->ring, r, false,
				     CAUSE_CODE(r->cause) == TRAP_SYSCALL };
		k--;
	}
	return f;
}

/* The address whose line a frame shows: the call or syscall it is at. */
static uint32_t line_pc(const struct uframe *f)
{
	return f->after_call || f->after_syscall ? f->pc - 4 : f->pc;
}

static void print_uframe(struct dbg *d, size_t k, const struct uframe *f)
{
	char sym[96], cause[96];
	const char *file;
	uint32_t line;

	if (f->trap) {
		const struct dbg_frame_rec *r = f->rec;
		dbg_cause_text(r->cause, cause, sizeof cause);
		dbg_printf(d, "#%-2zu <trap: %s, ring %u -> %u, epc 0x%08x>\n", k, cause, r->ring,
			   r->to_ring, r->pc);
		return;
	}
	disasm_symbolize(dbg_image_at(d, f->pc), f->pc, sym, sizeof sym);
	dbg_printf(d, "#%-2zu 0x%08x%s%s", k, f->pc, sym[0] ? " " : "", sym);
	if (dbg_line_of(d, line_pc(f), &file, &line))
		dbg_printf(d, " at %s:%u", file, line);
	dbg_printf(d, " [ring %u]\n", f->ring);
}

int dbgc_backtrace(struct dbg *d, const char *args, const char *fmt)
{
	uint64_t limit = UINT64_MAX;
	size_t n;

	if (!dbg_is_blank(args) && (!dbg_parse_count(args, &limit) || limit == 0))
		return dbg_error(d, "Invalid count \"%s\": expected a positive number.", dbg_skip_ws(args));
	if (!frames_compute(d))
		return DBG_ERROR;
	n = uframe_count(d);
	for (size_t k = 0; k < n && k < limit; k++) {
		struct uframe f = uframe_get(d, k);
		print_uframe(d, k, &f);
	}
	if (limit < n)
		dbg_printf(d, "(More stack frames follow...)\n");
	else if (d->frames_lost)
		dbg_printf(d, "(frames older than step %llu are not known)\n",
			   (unsigned long long)d->frames_from);
	return DBG_OK;
}

/* Select frame k and show it with its source line. */
static int select_frame(struct dbg *d, long k)
{
	size_t n = uframe_count(d);
	const char *file;
	uint32_t line;

	if (k < 0 || (size_t)k >= n)
		return dbg_error(d, k < 0 ? "Bottom (innermost) frame selected; you cannot go down."
				 : "Initial frame selected; you cannot go up.");
	d->frame_sel = (int)k;
	struct uframe f = uframe_get(d, (size_t)k);
	print_uframe(d, (size_t)k, &f);
	if (!f.trap && dbg_line_of(d, line_pc(&f), &file, &line))
		dbg_show_source_line(d, line_pc(&f));
	return DBG_OK;
}

int dbgc_frame(struct dbg *d, const char *args, const char *fmt)
{
	uint64_t k;

	if (!frames_compute(d))
		return DBG_ERROR;
	if (dbg_is_blank(args))
		return select_frame(d, d->frame_sel);
	if (!dbg_parse_count(args, &k))
		return dbg_error(d, "Invalid frame number \"%s\".", dbg_skip_ws(args));
	if (k >= uframe_count(d))
		return dbg_error(d, "No frame at level %s.", dbg_skip_ws(args));
	return select_frame(d, (long)k);
}

static int move(struct dbg *d, const char *args, int dir)
{
	uint64_t n = 1;

	if (!dbg_is_blank(args) && (!dbg_parse_count(args, &n) || n == 0 || n > 1u << 20))
		return dbg_error(d, "Invalid count \"%s\": expected a positive number.", dbg_skip_ws(args));
	if (!frames_compute(d))
		return DBG_ERROR;
	return select_frame(d, d->frame_sel + dir * (long)n);
}

int dbgc_up(struct dbg *d, const char *args, const char *fmt)
{
	return move(d, args, 1);
}

int dbgc_down(struct dbg *d, const char *args, const char *fmt)
{
	return move(d, args, -1);
}

int dbgi_frame(struct dbg *d, const char *args)
{
	char sym[96], cause[96];

	if (!frames_compute(d))
		return DBG_ERROR;
	size_t k = (size_t)d->frame_sel;
	struct uframe f = uframe_get(d, k);
	if (f.trap) {
		const struct dbg_frame_rec *r = f.rec;
		disasm_symbolize(dbg_image_at(d, r->pc), r->pc, sym, sizeof sym);
		dbg_printf(d, "Trap frame at level %zu:\n", k);
		dbg_printf(d, " cause 0x%08x: %s\n", r->cause, dbg_cause_text(r->cause, cause, sizeof cause));
		dbg_printf(d, " epc 0x%08x%s%s, badva 0x%08x\n", r->pc, sym[0] ? " " : "", sym, r->badva);
		dbg_printf(d, " from ring %u (sp 0x%08x, ptbr 0x%08x) to ring %u\n", r->ring, r->sp, r->ptbr,
			   r->to_ring);
		return DBG_OK;
	}
	disasm_symbolize(dbg_image_at(d, f.pc), f.pc, sym, sizeof sym);
	dbg_printf(d, "Stack level %zu, frame at sp 0x%08x, ring %u:\n", k, f.sp, f.ring);
	dbg_printf(d, " pc = 0x%08x%s%s", f.pc, sym[0] ? " " : "", sym);
	if (f.after_call)
		dbg_printf(d, " (return address of the call at 0x%08x)", f.pc - 4);
	dbg_printf(d, "\n");
	if (k + 1 < uframe_count(d)) {
		struct uframe up = uframe_get(d, k + 1);
		if (up.trap) {
			dbg_printf(d, " entered by a trap (frame %zu)\n", k + 1);
		} else {
			disasm_symbolize(dbg_image_at(d, up.pc - 4), up.pc - 4, sym, sizeof sym);
			dbg_printf(d, " called by frame %zu at 0x%08x%s%s\n", k + 1, up.pc - 4,
				   sym[0] ? " " : "", sym);
		}
	} else {
		dbg_printf(d, " outermost known frame\n");
	}
	return DBG_OK;
}
