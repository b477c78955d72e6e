/*
 * check_watch.c -- memory watches (machine.h): EV_MEM events for loads and
 * stores in a watched range, with pc, va, pa, value, size and direction.
 *
 * A physical range (machine_watch) reports every access to its bytes,
 * through any virtual address.  A virtual range (machine_watch_va):
 * every load and store whose virtual address touches the range is an
 * EV_MEM event with its va and pa, in whatever address space is current
 * when it happens -- after a ptbr or asid switch, a remap, a TLB flush,
 * with paging off in a trap handler -- and nothing else is: not another
 * virtual page that aliases the same RAM (a physical watch reports that
 * one), not a neighbouring byte.  Other pages keep the fast TLB path (read
 * in the machine's private fast TLB: the only place that shows it).  The
 * watch, like a physical one, is the tool's: a snapshot restore keeps it.
 *
 * Address spaces of the virtual tests (paging on unless one says otherwise):
 *
 *   va 0x00404000 ──► G_DATA            (space A, tables at G_TABLES)
 *   va 0x00502000 ──► G_DATA            (an alias, space A)
 *   va 0x00603000 ──► G_DATA + 0x3000   (unwatched, space A)
 *   va 0x00404000 ──► G_DATA + 0x1000   (space B, tables at SPACE_B)
 *
 * (each in its own slot of a TLB of 16 or more entries, apart from the
 * code page's, so that they do not evict each other)
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/machine_priv.h" /* the fast TLB, for the fast-path checks */
#include "tests/unit/helpers/guest.h"

#define VA_W     0x00404000u /* the watched mapping                       */
#define VA_ALIAS 0x00502000u /* the same frame, another virtual page      */
#define VA_OTHER 0x00603000u /* an unwatched page                         */
#define SPACE_B  0x00140000u /* the second address space's tables         */
#define HANDLER  0x800u      /* a trap handler in page 0, after the vectors */
#define MAXEV    16

struct seen {
	int n;
	struct machine_event_info ev[MAXEV];
	int stop_at; /* stop on this access (1-based), 0: never */
};

static bool on_mem(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct seen *s = opaque;

	(void)m;
	if (s->n < MAXEV)
		s->ev[s->n] = *ev;
	return ++s->n == s->stop_at;
}

static void check_ev(const struct seen *s, int i, uint32_t pc, uint32_t va, uint32_t pa,
		     uint32_t value, uint32_t size, bool write)
{
	const struct machine_event_info *ev = &s->ev[i];

	ck_assert_int_lt(i, s->n);
	ck_assert_uint_eq(ev->kind, EV_MEM);
	ck_assert_uint_eq(ev->pc, pc);
	ck_assert_uint_eq(ev->va, va);
	ck_assert_uint_eq(ev->addr, pa);
	ck_assert_uint_eq(ev->value, value);
	ck_assert_uint_eq(ev->size, size);
	ck_assert_int_eq(ev->write, write);
}

/* Does the fast TLB serve virtual page va for reading, in the CPU's class? */
static bool fast(struct machine *m, uint32_t va)
{
	const struct ftlb_entry *f = &m->ftlb[cpu_class(m)][(va >> PAGE_SHIFT) & m->tlb_mask];

	return f->rtag == (va & ~PAGE_MASK);
}

/* ---- physical ranges ------------------------------------------------------------ */

/* Loads and stores of the watched range report pc, address, value, size,
 * direction; other pages report nothing.  The loop first runs unwatched
 * so its pages are on the fast path. */
START_TEST(test_watch)
{
	struct seen a = { 0 };

	G_PROG(gm, G_CODE,
	       g_s(OP_sw, 2, 1, 0), g_i(OP_lw, 3, 1, 0), g_s(OP_sb, 2, 1, 2),
	       g_s(OP_sw, 2, 4, 0), g_i(OP_lhu, 5, 1, 2),
	       g_j(OP_j, -5));
	machine_set_reg(gm, 1, G_DATA);
	machine_set_reg(gm, 2, 0x12345678u);
	machine_set_reg(gm, 4, G_DATA + 0x1000);
	g_step(gm, 14); /* twice round, then to the sb */
	ck_assert_int_ge(machine_on(gm, EV_MEM, on_mem, &a), 0);
	ck_assert(machine_watch(gm, G_DATA, G_DATA + 3));
	g_step(gm, 7);
	ck_assert_int_eq(a.n, 5);
	check_ev(&a, 0, G_CODE + 8, G_DATA + 2, G_DATA + 2, 0x78, 1, true);
	check_ev(&a, 1, G_CODE + 16, G_DATA + 2, G_DATA + 2, 0x1278, 2, false);
	check_ev(&a, 2, G_CODE, G_DATA, G_DATA, 0x12345678u, 4, true);
	check_ev(&a, 3, G_CODE + 4, G_DATA, G_DATA, 0x12345678u, 4, false);
	check_ev(&a, 4, G_CODE + 8, G_DATA + 2, G_DATA + 2, 0x78, 1, true);

	/* a listener returning true stops after the access completed */
	a = (struct seen){ .stop_at = 1 };
	ck_assert_int_eq(machine_run(gm, 100), STOP_REQUESTED);
	ck_assert_int_eq(a.n, 1);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 20);

	/* unwatched: silence */
	machine_unwatch(gm, G_DATA, G_DATA + 3);
	a = (struct seen){ 0 };
	g_step(gm, 20);
	ck_assert_int_eq(a.n, 0);
}
END_TEST

