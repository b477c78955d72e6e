/*
 * check_cpu.c -- the innocuous instructions against docs/isa.md sections 3
 * and 4: ALU edge cases, immediates, multiply and divide, loads and stores,
 * branches and jumps, r0, and the faults an innocuous instruction can
 * raise itself (DIVZERO, ALIGN, BUS_ERROR, ILLEGAL).
 *
 * Each instruction runs alone at G_CODE in ring 0 with paging off, reading
 * r1 (a) and r2 (b) and writing r3, which holds a marker before.
 */
#include <check.h>

#include "tests/unit/helpers/guest.h"

#define MARK 0xdeadbeefu

/* Run `word` once with r1 = a, r2 = b, r3 = MARK; it must retire. */
static uint32_t exec1(uint32_t word, uint32_t a, uint32_t b)
{
	G_PROG(gm, G_CODE, word);
	machine_set_reg(gm, 1, a);
	machine_set_reg(gm, 2, b);
	machine_set_reg(gm, 3, MARK);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_instret(gm), 1);
	ck_assert_uint_eq(machine_cycles(gm), 1);
	return machine_reg(gm, 3);
}

/* ---- ALU, table-driven ------------------------------------------------- */

struct alu_case {
	enum isa_op op;
	int32_t imm;     /* immediate forms only */
	uint32_t a, b;   /* r1, r2                */
	uint32_t want;   /* r3                    */
};

