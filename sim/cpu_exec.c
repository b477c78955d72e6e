/*
 * cpu_exec.c -- the dispatch loop: every instruction's semantics, once
 * (in cpu_exec_loop.h, compiled twice: a step loop and a fast loop).
 *
 * There is one set of semantics.  Single-stepping is the step loop with a
 * limit of one instruction, and the fast loop runs the same handlers, so
 * a debugger's stepi and a full-speed run cannot disagree.  The loops
 * keep their state in locals (Lua's lvm.c style):
 *
 *   ip        the decoded instruction about to run
 *   page_ip   slot 0 of the decoded page holding ip; page_va its address
 *   instret   (step loop) instructions completed, counted at dispatch,
 *             undone if the instruction traps
 *   limit     leave the loop when instret reaches it (run budget, next
 *             device event, or 1 for single-step)
 *
 * The fast loop counts by distance instead.  Straight-line code cannot
 * run past the end of its page (the sentinel slot refetches), so from any
 * check point at most DPAGE_SLOTS instructions run before the next one:
 *
 *   check point:  a jump or taken branch, a page entry, a refetch
 *   acc           set at each check point so that (acc + ip) / 16 (the
 *                 size of a decoded instruction) is the count completed
 *                 before ip; computed only when needed (a trap, a slow
 *                 path, leaving the loop)
 *
 * At each check point the fast loop goes on only while the limit is at
 * least FAST_MARGIN instructions away; otherwise the step loop finishes
 * the slice, instruction by instruction.  So within a straight line no
 * instruction is counted and no limit compared, and the limit is met to
 * the instruction as before.  A slow path that moves the limit closer
 * (a walk charging cycles, a device arming a timer) leaves the fast loop
 * after its instruction, as a device access always did.
 *
 * It leaves the loop (returning to machine_run, which fires device events
 * and takes interrupts) at the limit and after every instruction that may
 * change the privilege, translation or interrupt state: traps, rfe, wrpsw,
 * mtcr, tlbinv, tlbflush, halt, and any device access.  Moving within a
 * code page costs nothing; crossing a page refetches through the TLB.
 *
 * Dispatch is computed goto where the compiler has it, else a switch: one
 * macro, CASE(), decides (compile with -DVMLAB_SWITCH_DISPATCH to compare).
 * With computed goto the fast loop jumps through the handler address each
 * decoded slot holds (struct dinsn.fast), which cpu_fast_link chooses from
 * the slot and its neighbour: the opcode's own handler, an in-page branch,
 * or a fused pair (cpu_fuse.def: two instructions in one handler, built
 * from the same semantics, the second taking the first one's result from a
 * host register).  The step loop dispatches on the opcode byte only, so it
 * never runs a pair: single-stepping sees the instructions one by one.
 */
#include "machine_priv.h"
#include "cpu_sem.h"

#include <limits.h>
#include <string.h>

#if defined(__GNUC__) && !defined(VMLAB_SWITCH_DISPATCH)
#define VMLAB_THREADED 1
#endif

/* The fast loop needs this much room below the limit at a check point. */
#define FAST_MARGIN ((uint64_t)DPAGE_SLOTS)
/* It counts in bytes of decoded code, so it treats limits beyond 2^58
 * instructions (an unlimited run) as 2^58, and leaves what follows to the
 * step loop (never met in practice). */
#define FAST_COUNT_MAX ((uint64_t)1 << 58)
static inline uint64_t fast_cap(uint64_t limit)
{
	return limit < FAST_COUNT_MAX ? limit : FAST_COUNT_MAX;
}
/* The fast loop's limit, in its unit: leave at a check point beyond it. */
#define LIMIT_X(limit) ((uintptr_t)(fast_cap(limit) - FAST_MARGIN) * sizeof(struct dinsn))

/* Fetch: point the instruction buffer at the decoded page holding pc.
 * Returns false if the fetch trapped (the trap is already taken). */
static ALWAYS_INLINE bool fetch(struct machine *m, uint32_t pc)
{
	struct cpu *c = &m->cpu;
	uint32_t pa, cause;
	struct dpage *dp;

	if (c->itlb_valid && (pc & ~PAGE_MASK) == c->itlb_va)
		return true;
	c->pc = pc;
	if (pc & 3) {
		cpu_trap(m, CAUSE_MAKE(TRAP_ALIGN, ACC_FETCH, 0, 0), pc, pc, 0);
		return false;
	}
	/* back in the ring class that ran this page last (a syscall's rfe) */
	const struct itlb_park *p = &c->itlb_park[cpu_class(m)];
	if (p->valid && p->va == (pc & ~PAGE_MASK)) {
		c->itlb_va = p->va;
		c->itlb_pa = p->pa;
		c->itlb_code = p->code;
		c->itlb_valid = true;
		return true;
	}
	cause = mmu_translate(m, pc, ACC_FETCH, &pa);
	if (!cause && !mem_is_ram(m, pa, 4))
		cause = CAUSE_MAKE(TRAP_BUS_ERROR, ACC_FETCH, 0, 0);
	if (cause) {
		cpu_trap(m, cause, pc, pc, 0);
		return false;
	}
	dp = mem_code_page(m, pa >> PAGE_SHIFT);
	if (!dp) {
		struct trap_event t = { .pc = pc, .psw = c->psw };
		machine_stop_fatal(m, "host out of memory for decoded code", false, &t);
		return false;
	}
	c->itlb_va = pc & ~PAGE_MASK;
	c->itlb_pa = pa & ~PAGE_MASK;
	c->itlb_code = dp;
	c->itlb_valid = true;
	return true;
}

