/*
 * guest.c -- see guest.h.
 */
#include "tests/unit/helpers/guest.h"

#include <check.h>
#include <stdlib.h>

struct machine *g_machine_cfg(const struct machine_config *cfg)
{
	char err[256];
	struct machine *m = machine_new(cfg, err, sizeof err);

	ck_assert_msg(m != NULL, "machine_new: %s", err);
	return m;
}

struct machine *g_machine(enum machine_variant v)
{
	struct machine_config cfg;

	machine_config_defaults(&cfg);
	cfg.variant = v;
	return g_machine_cfg(&cfg);
}

struct machine *gm;

static void setup_variant(enum machine_variant v)
{
	gm = g_machine(v);
	g_vectors(gm, G_VEC);
	machine_set_pc(gm, G_CODE);
}

void g_setup(void)
{
	setup_variant(VARIANT_CLASSIC);
}

void g_setup_strict(void)
{
	setup_variant(VARIANT_STRICT);
}

void g_teardown(void)
{
	machine_free(gm);
	gm = NULL;
}

TCase *g_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, g_setup, g_teardown);
	suite_add_tcase(s, tc);
	return tc;
}

int g_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

uint32_t g_enc(enum isa_op op, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm)
{
	struct isa_insn in = { .op = op, .rd = (uint8_t)rd, .rs1 = (uint8_t)rs1,
			       .rs2 = (uint8_t)rs2, .imm = imm };
	struct isa_insn back;
	uint32_t w;

	ck_assert_msg(isa_imm_fits(isa_info(op)->imm, imm), "%s: immediate %d does not fit",
		      isa_info(op)->name, imm);
	w = isa_encode(&in);
	ck_assert_msg(isa_decode(w, &back) && back.op == op, "%s encodes to an illegal word 0x%08x",
		      isa_info(op)->name, w);
	return w;
}

static uint32_t enc_fmt(enum isa_op op, enum isa_format fmt, unsigned rd, unsigned rs1,
			unsigned rs2, int32_t imm)
{
	ck_assert_msg(isa_info(op)->format == fmt, "%s has another format", isa_info(op)->name);
	return g_enc(op, rd, rs1, rs2, imm);
}

uint32_t g_r(enum isa_op op, unsigned rd, unsigned rs1, unsigned rs2)
{
	return enc_fmt(op, FMT_R, rd, rs1, rs2, 0);
}

uint32_t g_i(enum isa_op op, unsigned rd, unsigned rs1, int32_t imm)
{
	enum isa_format f = isa_info(op)->format;

	ck_assert(f == FMT_I || f == FMT_LOAD || f == FMT_U);
	return g_enc(op, rd, rs1, 0, imm);
}

uint32_t g_s(enum isa_op op, unsigned rs2, unsigned rs1, int32_t imm)
{
	return enc_fmt(op, FMT_STORE, 0, rs1, rs2, imm);
}

uint32_t g_b(enum isa_op op, unsigned rs1, unsigned rs2, int32_t off)
{
	return enc_fmt(op, FMT_B, 0, rs1, rs2, off);
}

uint32_t g_j(enum isa_op op, int32_t off)
{
	return enc_fmt(op, FMT_J, 0, 0, 0, off);
}

uint32_t g_n(enum isa_op op)
{
	return enc_fmt(op, FMT_N, 0, 0, 0, 0);
}

uint32_t g_rd(enum isa_op op, unsigned rd)
{
	return enc_fmt(op, FMT_RD, rd, 0, 0, 0);
}

uint32_t g_rs(enum isa_op op, unsigned rs1)
{
	return enc_fmt(op, FMT_RS, 0, rs1, 0, 0);
}

uint32_t g_mfcr(unsigned rd, unsigned cr)
{
	return enc_fmt(OP_mfcr, FMT_MFCR, rd, 0, 0, (int32_t)cr);
}

uint32_t g_mtcr(unsigned cr, unsigned rs1)
{
	return enc_fmt(OP_mtcr, FMT_MTCR, 0, rs1, 0, (int32_t)cr);
}

void g_write(struct machine *m, uint32_t pa, const uint32_t *words, size_t n)
{
	ck_assert_msg(machine_phys_write(m, pa, words, (uint32_t)(n * 4)),
		      "cannot write %zu words at 0x%08x", n, pa);
}

void g_poke(struct machine *m, uint32_t pa, uint32_t word)
{
	g_write(m, pa, &word, 1);
}