static const struct alu_case alu_cases[] = {
	/* wrapping add/sub */
	{ OP_add, 0, 0x7fffffffu, 1, 0x80000000u },
	{ OP_add, 0, 0xffffffffu, 1, 0 },
	{ OP_add, 0, 0x80000000u, 0x80000000u, 0 },
	{ OP_sub, 0, 0, 1, 0xffffffffu },
	{ OP_sub, 0, 0x80000000u, 1, 0x7fffffffu },
	{ OP_sub, 0, 5, 7, 0xfffffffeu },
	{ OP_and, 0, 0xf0f0ff00u, 0x0ff0f0f0u, 0x00f0f000u },
	{ OP_or,  0, 0xf0f0ff00u, 0x0ff0f0f0u, 0xfff0fff0u },
	{ OP_xor, 0, 0xf0f0ff00u, 0x0ff0f0f0u, 0xff000ff0u },
	/* shifts by 0 and 31, and only the low 5 bits of rs2 */
	{ OP_sll, 0, 0x80000001u, 0, 0x80000001u },
	{ OP_sll, 0, 0x00000003u, 31, 0x80000000u },
	{ OP_sll, 0, 0x00000003u, 32, 0x00000003u },
	{ OP_sll, 0, 0x00000003u, 33, 0x00000006u },
	{ OP_srl, 0, 0x80000000u, 0, 0x80000000u },
	{ OP_srl, 0, 0x80000000u, 31, 1 },
	{ OP_srl, 0, 0xffffffffu, 0xffffffe4u, 0x0fffffffu }, /* 0x..e4 & 31 = 4 */
	{ OP_sra, 0, 0x80000000u, 0, 0x80000000u },
	{ OP_sra, 0, 0x80000000u, 31, 0xffffffffu },
	{ OP_sra, 0, 0x7fffffffu, 31, 0 },
	{ OP_sra, 0, 0xf0000000u, 36, 0xff000000u },
	{ OP_slli, 0, 0x80000001u, 0, 0x80000001u },
	{ OP_slli, 31, 0x00000003u, 0, 0x80000000u },
	{ OP_srli, 0, 0x80000000u, 0, 0x80000000u },
	{ OP_srli, 31, 0x80000000u, 0, 1 },
	{ OP_srai, 0, 0x80000000u, 0, 0x80000000u },
	{ OP_srai, 31, 0x80000000u, 0, 0xffffffffu },
	{ OP_srai, 31, 0x7fffffffu, 0, 0 },
	/* signed vs unsigned comparison */
	{ OP_slt,  0, 0xffffffffu, 1, 1 },
	{ OP_slt,  0, 1, 0xffffffffu, 0 },
	{ OP_slt,  0, 0x80000000u, 0x7fffffffu, 1 },
	{ OP_slt,  0, 5, 5, 0 },
	{ OP_sltu, 0, 0xffffffffu, 1, 0 },
	{ OP_sltu, 0, 1, 0xffffffffu, 1 },
	{ OP_sltu, 0, 5, 5, 0 },
	{ OP_slti, 0, 0xffffffffu, 0, 1 },
	{ OP_slti, -1, 0, 0, 0 },
	{ OP_slti, -32768, 0x80000000u, 0, 1 },
	{ OP_sltiu, 1, 0, 0, 1 },            /* seqz idiom */
	{ OP_sltiu, 1, 7, 0, 0 },
	{ OP_sltiu, -1, 5, 0, 1 },           /* sext then unsigned: 5 < 0xffffffff */
	{ OP_sltiu, -1, 0xffffffffu, 0, 0 },
	/* multiply: low and high halves */
	{ OP_mul,   0, 0x10000u, 0x10000u, 0 },
	{ OP_mul,   0, 0xffffffffu, 0xffffffffu, 1 },
	{ OP_mul,   0, 0x7fffffffu, 2, 0xfffffffeu },
	{ OP_mul,   0, 0x12345678u, 0x9abcdef0u, 0x242d2080u },
	{ OP_mulh,  0, 0xffffffffu, 0xffffffffu, 0 },
	{ OP_mulh,  0, 0x80000000u, 0x80000000u, 0x40000000u },
	{ OP_mulh,  0, 0xfffffffeu, 3, 0xffffffffu },
	{ OP_mulh,  0, 0x7fffffffu, 0x7fffffffu, 0x3fffffffu },
	{ OP_mulh,  0, 0x80000000u, 0x7fffffffu, 0xc0000000u },
	{ OP_mulhu, 0, 0xffffffffu, 0xffffffffu, 0xfffffffeu },
	{ OP_mulhu, 0, 0x80000000u, 2, 1 },
	{ OP_mulhu, 0, 0x80000000u, 0x80000000u, 0x40000000u },
	/* divide: toward zero, INT_MIN / -1 */
	{ OP_div,  0, 0x80000000u, 0xffffffffu, 0x80000000u },
	{ OP_div,  0, (uint32_t)-7, 2, (uint32_t)-3 },
	{ OP_div,  0, 7, (uint32_t)-2, (uint32_t)-3 },
	{ OP_div,  0, (uint32_t)-8, (uint32_t)-2, 4 },
	{ OP_divu, 0, 0xffffffffu, 2, 0x7fffffffu },
	{ OP_divu, 0, 0x80000000u, 0xffffffffu, 0 },
	{ OP_rem,  0, 0x80000000u, 0xffffffffu, 0 },
	{ OP_rem,  0, (uint32_t)-7, 2, (uint32_t)-1 },
	{ OP_rem,  0, 7, (uint32_t)-2, 1 },
	{ OP_remu, 0, 0xffffffffu, 10, 5 },
	{ OP_remu, 0, (uint32_t)-7, 2, 1 },
	/* immediates: addi sign-extends, andi/ori/xori zero-extend */
	{ OP_addi, -1, 5, 0, 4 },
	{ OP_addi, -32768, 0, 0, 0xffff8000u },
	{ OP_addi, 32767, 0x7fffffffu, 0, 0x80007ffeu },
	{ OP_andi, 0xffff, 0xffffffffu, 0, 0x0000ffffu },
	{ OP_andi, 0x8000, 0xffffffffu, 0, 0x00008000u },
	{ OP_ori,  0x8000, 0, 0, 0x00008000u },
	{ OP_ori,  0xffff, 0x12340000u, 0, 0x1234ffffu },
	{ OP_xori, 0xffff, 0, 0, 0x0000ffffu },
	{ OP_xori, 0xffff, 0xffffffffu, 0, 0xffff0000u },
	{ OP_lui,  0xabcd, 0x1111u, 0, 0xabcd0000u },
	{ OP_lui,  0xffff, 0, 0, 0xffff0000u },
	{ OP_lui,  0, 0xffffffffu, 0, 0 },
};