/* With paging the watch is by physical address. */
START_TEST(test_watch_paged)
{
	struct seen a = { 0 };
	struct g_pt pt;

	g_paged_at(&pt, gm, G_TABLES);
	g_map(&pt, 0x00400000u, G_DATA, PTE_P | PTE_W);
	G_PROG(gm, G_CODE, g_s(OP_sw, 2, 1, 8), g_j(OP_j, -1));
	machine_set_reg(gm, 1, 0x00400000u);
	machine_set_reg(gm, 2, 99);
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_step(gm, 4);
	machine_on(gm, EV_MEM, on_mem, &a);
	machine_watch(gm, G_DATA + 8, G_DATA + 11);
	g_step(gm, 2);
	ck_assert_int_eq(a.n, 1);
	check_ev(&a, 0, G_CODE, 0x00400008u, G_DATA + 8, 99, 4, true);
}
END_TEST

/* ---- virtual ranges ------------------------------------------------------------- */

static void space_a(struct g_pt *pt)
{
	g_paged_at(pt, gm, G_TABLES);
	g_map(pt, VA_W, G_DATA, PTE_P | PTE_W);
	g_map(pt, VA_ALIAS, G_DATA, PTE_P | PTE_W);
	g_map(pt, VA_OTHER, G_DATA + 0x3000, PTE_P | PTE_W);
}

/* Sub-word accesses: only those whose bytes touch the range; the alias
 * and the rest of the page are silent; other pages stay fast. */
START_TEST(test_vwatch_exact)
{
	struct seen s = { 0 };
	struct g_pt pt;

	space_a(&pt);
	G_PROG(gm, G_CODE,
	       g_s(OP_sb, 2, 1, 8),     /* VA_W + 8: next to the range  */
	       g_s(OP_sb, 2, 1, 9),     /* VA_W + 9: in it              */
	       g_s(OP_sw, 2, 1, 8),     /* VA_W + 8..11: overlaps it    */
	       g_i(OP_lhu, 3, 1, 10),   /* VA_W + 10..11: not           */
	       g_i(OP_lbu, 3, 1, 9),    /* in it                        */
	       g_s(OP_sw, 2, 4, 8),     /* alias of the same bytes      */
	       g_i(OP_lw, 3, 5, 0),     /* another page                 */
	       g_j(OP_j, -7));
	machine_set_reg(gm, 1, VA_W);
	machine_set_reg(gm, 2, 0x11223344u);
	machine_set_reg(gm, 4, VA_ALIAS);
	machine_set_reg(gm, 5, VA_OTHER);
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_step(gm, 8); /* once round unwatched: every page on the fast path */
	ck_assert(fast(gm, VA_W) && fast(gm, VA_ALIAS) && fast(gm, VA_OTHER));

	ck_assert_int_ge(machine_on(gm, EV_MEM, on_mem, &s), 0);
	ck_assert(machine_watch_va(gm, VA_W + 9, VA_W + 9));
	g_step(gm, 8);
	ck_assert_int_eq(s.n, 3);
	check_ev(&s, 0, G_CODE + 4, VA_W + 9, G_DATA + 9, 0x44, 1, true);
	check_ev(&s, 1, G_CODE + 8, VA_W + 8, G_DATA + 8, 0x11223344u, 4, true);
	check_ev(&s, 2, G_CODE + 16, VA_W + 9, G_DATA + 9, 0x33, 1, false);
	ck_assert(!fast(gm, VA_W));
	ck_assert(fast(gm, VA_ALIAS) && fast(gm, VA_OTHER));

	/* a physical watch on the same bytes also hears the alias; an access
	 * both watches cover is one event */
	s = (struct seen){ 0 };
	ck_assert(machine_watch(gm, G_DATA + 8, G_DATA + 11));
	g_step(gm, 8);
	ck_assert_int_eq(s.n, 6);
	check_ev(&s, 0, G_CODE, VA_W + 8, G_DATA + 8, 0x44, 1, true);
	check_ev(&s, 1, G_CODE + 4, VA_W + 9, G_DATA + 9, 0x44, 1, true);
	check_ev(&s, 3, G_CODE + 12, VA_W + 10, G_DATA + 10, 0x1122, 2, false);
	check_ev(&s, 5, G_CODE + 20, VA_ALIAS + 8, G_DATA + 8, 0x11223344u, 4, true);
	machine_unwatch(gm, G_DATA + 8, G_DATA + 11);

	/* unwatched: silence, and the page gets its fast entry back */
	machine_unwatch_va(gm, VA_W + 9, VA_W + 9);
	s = (struct seen){ 0 };
	g_step(gm, 16);
	ck_assert_int_eq(s.n, 0);
	ck_assert(fast(gm, VA_W));

	ck_assert(!machine_watch_va(gm, 5, 4));
}
END_TEST

