/*
 * check_priv.c -- the privilege check of every instruction of isa.def in
 * every ring on both machine variants (docs/isa.md section 5): the
 * Popek & Goldberg class table, the classic machine's holes (rdpsw shows
 * the real ring, wrpsw silently keeps RING and IE, an unprivileged cycle
 * counter), the ring-1 exceptions, control-register numbers, and words
 * with nonzero reserved fields.
 */
#include <check.h>
#include <string.h>

#include "tests/unit/helpers/guest.h"

#define FLAGS   0x3300u
#define NEWPSW  (0x5a00u | 2u) /* what the sample wrpsw writes: FLAGS 0x5a, ring 2, IE 0 */

/* The class each instruction must have; anything not listed is innocuous. */
static const struct {
	const char *name;
	enum isa_class cls;
} classes[] = {
	{ "syscall", CLASS_TRAP }, { "break", CLASS_TRAP }, { "hypercall", CLASS_TRAP },
	{ "rdpsw", CLASS_SENSITIVE }, { "wrpsw", CLASS_SENSITIVE },
	{ "rdcycle", CLASS_SENSITIVE }, { "rdcycleh", CLASS_SENSITIVE },
	{ "mfcr", CLASS_PRIVILEGED }, { "mtcr", CLASS_PRIVILEGED }, { "rfe", CLASS_PRIVILEGED },
	{ "tlbinv", CLASS_PRIVILEGED }, { "tlbflush", CLASS_PRIVILEGED },
	{ "halt", CLASS_PRIVILEGED },
};

static enum isa_class expected_class(const char *name)
{
	for (unsigned i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (strcmp(classes[i].name, name) == 0)
			return classes[i].cls;
	return CLASS_INNOCUOUS;
}

START_TEST(test_classes)
{
	unsigned found = 0;

	for (unsigned op = 1; op < OP_COUNT; op++) {
		const struct isa_info *in = isa_info((enum isa_op)op);
		ck_assert_msg(in->cls == expected_class(in->name), "%s has class %d", in->name,
			      (int)in->cls);
		found += in->cls != CLASS_INNOCUOUS;
	}
	ck_assert_uint_eq(found, sizeof classes / sizeof classes[0]);
}
END_TEST

/* A sample of op that does nothing unusual in ring 0: sources r1 =
 * G_DATA (an aligned address and jump target), r2 = 3, r4 = NEWPSW. */
static uint32_t sample(enum isa_op op)
{
	switch (isa_info(op)->format) {
	case FMT_R:     return g_r(op, 3, 1, 2);
	case FMT_I:     return g_i(op, 3, 1, 0);
	case FMT_U:     return g_i(op, 3, 0, 0x1234);
	case FMT_LOAD:  return g_i(op, 3, 1, 0);
	case FMT_STORE: return g_s(op, 2, 1, 0);
	case FMT_B:     return g_b(op, 1, 2, 2);
	case FMT_J:     return g_j(op, 2);
	case FMT_N:     return g_n(op);
	case FMT_RD:    return g_rd(op, 3);
	case FMT_RS:    return g_rs(op, 4);
	case FMT_MFCR:  return g_mfcr(3, CR_SCRATCH);
	case FMT_MTCR:  return g_mtcr(CR_SCRATCH, 2);
	}
	ck_abort();
	return 0;
}

enum outcome { RUNS, TRAPS };

struct expect {
	enum outcome what;
	uint32_t code;   /* TRAPS: the cause code */
	uint32_t epc;    /* TRAPS */
};

/* The spec's table (docs/isa.md, "Every non-innocuous instruction"). */
static struct expect expect_of(enum isa_op op, unsigned ring, bool strict)
{
	const char *n = isa_info(op)->name;
	struct expect priv = { TRAPS, TRAP_PRIVILEGED, G_CODE };

