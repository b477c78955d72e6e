/*
 * check_isa.c -- the ISA table (sim/isa.def) and its one encoder/decoder
 * (sim/isa.c) against the formats drawn in sim/isa.h:
 *   - every instruction round-trips through isa_encode/isa_decode with
 *     every register in every field and the extremes of its immediate;
 *   - any nonzero bit in a field the format leaves unused makes the word
 *     illegal;
 *   - every opcode byte the table does not assign decodes as OP_INVALID;
 *   - the disassembler prints what the table says, and names lookups.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/asm/disasm.h"
#include "sim/isa.h"

/* Bits 23..0 that a format uses (the rest must be zero), per isa.h. */
static uint32_t used_bits(const struct isa_info *in)
{
	uint32_t imm = in->imm == IMM_SH5 ? 0x1fu : 0xffffu;
	switch (in->format) {
	case FMT_R: return 0xfff000u;
	case FMT_I: case FMT_LOAD: return 0xff0000u | imm;
	case FMT_U: return 0xf00000u | imm;
	case FMT_STORE: case FMT_B: return 0xff0000u | imm;
	case FMT_J: return 0xffffffu;
	case FMT_N: return 0;
	case FMT_RD: return 0xf00000u;
	case FMT_RS: return 0x0f0000u;
	case FMT_MFCR: return 0xf00000u | 0xffffu;
	case FMT_MTCR: return 0x0f0000u | 0xffffu;
	}
	return 0;
}

/* Which register fields of struct isa_insn a format carries. */
static void reg_fields(enum isa_format f, bool *rd, bool *rs1, bool *rs2)
{
	*rd = f == FMT_R || f == FMT_I || f == FMT_U || f == FMT_LOAD || f == FMT_RD || f == FMT_MFCR;
	*rs1 = f == FMT_R || f == FMT_I || f == FMT_LOAD || f == FMT_STORE || f == FMT_B ||
	       f == FMT_RS || f == FMT_MTCR;
	*rs2 = f == FMT_R || f == FMT_STORE || f == FMT_B;
}

/* The lowest control-register number the machine does not define. */
static unsigned undefined_cr(void)
{
	unsigned c = 0;
	while (isa_cr_name(c))
		c++;
	ck_assert_uint_lt(c, CR_COUNT);
	return c;
}

/* Boundary values of an immediate kind; returns how many. */
static size_t imm_values(enum isa_imm k, int32_t *v)
{
	size_t n = 0;
	switch (k) {
	case IMM_NONE: v[n++] = 0; break;
	case IMM_S16: v[n++] = -32768; v[n++] = -1; v[n++] = 0; v[n++] = 1; v[n++] = 32767; break;
	case IMM_U16: v[n++] = 0; v[n++] = 1; v[n++] = 0x7fff; v[n++] = 0x8000; v[n++] = 0xffff; break;
	case IMM_SH5: v[n++] = 0; v[n++] = 1; v[n++] = 16; v[n++] = 31; break;
	case IMM_S24:
		v[n++] = -(1 << 23); v[n++] = -1; v[n++] = 0; v[n++] = 1; v[n++] = (1 << 23) - 1;
		break;
	case IMM_CR:
		for (unsigned c = 0; c < CR_COUNT; c++)
			if (isa_cr_name(c))
				v[n++] = (int32_t)c;
		break;
	}
	return n;
}

static void round_trip(enum isa_op op, uint8_t rd, uint8_t rs1, uint8_t rs2, int32_t imm)
{
	struct isa_insn in = { op, rd, rs1, rs2, imm }, out;
	uint32_t w = isa_encode(&in);

	ck_assert_msg(isa_decode(w, &out), "%s: 0x%08x does not decode", isa_info(op)->name, w);
	ck_assert_int_eq(out.op, op);
	ck_assert_uint_eq(out.rd, rd);
	ck_assert_uint_eq(out.rs1, rs1);
	ck_assert_uint_eq(out.rs2, rs2);
	ck_assert_int_eq(out.imm, imm);
	ck_assert_uint_eq(ISA_FIELD_OP(w), isa_info(op)->opcode);
}

START_TEST(test_round_trip_every_instruction)
{
	int32_t imms[64];
	for (unsigned op = 1; op < OP_COUNT; op++) {
		const struct isa_info *info = isa_info((enum isa_op)op);
		bool rd, rs1, rs2;
		reg_fields(info->format, &rd, &rs1, &rs2);
		size_t n = imm_values(info->imm, imms);
		ck_assert_uint_gt(n, 0);
		for (size_t i = 0; i < n; i++)
			for (unsigned r = 0; r < ISA_NREGS; r++) {
				/* each field takes every register while the others take others */
				round_trip((enum isa_op)op, rd ? r : 0, rs1 ? (r + 5) % 16 : 0,
					   rs2 ? (r + 11) % 16 : 0, imms[i]);
			}
	}
}
END_TEST

