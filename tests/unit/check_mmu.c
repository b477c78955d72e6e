/*
 * check_mmu.c -- paging against docs/isa.md section 8: every combination
 * of P, W, U at the directory and table level, in every ring, for read,
 * write and fetch, compared with the spec's decision table and with
 * machine_walk(); A/D updates, walk costs, walks that leave RAM, pages
 * mapped onto devices, and paging off.
 */
#include <check.h>

#include "tests/unit/helpers/guest.h"

#define TV      0x00400120u /* the va under test: directory 1, table 0 */
#define TV_PA   0x00050120u /* where it maps                          */
#define RD_VAL  0x11223344u
#define WR_VAL  0xcafef00du
#define MARK    0xdeadbeefu

static const char *const acc_name[] = { "read", "write", "fetch" };

/* Page tables: page 0 (vectors) supervisor, the code page user, both
 * writable, so only the page under test can fault. */
static void paged(struct g_pt *pt)
{
	g_paged_at(pt, gm, G_TABLES);
}

/* The program for an access: read and write run at G_CODE against r1 =
 * TV; a fetch starts at TV itself, which holds `addi r3, r0, 0x77`. */
static void access_program(enum mem_access acc)
{
	G_PROG(gm, G_CODE, acc == ACC_WRITE ? g_s(OP_sw, 2, 1, 0) : g_i(OP_lw, 3, 1, 0));
	g_poke(gm, TV_PA, acc == ACC_FETCH ? g_i(OP_addi, 3, 0, 0x77) : RD_VAL);
	machine_set_reg(gm, 1, TV);
	machine_set_reg(gm, 2, WR_VAL);
	machine_set_reg(gm, 3, MARK);
}

/* The spec's decision, written out: 0 or the CAUSE of the fault. */
static uint32_t spec_outcome(uint32_t pde, uint32_t pte, unsigned ring, enum mem_access acc)
{
	uint32_t w = pde & pte & PTE_W, u = pde & pte & PTE_U;

	if (!(pde & PTE_P) || !(pte & PTE_P))
		return CAUSE_MAKE(TRAP_PAGE_FAULT, acc, 0, ring);
	if (ring == RING_USER && !u)
		return CAUSE_MAKE(TRAP_PAGE_FAULT, acc, 1, ring);
	if (acc == ACC_WRITE && !w)
		return CAUSE_MAKE(TRAP_PAGE_FAULT, acc, 1, ring);
	return 0;
}