uint32_t g_peek(struct machine *m, uint32_t pa)
{
	uint32_t w;

	ck_assert_msg(machine_phys_read(m, pa, &w, 4), "cannot read 0x%08x", pa);
	return w;
}

uint32_t g_cr(const struct machine *m, unsigned cr)
{
	uint32_t v;

	ck_assert_msg(machine_cr(m, cr, &v), "no control register %u", cr);
	return v;
}

void g_set_cr(struct machine *m, unsigned cr, uint32_t v)
{
	ck_assert_msg(machine_set_cr(m, cr, v), "cannot set control register %u", cr);
}

void g_enter(struct machine *m, uint32_t pc, uint32_t psw)
{
	machine_set_pc(m, pc);
	machine_set_psw(m, psw);
	ck_assert_uint_eq(machine_psw(m), psw);
}

void g_vectors(struct machine *m, uint32_t base)
{
	for (unsigned i = 0; i < TRAP_VECTOR_SLOTS; i++)
		g_poke(m, base + 4 * i, g_j(OP_j, 0));
	g_set_cr(m, CR_TVEC, base);
}

void g_step(struct machine *m, uint64_t n)
{
	enum machine_stop s = machine_run(m, n);

	ck_assert_msg(s == STOP_LIMIT, "run of %llu stopped with %d (%s)",
		      (unsigned long long)n, (int)s,
		      machine_fatal_report(m) ? machine_fatal_report(m)->reason : "-");
}

struct machine_stats g_stats(const struct machine *m)
{
	struct machine_stats s;

	machine_get_stats(m, &s);
	return s;
}

void g_check_trap(struct machine *m, uint32_t cause, uint32_t epc, uint32_t badva,
		  uint32_t epsw)
{
	ck_assert_msg(g_cr(m, CR_CAUSE) == cause, "cause 0x%08x, expected 0x%08x",
		      g_cr(m, CR_CAUSE), cause);
	ck_assert_msg(g_cr(m, CR_EPC) == epc, "epc 0x%08x, expected 0x%08x", g_cr(m, CR_EPC), epc);
	ck_assert_msg(g_cr(m, CR_BADVA) == badva, "badva 0x%08x, expected 0x%08x",
		      g_cr(m, CR_BADVA), badva);
	ck_assert_msg(g_cr(m, CR_EPSW) == epsw, "epsw 0x%08x, expected 0x%08x",
		      g_cr(m, CR_EPSW), epsw);
	ck_assert_uint_eq(machine_psw(m), epsw & PSW_FLAGS_MASK);
	ck_assert_uint_eq(machine_pc(m), (g_cr(m, CR_TVEC) & ~3u) + 4 * CAUSE_CODE(cause));
}

/* ---- page tables ---- */

static uint32_t pt_alloc(struct g_pt *pt)
{
	static const uint8_t zero[PAGE_SIZE];
	uint32_t pa = pt->next;

	ck_assert(machine_phys_write(pt->m, pa, zero, PAGE_SIZE));
	pt->next += PAGE_SIZE;
	return pa;
}

void g_paging_at(struct g_pt *pt, struct machine *m, uint32_t base)
{
	pt->m = m;
	pt->next = base;
	pt->dir = pt_alloc(pt);
	g_set_cr(m, CR_PTBR, pt->dir);
}

void g_paging(struct g_pt *pt, struct machine *m)
{
	g_paging_at(pt, m, G_TABLES);
}

uint32_t g_pde_pa(const struct g_pt *pt, uint32_t va)
{
	return pt->dir + 4 * VA_DIR(va);
}

uint32_t g_pte_pa(struct g_pt *pt, uint32_t va)
{
	uint32_t pde = g_peek(pt->m, g_pde_pa(pt, va));

	if (!(pde & PTE_P)) {
		pde = pt_alloc(pt) | PTE_P | PTE_W | PTE_U;
		g_poke(pt->m, g_pde_pa(pt, va), pde);
	}
	return PTE_FRAME(pde) + 4 * VA_TABLE(va);
}

void g_map(struct g_pt *pt, uint32_t va, uint32_t pa, uint32_t pte_flags)
{
	g_poke(pt->m, g_pte_pa(pt, va), (pa & ~PAGE_MASK) | pte_flags);
}

void g_paged_at(struct g_pt *pt, struct machine *m, uint32_t base)
{
	g_paging_at(pt, m, base);
	g_map(pt, 0, 0, PTE_P | PTE_W);
	g_map(pt, G_CODE, G_CODE, PTE_P | PTE_W | PTE_U);
}