START_TEST(test_imm_fits_boundaries)
{
	ck_assert(isa_imm_fits(IMM_S16, -32768) && !isa_imm_fits(IMM_S16, -32769));
	ck_assert(isa_imm_fits(IMM_S16, 32767) && !isa_imm_fits(IMM_S16, 32768));
	ck_assert(isa_imm_fits(IMM_U16, 0) && !isa_imm_fits(IMM_U16, -1));
	ck_assert(isa_imm_fits(IMM_U16, 65535) && !isa_imm_fits(IMM_U16, 65536));
	ck_assert(isa_imm_fits(IMM_SH5, 31) && !isa_imm_fits(IMM_SH5, 32) && !isa_imm_fits(IMM_SH5, -1));
	ck_assert(isa_imm_fits(IMM_S24, -(1 << 23)) && !isa_imm_fits(IMM_S24, -(1 << 23) - 1));
	ck_assert(isa_imm_fits(IMM_S24, (1 << 23) - 1) && !isa_imm_fits(IMM_S24, 1 << 23));
	ck_assert(isa_imm_fits(IMM_CR, CR_PTBR) && !isa_imm_fits(IMM_CR, undefined_cr()));
	ck_assert(!isa_imm_fits(IMM_CR, CR_COUNT) && !isa_imm_fits(IMM_CR, -1));
	ck_assert(isa_imm_fits(IMM_NONE, 0) && !isa_imm_fits(IMM_NONE, 1));
}
END_TEST

START_TEST(test_reserved_bits_make_it_illegal)
{
	struct isa_insn out;
	for (unsigned op = 1; op < OP_COUNT; op++) {
		const struct isa_info *info = isa_info((enum isa_op)op);
		uint32_t base = (uint32_t)info->opcode << 24, used = used_bits(info);
		ck_assert_msg(isa_decode(base, &out), "%s with all fields zero", info->name);
		for (unsigned bit = 0; bit < 24; bit++) {
			uint32_t w = base | 1u << bit;
			bool ok = isa_decode(w, &out);
			if (used & (1u << bit))
				ck_assert_msg(ok, "%s: bit %u is a field but 0x%08x is illegal", info->name, bit, w);
			else
				ck_assert_msg(!ok && out.op == OP_INVALID,
					      "%s: reserved bit %u set but 0x%08x decodes", info->name, bit, w);
		}
	}
}
END_TEST

START_TEST(test_unassigned_opcodes_are_invalid)
{
	bool assigned[256] = { false };
	for (unsigned op = 1; op < OP_COUNT; op++) {
		unsigned opc = isa_info((enum isa_op)op)->opcode;
		ck_assert_msg(!assigned[opc], "opcode 0x%02x assigned twice", opc);
		assigned[opc] = true;
	}
	ck_assert_msg(!assigned[0], "opcode 0x00 must never be assigned");
	for (unsigned b = 0; b < 256; b++) {
		if (assigned[b])
			continue;
		static const uint32_t low[] = { 0, 1, 0x123456, 0xffffff };
		for (size_t i = 0; i < 4; i++) {
			struct isa_insn out = { OP_add, 1, 1, 1, 1 };
			ck_assert(!isa_decode(b << 24 | low[i], &out));
			ck_assert_int_eq(out.op, OP_INVALID);
		}
	}
}
END_TEST

START_TEST(test_lookup_names)
{
	for (unsigned op = 1; op < OP_COUNT; op++) {
		const char *name = isa_info((enum isa_op)op)->name;
		char upper[32];
		ck_assert_int_eq(isa_lookup(name), op);
		for (size_t i = 0; i <= strlen(name); i++)
			upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
		ck_assert_int_eq(isa_lookup(upper), op);
	}
	ck_assert_int_eq(isa_lookup("li"), OP_INVALID); /* a pseudo-instruction */
	ck_assert_int_eq(isa_lookup("nosuch"), OP_INVALID);
	ck_assert_int_eq(isa_reg_lookup("r0"), 0);
	ck_assert_int_eq(isa_reg_lookup("r15"), 15);
	ck_assert_int_eq(isa_reg_lookup("r16"), -1);
	ck_assert_int_eq(isa_reg_lookup("r01"), -1);
	ck_assert_int_eq(isa_reg_lookup("sp"), 14);
	ck_assert_int_eq(isa_reg_lookup("ra"), 15);
	ck_assert_int_eq(isa_reg_lookup("fp"), 13);
	ck_assert_int_eq(isa_reg_lookup("T0"), 5);
	ck_assert_int_eq(isa_cr_lookup("ptbr"), CR_PTBR);
	ck_assert_int_eq(isa_cr_lookup("EPC1"), CR_EPC1);
	ck_assert_int_eq(isa_cr_lookup("nosuch"), -1);
}
END_TEST