START_TEST(test_alu)
{
	const struct alu_case *t = &alu_cases[_i];
	const struct isa_info *info = isa_info(t->op);
	uint32_t word;

	if (info->format == FMT_R)
		word = g_r(t->op, 3, 1, 2);
	else if (info->format == FMT_U)
		word = g_i(t->op, 3, 0, t->imm);
	else
		word = g_i(t->op, 3, 1, t->imm);
	uint32_t got = exec1(word, t->a, t->b);
	ck_assert_msg(got == t->want, "%s a=0x%08x b=0x%08x imm=%d: 0x%08x, expected 0x%08x",
		      info->name, t->a, t->b, t->imm, got, t->want);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 4);
	ck_assert_uint_eq(machine_reg(gm, 1), t->a); /* sources intact */
}
END_TEST

/* Division by zero: DIVZERO, epc = the instruction, rd unchanged, the
 * instruction does not retire and entry costs 10 cycles. */
START_TEST(test_divzero)
{
	static const enum isa_op ops[] = { OP_div, OP_divu, OP_rem, OP_remu };
	enum isa_op op = ops[_i];

	G_PROG(gm, G_CODE, g_r(op, 3, 1, 2));
	machine_set_reg(gm, 1, 42);
	machine_set_reg(gm, 2, 0);
	machine_set_reg(gm, 3, MARK);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_DIVZERO, 0, 0, 0), G_CODE, 0, 0);
	ck_assert_uint_eq(machine_reg(gm, 3), MARK);
	ck_assert_uint_eq(machine_instret(gm), 0);
	ck_assert_uint_eq(machine_cycles(gm), 10);
	ck_assert_uint_eq(g_stats(gm).traps[TRAP_DIVZERO], 1);
}
END_TEST

/* ---- r0 ------------------------------------------------------------------ */

START_TEST(test_r0_stays_zero)
{
	G_PROG(gm, G_CODE,
	       g_i(OP_addi, 0, 0, 5),    /* write r0 */
	       g_i(OP_lui, 0, 0, 0x1234),
	       g_r(OP_add, 3, 0, 0),     /* read it back */
	       g_i(OP_lw, 0, 2, 0),      /* a load into r0 still reads */
	       g_r(OP_sub, 4, 0, 1),
	       g_j(OP_jal, 1));          /* jal writes r15, not r0 */
	g_poke(gm, G_DATA, 0x55667788u);
	machine_set_reg(gm, 0, 99); /* the host cannot write it either */
	machine_set_reg(gm, 2, G_DATA);
	machine_set_reg(gm, 1, 1);
	machine_set_reg(gm, 3, MARK);
	g_step(gm, 6);
	ck_assert_uint_eq(machine_reg(gm, 0), 0);
	ck_assert_uint_eq(machine_reg(gm, 3), 0);
	ck_assert_uint_eq(machine_reg(gm, 4), 0xffffffffu);
	ck_assert_uint_eq(machine_reg(gm, ISA_REG_RA), G_CODE + 24);
}
END_TEST

/* A load into r0 is executed: a misaligned one still traps. */
START_TEST(test_r0_load_still_faults)
{
	G_PROG(gm, G_CODE, g_i(OP_lw, 0, 1, 2));
	machine_set_reg(gm, 1, G_DATA);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_ALIGN, ACC_READ, 0, 0), G_CODE, G_DATA + 2, 0);
}
END_TEST

/* ---- loads and stores ---------------------------------------------------- */