static inline uint32_t word_at(const uint8_t *page_host, ptrdiff_t slot)
{
	uint32_t w;
	memcpy(&w, page_host + slot * 4, 4);
	return w;
}

/* GCC merges the identical tails of the handlers (cross-jumping), which
 * costs every merged handler one more jump; the handlers are short. */
#if defined(__GNUC__) && !defined(__clang__)
#define EXEC_ATTR __attribute__((optimize("no-crossjumping")))
#else
#define EXEC_ATTR
#endif

#define EXEC_FAST 0
#define EXEC_FN exec_step
#define EXEC_RET EXEC_ATTR static void
#define EXEC_DONE
#include "cpu_exec_loop.h"
#undef EXEC_FAST
#undef EXEC_FN
#undef EXEC_RET
#undef EXEC_DONE

/* The fast loop returns EXEC_STEP when the step loop must go on. */
#define EXEC_FAST 1
#define EXEC_FN exec_fast
#define EXEC_RET EXEC_ATTR static bool
#define EXEC_DONE false
#define EXEC_STEP true
#include "cpu_exec_loop.h"

static void fuse_index(struct machine *m);

void cpu_exec_init(struct machine *m)
{
	m->fast_labels = NULL;
	fuse_index(m);
#ifdef VMLAB_THREADED
	exec_fast(m); /* with no labels yet it only publishes them */
#endif
}

/* The fused pairs (cpu_fuse.def), for cpu_fast_link. */
enum fuse_kind { K_R, K_I, K_LW, K_SW, K_BR, K_LW0, K_SW0 };
static const struct fusion {
	uint8_t x, y;       /* the two ops                             */
	uint8_t kx, ky;     /* their kinds                             */
	uint8_t chain;      /* which operand op1's rd feeds            */
	uint16_t fop;       /* the handler                             */
} fusions[] = {
#define FUSE(k1, x, k2, y, ch) { OP_##x, OP_##y, K_##k1, K_##k2, ch, FOP_F_##k1##_##x##_##k2##_##y##_##ch },
#include "cpu_fuse.def"
#undef FUSE
};

/* Chain the lines of each op pair, in the file's order (the first
 * matching line wins). */
static void fuse_index(struct machine *m)
{
	_Static_assert(sizeof fusions / sizeof fusions[0] == FUSE_COUNT, "FUSE_COUNT");
	memset(m->fuse_first, 0, sizeof m->fuse_first);
	for (unsigned k = FUSE_COUNT; k-- > 0;) {
		const struct fusion *f = &fusions[k];
		m->fuse_next[k] = m->fuse_first[f->x][f->y];
		m->fuse_first[f->x][f->y] = (uint8_t)(k + 1);
	}
}

/* The fused handler for slots d and d[1], or 0 if they do not pair. */
static unsigned fuse_of(const struct machine *m, const struct dinsn *d)
{
	const struct dinsn *n = d + 1;

	if (d->op >= OP_COUNT || n->op >= OP_COUNT) /* OP_DECODE, OP_BKPT, ... */
		return 0;
	for (unsigned k = m->fuse_first[d->op][n->op]; k; k = m->fuse_next[k - 1]) {
		const struct fusion *f = &fusions[k - 1];
		if (f->ky == K_BR && n->rd != DINSN_IN_PAGE)
			continue;
		/* LW0, SW0: an access whose offset is 0 (the handler omits it) */
		if ((f->kx == K_LW0 || f->kx == K_SW0) && d->imm != 0)
			continue;
		if ((f->ky == K_LW0 || f->ky == K_SW0) && n->imm != 0)
			continue;
		/* d->rd is 16 (the sink) for r0, which no source names */
		if ((f->chain == 1 && n->rs1 != d->rd) || (f->chain == 2 && n->rs2 != d->rd))
			continue;
		/* chain 3: op2 takes op1's rd as rs1 and overwrites it, reading
		 * it nowhere else (its rs2, for K_R), so op1's write is dead */
		if (f->chain == 3 && (n->rs1 != d->rd || n->rd != d->rd ||
				      (f->ky == K_R && n->rs2 == d->rd)))
			continue;
		return f->fop;
	}
	return 0;
}

void cpu_fast_link(const struct machine *m, struct dpage *dp, unsigned i)
{
	struct dinsn *d = &dp->insn[i];
	unsigned f = d->op;

	if (!m->fast_labels) { /* a switch build: the fast loop reads op */
		d->fast = NULL;
		return;
	}
	if (d->rd == DINSN_IN_PAGE) {
		switch (f) {
#define B(name) case OP_##name: f = FOP_##name##_in; break;
		BRANCHES(B)
#undef B
		default:
			break;
		}
	}
	/* never with the sentinel or the next page: i + 1 is in this page */
	if (i + 1 < DPAGE_SLOTS) {
		unsigned fop = fuse_of(m, d);
		if (fop)
			f = fop;
	}
	d->fast = m->fast_labels[f];
}

void cpu_exec(struct machine *m)
{
	struct cpu *c = &m->cpu;

	if (c->instret < FAST_COUNT_MAX && fast_cap(c->limit) - c->instret >= FAST_MARGIN &&
	    !exec_fast(m))
		return;
	if (c->limit > c->instret && !m->stopping)
		exec_step(m);
}