/* _i = ring * 3 + access; inside, all 64 (PDE, PTE) combinations of P,W,U. */
START_TEST(test_pte_matrix)
{
	unsigned ring = (unsigned)_i / 3;
	enum mem_access acc = (enum mem_access)(_i % 3);

	for (uint32_t combo = 0; combo < 64; combo++) {
		uint32_t pde_bits = combo >> 3, pte_bits = combo & 7; /* P=1 W=2 U=4 */
		struct g_pt pt;
		struct mmu_walk w;
		uint32_t pde_pa, pte_pa, pde, pte, want, code_walk, epc;

		g_teardown();
		g_setup();
		paged(&pt);
		pte_pa = g_pte_pa(&pt, TV);
		pde_pa = g_pde_pa(&pt, TV);
		pde = PTE_FRAME(g_peek(gm, pde_pa)) | pde_bits;
		pte = PTE_FRAME(TV_PA) | pte_bits;
		g_poke(gm, pde_pa, pde);
		g_poke(gm, pte_pa, pte);
		access_program(acc);
		g_set_cr(gm, CR_MMU, MMU_PG);
		epc = acc == ACC_FETCH ? TV : G_CODE;
		g_enter(gm, epc, ring);
		want = spec_outcome(pde, pte, ring, acc);

		/* the debugger's walk agrees, and changes nothing */
		machine_walk(gm, TV, acc, ring, &w);
		ck_assert(w.paging);
		ck_assert_uint_eq(w.pde_pa, pde_pa);
		ck_assert(w.pde_ok);
		ck_assert_uint_eq(w.pde, pde);
		ck_assert_int_eq(w.pte_ok, (pde & PTE_P) != 0);
		if (pde & PTE_P) {
			ck_assert_uint_eq(w.pte_pa, pte_pa);
			ck_assert_uint_eq(w.pte, pte);
		}
		ck_assert_msg(w.fault == want, "walk %s ring %u pde %x pte %x: 0x%08x, spec 0x%08x",
			      acc_name[acc], ring, pde_bits, pte_bits, w.fault, want);
		if (!want)
			ck_assert_uint_eq(w.pa, TV_PA);
		ck_assert_uint_eq(g_peek(gm, pde_pa), pde);
		ck_assert_uint_eq(g_peek(gm, pte_pa), pte);
		ck_assert_uint_eq(machine_cycles(gm), 0);

		g_step(gm, 1);
		code_walk = acc == ACC_FETCH ? 0 : 20;
		if (!want) {
			uint32_t got = acc == ACC_WRITE ? g_peek(gm, TV_PA) : machine_reg(gm, 3);
			uint32_t exp = acc == ACC_WRITE ? WR_VAL : acc == ACC_READ ? RD_VAL : 0x77;
			ck_assert_msg(got == exp, "%s ring %u pde %x pte %x: got 0x%08x",
				      acc_name[acc], ring, pde_bits, pte_bits, got);
			ck_assert_uint_eq(g_peek(gm, pde_pa), pde | PTE_A);
			ck_assert_uint_eq(g_peek(gm, pte_pa),
					  pte | PTE_A | (acc == ACC_WRITE ? PTE_D : 0));
			ck_assert_uint_eq(machine_instret(gm), 1);
			ck_assert_uint_eq(machine_cycles(gm), code_walk + 20 + 1);
			ck_assert_uint_eq(g_stats(gm).tlb_misses, acc == ACC_FETCH ? 1 : 2);
		} else {
			ck_assert_msg(g_cr(gm, CR_CAUSE) == want,
				      "%s ring %u pde %x pte %x: cause 0x%08x, spec 0x%08x",
				      acc_name[acc], ring, pde_bits, pte_bits, g_cr(gm, CR_CAUSE), want);
			g_check_trap(gm, want, epc, TV, ring);
			ck_assert_uint_eq(g_peek(gm, pde_pa), pde); /* nothing set on a fault */
			ck_assert_uint_eq(g_peek(gm, pte_pa), pte);
			ck_assert_uint_eq(g_peek(gm, TV_PA), acc == ACC_FETCH ? g_i(OP_addi, 3, 0, 0x77)
									: RD_VAL);
			ck_assert_uint_eq(machine_reg(gm, 3), MARK);
			ck_assert_uint_eq(machine_instret(gm), 0);
			/* not present in the directory: one table read; else two */
			ck_assert_uint_eq(machine_cycles(gm),
					  code_walk + ((pde & PTE_P) ? 20 : 10) + 10);
		}
	}
}
END_TEST

/* The SW bits and the frame survive the A/D update; an already set A
 * is left alone; the low 12 bits of ptbr are ignored. */
START_TEST(test_ad_update_keeps_other_bits)
{
	struct g_pt pt;
	uint32_t pte_pa;

	paged(&pt);
	g_map(&pt, TV, TV_PA, PTE_P | PTE_W | PTE_SW_MASK);
	pte_pa = g_pte_pa(&pt, TV);
	g_poke(gm, g_pde_pa(&pt, TV), g_peek(gm, g_pde_pa(&pt, TV)) | PTE_A | 0x540u);
	access_program(ACC_WRITE);
	g_set_cr(gm, CR_PTBR, pt.dir | 0xabc);
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_step(gm, 1);
	ck_assert_uint_eq(g_peek(gm, TV_PA), WR_VAL);
	ck_assert_uint_eq(g_peek(gm, pte_pa), PTE_FRAME(TV_PA) | PTE_P | PTE_W | PTE_SW_MASK |
						  PTE_A | PTE_D);
	ck_assert_uint_eq(g_peek(gm, g_pde_pa(&pt, TV)) & 0xfffu,
			  PTE_P | PTE_W | PTE_U | PTE_A | 0x540u);
}
END_TEST