START_TEST(test_load_extension)
{
	g_poke(gm, G_DATA, 0x80ff7f80u); /* bytes 80 7f ff 80 */
	G_PROG(gm, G_CODE,
	       g_i(OP_lb, 3, 1, 0), g_i(OP_lbu, 4, 1, 0),
	       g_i(OP_lb, 5, 1, 1), g_i(OP_lbu, 6, 1, 3),
	       g_i(OP_lh, 7, 1, 2), g_i(OP_lhu, 8, 1, 2),
	       g_i(OP_lh, 9, 1, 0), g_i(OP_lw, 10, 1, 0),
	       g_i(OP_lw, 11, 2, -4)); /* negative offset */
	machine_set_reg(gm, 1, G_DATA);
	machine_set_reg(gm, 2, G_DATA + 4);
	g_step(gm, 9);
	ck_assert_uint_eq(machine_reg(gm, 3), 0xffffff80u);
	ck_assert_uint_eq(machine_reg(gm, 4), 0x00000080u);
	ck_assert_uint_eq(machine_reg(gm, 5), 0x0000007fu);
	ck_assert_uint_eq(machine_reg(gm, 6), 0x00000080u);
	ck_assert_uint_eq(machine_reg(gm, 7), 0xffff80ffu);
	ck_assert_uint_eq(machine_reg(gm, 8), 0x000080ffu);
	ck_assert_uint_eq(machine_reg(gm, 9), 0x00007f80u);
	ck_assert_uint_eq(machine_reg(gm, 10), 0x80ff7f80u);
	ck_assert_uint_eq(machine_reg(gm, 11), 0x80ff7f80u);
	ck_assert_uint_eq(machine_cycles(gm), 9);
}
END_TEST

START_TEST(test_store_sizes_little_endian)
{
	uint8_t b[8];

	g_poke(gm, G_DATA, 0xaaaaaaaau);
	g_poke(gm, G_DATA + 4, 0xaaaaaaaau);
	G_PROG(gm, G_CODE,
	       g_s(OP_sw, 2, 1, 0),
	       g_s(OP_sh, 2, 1, 6),   /* low half of rs2 */
	       g_s(OP_sb, 2, 1, 5),   /* low byte        */
	       g_i(OP_lbu, 3, 1, 0), g_i(OP_lbu, 4, 1, 3));
	machine_set_reg(gm, 1, G_DATA);
	machine_set_reg(gm, 2, 0x12345678u);
	g_step(gm, 5);
	ck_assert(machine_phys_read(gm, G_DATA, b, 8));
	ck_assert_uint_eq(b[0], 0x78);
	ck_assert_uint_eq(b[3], 0x12);
	ck_assert_uint_eq(b[4], 0xaa);
	ck_assert_uint_eq(b[5], 0x78);
	ck_assert_uint_eq(b[6], 0x78);
	ck_assert_uint_eq(b[7], 0x56);
	ck_assert_uint_eq(machine_reg(gm, 3), 0x78);
	ck_assert_uint_eq(machine_reg(gm, 4), 0x12);
}
END_TEST

/* Misaligned data accesses: ALIGN with the access kind and badva = the
 * address; nothing is written. */
static const struct {
	enum isa_op op;
	int32_t off;
	enum mem_access acc;
} misaligned[] = {
	{ OP_lw, 1, ACC_READ }, { OP_lw, 2, ACC_READ }, { OP_lw, 3, ACC_READ },
	{ OP_lh, 1, ACC_READ }, { OP_lhu, 3, ACC_READ },
	{ OP_sw, 2, ACC_WRITE }, { OP_sh, 1, ACC_WRITE },
};

START_TEST(test_misaligned_data)
{
	enum isa_op op = misaligned[_i].op;
	uint32_t addr = G_DATA + (uint32_t)misaligned[_i].off;

	g_poke(gm, G_DATA, 0x11111111u);
	g_poke(gm, G_DATA + 4, 0x22222222u);
	if (isa_info(op)->format == FMT_STORE)
		G_PROG(gm, G_CODE, g_s(op, 2, 1, misaligned[_i].off));
	else
		G_PROG(gm, G_CODE, g_i(op, 3, 1, misaligned[_i].off));
	machine_set_reg(gm, 1, G_DATA);
	machine_set_reg(gm, 2, 0x99999999u);
	machine_set_reg(gm, 3, MARK);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_ALIGN, misaligned[_i].acc, 0, 0), G_CODE, addr, 0);
	ck_assert_uint_eq(machine_reg(gm, 3), MARK);
	ck_assert_uint_eq(g_peek(gm, G_DATA), 0x11111111u);
	ck_assert_uint_eq(g_peek(gm, G_DATA + 4), 0x22222222u);
	ck_assert_uint_eq(machine_cycles(gm), 10);
}
END_TEST