	if (!strcmp(n, "syscall"))
		return (struct expect){ TRAPS, TRAP_SYSCALL, G_CODE + 4 };
	if (!strcmp(n, "break"))
		return (struct expect){ TRAPS, TRAP_BREAKPOINT, G_CODE };
	if (!strcmp(n, "hypercall"))
		return (struct expect){ TRAPS, TRAP_ILLEGAL, G_CODE };
	switch (expected_class(n)) {
	case CLASS_SENSITIVE:
		return strict && ring != 0 ? priv : (struct expect){ RUNS, 0, 0 };
	case CLASS_PRIVILEGED:
		if (ring == 0 || (ring == 1 && !strcmp(n, "rfe")))
			return (struct expect){ RUNS, 0, 0 };
		return priv;
	default:
		return (struct expect){ RUNS, 0, 0 };
	}
}

/* What a sample that runs must have done, beyond retiring. */
static void check_effect(struct machine *m, enum isa_op op, unsigned ring, uint32_t psw)
{
	const char *n = isa_info(op)->name;

	if (!strcmp(n, "rdpsw")) {
		ck_assert_uint_eq(machine_reg(m, 3), psw); /* the real ring and IE */
	} else if (!strcmp(n, "wrpsw")) {
		uint32_t want = ring == 0 ? NEWPSW : (psw & ~PSW_FLAGS_MASK) | (NEWPSW & PSW_FLAGS_MASK);
		ck_assert_uint_eq(machine_psw(m), want);
		return;
	} else if (!strcmp(n, "rdcycle") || !strcmp(n, "rdcycleh")) {
		ck_assert_uint_eq(machine_reg(m, 3), 0);
	} else if (!strcmp(n, "mfcr")) {
		ck_assert_uint_eq(machine_reg(m, 3), 0x5c5c);
	} else if (!strcmp(n, "mtcr")) {
		ck_assert_uint_eq(g_cr(m, CR_SCRATCH), 3);
	} else if (!strcmp(n, "rfe")) {
		if (ring == 0) {
			ck_assert_uint_eq(machine_pc(m), 0x6000);
			ck_assert_uint_eq(machine_psw(m), 2 | FLAGS);
		} else { /* through epc1/epsw1, IE unchanged */
			ck_assert_uint_eq(machine_pc(m), 0x7000);
			ck_assert_uint_eq(machine_psw(m), 3 | (psw & PSW_IE) | 0x4400u);
		}
		return;
	}
	ck_assert_uint_eq(machine_psw(m), psw);
}

/* _i = ((op - 1) * 4 + ring) * 2 + strict */
START_TEST(test_privilege)
{
	enum isa_op op = (enum isa_op)(_i / 8 + 1);
	unsigned ring = (_i / 2) % 4;
	bool strict = _i % 2;
	const char *n = isa_info(op)->name;
	struct machine *m = g_machine(strict ? VARIANT_STRICT : VARIANT_CLASSIC);
	/* IE on, to see that nothing but ring 0 changes it; off for halt,
	 * whose wake-up line would otherwise interrupt first. */
	uint32_t psw = ring | FLAGS | (op == OP_halt ? 0 : PSW_IE);
	struct expect e = expect_of(op, ring, strict);

	g_vectors(m, G_VEC);
	g_poke(m, G_CODE, sample(op));
	machine_set_reg(m, 1, G_DATA);
	machine_set_reg(m, 2, 3);
	machine_set_reg(m, 4, NEWPSW);
	g_set_cr(m, CR_SCRATCH, 0x5c5c);
	g_set_cr(m, CR_EPC, 0x6000);
	g_set_cr(m, CR_EPSW, 2 | FLAGS);
	g_set_cr(m, CR_EPC1, 0x7000);
	g_set_cr(m, CR_EPSW1, 3 | 0x4400u); /* IE off: rfe in ring 1 keeps IE */
	if (op == OP_halt) { /* an active line: halt completes at once */
		machine_set_irq_enabled(m, 1);
		machine_set_irq(m, IRQ_TIMER, true);
	}
	g_enter(m, G_CODE, psw);
	g_step(m, 1);

	if (e.what == RUNS) {
		struct machine_stats s = g_stats(m);
		for (unsigned c = 0; c < TRAP_NCAUSES; c++)
			ck_assert_msg(s.traps[c] == 0, "%s ring %u %s: trapped with cause %u", n,
				      ring, strict ? "strict" : "classic", c);
		ck_assert_uint_eq(machine_instret(m), 1);
		ck_assert_uint_eq(machine_cycles(m), 1);
		check_effect(m, op, ring, psw);
	} else {
		ck_assert_msg(g_cr(m, CR_CAUSE) == CAUSE_MAKE(e.code, 0, 0, ring),
			      "%s ring %u %s: cause 0x%08x, expected code %u", n, ring,
			      strict ? "strict" : "classic", g_cr(m, CR_CAUSE), e.code);
		ck_assert_uint_eq(g_cr(m, CR_EPC), e.epc);
		ck_assert_uint_eq(g_cr(m, CR_EPSW), psw);
		ck_assert_uint_eq(machine_psw(m), FLAGS);
		ck_assert_uint_eq(machine_pc(m), G_VEC + 4 * e.code);
		ck_assert_uint_eq(machine_reg(m, 3), 0);            /* nothing written */
		ck_assert_uint_eq(g_cr(m, CR_SCRATCH), 0x5c5c);
		ck_assert_uint_eq(machine_instret(m), e.code == TRAP_SYSCALL);
	}
	machine_free(m);
}
END_TEST

/* The classic holes, the way a deprivileged kernel meets them: in ring 1
 * rdpsw shows RING 1 and the real IE, wrpsw cannot clear IE or reach
 * ring 0 and does not trap, rdcycle reads the real counter. */
START_TEST(test_classic_holes_in_ring1)
{
	G_PROG(gm, G_CODE,
	       g_rd(OP_rdpsw, 3),
	       g_rs(OP_wrpsw, 0),           /* try: ring 0, IE off, flags 0 */
	       g_rd(OP_rdpsw, 4),
	       g_rd(OP_rdcycle, 5));
	machine_charge(gm, 1000);
	g_enter(gm, G_CODE, 1 | PSW_IE | FLAGS);
	g_step(gm, 4);
	ck_assert_uint_eq(machine_reg(gm, 3), 1 | PSW_IE | FLAGS);
	ck_assert_uint_eq(machine_reg(gm, 4), 1 | PSW_IE);
	ck_assert_uint_eq(machine_reg(gm, 5), 1003);
	ck_assert_uint_eq(g_stats(gm).traps[TRAP_PRIVILEGED], 0);
}
END_TEST

/* wrpsw in ring 0 can drop to ring 3 and set IE; reserved bits read 0. */
START_TEST(test_wrpsw_ring0)
{
	G_PROG(gm, G_CODE, g_rs(OP_wrpsw, 1), g_rd(OP_rdpsw, 3), g_rs(OP_wrpsw, 0));
	machine_set_reg(gm, 1, 0xffffffffu);
	g_step(gm, 3);
	ck_assert_uint_eq(machine_reg(gm, 3), PSW_WRITABLE);
	/* the second wrpsw ran in ring 3: only FLAGS changed */
	ck_assert_uint_eq(machine_psw(gm), 3 | PSW_IE);
}
END_TEST

/* ---- control-register numbers --------------------------------------------- */

static bool cr_defined(unsigned cr)
{
	return cr < CR_COUNT && isa_cr_name(cr) != NULL;
}

/* mfcr and mtcr of every number in every ring: privilege first, then
 * ILLEGAL for an undefined number or a write to cpuid/memsize. */
START_TEST(test_cr_numbers)
{
	static const unsigned extra[] = { 32, 33, 100, 0x8000, 0xffff };
	unsigned ring = (unsigned)_i % 4;
	bool write = _i >= 4;

	for (unsigned k = 0; k < CR_COUNT + 5; k++) {
		unsigned cr = k < CR_COUNT ? k : extra[k - CR_COUNT];
		uint32_t word = write ? 0x81000000u | 2u << 16 | cr : 0x80000000u | 3u << 20 | cr;
		bool ring1_cr = cr >= CR_RING1_BASE && cr < CR_COUNT;
		bool allowed = ring == 0 || (ring == 1 && ring1_cr);
		bool legal = cr_defined(cr) && !(write && (cr == CR_CPUID || cr == CR_MEMSIZE));
		uint32_t before = 0;

		g_teardown();
		g_setup();
		g_poke(gm, G_CODE, word);
		machine_set_reg(gm, 2, 0x40);
		if (cr_defined(cr) && cr != CR_CPUID && cr != CR_MEMSIZE && cr != CR_TVEC) {
			g_set_cr(gm, cr, 0x24);
		}
		if (cr_defined(cr))
			before = g_cr(gm, cr);
		g_enter(gm, G_CODE, ring);
		g_step(gm, 1);
		if (!allowed || !legal) {
			uint32_t code = allowed ? TRAP_ILLEGAL : TRAP_PRIVILEGED;
			ck_assert_msg(g_cr(gm, CR_CAUSE) == CAUSE_MAKE(code, 0, 0, ring),
				      "%s cr %u ring %u: cause 0x%08x, expected code %u",
				      write ? "mtcr" : "mfcr", cr, ring, g_cr(gm, CR_CAUSE), code);
			ck_assert_uint_eq(g_cr(gm, CR_EPC), G_CODE);
			ck_assert_uint_eq(machine_reg(gm, 3), 0);
			if (cr_defined(cr) && cr != CR_CAUSE && cr != CR_EPC && cr != CR_EPSW &&
			    cr != CR_BADVA)
				ck_assert_uint_eq(g_cr(gm, cr), before);
		} else if (write) {
			uint32_t want = cr == CR_MMU ? (0x40 & MMU_PG) : 0x40;
			ck_assert_msg(g_cr(gm, cr) == want, "mtcr cr %u ring %u: 0x%x", cr, ring,
				      g_cr(gm, cr));
			ck_assert_uint_eq(machine_instret(gm), 1);
		} else {
			ck_assert_msg(machine_reg(gm, 3) == before, "mfcr cr %u ring %u: 0x%x, want 0x%x",
				      cr, ring, machine_reg(gm, 3), before);
			ck_assert_uint_eq(machine_instret(gm), 1);
		}
	}
}
END_TEST

/* cpuid tells the variant; memsize the RAM; asid keeps 8 bits. */
START_TEST(test_cr_values)
{
	struct machine *s = g_machine(VARIANT_STRICT);

	G_PROG(gm, G_CODE, g_mfcr(3, CR_CPUID), g_mfcr(4, CR_MEMSIZE), g_mtcr(CR_ASID, 1),
	       g_mfcr(5, CR_ASID));
	machine_set_reg(gm, 1, 0x1ff);
	g_step(gm, 4);
	ck_assert_uint_eq(machine_reg(gm, 3), 0);
	ck_assert_uint_eq(machine_reg(gm, 4), 16u << 20);
	ck_assert_uint_eq(machine_reg(gm, 5), 0xff);

	G_PROG(s, G_CODE, g_mfcr(3, CR_CPUID));
	machine_set_pc(s, G_CODE);
	g_step(s, 1);
	ck_assert_uint_eq(machine_reg(s, 3), CPUID_STRICT);
	ck_assert_int_eq(machine_variant(s), VARIANT_STRICT);
	machine_free(s);
}
END_TEST

/* ---- reserved fields -------------------------------------------------------- */

/* Bits that must be zero in a format, one per distinct field. */
static unsigned reserved_bits(enum isa_op op, uint32_t bits[3])
{
	unsigned n = 0;

	switch (isa_info(op)->format) {
	case FMT_R:    bits[n++] = 1u; bits[n++] = 1u << 11; break;
	case FMT_U:    bits[n++] = 1u << 16; break;
	case FMT_N:    bits[n++] = 1u; bits[n++] = 1u << 20; bits[n++] = 1u << 23; break;
	case FMT_RD:   bits[n++] = 1u; bits[n++] = 1u << 16; break;
	case FMT_RS:   bits[n++] = 1u; bits[n++] = 1u << 20; break;
	case FMT_MFCR: bits[n++] = 1u << 16; break;
	case FMT_MTCR: bits[n++] = 1u << 20; break;
	default:       break;
	}
	if (isa_info(op)->imm == IMM_SH5)
		bits[n++] = 1u << 5;
	return n;
}

/* A word with a nonzero reserved field is not an instruction: ILLEGAL in
 * every ring, whatever its class. */
START_TEST(test_reserved_fields)
{
	enum isa_op op = (enum isa_op)(_i + 1);
	uint32_t bits[3];
	unsigned n = reserved_bits(op, bits);

	for (unsigned k = 0; k < n; k++) {
		for (unsigned ring = 0; ring < 4; ring++) {
			uint32_t word = sample(op) | bits[k];
			struct isa_insn in;
			ck_assert(!isa_decode(word, &in));
			g_teardown();
			g_setup();
			g_poke(gm, G_CODE, word);
			g_enter(gm, G_CODE, ring);
			g_step(gm, 1);
			ck_assert_msg(g_cr(gm, CR_CAUSE) == CAUSE_MAKE(TRAP_ILLEGAL, 0, 0, ring),
				      "0x%08x ring %u: cause 0x%08x", word, ring, g_cr(gm, CR_CAUSE));
			ck_assert_uint_eq(g_cr(gm, CR_EPC), G_CODE);
		}
	}
}
END_TEST

/* Every opcode byte that isa.def does not assign is ILLEGAL. */
START_TEST(test_unassigned_opcodes)
{
	unsigned illegal = 0;

	for (unsigned opc = 0; opc < 256; opc++) {
		bool assigned = false;
		for (unsigned op = 1; op < OP_COUNT; op++)
			assigned |= isa_info((enum isa_op)op)->opcode == opc;
		if (assigned)
			continue;
		g_teardown();
		g_setup();
		g_poke(gm, G_CODE, opc << 24);
		g_step(gm, 1);
		ck_assert_msg(g_cr(gm, CR_CAUSE) == TRAP_ILLEGAL, "opcode 0x%02x: cause 0x%08x", opc,
			      g_cr(gm, CR_CAUSE));
		illegal++;
	}
	ck_assert_uint_eq(illegal, 256 - (OP_COUNT - 1));
}
END_TEST

static Suite *priv_suite(void)
{
	Suite *s = suite_create("priv");
	TCase *tc;

	tc = g_tcase(s, "classes");
	tcase_add_test(tc, test_classes);
	tcase_add_loop_test(tc, test_privilege, 0, (OP_COUNT - 1) * 8);
	tcase_add_test(tc, test_classic_holes_in_ring1);
	tcase_add_test(tc, test_wrpsw_ring0);

	tc = g_tcase(s, "control-registers");
	tcase_add_loop_test(tc, test_cr_numbers, 0, 8);
	tcase_add_test(tc, test_cr_values);

	tc = g_tcase(s, "encoding");
	tcase_add_loop_test(tc, test_reserved_fields, 0, OP_COUNT - 1);
	tcase_add_test(tc, test_unassigned_opcodes);
	return s;
}

int main(void)
{
	return g_main(priv_suite());
}