/* The guest switches address spaces (ptbr + tlbflush, or ptbr + asid with
 * no flush) and remaps the page: the watch follows the virtual address. */
START_TEST(test_vwatch_spaces)
{
	struct seen s = { 0 };
	struct g_pt a, b;
	int flush = _i;

	g_paged_at(&b, gm, SPACE_B);
	g_map(&b, VA_W, G_DATA + 0x1000, PTE_P | PTE_W);
	space_a(&a);
	G_PROG(gm, G_CODE,
	       g_s(OP_sw, 2, 1, 0),                     /* in A            */
	       g_mtcr(CR_PTBR, 6),
	       flush ? g_n(OP_tlbflush) : g_mtcr(CR_ASID, 8),
	       g_s(OP_sw, 2, 1, 0),                     /* in B            */
	       g_mtcr(CR_PTBR, 5),
	       flush ? g_n(OP_tlbflush) : g_mtcr(CR_ASID, 0),
	       g_j(OP_j, -6));
	machine_set_reg(gm, 1, VA_W);
	machine_set_reg(gm, 2, 7);
	machine_set_reg(gm, 5, a.dir);
	machine_set_reg(gm, 6, b.dir);
	machine_set_reg(gm, 8, 1);
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_step(gm, 14);
	ck_assert_int_ge(machine_on(gm, EV_MEM, on_mem, &s), 0);
	ck_assert(machine_watch_va(gm, VA_W, VA_W + 3));
	g_step(gm, 14);
	ck_assert_int_eq(s.n, 4);
	for (int i = 0; i < 4; i++)
		check_ev(&s, i, G_CODE + (i % 2 ? 12 : 0), VA_W,
			 G_DATA + (i % 2 ? 0x1000 : 0), 7, 4, true);

	/* A remaps the page (the host writes the PTE, the guest's tlbinv
	 * drops the old translation) */
	g_map(&a, VA_W, G_DATA + 0x2000, PTE_P | PTE_W);
	machine_tlb_invalidate(gm, VA_W);
	s = (struct seen){ 0 };
	g_step(gm, 7);
	ck_assert_int_eq(s.n, 2);
	check_ev(&s, 0, G_CODE, VA_W, G_DATA + 0x2000, 7, 4, true);
	check_ev(&s, 1, G_CODE + 12, VA_W, G_DATA + 0x1000, 7, 4, true);
}
END_TEST

/* A user program stores through VA_W; its syscall handler turns paging
 * off and stores to G_DATA (va = pa there): both are reported, each by
 * the watch on its own virtual address. */
START_TEST(test_vwatch_paging_off_handler)
{
	struct seen s = { 0 };
	struct g_pt pt;

	space_a(&pt);
	g_map(&pt, VA_W, G_DATA, PTE_P | PTE_W | PTE_U);
	G_PROG(gm, G_CODE,
	       g_s(OP_sw, 2, 1, 0),
	       g_n(OP_syscall),
	       g_j(OP_j, -2));
	G_PROG(gm, HANDLER,
	       g_mtcr(CR_MMU, 0),
	       g_s(OP_sw, 7, 8, 0),
	       g_mtcr(CR_MMU, 9),
	       g_n(OP_rfe));
	g_poke(gm, G_VEC + 4 * TRAP_SYSCALL, g_j(OP_j, (int32_t)(HANDLER - (G_VEC + 4 * TRAP_SYSCALL)) / 4));
	machine_set_reg(gm, 1, VA_W);
	machine_set_reg(gm, 2, 1);
	machine_set_reg(gm, 7, 2);
	machine_set_reg(gm, 8, G_DATA);
	machine_set_reg(gm, 9, MMU_PG);
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_enter(gm, G_CODE, RING_USER);
	ck_assert_int_ge(machine_on(gm, EV_MEM, on_mem, &s), 0);
	ck_assert(machine_watch_va(gm, VA_W, VA_W + 3));
	ck_assert(machine_watch_va(gm, G_DATA, G_DATA + 3));
	g_step(gm, 8); /* sw, syscall, j, mtcr, sw, mtcr, rfe, j */
	ck_assert_int_eq(s.n, 2);
	check_ev(&s, 0, G_CODE, VA_W, G_DATA, 1, 4, true);
	check_ev(&s, 1, HANDLER + 4, G_DATA, G_DATA, 2, 4, true);
	ck_assert_uint_eq(machine_pc(gm), G_CODE);
	ck_assert_uint_eq(machine_psw(gm) & PSW_RING_MASK, RING_USER);
}
END_TEST

