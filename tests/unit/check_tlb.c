/*
 * check_tlb.c -- the TLB against docs/isa.md section 9: hits cost nothing
 * and use stale entries, misses walk (20 cycles, tlb_misses), tlbinv and
 * tlbflush, ASID tagging in a direct-mapped TLB, global entries, what
 * does not flush (ptbr, asid, mmu), "only trusted to grant", --tlb sizes
 * and slot indexing, and machine_tlb_entry().
 *
 * The va under test, TV, is in slot 0 of a 64-entry TLB (vpn 0x400); the
 * code page (vpn 1) is in slot 1.
 */
#include <check.h>
#include <string.h>

#include "tests/unit/helpers/guest.h"

#define TV     0x00400120u
#define PA_A   0x00050000u /* frame of TV in address space A */
#define PA_B   0x00060000u /* and in B                       */
#define VAL_A  0xaaaa0001u
#define VAL_B  0xbbbb0002u
#define TBL_B  (G_TABLES + 0x100000u)

static struct g_pt pa, pb; /* address spaces A and B (B: tables at TBL_B) */

/* A maps TV to PA_A with pte_flags; B maps it to PA_B, read-write; paging
 * on in A with asid 1; ring 0 at G_CODE. */
static void spaces(uint32_t pte_flags)
{
	g_paged_at(&pb, gm, TBL_B);
	g_map(&pb, TV, PA_B, PTE_P | PTE_W);
	g_paged_at(&pa, gm, G_TABLES);
	g_map(&pa, TV, PA_A, pte_flags);
	g_poke(gm, PA_A + (TV & PAGE_MASK), VAL_A);
	g_poke(gm, PA_B + (TV & PAGE_MASK), VAL_B);
	g_set_cr(gm, CR_ASID, 1);
	g_set_cr(gm, CR_MMU, MMU_PG);
	machine_set_reg(gm, 1, TV);
}

/* Run a program of `lw r3, 0(r1)` (or `sw r2, 0(r1)`) words from G_CODE
 * in this ring, one access per step; returns the cycles it took. */
static uint64_t access(bool write, unsigned ring)
{
	uint64_t before = machine_cycles(gm);

	g_poke(gm, G_CODE, write ? g_s(OP_sw, 2, 1, 0) : g_i(OP_lw, 3, 1, 0));
	g_enter(gm, G_CODE, ring);
	g_step(gm, 1);
	return machine_cycles(gm) - before;
}

/* First access: the code fetch walks too (its page is in another slot). */
#define FIRST_MISS (20 + 20 + 1)
#define MISS (20 + 1)
#define HIT 1

static struct tlb_view entry(unsigned slot)
{
	struct tlb_view v;

	machine_tlb_entry(gm, slot, &v);
	return v;
}

static void set_asid_ptbr(uint32_t asid, const struct g_pt *pt)
{
	g_set_cr(gm, CR_ASID, asid);
	g_set_cr(gm, CR_PTBR, pt->dir);
}

START_TEST(test_hit_and_miss)
{
	struct tlb_view v;

	spaces(PTE_P | PTE_W | PTE_U);
	ck_assert_uint_eq(access(false, 0), FIRST_MISS);
	ck_assert_uint_eq(machine_reg(gm, 3), VAL_A);
	ck_assert_uint_eq(g_stats(gm).tlb_misses, 2);
	v = entry(0);
	ck_assert(v.valid);
	ck_assert_uint_eq(v.vpn, TV >> PAGE_SHIFT);
	ck_assert_uint_eq(v.pfn, PA_A >> PAGE_SHIFT);
	ck_assert_uint_eq(v.asid, 1);
	ck_assert_uint_eq(v.flags, PTE_W | PTE_U);
	v = entry(1);
	ck_assert(v.valid);
	ck_assert_uint_eq(v.vpn, 1);
	ck_assert_uint_eq(v.pfn, 1);
	ck_assert_uint_eq(v.flags, PTE_W | PTE_U); /* D = 0: nothing wrote there */
	for (unsigned i = 2; i < machine_tlb_size(gm); i++)
		ck_assert(!entry(i).valid);
	ck_assert_uint_eq(access(false, 0), HIT);
	ck_assert_uint_eq(access(false, 3), HIT);
	ck_assert_uint_eq(g_stats(gm).tlb_misses, 2);
}
END_TEST

/* A hit does not look at memory: a PTE changed without tlbinv (another
 * frame, A cleared) is not seen and not updated. */