/* A read walk sets A only; the first write then walks again and sets D. */
START_TEST(test_dirty_only_on_write)
{
	struct g_pt pt;

	paged(&pt);
	g_map(&pt, TV, TV_PA, PTE_P | PTE_W);
	access_program(ACC_READ);
	G_PROG(gm, G_CODE + 4, g_s(OP_sw, 2, 1, 0), g_i(OP_lw, 4, 1, 0));
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_step(gm, 1);
	ck_assert_uint_eq(g_peek(gm, g_pte_pa(&pt, TV)), TV_PA - 0x120 + (PTE_P | PTE_W | PTE_A));
	g_step(gm, 1);
	ck_assert_uint_eq(g_peek(gm, g_pte_pa(&pt, TV)) & 0xfffu, PTE_P | PTE_W | PTE_A | PTE_D);
	/* code walk; lw walk and lw; sw walk again and sw */
	ck_assert_uint_eq(machine_cycles(gm), 20 + 20 + 1 + 20 + 1);
	g_step(gm, 1); /* now a hit */
	ck_assert_uint_eq(machine_reg(gm, 4), WR_VAL);
	ck_assert_uint_eq(machine_cycles(gm), 20 + 20 + 1 + 20 + 1 + 1);
	ck_assert_uint_eq(g_stats(gm).tlb_misses, 3);
}
END_TEST

/* ---- walks that leave RAM, pages on devices ---------------------------------- */

/* ptbr outside RAM: the directory read is a bus error (one table read). */
START_TEST(test_walk_directory_outside_ram)
{
	struct mmu_walk w;

	g_set_cr(gm, CR_PTBR, machine_mem_bytes(gm));
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_enter(gm, G_CODE, 3);
	machine_walk(gm, G_CODE, ACC_FETCH, 3, &w);
	ck_assert_uint_eq(w.fault, CAUSE_MAKE(TRAP_BUS_ERROR, ACC_FETCH, 0, 3));
	ck_assert(!w.pde_ok);
	ck_assert_uint_eq(w.pde_pa, machine_mem_bytes(gm));
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_BUS_ERROR, ACC_FETCH, 0, 3), G_CODE, G_CODE, 3);
	ck_assert_uint_eq(machine_cycles(gm), 10 + 10);
}
END_TEST

/* A directory entry whose table lies outside RAM, or on a device page:
 * bus error at the second read. */
START_TEST(test_walk_table_outside_ram)
{
	static const uint32_t frames[] = { 0x01000000u, MMIO_RNG, 0xfffff000u };
	struct g_pt pt;
	struct mmu_walk w;

	paged(&pt);
	g_poke(gm, g_pde_pa(&pt, TV), frames[_i] | PTE_P | PTE_W | PTE_U);
	access_program(ACC_WRITE);
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_enter(gm, G_CODE, 1);
	machine_walk(gm, TV, ACC_WRITE, 1, &w);
	ck_assert(w.pde_ok);
	ck_assert(!w.pte_ok);
	ck_assert_uint_eq(w.pte_pa, frames[_i] + 4 * VA_TABLE(TV));
	ck_assert_uint_eq(w.fault, CAUSE_MAKE(TRAP_BUS_ERROR, ACC_WRITE, 0, 1));
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_BUS_ERROR, ACC_WRITE, 0, 1), G_CODE, TV, 1);
	ck_assert_uint_eq(machine_cycles(gm), 20 + 20 + 10);
	ck_assert_uint_eq(g_peek(gm, g_pde_pa(&pt, TV)), frames[_i] | PTE_P | PTE_W | PTE_U);
}
END_TEST

/* A PTE may map a device page: loads and stores reach the device, a
 * fetch is a bus error; a PTE to nothing gives a bus error after a
 * successful walk. */