/* A device register through a watched virtual address is reported too
 * (the physical address is the register's); a faulting access is not. */
START_TEST(test_vwatch_device_and_fault)
{
	struct seen s = { 0 };
	uint32_t timer = 0xf0001000u;

	G_PROG(gm, G_CODE,
	       g_i(OP_lw, 3, 1, 0),
	       g_i(OP_lw, 3, 1, 2)); /* misaligned: traps, no access */
	machine_set_reg(gm, 1, timer);
	ck_assert_int_ge(machine_on(gm, EV_MEM, on_mem, &s), 0);
	ck_assert(machine_watch_va(gm, timer, timer + 3));
	g_step(gm, 2);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(s.ev[0].va, timer);
	ck_assert_uint_eq(s.ev[0].addr, timer);
	ck_assert_uint_eq(s.ev[0].size, 4);
	ck_assert(!s.ev[0].write);
	ck_assert_uint_eq(machine_pc(gm), G_VEC + 4 * TRAP_ALIGN);
}
END_TEST

/* Restoring a snapshot keeps the watch (it is the tool's, not the
 * guest's) and the restored TLB cannot smuggle the page onto the fast
 * path: the same accesses are reported again. */
START_TEST(test_vwatch_snapshot)
{
	struct seen s = { 0 };
	struct machine_state *st;
	struct g_pt pt;
	char err[128];

	space_a(&pt);
	G_PROG(gm, G_CODE, g_i(OP_addi, 2, 2, 1), g_s(OP_sw, 2, 1, 0), g_j(OP_j, -2));
	machine_set_reg(gm, 1, VA_W);
	g_set_cr(gm, CR_MMU, MMU_PG);
	ck_assert_int_ge(machine_on(gm, EV_MEM, on_mem, &s), 0);
	ck_assert(machine_watch_va(gm, VA_W, VA_W));
	g_step(gm, 3);
	ck_assert_int_eq(s.n, 1);
	st = machine_state_save(gm, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
	g_step(gm, 6);
	ck_assert_int_eq(s.n, 3);
	ck_assert_msg(machine_state_restore(gm, st, err, sizeof err), "%s", err);
	s = (struct seen){ 0 };
	g_step(gm, 6);
	ck_assert_int_eq(s.n, 2);
	check_ev(&s, 0, G_CODE + 4, VA_W, G_DATA, 2, 4, true);
	check_ev(&s, 1, G_CODE + 4, VA_W, G_DATA, 3, 4, true);
	machine_state_free(st);
}
END_TEST

/* At most 32 virtual ranges, beside the 32 physical ones. */
START_TEST(test_vwatch_full)
{
	for (uint32_t i = 0; i < 32; i++)
		ck_assert(machine_watch_va(gm, 0x10000000u + 16 * i, 0x10000000u + 16 * i + 3));
	ck_assert(!machine_watch_va(gm, 0x20000000u, 0x20000003u));
	ck_assert(machine_watch(gm, G_DATA, G_DATA + 3));
	machine_unwatch_va(gm, 0x10000000u, 0x10000003u);
	ck_assert(machine_watch_va(gm, 0x20000000u, 0x20000003u));
}
END_TEST

static Suite *watch_suite(void)
{
	Suite *s = suite_create("watch");
	TCase *tc = g_tcase(s, "physical");

	tcase_add_test(tc, test_watch);
	tcase_add_test(tc, test_watch_paged);
	tc = g_tcase(s, "virtual");
	tcase_add_test(tc, test_vwatch_exact);
	tcase_add_loop_test(tc, test_vwatch_spaces, 0, 2);
	tcase_add_test(tc, test_vwatch_paging_off_handler);
	tcase_add_test(tc, test_vwatch_device_and_fault);
	tcase_add_test(tc, test_vwatch_snapshot);
	tcase_add_test(tc, test_vwatch_full);
	return s;
}

int main(void)
{
	return g_main(watch_suite());
}