START_TEST(test_stale_entry_used)
{
	uint32_t pte_pa;

	spaces(PTE_P | PTE_W);
	access(false, 0);
	pte_pa = g_pte_pa(&pa, TV);
	g_poke(gm, pte_pa, PA_B | PTE_P | PTE_W);
	ck_assert_uint_eq(access(false, 0), HIT);
	ck_assert_uint_eq(machine_reg(gm, 3), VAL_A);
	ck_assert_uint_eq(g_peek(gm, pte_pa), PA_B | PTE_P | PTE_W); /* no A written */
}
END_TEST

/* tlbinv invalidates the slot of its va if the entry matches (current
 * ASID or global); it leaves other slots and non-matching entries. */
START_TEST(test_tlbinv)
{
	const uint32_t tv2 = TV + 0x2000; /* vpn 0x402, slot 2 */

	spaces(PTE_P | PTE_W);
	g_map(&pa, tv2, PA_A + 0x1000, PTE_P | PTE_W);
	G_PROG(gm, G_CODE, g_i(OP_lw, 3, 1, 0), g_i(OP_lw, 4, 5, 0), g_rs(OP_tlbinv, 1),
	       g_rs(OP_tlbinv, 6), g_i(OP_lw, 3, 1, 0), g_i(OP_lw, 4, 5, 0));
	machine_set_reg(gm, 5, tv2);
	machine_set_reg(gm, 6, 0x00440000u); /* slot 0 too, but another page */
	g_step(gm, 2);
	ck_assert(entry(0).valid && entry(2).valid);
	g_step(gm, 1);
	ck_assert(!entry(0).valid);
	ck_assert(entry(2).valid);
	ck_assert(entry(1).valid); /* the code page */
	g_step(gm, 1);
	uint64_t c = machine_cycles(gm);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_cycles(gm) - c, MISS);
	c = machine_cycles(gm);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_cycles(gm) - c, HIT);
	ck_assert(entry(0).valid); /* refilled, untouched by tlbinv of 0x00440000 */
}
END_TEST

/* tlbinv from another ASID spares a private entry, drops a global one. */
START_TEST(test_tlbinv_asid)
{
	spaces(PTE_P | PTE_W);
	access(false, 0);
	g_poke(gm, G_CODE, g_rs(OP_tlbinv, 1));
	g_set_cr(gm, CR_ASID, 2);
	machine_set_pc(gm, G_CODE);
	g_step(gm, 1);
	ck_assert(entry(0).valid);
	ck_assert_uint_eq(entry(0).asid, 1);

	g_teardown();
	g_setup();
	spaces(PTE_P | PTE_W | PTE_G);
	access(false, 0);
	ck_assert_uint_eq(entry(0).flags & PTE_G, PTE_G);
	g_poke(gm, G_CODE, g_rs(OP_tlbinv, 1));
	g_set_cr(gm, CR_ASID, 2);
	machine_set_pc(gm, G_CODE);
	g_step(gm, 1);
	ck_assert(!entry(0).valid);
}
END_TEST

START_TEST(test_tlbflush)
{
	spaces(PTE_P | PTE_W | PTE_G);
	access(false, 0);
	G_PROG(gm, G_CODE + 4, g_n(OP_tlbflush), g_i(OP_lw, 3, 1, 0));
	g_step(gm, 1);
	for (unsigned i = 0; i < machine_tlb_size(gm); i++)
		ck_assert(!entry(i).valid);
	ck_assert_uint_eq(g_stats(gm).tlb_flushes, 1);
	uint64_t c = machine_cycles(gm);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_cycles(gm) - c, FIRST_MISS); /* code page too */
}
END_TEST

/* Direct-mapped: the same va in two address spaces uses one slot, so B's
 * fill replaces A's entry; A then walks again. */
START_TEST(test_asid_same_va_replaces)
{
	spaces(PTE_P | PTE_W);
	access(false, 0);
	set_asid_ptbr(2, &pb);
	ck_assert_uint_eq(access(false, 0), FIRST_MISS); /* the code page's entry is asid 1's too */
	ck_assert_uint_eq(machine_reg(gm, 3), VAL_B);
	ck_assert_uint_eq(entry(0).asid, 2);
	ck_assert_uint_eq(entry(0).pfn, PA_B >> PAGE_SHIFT);
	set_asid_ptbr(1, &pa);
	ck_assert_uint_eq(access(false, 0), FIRST_MISS);
	ck_assert_uint_eq(machine_reg(gm, 3), VAL_A);
}
END_TEST

/* Entries of two ASIDs in different slots live side by side; an entry of
 * another ASID never matches. */