/* Bus errors: nothing behind the address, byte access to a device, an
 * undefined device register, fetch from RAM's end or from a device. */
START_TEST(test_bus_errors)
{
	static const struct {
		uint32_t word_op;   /* 0 load word, 1 store word, 2 load byte */
		uint32_t addr;
	} cases[] = {
		{ 0, 0x01000000u },          /* just past 16 MiB of RAM */
		{ 1, 0xe0000000u },          /* nothing there */
		{ 0, 0xf0007000u },          /* unused MMIO page */
		{ 2, MMIO_RNG },             /* byte access to a device */
		{ 0, MMIO_INTC + 0x40 },     /* undefined register */
		{ 1, MMIO_INTC + 0x00 },     /* write to read-only PENDING */
		{ 0, MMIO_POWER },           /* read of write-only EXIT */
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum mem_access acc = cases[i].word_op == 1 ? ACC_WRITE : ACC_READ;
		uint32_t w = cases[i].word_op == 0 ? g_i(OP_lw, 3, 1, 0)
			   : cases[i].word_op == 1 ? g_s(OP_sw, 2, 1, 0) : g_i(OP_lb, 3, 1, 0);
		g_teardown();
		g_setup();
		G_PROG(gm, G_CODE, w);
		machine_set_reg(gm, 1, cases[i].addr);
		machine_set_reg(gm, 3, MARK);
		g_step(gm, 1);
		g_check_trap(gm, CAUSE_MAKE(TRAP_BUS_ERROR, acc, 0, 0), G_CODE, cases[i].addr, 0);
		ck_assert_uint_eq(machine_reg(gm, 3), MARK);
	}
}
END_TEST

START_TEST(test_fetch_bus_error)
{
	static const uint32_t pcs[] = { 0x01000000u, MMIO_RNG, 0xfffffffcu };

	machine_set_pc(gm, pcs[_i]);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_BUS_ERROR, ACC_FETCH, 0, 0), pcs[_i], pcs[_i], 0);
	ck_assert_uint_eq(machine_cycles(gm), 10);
}
END_TEST

/* The last word of RAM runs; the fetch after it is a bus error. */
START_TEST(test_fetch_end_of_ram)
{
	uint32_t last = machine_mem_bytes(gm) - 4;

	G_PROG(gm, last, g_i(OP_addi, 3, 0, 9));
	machine_set_pc(gm, last);
	g_step(gm, 2);
	ck_assert_uint_eq(machine_reg(gm, 3), 9);
	g_check_trap(gm, CAUSE_MAKE(TRAP_BUS_ERROR, ACC_FETCH, 0, 0), last + 4, last + 4, 0);
}
END_TEST

/* ---- branches and jumps ---------------------------------------------------- */

static const struct {
	enum isa_op op;
	uint32_t a, b;
	bool taken;
} branches[] = {
	{ OP_beq, 5, 5, true }, { OP_beq, 5, 6, false },
	{ OP_bne, 5, 6, true }, { OP_bne, 5, 5, false },
	{ OP_blt, 0xffffffffu, 1, true }, { OP_blt, 1, 0xffffffffu, false },
	{ OP_blt, 3, 3, false },
	{ OP_bge, 3, 3, true }, { OP_bge, 0xffffffffu, 1, false },
	{ OP_bge, 1, 0x80000000u, true },
	{ OP_bltu, 1, 0xffffffffu, true }, { OP_bltu, 0xffffffffu, 1, false },
	{ OP_bltu, 3, 3, false },
	{ OP_bgeu, 0xffffffffu, 1, true }, { OP_bgeu, 1, 0xffffffffu, false },
	{ OP_bgeu, 3, 3, true },
};

/* Target = the branch's own address + 4 * sext(imm): forward, backward,
 * and out of the page in both directions. */