static const char *dis(uint32_t pc, uint32_t w)
{
	static char buf[128];
	disasm_insn(pc, w, NULL, buf, sizeof buf);
	return buf;
}

static uint32_t enc(enum isa_op op, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm)
{
	struct isa_insn in = { op, (uint8_t)rd, (uint8_t)rs1, (uint8_t)rs2, imm };
	return isa_encode(&in);
}

START_TEST(test_disasm_text)
{
	ck_assert_str_eq(dis(0, 0x01123000), "add r1, r2, r3");
	ck_assert_str_eq(dis(0, enc(OP_lw, 1, 14, 0, -8)), "lw r1, -8(r14)");
	ck_assert_str_eq(dis(0, enc(OP_sw, 0, 14, 2, 4)), "sw r2, 4(r14)");
	ck_assert_str_eq(dis(0x1000, enc(OP_beq, 0, 1, 0, 4)), "beq r1, r0, 0x1010");
	ck_assert_str_eq(dis(0x1000, enc(OP_j, 0, 0, 0, -1)), "j 0xffc");
	ck_assert_str_eq(dis(0, enc(OP_mtcr, 0, 2, 0, CR_PTBR)), "mtcr ptbr, r2");
	ck_assert_str_eq(dis(0, enc(OP_mfcr, 1, 0, 0, CR_EPC)), "mfcr r1, epc");
	char want[32];
	snprintf(want, sizeof want, "mfcr r1, %u", undefined_cr());
	ck_assert_str_eq(dis(0, enc(OP_mfcr, 1, 0, 0, (int32_t)undefined_cr())), want);
	ck_assert_str_eq(dis(0, enc(OP_lui, 6, 0, 0, 0xf000)), "lui r6, 0xf000");
	ck_assert_str_eq(dis(0, enc(OP_ori, 6, 6, 0, 0x5000)), "ori r6, r6, 0x5000");
	ck_assert_str_eq(dis(0, enc(OP_addi, 5, 5, 0, -1)), "addi r5, r5, -1");
	ck_assert_str_eq(dis(0, enc(OP_slli, 1, 2, 0, 31)), "slli r1, r2, 31");
	ck_assert_str_eq(dis(0, enc(OP_jalr, 0, 15, 0, 0)), "jalr r0, r15, 0");
	ck_assert_str_eq(dis(0, enc(OP_syscall, 0, 0, 0, 0)), "syscall");
	ck_assert_str_eq(dis(0, enc(OP_rdpsw, 3, 0, 0, 0)), "rdpsw r3");
	ck_assert_str_eq(dis(0, enc(OP_tlbinv, 0, 4, 0, 0)), "tlbinv r4");
	ck_assert_str_eq(dis(0, 0x12345678), ".word 0x12345678");
	ck_assert_str_eq(dis(0, 0x00000000), ".word 0x00000000");
	ck_assert_str_eq(dis(0, 0x01123001), ".word 0x01123001"); /* reserved bit */
}
END_TEST

START_TEST(test_disasm_truncates_safely)
{
	char buf[6];
	size_t n = disasm_insn(0, 0x01123000, NULL, buf, sizeof buf);
	ck_assert_uint_eq(n, strlen("add r1, r2, r3"));
	ck_assert_str_eq(buf, "add r");
	ck_assert_uint_eq(disasm_insn(0, 0x01123000, NULL, NULL, 0), n);
}
END_TEST

static Suite *isa_suite(void)
{
	Suite *s = suite_create("isa");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, test_round_trip_every_instruction);
	tcase_add_test(tc, test_imm_fits_boundaries);
	tcase_add_test(tc, test_reserved_bits_make_it_illegal);
	tcase_add_test(tc, test_unassigned_opcodes_are_invalid);
	tcase_add_test(tc, test_lookup_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("disasm");
	tcase_add_test(tc, test_disasm_text);
	tcase_add_test(tc, test_disasm_truncates_safely);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(isa_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