START_TEST(test_page_on_device)
{
	struct g_pt pt;
	uint32_t v1, v2;

	paged(&pt);
	g_map(&pt, 0x00800000u, MMIO_INTC, PTE_P | PTE_W);
	g_map(&pt, 0x00801000u, 0x01000000u, PTE_P | PTE_W); /* past RAM */
	G_PROG(gm, G_CODE, g_i(OP_addi, 2, 0, 5), g_s(OP_sw, 2, 1, 4), g_i(OP_lw, 3, 1, 4),
	       g_i(OP_lw, 4, 1, 0x1000));
	machine_set_reg(gm, 1, 0x00800000u);
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_step(gm, 3);
	ck_assert_uint_eq(machine_irq_enabled(gm), 5);
	ck_assert_uint_eq(machine_reg(gm, 3), 5);
	ck_assert(machine_bus_read(gm, MMIO_INTC + 4, &v1));
	ck_assert_uint_eq(v1, 5);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_BUS_ERROR, ACC_READ, 0, 0), G_CODE + 12, 0x00801000u, 0);
	ck_assert_uint_eq(g_peek(gm, g_pte_pa(&pt, 0x00801000u)) & PTE_A, PTE_A);

	g_teardown();
	g_setup();
	paged(&pt);
	g_map(&pt, 0x00800000u, MMIO_RNG, PTE_P | PTE_W);
	g_set_cr(gm, CR_MMU, MMU_PG);
	machine_set_pc(gm, 0x00800000u);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_BUS_ERROR, ACC_FETCH, 0, 0), 0x00800000u, 0x00800000u, 0);
	ck_assert(machine_bus_read(gm, MMIO_RNG, &v2)); /* the fetch consumed no value */
	struct machine *fresh = g_machine(VARIANT_CLASSIC);
	ck_assert(machine_bus_read(fresh, MMIO_RNG, &v1));
	ck_assert_uint_eq(v1, v2);
	machine_free(fresh);
}
END_TEST

/* ---- paging off ------------------------------------------------------------- */

/* No protection in any ring: ring 3 writes anywhere in RAM and reaches
 * the devices; no TLB entry is used. */
START_TEST(test_paging_off)
{
	struct mmu_walk w;

	G_PROG(gm, G_CODE, g_s(OP_sw, 2, 1, 0), g_i(OP_lw, 3, 1, 0), g_s(OP_sw, 2, 4, 4),
	       g_i(OP_lw, 5, 0, 0x200));
	machine_set_reg(gm, 1, G_TABLES);
	machine_set_reg(gm, 2, 0x3);
	machine_set_reg(gm, 4, MMIO_INTC);
	g_set_cr(gm, CR_PTBR, 0x01000000u); /* would be a bus error if used */
	g_enter(gm, G_CODE, 3);
	machine_walk(gm, 0x12345678u, ACC_WRITE, 3, &w);
	ck_assert(!w.paging);
	ck_assert_uint_eq(w.pa, 0x12345678u);
	ck_assert_uint_eq(w.fault, 0);
	g_step(gm, 4);
	ck_assert_uint_eq(g_peek(gm, G_TABLES), 3);
	ck_assert_uint_eq(machine_reg(gm, 3), 3);
	ck_assert_uint_eq(machine_irq_enabled(gm), 3);
	ck_assert_uint_eq(machine_reg(gm, 5), g_j(OP_j, 0));
	ck_assert_uint_eq(machine_cycles(gm), 4 + 10);
	ck_assert_uint_eq(g_stats(gm).tlb_misses, 0);
	for (unsigned i = 0; i < machine_tlb_size(gm); i++) {
		struct tlb_view v;
		machine_tlb_entry(gm, i, &v);
		ck_assert(!v.valid);
	}
}
END_TEST

static Suite *mmu_suite(void)
{
	Suite *s = suite_create("mmu");
	TCase *tc;

	tc = g_tcase(s, "permissions");
	tcase_add_loop_test(tc, test_pte_matrix, 0, 12);
	tcase_add_test(tc, test_ad_update_keeps_other_bits);
	tcase_add_test(tc, test_dirty_only_on_write);

	tc = g_tcase(s, "walk");
	tcase_add_test(tc, test_walk_directory_outside_ram);
	tcase_add_loop_test(tc, test_walk_table_outside_ram, 0, 3);
	tcase_add_test(tc, test_page_on_device);
	tcase_add_test(tc, test_paging_off);
	return s;
}

int main(void)
{
	return g_main(mmu_suite());
}