START_TEST(test_branch)
{
	static const int32_t offs[] = { 3, -2, 1024, -1025 };

	for (unsigned k = 0; k < 4; k++) {
		uint32_t at = G_CODE + 0x2000;
		uint32_t want = branches[_i].taken ? at + 4 * (uint32_t)offs[k] : at + 4;
		g_teardown();
		g_setup();
		G_PROG(gm, at, g_b(branches[_i].op, 1, 2, offs[k]));
		machine_set_pc(gm, at);
		machine_set_reg(gm, 1, branches[_i].a);
		machine_set_reg(gm, 2, branches[_i].b);
		g_step(gm, 1);
		ck_assert_msg(machine_pc(gm) == want, "%s 0x%x,0x%x off %d: pc 0x%08x, want 0x%08x",
			      isa_info(branches[_i].op)->name, branches[_i].a, branches[_i].b,
			      offs[k], machine_pc(gm), want);
		ck_assert_uint_eq(machine_cycles(gm), 1);
	}
}
END_TEST

/* beq r0, r0, 0 is a loop on itself. */
START_TEST(test_branch_to_self)
{
	G_PROG(gm, G_CODE, g_b(OP_beq, 0, 0, 0));
	g_step(gm, 1000);
	ck_assert_uint_eq(machine_pc(gm), G_CODE);
	ck_assert_uint_eq(machine_instret(gm), 1000);
}
END_TEST

START_TEST(test_j_jal)
{
	G_PROG(gm, G_CODE, g_j(OP_jal, 3));
	G_PROG(gm, G_CODE + 12, g_j(OP_j, -2));
	G_PROG(gm, G_CODE + 4, g_j(OP_jal, -0x400)); /* to another page */
	machine_set_reg(gm, ISA_REG_RA, MARK);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 12);
	ck_assert_uint_eq(machine_reg(gm, ISA_REG_RA), G_CODE + 4);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 4);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 4 - 0x1000);
	ck_assert_uint_eq(machine_reg(gm, ISA_REG_RA), G_CODE + 8);
	for (unsigned r = 1; r < ISA_REG_RA; r++)
		ck_assert_uint_eq(machine_reg(gm, r), 0);
}
END_TEST

START_TEST(test_jalr)
{
	/* rd == rs1: rs1 is read before rd is written */
	G_PROG(gm, G_CODE, g_i(OP_jalr, 5, 5, -8));
	machine_set_reg(gm, 5, G_CODE + 0x108);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 0x100);
	ck_assert_uint_eq(machine_reg(gm, 5), G_CODE + 4);

	/* ret = jalr r0, r15, 0: writes nothing */
	G_PROG(gm, G_CODE + 0x100, g_i(OP_jalr, 0, ISA_REG_RA, 0));
	machine_set_reg(gm, ISA_REG_RA, G_CODE + 0x3000);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 0x3000);
	ck_assert_uint_eq(machine_reg(gm, 0), 0);
	ck_assert_uint_eq(machine_cycles(gm), 2);
}
END_TEST

/* jalr to a misaligned target: ALIGN (access fetch), badva = target,
 * epc = the jalr, no register written. */
START_TEST(test_jalr_misaligned)
{
	uint32_t target = G_CODE + 0x40 + (uint32_t)(_i + 1); /* +1, +2, +3 */

	G_PROG(gm, G_CODE, g_i(OP_jalr, 6, 5, 0x40));
	machine_set_reg(gm, 5, G_CODE + (uint32_t)(_i + 1));
	machine_set_reg(gm, 6, MARK);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_ALIGN, ACC_FETCH, 0, 0), G_CODE, target, 0);
	ck_assert_uint_eq(machine_reg(gm, 6), MARK);
	ck_assert_uint_eq(machine_instret(gm), 0);
}
END_TEST

/* A misaligned pc (set by rfe or the host) is an ALIGN fetch at that pc. */
START_TEST(test_fetch_misaligned)
{
	machine_set_pc(gm, G_CODE + 2);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_ALIGN, ACC_FETCH, 0, 0), G_CODE + 2, G_CODE + 2, 0);
}
END_TEST