START_TEST(test_asid_tags)
{
	spaces(PTE_P | PTE_W);
	g_map(&pb, TV + 0x2000, PA_B, PTE_P | PTE_W);
	access(false, 0);                        /* A: slot 0, asid 1 */
	set_asid_ptbr(2, &pb);
	machine_set_reg(gm, 1, TV + 0x2000);
	access(false, 0);                        /* B: slot 2, asid 2 */
	ck_assert_uint_eq(machine_reg(gm, 3), VAL_B);
	set_asid_ptbr(1, &pa);
	machine_set_reg(gm, 1, TV);
	ck_assert_uint_eq(access(false, 0), 20 + HIT); /* code walks (asid 2's), TV hits */
	ck_assert_uint_eq(machine_reg(gm, 3), VAL_A);
	ck_assert_uint_eq(entry(2).asid, 2);
	ck_assert(entry(2).valid);

	/* same tables, other ASID: the asid-1 entry does not match */
	g_set_cr(gm, CR_ASID, 3);
	ck_assert_uint_eq(access(false, 0), FIRST_MISS);
	ck_assert_uint_eq(entry(0).asid, 3);
}
END_TEST

/* A global entry matches every ASID, even where B does not map TV. */
START_TEST(test_global_entry)
{
	spaces(PTE_P | PTE_W | PTE_G);
	access(false, 0);
	g_set_cr(gm, CR_ASID, 2);
	g_set_cr(gm, CR_PTBR, pb.dir);
	g_poke(gm, g_pte_pa(&pb, TV), 0); /* TV unmapped in B */
	ck_assert_uint_eq(access(false, 0), 20 + HIT);
	ck_assert_uint_eq(machine_reg(gm, 3), VAL_A);
	ck_assert_uint_eq(g_stats(gm).traps[TRAP_PAGE_FAULT], 0);
}
END_TEST

/* Writing ptbr, asid or mmu flushes nothing: switching tables but not
 * the ASID keeps using A's entries; paging off and on again finds them. */
START_TEST(test_no_implicit_flush)
{
	spaces(PTE_P | PTE_W);
	access(false, 0);
	g_set_cr(gm, CR_PTBR, pb.dir);
	ck_assert_uint_eq(access(false, 0), HIT);
	ck_assert_uint_eq(machine_reg(gm, 3), VAL_A); /* B's tables say PA_B */
	g_set_cr(gm, CR_ASID, 2);
	g_set_cr(gm, CR_ASID, 1);
	g_set_cr(gm, CR_MMU, 0);
	ck_assert_uint_eq(access(false, 0), HIT);
	ck_assert_uint_eq(machine_reg(gm, 3), g_peek(gm, TV)); /* physical */
	g_set_cr(gm, CR_MMU, MMU_PG);
	ck_assert_uint_eq(access(false, 0), HIT);
	ck_assert_uint_eq(machine_reg(gm, 3), VAL_A);
	ck_assert_uint_eq(g_stats(gm).tlb_flushes, 0);
	ck_assert_uint_eq(g_stats(gm).tlb_misses, 2);
}
END_TEST

/* The same switch done by the guest with mtcr. */
START_TEST(test_mtcr_ptbr_no_flush)
{
	spaces(PTE_P | PTE_W);
	G_PROG(gm, G_CODE, g_i(OP_lw, 3, 1, 0), g_mtcr(CR_PTBR, 7), g_i(OP_lw, 4, 1, 0));
	machine_set_reg(gm, 7, pb.dir);
	machine_set_pc(gm, G_CODE);
	g_step(gm, 3);
	ck_assert_uint_eq(machine_reg(gm, 4), VAL_A);
	ck_assert_uint_eq(machine_cycles(gm), FIRST_MISS + 1 + 1);
}
END_TEST

/* ---- only trusted to grant ------------------------------------------------------ */

/* A write through an entry filled by a read (D = 0) walks again and sets
 * D; the next write hits. */
START_TEST(test_write_after_read_sets_dirty)
{
	uint32_t pte_pa;

	spaces(PTE_P | PTE_W);
	pte_pa = g_pte_pa(&pa, TV);
	access(false, 0);
	ck_assert_uint_eq(entry(0).flags, PTE_W);
	ck_assert_uint_eq(access(true, 0), MISS);
	ck_assert_uint_eq(g_peek(gm, pte_pa), PA_A | PTE_P | PTE_W | PTE_A | PTE_D);
	ck_assert_uint_eq(entry(0).flags, PTE_W | PTE_D);
	ck_assert_uint_eq(access(true, 0), HIT);
	ck_assert_uint_eq(g_stats(gm).tlb_misses, 3);
}
END_TEST

/* Rights added in memory are seen without tlbinv: read-only -> writable,
 * supervisor -> user. */
START_TEST(test_upgrade_seen)
{
	uint32_t pte_pa;

	spaces(PTE_P);
	pte_pa = g_pte_pa(&pa, TV);
	access(false, 0);
	g_poke(gm, pte_pa, PA_A | PTE_P | PTE_W | PTE_A);
	ck_assert_uint_eq(access(true, 0), MISS);
	ck_assert_uint_eq(g_peek(gm, PA_A + (TV & PAGE_MASK)), 0);
	ck_assert_uint_eq(g_stats(gm).traps[TRAP_PAGE_FAULT], 0);
	ck_assert_uint_eq(g_peek(gm, pte_pa), PA_A | PTE_P | PTE_W | PTE_A | PTE_D);

	/* supervisor page, filled by ring 0; made user; ring 3 reads it */
	g_poke(gm, pte_pa, PA_A | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	ck_assert_uint_eq(entry(0).flags & PTE_U, 0);
	ck_assert_uint_eq(access(false, 3), MISS);
	ck_assert_uint_eq(entry(0).flags, PTE_W | PTE_U | PTE_D);
}
END_TEST

/* An entry that does not grant is not a fault by itself: the walk decides,
 * and faults when memory agrees. */
START_TEST(test_denied_rewalks_then_faults)
{
	spaces(PTE_P | PTE_W);
	access(false, 0);
	ck_assert_uint_eq(access(false, 3), 20 + 10);
	g_check_trap(gm, CAUSE_MAKE(TRAP_PAGE_FAULT, ACC_READ, 1, 3), G_CODE, TV, 3);
	ck_assert(entry(0).valid); /* the faulting walk filled nothing */
	ck_assert_uint_eq(entry(0).flags, PTE_W);
}
END_TEST

/* Rights removed in memory without tlbinv are not seen: the stale entry
 * keeps granting. */
START_TEST(test_downgrade_not_seen)
{
	uint32_t pte_pa;

	spaces(PTE_P | PTE_W);
	pte_pa = g_pte_pa(&pa, TV);
	machine_set_reg(gm, 2, 7);
	access(true, 0);
	g_poke(gm, pte_pa, PA_A); /* not even present */
	machine_set_reg(gm, 2, 8);
	ck_assert_uint_eq(access(true, 0), HIT);
	ck_assert_uint_eq(g_peek(gm, PA_A + (TV & PAGE_MASK)), 8);
}
END_TEST

/* ---- sizes and slots ---------------------------------------------------------------- */

static void new_tlb(unsigned n)
{
	struct machine_config cfg;

	g_teardown();
	machine_config_defaults(&cfg);
	cfg.tlb_entries = n;
	gm = g_machine_cfg(&cfg);
	g_vectors(gm, G_VEC);
	ck_assert_uint_eq(machine_tlb_size(gm), n);
}

START_TEST(test_tlb_sizes)
{
	static const unsigned bad[] = { 0, 3, 48, 8192 };
	struct machine_config cfg;
	char err[128];

	for (unsigned k = 0; k < 4; k++) {
		machine_config_defaults(&cfg);
		cfg.tlb_entries = bad[k];
		err[0] = 0;
		ck_assert_ptr_null(machine_new(&cfg, err, sizeof err));
		ck_assert_msg(strstr(err, "TLB"), "error: %s", err);
	}
	ck_assert_uint_eq(machine_tlb_size(gm), 64);
	new_tlb(1);
	new_tlb(4096);
}
END_TEST

/* One entry: code and data evict each other, every access walks. */
START_TEST(test_tlb_one_entry)
{
	new_tlb(1);
	spaces(PTE_P | PTE_W);
	G_PROG(gm, G_CODE, g_i(OP_lw, 3, 1, 0), g_i(OP_lw, 4, 1, 0), g_i(OP_addi, 5, 0, 1),
	       g_i(OP_addi, 6, 0, 1));
	machine_set_pc(gm, G_CODE);
	g_step(gm, 4);
	/* fetch+lw, fetch+lw, fetch+addi, addi */
	ck_assert_uint_eq(machine_cycles(gm), 4 + 20 * 5);
	ck_assert_uint_eq(g_stats(gm).tlb_misses, 5);
	ck_assert_uint_eq(machine_reg(gm, 4), VAL_A);
}
END_TEST

/* index = vpn & (N - 1): pages 0x1 and 0x41 share a slot at 64 entries,
 * not at 128.  A data fill that evicts the code page's entry makes the
 * next fetch walk. */
START_TEST(test_tlb_index)
{
	for (unsigned n = 64; n <= 128; n += 64) {
		struct g_pt pt;
		new_tlb(n);
		g_paged_at(&pt, gm, G_TABLES);
		g_map(&pt, 0x41000, 0x41000, PTE_P | PTE_W);
		G_PROG(gm, G_CODE, g_i(OP_lw, 3, 1, 0), g_i(OP_addi, 4, 0, 1), g_i(OP_addi, 4, 0, 2));
		machine_set_reg(gm, 1, 0x41000);
		g_set_cr(gm, CR_MMU, MMU_PG);
		machine_set_pc(gm, G_CODE);
		g_step(gm, 3);
		ck_assert_uint_eq(machine_cycles(gm), n == 64 ? 3 + 60 : 3 + 40);
		ck_assert_uint_eq(entry(1).vpn, 1);
		ck_assert_uint_eq(entry(0x41 & (n - 1)).vpn, n == 64 ? 1 : 0x41);
	}
}
END_TEST

/* tlbinv of the running code page: the next fetch walks again. */
START_TEST(test_tlbinv_code_page)
{
	struct g_pt pt;

	g_paged_at(&pt, gm, G_TABLES);
	G_PROG(gm, G_CODE, g_rs(OP_tlbinv, 1), g_i(OP_addi, 4, 0, 1));
	machine_set_reg(gm, 1, G_CODE);
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_step(gm, 2);
	ck_assert_uint_eq(machine_cycles(gm), 20 + 1 + 20 + 1);
	ck_assert_uint_eq(g_stats(gm).tlb_misses, 2);
}
END_TEST

/* EV_TLB_FILL reports each fill: va, frame, write. */
struct fills {
	int n;
	struct machine_event_info ev[4];
};

static bool on_fill(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct fills *f = opaque;

	if (f->n < 4)
		f->ev[f->n] = *ev;
	f->n++;
	return false;
}

START_TEST(test_fill_event)
{
	struct fills f = { 0 };

	spaces(PTE_P | PTE_W);
	ck_assert_int_ge(machine_on(gm, EV_TLB_FILL, on_fill, &f), 0);
	access(true, 0);
	ck_assert_int_eq(f.n, 2);
	ck_assert_uint_eq(f.ev[0].addr, G_CODE);
	ck_assert_uint_eq(f.ev[0].value, G_CODE);
	ck_assert(!f.ev[0].write);
	ck_assert_uint_eq(f.ev[1].kind, EV_TLB_FILL);
	ck_assert_uint_eq(f.ev[1].addr, TV);
	ck_assert_uint_eq(f.ev[1].value, PA_A);
	ck_assert(f.ev[1].write);
	ck_assert_uint_eq(f.ev[1].pc, G_CODE);
}
END_TEST

static Suite *tlb_suite(void)
{
	Suite *s = suite_create("tlb");
	TCase *tc;

	tc = g_tcase(s, "entries");
	tcase_add_test(tc, test_hit_and_miss);
	tcase_add_test(tc, test_stale_entry_used);
	tcase_add_test(tc, test_tlbinv);
	tcase_add_test(tc, test_tlbinv_asid);
	tcase_add_test(tc, test_tlbflush);
	tcase_add_test(tc, test_fill_event);

	tc = g_tcase(s, "asid");
	tcase_add_test(tc, test_asid_same_va_replaces);
	tcase_add_test(tc, test_asid_tags);
	tcase_add_test(tc, test_global_entry);
	tcase_add_test(tc, test_no_implicit_flush);
	tcase_add_test(tc, test_mtcr_ptbr_no_flush);

	tc = g_tcase(s, "grant");
	tcase_add_test(tc, test_write_after_read_sets_dirty);
	tcase_add_test(tc, test_upgrade_seen);
	tcase_add_test(tc, test_denied_rewalks_then_faults);
	tcase_add_test(tc, test_downgrade_not_seen);

	tc = g_tcase(s, "size");
	tcase_add_test(tc, test_tlb_sizes);
	tcase_add_test(tc, test_tlb_one_entry);
	tcase_add_test(tc, test_tlb_index);
	tcase_add_test(tc, test_tlbinv_code_page);
	return s;
}

int main(void)
{
	return g_main(tlb_suite());
}