/* Running off the end of a page continues on the next one. */
START_TEST(test_fall_through_page)
{
	G_PROG(gm, G_CODE + 0xffc, g_i(OP_addi, 3, 0, 1));
	G_PROG(gm, G_CODE + 0x1000, g_i(OP_addi, 4, 0, 2));
	machine_set_pc(gm, G_CODE + 0xffc);
	g_step(gm, 2);
	ck_assert_uint_eq(machine_reg(gm, 3), 1);
	ck_assert_uint_eq(machine_reg(gm, 4), 2);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 0x1004);
	ck_assert_uint_eq(machine_instret(gm), 2);
}
END_TEST

/* A loop: sum 1..100 with branches and the counts it implies. */
START_TEST(test_sum_loop)
{
	G_PROG(gm, G_CODE,
	       g_i(OP_addi, 1, 0, 100),  /* i = 100 */
	       g_i(OP_addi, 2, 0, 0),    /* sum = 0 */
	       g_r(OP_add, 2, 2, 1),     /* loop: sum += i */
	       g_i(OP_addi, 1, 1, -1),
	       g_b(OP_bne, 1, 0, -2),
	       g_j(OP_j, 0));
	g_step(gm, 2 + 3 * 100);
	ck_assert_uint_eq(machine_reg(gm, 2), 5050);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 20);
	ck_assert_uint_eq(machine_cycles(gm), 302);
}
END_TEST

/* rdcycle reads the cycles before it; rdcycleh the high half. */
START_TEST(test_rdcycle)
{
	G_PROG(gm, G_CODE, g_rd(OP_rdcycle, 3), g_i(OP_addi, 0, 0, 0), g_rd(OP_rdcycle, 4),
	       g_rd(OP_rdcycleh, 5));
	g_step(gm, 4);
	ck_assert_uint_eq(machine_reg(gm, 3), 0);
	ck_assert_uint_eq(machine_reg(gm, 4), 2);
	ck_assert_uint_eq(machine_reg(gm, 5), 0);
	machine_charge(gm, 0x100000000ull);
	G_PROG(gm, G_CODE + 16, g_rd(OP_rdcycleh, 6), g_rd(OP_rdcycle, 7));
	g_step(gm, 2);
	ck_assert_uint_eq(machine_reg(gm, 6), 1);
	ck_assert_uint_eq(machine_reg(gm, 7), 5);
}
END_TEST

static Suite *cpu_suite(void)
{
	Suite *s = suite_create("cpu");
	TCase *tc;

	tc = g_tcase(s, "alu");
	tcase_add_loop_test(tc, test_alu, 0, sizeof alu_cases / sizeof alu_cases[0]);
	tcase_add_loop_test(tc, test_divzero, 0, 4);
	tcase_add_test(tc, test_r0_stays_zero);
	tcase_add_test(tc, test_r0_load_still_faults);
	tcase_add_test(tc, test_rdcycle);

	tc = g_tcase(s, "memory");
	tcase_add_test(tc, test_load_extension);
	tcase_add_test(tc, test_store_sizes_little_endian);
	tcase_add_loop_test(tc, test_misaligned_data, 0, sizeof misaligned / sizeof misaligned[0]);
	tcase_add_test(tc, test_bus_errors);
	tcase_add_loop_test(tc, test_fetch_bus_error, 0, 3);
	tcase_add_test(tc, test_fetch_end_of_ram);

	tc = g_tcase(s, "control");
	tcase_add_loop_test(tc, test_branch, 0, sizeof branches / sizeof branches[0]);
	tcase_add_test(tc, test_branch_to_self);
	tcase_add_test(tc, test_j_jal);
	tcase_add_test(tc, test_jalr);
	tcase_add_loop_test(tc, test_jalr_misaligned, 0, 3);
	tcase_add_test(tc, test_fetch_misaligned);
	tcase_add_test(tc, test_fall_through_page);
	tcase_add_test(tc, test_sum_loop);
	return s;
}

int main(void)
{
	return g_main(cpu_suite());
}
