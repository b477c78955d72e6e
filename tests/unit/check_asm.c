/*
 * check_asm.c -- the assembler (sim/asm*.c), from source strings and files
 * to image words, symbols, line table and diagnostics.
 *
 * Expected words are built with isa_encode, never written as hex, so the
 * tests check the assembler's reading of the syntax, not the ISA table
 * (check_isa.c does that).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/asm/asm.h"
#include "sim/asm/disasm.h"
#include "sim/image.h"
#include "sim/isa.h"
#include "ui/cli/asm_front.h"

/* ---- helpers ---- */

static struct assembler *as_ok(const char *src)
{
	struct assembler *as = asm_new();
	if (!asm_assemble_string(as, "t.s", src)) {
		asm_front_print_diags(as, stderr);
		ck_abort_msg("assembly failed:\n%s", src);
	}
	ck_assert_ptr_nonnull(asm_image(as));
	return as;
}

static const struct image_segment *seg_of(const struct image *img, uint32_t addr, uint32_t n)
{
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct image_segment *g = &img->segs[i];
		if (addr >= g->addr && (uint64_t)addr + n <= (uint64_t)g->addr + g->memsz)
			return g;
	}
	ck_abort_msg("no segment holds 0x%x", addr);
	return NULL;
}

static uint8_t byte_at(const struct assembler *as, uint32_t addr)
{
	const struct image_segment *g = seg_of(asm_image(as), addr, 1);
	return addr - g->addr < g->filesz ? g->data[addr - g->addr] : 0;
}

static uint32_t word_at(const struct assembler *as, uint32_t addr)
{
	return (uint32_t)byte_at(as, addr) | (uint32_t)byte_at(as, addr + 1) << 8 |
	       (uint32_t)byte_at(as, addr + 2) << 16 | (uint32_t)byte_at(as, addr + 3) << 24;
}

static uint32_t E(enum isa_op op, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm)
{
	struct isa_insn in = { op, (uint8_t)rd, (uint8_t)rs1, (uint8_t)rs2, imm };
	return isa_encode(&in);
}

static uint32_t sym(const struct assembler *as, const char *name)
{
	const struct image_symbol *s = image_symbol_find(asm_image(as), name);
	ck_assert_msg(s != NULL, "no symbol '%s'", name);
	return s->value;
}

static uint32_t text_size(const struct assembler *as)
{
	const struct image *img = asm_image(as);
	for (size_t i = 0; i < img->nsegs; i++)
		if (!strcmp(img->segs[i].name, ".text"))
			return img->segs[i].memsz;
	return 0;
}

/* "LINE:COL: severity: message" for diagnostic i. */
static const char *diag_text(const struct assembler *as, size_t i)
{
	static char buf[512];
	static const char *const sev[] = { "error", "warning", "note" };
	const struct asm_diag *d = asm_diag_get(as, i);
	snprintf(buf, sizeof buf, "%u:%u: %s: %s", d->line, d->col, sev[d->severity], d->message);
	return buf;
}

/* Assembling src fails, and one of the diagnostics reads exactly `want`. */
static void fails_with(const char *src, const char *want)
{
	struct assembler *as = asm_new();
	ck_assert_msg(!asm_assemble_string(as, "t.s", src), "assembled, expected '%s'", want);
	ck_assert_ptr_null(asm_image(as));
	bool found = false;
	for (size_t i = 0; i < asm_diag_count(as) && !found; i++)
		found = !strcmp(diag_text(as, i), want);
	if (!found) {
		asm_front_print_diags(as, stderr);
		ck_abort_msg("no diagnostic '%s'", want);
	}
	asm_free(as);
}

/* Assembling src succeeds, with exactly the one diagnostic `want`. */
static void warns_with(const char *src, const char *want)
{
	struct assembler *as = as_ok(src);
	if (asm_diag_count(as) != 1 || strcmp(diag_text(as, 0), want) != 0) {
		asm_front_print_diags(as, stderr);
		ck_abort_msg("expected only '%s'", want);
	}
	asm_free(as);
}

/* Assembling src succeeds without a single diagnostic. */
static void quiet(const char *src)
{
	struct assembler *as = as_ok(src);
	if (asm_diag_count(as) != 0) {
		asm_front_print_diags(as, stderr);
		ck_abort_msg("diagnostics for:\n%s", src);
	}
	asm_free(as);
}

/* Number of errors assembling src. */
static size_t errors_in(const char *src)
{
	struct assembler *as = asm_new();
	asm_assemble_string(as, "t.s", src);
	size_t n = asm_error_count(as);
	asm_free(as);
	return n;
}

/* ---- instructions ---- */

/* .phase: labels and branches inside take the run address, the bytes stay
 * where they are assembled, and the block is its own segment. */
START_TEST(test_phase)
{
	struct assembler *as = as_ok("start:  nop\n"
				     "blk:\n"
				     "        .phase 0x40000000\n"
				     "ustart: la   a0, udata\n"
				     "        j    ustart\n"
				     "        .align 16\n"
				     "udata:  .word udata, .\n"
				     "        .dephase\n"
				     "after:  nop\n");
	const struct image *img = asm_image(as);
	ck_assert_uint_eq(sym(as, "blk"), 0x1004);
	ck_assert_uint_eq(sym(as, "ustart"), 0x40000000);
	ck_assert_uint_eq(sym(as, "udata"), 0x40000010);
	ck_assert_uint_eq(sym(as, "after"), 0x1004 + 0x18);
	/* la is lui+ori of the run address; j is relative to the run pc */
	ck_assert_uint_eq(word_at(as, 0x1004), E(OP_lui, 1, 0, 0, 0x4000));
	ck_assert_uint_eq(word_at(as, 0x100c), E(OP_j, 0, 0, 0, -2));
	ck_assert_uint_eq(word_at(as, 0x1014), 0x40000010);
	ck_assert_uint_eq(word_at(as, 0x1018), 0x40000014);
	ck_assert_uint_eq(img->nsegs, 3);
	ck_assert_str_eq(img->segs[1].name, ".text.phase");
	ck_assert_uint_eq(img->segs[1].addr, 0x1004);
	ck_assert_uint_eq(img->segs[1].run_offset, 0x40000000 - 0x1004);
	ck_assert_uint_eq(img->segs[1].memsz, 0x18);
	ck_assert_uint_eq(img->segs[2].addr, 0x101c);
	ck_assert_uint_eq(img->segs[2].run_offset, 0);
	const struct image_line *l = image_line_at(img, 0x40000008);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->line, 5);
	asm_free(as);
	fails_with("        .phase 0x100\n        nop\n", "1:9: error: .phase without .dephase");
	fails_with("        .dephase\n", "1:9: error: .dephase without .phase");
	fails_with(" .phase 0x100\n .phase 0x200\n .dephase\n",
		   "2:2: error: .phase inside a .phase block (end it with .dephase first)");
	fails_with(" .phase 0x100\n .org 0x200\n .dephase\n", "2:2: error: .org inside a .phase block");
}
END_TEST

START_TEST(test_every_format)
{
	struct assembler *as = as_ok(
		"add r1, r2, r3\n"
		"addi r4, r5, -7\n"
		"lui r6, 0xf000\n"
		"lw r1, -8(r14)\n"
		"sw r2, 4(sp)\n"
		"lb r3, (r4)\n"
		"beq r1, r0, .\n"
		"j 0x1000\n"
		"syscall\n"
		"rdpsw r9\n"
		"wrpsw r10\n"
		"mfcr r1, epc\n"
		"mtcr ptbr, r2\n"
		"mtcr 16, r3\n"
		"jalr r1, r2, 8\n"
		"srai r1, r2, 31\n"
		"andi r1, r2, 0xffff\n");
	uint32_t want[] = {
		E(OP_add, 1, 2, 3, 0), E(OP_addi, 4, 5, 0, -7), E(OP_lui, 6, 0, 0, 0xf000),
		E(OP_lw, 1, 14, 0, -8), E(OP_sw, 0, 14, 2, 4), E(OP_lb, 3, 4, 0, 0),
		E(OP_beq, 0, 1, 0, 0), E(OP_j, 0, 0, 0, -7), E(OP_syscall, 0, 0, 0, 0),
		E(OP_rdpsw, 9, 0, 0, 0), E(OP_wrpsw, 0, 10, 0, 0), E(OP_mfcr, 1, 0, 0, CR_EPC),
		E(OP_mtcr, 0, 2, 0, CR_PTBR), E(OP_mtcr, 0, 3, 0, CR_EPC1), E(OP_jalr, 1, 2, 0, 8),
		E(OP_srai, 1, 2, 0, 31), E(OP_andi, 1, 2, 0, 0xffff),
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		ck_assert_msg(word_at(as, 0x1000 + 4 * (uint32_t)i) == want[i], "word %zu: 0x%08x != 0x%08x",
			      i, word_at(as, 0x1000 + 4 * (uint32_t)i), want[i]);
	asm_free(as);
}
END_TEST

START_TEST(test_names_and_case)
{
	struct assembler *as = as_ok("ADD A0, SP, RA\n  Addi zero, fp, 1 ; comment\nxor t4, s0, s3 // c\n");
	ck_assert_uint_eq(word_at(as, 0x1000), E(OP_add, 1, 14, 15, 0));
	ck_assert_uint_eq(word_at(as, 0x1004), E(OP_addi, 0, 13, 0, 1));
	ck_assert_uint_eq(word_at(as, 0x1008), E(OP_xor, 9, 10, 13, 0));
	asm_free(as);
}
END_TEST

START_TEST(test_pseudo_instructions)
{
	struct assembler *as = as_ok(
		"t: mv r1, r2\n"          /* 0x1000 */
		"nop\n"                   /* 0x1004 */
		"not r3, r4\n"            /* 0x1008, 2 words */
		"neg r5, r6\n"            /* 0x1010 */
		"call t\n"                /* 0x1014 */
		"ret\n"                   /* 0x1018 */
		"jr r7\n"                 /* 0x101c */
		"b t\n"                   /* 0x1020 */
		"beqz r1, t\n"            /* 0x1024 */
		"bnez r2, t\n"            /* 0x1028 */
		"bgt r1, r2, t\n"         /* 0x102c */
		"ble r3, r4, t\n"         /* 0x1030 */
		"bgtu r5, r6, t\n"        /* 0x1034 */
		"bleu r7, r8, t\n"        /* 0x1038 */
		"push r9\n"               /* 0x103c, 2 words */
		"pop r10\n"               /* 0x1044, 2 words */
		"la r11, 0x12345678\n"    /* 0x104c, 2 words */
		"end:\n");
	ck_assert_uint_eq(word_at(as, 0x1000), E(OP_addi, 1, 2, 0, 0));
	ck_assert_uint_eq(word_at(as, 0x1004), E(OP_addi, 0, 0, 0, 0));
	ck_assert_uint_eq(word_at(as, 0x1004), 0x20000000u);
	ck_assert_uint_eq(word_at(as, 0x1008), E(OP_sub, 3, 0, 4, 0));
	ck_assert_uint_eq(word_at(as, 0x100c), E(OP_addi, 3, 3, 0, -1));
	ck_assert_uint_eq(word_at(as, 0x1010), E(OP_sub, 5, 0, 6, 0));
	ck_assert_uint_eq(word_at(as, 0x1014), E(OP_jal, 0, 0, 0, -5));
	ck_assert_uint_eq(word_at(as, 0x1018), E(OP_jalr, 0, 15, 0, 0));
	ck_assert_uint_eq(word_at(as, 0x101c), E(OP_jalr, 0, 7, 0, 0));
	ck_assert_uint_eq(word_at(as, 0x1020), E(OP_j, 0, 0, 0, -8));
	ck_assert_uint_eq(word_at(as, 0x1024), E(OP_beq, 0, 1, 0, -9));
	ck_assert_uint_eq(word_at(as, 0x1028), E(OP_bne, 0, 2, 0, -10));
	ck_assert_uint_eq(word_at(as, 0x102c), E(OP_blt, 0, 2, 1, -11));
	ck_assert_uint_eq(word_at(as, 0x1030), E(OP_bge, 0, 4, 3, -12));
	ck_assert_uint_eq(word_at(as, 0x1034), E(OP_bltu, 0, 6, 5, -13));
	ck_assert_uint_eq(word_at(as, 0x1038), E(OP_bgeu, 0, 8, 7, -14));
	ck_assert_uint_eq(word_at(as, 0x103c), E(OP_addi, 14, 14, 0, -4));
	ck_assert_uint_eq(word_at(as, 0x1040), E(OP_sw, 0, 14, 9, 0));
	ck_assert_uint_eq(word_at(as, 0x1044), E(OP_lw, 10, 14, 0, 0));
	ck_assert_uint_eq(word_at(as, 0x1048), E(OP_addi, 14, 14, 0, 4));
	ck_assert_uint_eq(word_at(as, 0x104c), E(OP_lui, 11, 0, 0, 0x1234));
	ck_assert_uint_eq(word_at(as, 0x1050), E(OP_ori, 11, 11, 0, 0x5678));
	ck_assert_uint_eq(sym(as, "end"), 0x1054);
	asm_free(as);
}
END_TEST

/* The size li takes, measured by the label after it. */
static uint32_t li_size(const char *before, const char *value, const char *after)
{
	char src[512];
	snprintf(src, sizeof src, "%s\nx: li r1, %s\ny:\n%s\n", before, value, after);
	struct assembler *as = as_ok(src);
	uint32_t n = sym(as, "y") - sym(as, "x");
	asm_free(as);
	return n;
}

START_TEST(test_li_sizes)
{
	ck_assert_uint_eq(li_size("", "5", ""), 4);
	ck_assert_uint_eq(li_size("", "-32768", ""), 4);
	ck_assert_uint_eq(li_size("", "32767", ""), 4);
	ck_assert_uint_eq(li_size("", "32768", ""), 8);
	ck_assert_uint_eq(li_size("", "0x10000", ""), 4);
	ck_assert_uint_eq(li_size("", "0xffff0000", ""), 4);
	ck_assert_uint_eq(li_size("", "-65536", ""), 4);
	ck_assert_uint_eq(li_size("", "0x12345", ""), 8);
	ck_assert_uint_eq(li_size("", "0xffffffff", ""), 4); /* as 32 bits it is -1 */
	ck_assert_uint_eq(li_size("", "0xffff8000", ""), 4); /* -32768 */
	ck_assert_uint_eq(li_size("", "later", ".equ later, 1"), 8);  /* unknown in pass 1 */
	ck_assert_uint_eq(li_size(".equ early, 1", "early", ""), 4);
	ck_assert_uint_eq(li_size("back:", "back", ""), 4);           /* 0x1000 fits */
	ck_assert_uint_eq(li_size("", "fwd", "fwd:"), 8);
	ck_assert_uint_eq(li_size(".data\nd: .word 0\n.text", "d", ""), 8); /* .data not placed yet */

	struct assembler *as = as_ok("li r1, 5\nli r2, 0x10000\nli r3, 0x12345\nli r4, -1\n"
				     "li r5, 0xffffffff\nli r6, k\n.equ k, 3\n");
	ck_assert_uint_eq(word_at(as, 0x1000), E(OP_addi, 1, 0, 0, 5));
	ck_assert_uint_eq(word_at(as, 0x1004), E(OP_lui, 2, 0, 0, 1));
	ck_assert_uint_eq(word_at(as, 0x1008), E(OP_lui, 3, 0, 0, 1));
	ck_assert_uint_eq(word_at(as, 0x100c), E(OP_ori, 3, 3, 0, 0x2345));
	ck_assert_uint_eq(word_at(as, 0x1010), E(OP_addi, 4, 0, 0, -1));
	ck_assert_uint_eq(word_at(as, 0x1014), E(OP_addi, 5, 0, 0, -1));
	ck_assert_uint_eq(word_at(as, 0x1018), E(OP_lui, 6, 0, 0, 0));
	ck_assert_uint_eq(word_at(as, 0x101c), E(OP_ori, 6, 6, 0, 3));
	asm_free(as);
	fails_with("li r1, 0x100000000\n", "1:8: error: value 4294967296 does not fit in 32 bits");

	/* the size is fixed by the value .set gave above the li; pass 2 sees the same value */
	as = as_ok(".set k, 1\nli r1, k\n.set k, 0x12345\nli r2, k\n.set k, 0x20000\nli r3, k\n");
	ck_assert_uint_eq(text_size(as), 16);
	ck_assert_uint_eq(word_at(as, 0x1000), E(OP_addi, 1, 0, 0, 1));
	ck_assert_uint_eq(word_at(as, 0x1004), E(OP_lui, 2, 0, 0, 1));
	ck_assert_uint_eq(word_at(as, 0x1008), E(OP_ori, 2, 2, 0, 0x2345));
	ck_assert_uint_eq(word_at(as, 0x100c), E(OP_lui, 3, 0, 0, 2));
	asm_free(as);
}
END_TEST

/* ---- expressions ---- */

static int32_t value_of(const char *expr)
{
	char src[512];
	snprintf(src, sizeof src, ".equ one, 1\n.data\nv: .word %s\n", expr);
	struct assembler *as = as_ok(src);
	int32_t v = (int32_t)word_at(as, sym(as, "v"));
	asm_free(as);
	return v;
}

START_TEST(test_expressions)
{
	ck_assert_int_eq(value_of("1 + 2 * 3"), 7);
	ck_assert_int_eq(value_of("(1 + 2) * 3"), 9);
	ck_assert_int_eq(value_of("1 << 2 + 1"), 8);
	ck_assert_int_eq(value_of("7 & 3 | 8"), 11);
	ck_assert_int_eq(value_of("1 | 2 ^ 3"), 1);
	ck_assert_int_eq(value_of("6 & 3 ^ 1"), 3);
	ck_assert_int_eq(value_of("1 == 1 && 2 < 3"), 1);
	ck_assert_int_eq(value_of("0 || 0"), 0);
	ck_assert_int_eq(value_of("1 < 2 == 1"), 1);
	ck_assert_int_eq(value_of("3 <= 3"), 1);
	ck_assert_int_eq(value_of("3 >= 4"), 0);
	ck_assert_int_eq(value_of("3 > 4"), 0);
	ck_assert_int_eq(value_of("3 != 4"), 1);
	ck_assert_int_eq(value_of("10 / 3"), 3);
	ck_assert_int_eq(value_of("-7 / 2"), -3);
	ck_assert_int_eq(value_of("-7 % 2"), -1);
	ck_assert_int_eq(value_of("10 % 3 * 2"), 2);
	ck_assert_int_eq(value_of("-0x10 >> 2"), -4);
	ck_assert_int_eq(value_of("~0"), -1);
	ck_assert_int_eq(value_of("!5"), 0);
	ck_assert_int_eq(value_of("!0"), 1);
	ck_assert_int_eq(value_of("- -3"), 3);
	ck_assert_int_eq(value_of("+3"), 3);
	ck_assert_int_eq(value_of("0b1011"), 11);
	ck_assert_int_eq(value_of("0XfF"), 255);
	ck_assert_int_eq(value_of("'a'"), 97);
	ck_assert_int_eq(value_of("'\\n' + '\\t' + '\\\\' + '\\'' + '\\0'"), 10 + 9 + 92 + 39);
	ck_assert_int_eq(value_of("hi(0x12345678)"), 0x1234);
	ck_assert_int_eq(value_of("lo(0x12345678)"), 0x5678);
	ck_assert_int_eq(value_of("HI(-1)"), 0xffff);
	ck_assert_int_eq(value_of("one + 1"), 2);
	ck_assert_int_eq(value_of(". - v"), 0);
	ck_assert_int_eq(value_of("0x7fffffffffffffff + 1 < 0"), 1); /* 64-bit, wrapping */
	ck_assert_int_eq(value_of("(1 << 40) >> 38"), 4);
}
END_TEST

START_TEST(test_expression_errors)
{
	fails_with(".word 1/0\n", "1:8: error: division by zero in expression");
	fails_with(".word 5 % (2 - 2)\n", "1:9: error: division by zero in expression");
	fails_with(".word 1 << 64\n", "1:9: error: shift count 64 is out of range (0..63)");
	fails_with(".word (1 + 2\n", "1:13: error: expected ')', got 'end of line'");
	fails_with(".word 1 +\n", "1:10: error: expected an expression, got 'end of line'");
	fails_with(".word r1 + 1\n", "1:7: error: unexpected register 'r1' in expression");
	fails_with(".word 1 2\n", "1:9: error: unexpected '2' after expression");
	fails_with(".word 0x\n", "1:7: error: invalid hexadecimal constant '0x'");
	fails_with(".word 0b102\n", "1:11: error: invalid digit '2' in binary constant");
	fails_with(".word 12abc\n", "1:9: error: invalid suffix 'abc' on integer constant");
	fails_with(".word 99999999999999999999\n", "1:7: error: integer constant is too large");
	fails_with(".word ''\n", "1:7: error: empty character constant");
	fails_with(".word 'ab'\n", "1:7: error: character constant too long");
	fails_with(".word 'a\n", "1:7: error: unterminated character constant");
	fails_with(".word '\\q'\n", "1:8: error: unknown escape sequence '\\q'");
	fails_with(".word 1 @ 2\n", "1:9: error: unexpected character '@'");
	fails_with(".word nowhere\n", "1:7: error: undefined symbol 'nowhere'");
}
END_TEST

START_TEST(test_local_labels)
{
	struct assembler *as = as_ok(
		"1: j 1f\n"        /* 0x1000 -> 0x1008 */
		"   j 1b\n"        /* 0x1004 -> 0x1000 */
		"1: j 1b\n"        /* 0x1008 -> 0x1008 */
		"2: j 1b\n"        /* 0x100c -> 0x1008 */
		"   j 2b\n");      /* 0x1010 -> 0x100c */
	ck_assert_uint_eq(word_at(as, 0x1000), E(OP_j, 0, 0, 0, 2));
	ck_assert_uint_eq(word_at(as, 0x1004), E(OP_j, 0, 0, 0, -1));
	ck_assert_uint_eq(word_at(as, 0x1008), E(OP_j, 0, 0, 0, 0));
	ck_assert_uint_eq(word_at(as, 0x100c), E(OP_j, 0, 0, 0, -1));
	ck_assert_uint_eq(word_at(as, 0x1010), E(OP_j, 0, 0, 0, -1));
	/* numeric labels are not symbols */
	for (size_t i = 0; i < asm_image(as)->nsyms; i++)
		ck_assert_str_ne(asm_image(as)->syms[i].name, "1");
	asm_free(as);
	fails_with("j 3f\n", "1:3: error: undefined local label '3f' (no '3:' after this line)");
	fails_with("j 3b\n3:\n", "1:3: error: undefined local label '3b' (no '3:' before this line)");
}
END_TEST

/* ---- sections and placement ---- */

START_TEST(test_section_placement)
{
	struct assembler *as = as_ok(".data\nd: .byte 1\n.text\nt: nop\nnop\n.bss\nb: .space 8\n"
				     ".data\nd2: .byte 2\n");
	ck_assert_uint_eq(sym(as, "t"), 0x1000);
	ck_assert_uint_eq(sym(as, "d"), 0x2000);
	ck_assert_uint_eq(sym(as, "d2"), 0x2001);
	ck_assert_uint_eq(sym(as, "b"), 0x2010);
	ck_assert_uint_eq(asm_image(as)->nsegs, 3);
	ck_assert_uint_eq(asm_image(as)->segs[2].filesz, 0);
	ck_assert_uint_eq(asm_image(as)->segs[2].memsz, 8);
	ck_assert_uint_eq(asm_image(as)->segs[0].flags, SEG_R | SEG_X);
	ck_assert_uint_eq(asm_image(as)->segs[1].flags, SEG_R | SEG_W);
	asm_free(as);

	/* .text of exactly 4 KiB + 4: .data moves to the next boundary */
	as = as_ok(".space 0x1004\n.data\nd: .word 1\n.bss\nb: .space 4\n");
	ck_assert_uint_eq(sym(as, "d"), 0x3000);
	ck_assert_uint_eq(sym(as, "b"), 0x3010);
	asm_free(as);

	/* an empty .data: .bss follows .text */
	as = as_ok("nop\n.bss\nb: .space 4\n");
	ck_assert_uint_eq(sym(as, "b"), 0x2000);
	ck_assert_uint_eq(asm_image(as)->nsegs, 2);
	asm_free(as);

	/* .section by name */
	as = as_ok(".section .data\nd: .word 7\n.section .text\nnop\n");
	ck_assert_uint_eq(sym(as, "d"), 0x2000);
	asm_free(as);
	fails_with(".section .rodata\n",
		   "1:10: error: unknown section '.rodata' (vmlab has .text, .data and .bss)");
}
END_TEST

START_TEST(test_org)
{
	struct assembler *as = as_ok(".org 0x400\nstart: nop\n.org 0x410\nthere: nop\n"
				     ".data\n.org 0x8000\nd: .word 1\n.org d + 8\ne: .byte 5\n");
	ck_assert_uint_eq(sym(as, "start"), 0x400);
	ck_assert_uint_eq(sym(as, "there"), 0x410);
	for (uint32_t a = 0x404; a < 0x410; a++)
		ck_assert_uint_eq(byte_at(as, a), 0);
	ck_assert_uint_eq(sym(as, "d"), 0x8000);
	ck_assert_uint_eq(sym(as, "e"), 0x8008);
	ck_assert_uint_eq(asm_image(as)->entry, 0x400);
	asm_free(as);

	/* before any content .org may move anywhere; relative forms work */
	as = as_ok(".org 0x3000\n.org 0x2000\na: nop\n.org . + 8\nb: nop\n");
	ck_assert_uint_eq(sym(as, "a"), 0x2000);
	ck_assert_uint_eq(sym(as, "b"), 0x200c);
	asm_free(as);

	fails_with("nop\nnop\n.org 0x1004\n", "3:6: error: .org moves backwards (from 0x1008 to 0x1004)");
	fails_with("nop\n.org 0x100\n", "2:6: error: .org moves backwards (from 0x1004 to 0x100)");
	fails_with(".data\n.word 1\n.org 0x9000\n",
		   "3:6: error: .org to an absolute address needs the address of .data, which is not "
		   "fixed until the end of assembly; put .org before the first content of .data");
	fails_with(".org later\nlater:\n",
		   "1:6: error: the .org address must be known here, but symbol 'later' is not defined yet");
	fails_with(".org 0x1000\nnop\n.data\n.org 0x1000\n.word 1\n",
		   "0:0: error: sections .text (0x1000-0x1003) and .data (0x1000-0x1003) overlap");
}
END_TEST

/* .text is placed by an .org before its first byte, whatever zero-size
 * statements come first; moving it after its address was used is an error. */
START_TEST(test_org_after_use)
{
	struct assembler *as = as_ok(".align 4\n.org 0x400\n_start: nop\n");
	ck_assert_uint_eq(sym(as, "_start"), 0x400);
	ck_assert_uint_eq(asm_image(as)->segs[0].addr, 0x400);
	ck_assert_uint_eq(text_size(as), 4);
	asm_free(as);

	/* zero-size statements before the .org: nothing is padded */
	as = as_ok("top:\n.set k, 1\n.space 0\n.align 16\n.org 0x2000\n_start: nop\n.word top\n");
	ck_assert_uint_eq(asm_image(as)->segs[0].addr, 0x2000);
	ck_assert_uint_eq(text_size(as), 8);
	ck_assert_uint_eq(word_at(as, 0x2004), 0x2000);
	asm_free(as);

	/* a difference in one section does not use the address; `. + 8` is relative */
	as = as_ok("a:\nb:\n.equ len, b - a\n.org 0x400\nnop\n.org . + 8\nc: nop\n");
	ck_assert_uint_eq(sym(as, "c"), 0x40c);
	asm_free(as);

	/* an unplaced .data has no address to use: `.` stays an offset in it */
	as = as_ok("_start: nop\n.data\nx = .\n.org 0x8000\n.word x\n");
	ck_assert_uint_eq(sym(as, "x"), 0x8000);
	ck_assert_uint_eq(word_at(as, 0x8000), 0x8000);
	asm_free(as);

	/* a use, and an .org to the same address: fine */
	as = as_ok(".equ here, .\n.org 0x1000\nnop\n");
	ck_assert_uint_eq(sym(as, "here"), 0x1000);
	asm_free(as);

	fails_with(".equ here, .\n.org 0x2000\n_start: nop\n",
		   "2:6: error: .org moves .text from 0x1000 to 0x2000 after its address was used");
	fails_with(".equ here, .\n.org 0x2000\n_start: nop\n",
		   "1:12: note: the address of .text was used here");
	fails_with("x:\n.if x == 0x1000\n.endif\n.org 0x400\nnop\n",
		   "4:6: error: .org moves .text from 0x1000 to 0x400 after its address was used");
	fails_with(".data\n.org 0x8000\nd = .\n.org 0x9000\n.word 1\n",
		   "4:6: error: .org moves .data from 0x8000 to 0x9000 after its address was used");
	/* a zero-size .align held for the old address, not for the new one */
	fails_with(".align 16\n.org 0x404\nnop\n",
		   "2:6: error: .org places .text at 0x404, not a multiple of the .align 16 above");
	/* content fixes the address: then .org pads, or cannot go back */
	fails_with(".word 0\n.org 0x400\n", "2:6: error: .org moves backwards (from 0x1004 to 0x400)");
}
END_TEST

START_TEST(test_insn_alignment)
{
	fails_with("_start: li t0, 0xf0004000\n.byte 1\nsw zero, 0(t0)\n",
		   "3:1: error: instruction at 0x1009 is not 4-byte aligned (add .align 4)");
	fails_with(".data\n.byte 1\nd: nop\n",
		   "3:4: error: instruction at 0x1001 is not 4-byte aligned (add .align 4)");
	fails_with(".org 0x402\nnop\n",
		   "2:1: error: instruction at 0x402 is not 4-byte aligned (add .align 4)");
	/* one error per misaligned run, not one per instruction */
	ck_assert_uint_eq(errors_in(".byte 1\nnop\nnop\nli r1, 0x12345\n.align 4\nnop\n"
				    ".half 1\nnop\nnop\n"), 2);
	/* its other errors are still reported, and its target is not blamed */
	ck_assert_uint_eq(errors_in(".byte 1\nj nowhere\nbeq r1, r2, there\n.align 4\nthere: nop\n"), 2);
	fails_with(".byte 1\nj nowhere\n", "2:3: error: undefined symbol 'nowhere'");
	/* .align 4 puts it right; instructions in .data are fine when aligned */
	quiet("_start: li t0, 0xf0004000\n.byte 1\n.align 4\nsw zero, 0(t0)\n.data\n.byte 1\n"
	      ".align 4\nnop\n");
}
END_TEST

START_TEST(test_align)
{
	struct assembler *as = as_ok("nop\n.align 16\na: nop\n.data\n.byte 1\n.align 4\nd: .byte 2\n"
				     ".bss\n.space 1\n.align 64\nb: .space 1\n");
	ck_assert_uint_eq(sym(as, "a"), 0x1010);
	ck_assert_uint_eq(sym(as, "d"), 0x2004);
	ck_assert_uint_eq(sym(as, "b") % 64, 0);
	asm_free(as);
	fails_with(".align 3\n", "1:8: error: alignment 3 is not a power of two");
	fails_with(".align 0\n", "1:8: error: alignment 0 is not a power of two");
}
END_TEST

/* ---- data ---- */

START_TEST(test_data_directives)
{
	struct assembler *as = as_ok(".data\n"
				     "w: .word 0x11223344, -1, w\n"
				     "h: .half 0xbeef, -2\n"
				     "b: .byte 1, 255, -128\n"
				     "s: .ascii \"ab\", \"c\"\n"
				     "z: .asciz \"\\t\\x41\\101\\\"\"\n"
				     "t: .string \"\"\n"
				     "f: .space 3, 0x7e\n"
				     "g: .zero 2\n"
				     "end:\n");
	uint32_t w = sym(as, "w");
	ck_assert_uint_eq(word_at(as, w), 0x11223344);
	ck_assert_uint_eq(byte_at(as, w), 0x44); /* little-endian */
	ck_assert_uint_eq(word_at(as, w + 4), 0xffffffff);
	ck_assert_uint_eq(word_at(as, w + 8), w);
	uint32_t h = sym(as, "h");
	ck_assert_uint_eq(byte_at(as, h), 0xef);
	ck_assert_uint_eq(byte_at(as, h + 1), 0xbe);
	ck_assert_uint_eq(byte_at(as, h + 2), 0xfe);
	ck_assert_uint_eq(byte_at(as, h + 3), 0xff);
	uint32_t b = sym(as, "b");
	ck_assert_uint_eq(byte_at(as, b), 1);
	ck_assert_uint_eq(byte_at(as, b + 1), 255);
	ck_assert_uint_eq(byte_at(as, b + 2), 0x80);
	uint32_t s = sym(as, "s");
	ck_assert_uint_eq(sym(as, "z") - s, 3);
	ck_assert(!memcmp((const char[]){ (char)byte_at(as, s), (char)byte_at(as, s + 1),
					  (char)byte_at(as, s + 2) }, "abc", 3));
	uint32_t z = sym(as, "z");
	ck_assert_uint_eq(sym(as, "t") - z, 5);
	ck_assert_uint_eq(byte_at(as, z), '\t');
	ck_assert_uint_eq(byte_at(as, z + 1), 'A');
	ck_assert_uint_eq(byte_at(as, z + 2), 'A');
	ck_assert_uint_eq(byte_at(as, z + 3), '"');
	ck_assert_uint_eq(byte_at(as, z + 4), 0);
	ck_assert_uint_eq(sym(as, "f") - sym(as, "t"), 1);
	uint32_t f = sym(as, "f");
	ck_assert_uint_eq(byte_at(as, f), 0x7e);
	ck_assert_uint_eq(byte_at(as, f + 2), 0x7e);
	ck_assert_uint_eq(sym(as, "end") - sym(as, "g"), 2);
	asm_free(as);

	fails_with(".byte 256\n", "1:7: error: value 256 does not fit in a byte (-128..255)");
	fails_with(".byte -129\n", "1:7: error: value -129 does not fit in a byte (-128..255)");
	fails_with(".half 65536\n", "1:7: error: value 65536 does not fit in a half-word (-32768..65535)");
	fails_with(".word 0x100000000\n",
		   "1:7: error: value 4294967296 does not fit in a word (-2147483648..4294967295)");
	fails_with(".word\n", "1:1: error: '.word' expects at least one value");
	fails_with(".ascii 5\n", "1:8: error: expected a string, got '5'");
	fails_with(".ascii \"abc\n", "1:8: error: unterminated string");
	fails_with(".space -1\n", "1:8: error: '.space' size -1 is negative");
	fails_with(".space 4, 300\n", "1:11: error: fill value 300 does not fit in a byte (-128..255)");
	fails_with(".bss\n.word 1\n", "2:1: error: '.word' cannot go in .bss (it holds only zeros; use .space)");
	fails_with(".bss\nnop\n", "2:1: error: instructions cannot go in .bss (it holds only zeros)");
	fails_with(".bss\n.space 4, 1\n", "2:11: error: .bss holds only zeros: the fill must be 0");
}
END_TEST

START_TEST(test_symbols)
{
	struct assembler *as = as_ok(".set x, 1\n.data\na: .word x\n.set x, x + 1\nb: .word x\n"
				     "y = 5\nc: .word y\n.equ fwd, later - a\n.word fwd\nlater:\n"
				     ".equ BIG, 0xf0005000\n.global a, later\n");
	ck_assert_uint_eq(word_at(as, sym(as, "a")), 1);
	ck_assert_uint_eq(word_at(as, sym(as, "b")), 2);
	ck_assert_uint_eq(word_at(as, sym(as, "c")), 5);
	ck_assert_uint_eq(word_at(as, sym(as, "c") + 4), 16);
	const struct image_symbol *s = image_symbol_find(asm_image(as), "BIG");
	ck_assert_int_eq(s->kind, SYM_ABS);
	ck_assert_uint_eq(s->value, 0xf0005000);
	ck_assert(image_symbol_find(asm_image(as), "a")->global);
	ck_assert(image_symbol_find(asm_image(as), "later")->global);
	ck_assert(!image_symbol_find(asm_image(as), "b")->global);
	ck_assert_int_eq(image_symbol_find(asm_image(as), "a")->kind, SYM_OBJECT);
	asm_free(as);

	fails_with("x: nop\nx: nop\n", "2:1: error: duplicate label 'x'");
	fails_with("x: nop\nx: nop\n", "1:1: note: 'x' first defined here");
	fails_with(".equ k, 1\n.equ k, 2\n", "2:6: error: symbol 'k' is already defined");
	fails_with("k: nop\n.equ k, 2\n", "2:6: error: symbol 'k' is already defined as a label");
	fails_with(".equ a, b\n.equ b, a\n", "1:6: error: the value of 'a' depends on itself");
	fails_with(".equ a, nothing + 1\n", "1:9: error: undefined symbol 'nothing'");
	fails_with(".global ghost\n", "1:9: error: 'ghost' is declared .global but never defined");
	fails_with("sp: nop\n", "1:1: error: 'sp' is a register name and cannot be a symbol");
	fails_with(".equ k\n", "1:1: error: '.equ' expects 'NAME, value'");
}
END_TEST

START_TEST(test_entry_point)
{
	struct assembler *as = as_ok("nop\n_start: nop\n");
	ck_assert_uint_eq(asm_image(as)->entry, 0x1004);
	asm_free(as);
	as = as_ok(".org 0x4000\nnop\n");
	ck_assert_uint_eq(asm_image(as)->entry, 0x4000);
	asm_free(as);

	/* no code in .text and no _start: the entry point is whatever is there */
	warns_with(".data\nd: .word 1\n", "0:0: warning: no code in .text: the entry point 0x1000 is data");
	warns_with(".bss\n.space 4\n", "0:0: warning: no code in .text: the entry point 0x1000 is data");
	warns_with(".data\n.org 0x8000\n.word 1\n",
		   "0:0: warning: no code in .text: nothing is at the entry point 0x1000");
	quiet(".data\n_start: .word 1\n");
	quiet(".equ _start, 0x8000\n.data\n.org 0x8000\nnop\n");
	quiet(".text\nnop\n.data\n.word 1\n");
}
END_TEST

/* ---- include, macros, conditionals ---- */

static char tmpdir[64];

static void write_file(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_asm.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	char sub[128];
	snprintf(sub, sizeof sub, "%s/sub", tmpdir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof sub, "%s/lib", tmpdir);
	mkdir(sub, 0700);
}

static void remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_include)
{
	make_tmpdir();
	write_file("main.s", ".include \"sub/a.s\"\nli r1, A\n.include \"b.s\"\nli r2, B\n");
	write_file("sub/a.s", ".equ A, 11\n.include \"c.s\"\n"); /* c.s relative to sub/ */
	write_file("sub/c.s", "c_here: nop\n");
	write_file("lib/b.s", ".equ B, 22\n");
	char path[128], lib[128];
	snprintf(path, sizeof path, "%s/main.s", tmpdir);
	snprintf(lib, sizeof lib, "%s/lib", tmpdir);

	struct assembler *as = asm_new();
	asm_add_include_dir(as, lib);
	ck_assert(asm_assemble_file(as, path));
	ck_assert_uint_eq(word_at(as, 0x1000), E(OP_addi, 0, 0, 0, 0));
	ck_assert_uint_eq(word_at(as, 0x1004), E(OP_addi, 1, 0, 0, 11));
	ck_assert_uint_eq(word_at(as, 0x1008), E(OP_addi, 2, 0, 0, 22));
	/* the nop's line entry names the included file */
	const struct image *img = asm_image(as);
	const struct image_line *l = image_line_at(img, 0x1000);
	ck_assert_ptr_nonnull(l);
	ck_assert(strstr(img->files[l->file], "sub/c.s") != NULL);
	ck_assert_uint_eq(l->line, 1);
	asm_free(as);

	/* cycles and missing files */
	write_file("loop.s", ".include \"loop2.s\"\n");
	write_file("loop2.s", "nop\n.include \"loop.s\"\n");
	snprintf(path, sizeof path, "%s/loop.s", tmpdir);
	as = asm_new();
	ck_assert(!asm_assemble_file(as, path));
	ck_assert_uint_eq(asm_error_count(as), 1);
	ck_assert(strstr(asm_diag_get(as, 0)->message, "include cycle: ") != NULL);
	asm_free(as);
	fails_with(".include \"no/such.s\"\n",
		   "1:10: error: cannot open include file 'no/such.s': No such file or directory");
	fails_with(".include nope\n", "1:10: error: '.include' expects a string");

	/* the main file itself */
	as = asm_new();
	snprintf(path, sizeof path, "%s/absent.s", tmpdir);
	ck_assert(!asm_assemble_file(as, path));
	ck_assert_str_eq(asm_diag_get(as, 0)->message, "cannot read file: No such file or directory");
	ck_assert_uint_eq(asm_diag_get(as, 0)->line, 0);
	asm_free(as);
	remove_tmpdir();
}
END_TEST

START_TEST(test_macros)
{
	struct assembler *as = as_ok(
		".macro twice op, reg=r1\n"
		"\t\\op \\reg, \\reg, \\reg\n"
		"\t\\op \\reg, \\reg, \\reg\n"
		".endm\n"
		".macro mark\n"
		"m\\@: nop\n"
		".endm\n"
		".macro outer x\n"
		"\ttwice add, \\x\n"
		".endm\n"
		"twice add\n"          /* line 11: 0x1000, 0x1004 */
		"twice sub, r2\n"      /* 0x1008, 0x100c */
		"twice reg=r3, op=or\n"/* 0x1010, 0x1014 */
		"mark\n"               /* 0x1018 */
		"mark\n"               /* 0x101c */
		"outer r4\n");         /* line 16: 0x1020, 0x1024 */
	ck_assert_uint_eq(word_at(as, 0x1000), E(OP_add, 1, 1, 1, 0));
	ck_assert_uint_eq(word_at(as, 0x1004), E(OP_add, 1, 1, 1, 0));
	ck_assert_uint_eq(word_at(as, 0x1008), E(OP_sub, 2, 2, 2, 0));
	ck_assert_uint_eq(word_at(as, 0x1010), E(OP_or, 3, 3, 3, 0));
	ck_assert_uint_eq(word_at(as, 0x1020), E(OP_add, 4, 4, 4, 0));
	/* \@ differs per expansion */
	ck_assert_uint_eq(sym(as, "m3"), 0x1018);
	ck_assert_uint_eq(sym(as, "m4"), 0x101c);
	/* the line table names the call, once per call */
	const struct image *img = asm_image(as);
	ck_assert_uint_eq(image_line_at(img, 0x1004)->line, 11);
	ck_assert_uint_eq(image_line_at(img, 0x1004)->addr, 0x1000);
	ck_assert_uint_eq(image_line_at(img, 0x100c)->line, 12);
	ck_assert_uint_eq(image_line_at(img, 0x1024)->line, 16);
	asm_free(as);

	/* an empty argument takes the default, as in GNU as */
	as = as_ok(".macro m a=5, b, c=9\nli r1, \\a\nli r2, \\b\nli r3, \\c\n.endm\n"
		   "m , 7\nm 1, 2, \nm a=, b=3\n");
	static const int32_t want[][3] = { { 5, 7, 9 }, { 1, 2, 9 }, { 5, 3, 9 } };
	for (uint32_t i = 0; i < 3; i++)
		for (uint32_t k = 0; k < 3; k++)
			ck_assert_uint_eq(word_at(as, 0x1000 + 12 * i + 4 * k),
					  E(OP_addi, k + 1, 0, 0, want[i][k]));
	asm_free(as);
	/* without a default, an empty argument is empty text */
	as = as_ok(".macro m a, b\n.byte 1 \\a\\b\n.endm\nm , \nm +, 2\n");
	ck_assert_uint_eq(byte_at(as, 0x1000), 1);
	ck_assert_uint_eq(byte_at(as, 0x1001), 3);
	asm_free(as);

	fails_with(".macro m a\n.endm\nm 1, 2\n", "3:1: error: macro 'm' takes 1 argument, got 2");
	fails_with(".macro m a\n.endm\nm\n", "3:1: error: macro 'm' needs a value for parameter 'a'");
	fails_with(".macro m\n.endm\n.macro m\n.endm\n", "3:8: error: macro 'm' is already defined");
	fails_with(".macro m\nnop\n", "1:1: error: missing .endm");
	fails_with(".endm\n", "1:1: error: .endm without .macro");
	fails_with(".macro r\nr\n.endm\nr\n",
		   "2:1: error: macro 'r' nested too deeply (more than 64 levels; does it call itself?)");
	/* an error inside an expansion points at the body and notes the call */
	fails_with(".macro m\n\tbad\n.endm\nm\n", "2:2: error: unknown instruction 'bad'");
	fails_with(".macro m\n\tbad\n.endm\nm\n", "4:1: note: in expansion of macro 'm'");
}
END_TEST

START_TEST(test_macro_hides_instruction)
{
	struct assembler *as = as_ok(".macro nop\n.word 7\n.endm\n_start: nop\n");
	ck_assert_uint_eq(asm_diag_count(as), 1);
	ck_assert_str_eq(diag_text(as, 0), "1:8: warning: macro 'nop' hides the instruction of the same name");
	ck_assert_uint_eq(word_at(as, 0x1000), 7);
	asm_free(as);
	warns_with(".macro li a, b\n.endm\nnop\n",
		   "1:8: warning: macro 'li' hides the instruction of the same name");
	warns_with(".macro halt\n.endm\nnop\n",
		   "1:8: warning: macro 'halt' hides the instruction of the same name");
	quiet(".macro addx a\n.endm\nnop\n");
	/* another spelling is a deliberate wrapper: `halt` is still the instruction */
	as = as_ok(".macro HALT\n.word 7\n.endm\nHALT\nhalt\n");
	ck_assert_uint_eq(asm_diag_count(as), 0);
	ck_assert_uint_eq(word_at(as, 0x1000), 7);
	ck_assert_uint_eq(word_at(as, 0x1004), E(OP_halt, 0, 0, 0, 0));
	asm_free(as);
}
END_TEST

START_TEST(test_text_after_directive)
{
	fails_with(".if 1\n.else x\n.endif\n", "2:7: error: unexpected text after .else");
	fails_with(".if 0\n.else\n.endif 1 2 # c\n", "3:8: error: unexpected text after .endif");
	fails_with(".macro m\n.endm m\nnop\n", "2:7: error: unexpected text after .endm");
	/* every one is reported, and the directive still counts */
	ck_assert_uint_eq(errors_in(".if 1\n.else junk\nbad\n.endif junk\n.macro m\n.endm (\nm\n"), 3);
	/* comments are fine; so is anything in a skipped block */
	quiet(".if 1\nnop\n.else # c\n.endif ; c\n.macro m\n.endm // c\n"
	      ".if 0\n.if 1\n.else what\n.endif ever\n.endif\n");
}
END_TEST

START_TEST(test_conditionals)
{
	struct assembler *as = as_ok(
		".equ V, 2\n"
		".if V == 1\n li r1, 1\n.elif V == 2\n li r1, 2\n.else\n li r1, 3\n.endif\n"
		".if 0\n garbage !@# 'unterminated\n .if 1\n li r2, 9\n .endif\n.else\n li r2, 4\n.endif\n"
		".ifdef V\n li r3, 5\n.endif\n"
		".ifndef V\n li r3, 6\n.endif\n"
		".ifndef W\n li r4, 7\n.endif\n"
		".if 1\n.if 0\n li r5, 8\n.else\n li r5, 9\n.endif\n.endif\n");
	ck_assert_uint_eq(word_at(as, 0x1000), E(OP_addi, 1, 0, 0, 2));
	ck_assert_uint_eq(word_at(as, 0x1004), E(OP_addi, 2, 0, 0, 4));
	ck_assert_uint_eq(word_at(as, 0x1008), E(OP_addi, 3, 0, 0, 5));
	ck_assert_uint_eq(word_at(as, 0x100c), E(OP_addi, 4, 0, 0, 7));
	ck_assert_uint_eq(word_at(as, 0x1010), E(OP_addi, 5, 0, 0, 9));
	ck_assert_uint_eq(text_size(as), 0x14);
	asm_free(as);

	fails_with(".if 1\nnop\n", "1:1: error: missing .endif");
	fails_with(".endif\n", "1:1: error: '.endif' without '.if'");
	fails_with(".else\n", "1:1: error: '.else' without '.if'");
	fails_with(".if 1\n.else\n.else\n.endif\n", "3:1: error: '.else' after '.else'");
	fails_with(".if 1\n.else\n.elif 1\n.endif\n", "3:1: error: '.elif' after '.else'");
	fails_with(".if X\n.endif\nX = 1\n",
		   "1:5: error: '.if' condition must be known here, but symbol 'X' is not defined yet");
	fails_with(".ifdef\n.endif\n", "1:7: error: '.ifdef' expects one symbol name, got 'end of line'");
	fails_with("x: .if 1\n", "1:4: error: '.if' must begin its line (not follow a label)");
}
END_TEST

START_TEST(test_error_and_warning_directives)
{
	fails_with(".error \"stop here\"\n", "1:1: error: stop here");
	struct assembler *as = as_ok(".warning \"careful\"\nnop\n");
	ck_assert_uint_eq(asm_diag_count(as), 1);
	ck_assert_str_eq(diag_text(as, 0), "1:1: warning: careful");
	asm_free(as);
}
END_TEST

/* ---- diagnostics ---- */

START_TEST(test_operand_errors)
{
	fails_with("foo r1\n", "1:1: error: unknown instruction 'foo'");
	fails_with("add r1, x, r3\n", "1:9: error: expected a register, got 'x'");
	fails_with("add r1, r2 + 1, r3\n", "1:9: error: expected a register, got 'r2 + 1'");
	fails_with("mul r1, r2\n", "1:1: error: 'mul' takes 3 operands, got 2");
	fails_with("nop r1\n", "1:1: error: 'nop' takes no operands, got 1");
	fails_with("j\n", "1:1: error: 'j' takes 1 operand, got 0");
	fails_with("addi r1, r0, 70000\n",
		   "1:14: error: immediate 70000 does not fit in signed 16 bits (-32768..32767)");
	fails_with("ori r1, r0, -1\n",
		   "1:13: error: immediate -1 does not fit in unsigned 16 bits (0..65535)");
	fails_with("slli r1, r1, 32\n", "1:14: error: shift amount 32 is out of range (0..31)");
	fails_with("addi r1, r0, r2\n", "1:14: error: expected an immediate value, got register 'r2'");
	fails_with("beq r1, r0, 0x1002\n", "1:13: error: branch target 0x1002 is not 4-byte aligned");
	fails_with("beq r1, r0, 0x30000\n",
		   "1:13: error: branch target 0x30000 is out of range (48128 words away; a branch "
		   "reaches -32768..32767 words)");
	fails_with("j 0x4000000\n",
		   "1:3: error: jump target 0x4000000 is out of range (16776192 words away; a jump "
		   "reaches -8388608..8388607 words)");
	fails_with("mfcr r1, xyz\n", "1:10: error: unknown control register 'xyz'");
	fails_with("mtcr r1, r2\n", "1:6: error: expected a control register, got register 'r1'");
	fails_with("mfcr r1, 40\n", "1:10: error: unknown control register number 40");
	fails_with("lw r1, 4(x9)\n", "1:10: error: expected a base register, got 'x9'");
	fails_with("lw r1, r2\n", "1:8: error: expected a memory operand 'offset(register)', got 'r2'");
	fails_with("5\n", "1:1: error: expected an instruction or a directive, got '5'");
	fails_with(".foo\n", "1:1: error: unknown directive '.foo'");
	fails_with("li r1, undefined_x\n", "1:8: error: undefined symbol 'undefined_x'");
}
END_TEST

START_TEST(test_all_errors_reported_without_cascade)
{
	/* five independent errors, five reports, in line order */
	const char *src = "foo\nadd r1\n.word 1/0\nlw r1, r2\nj nowhere\n";
	struct assembler *as = asm_new();
	ck_assert(!asm_assemble_string(as, "t.s", src));
	ck_assert_uint_eq(asm_error_count(as), 5);
	for (size_t i = 0; i < asm_diag_count(as); i++)
		ck_assert_uint_eq(asm_diag_get(as, i)->line, i + 1);
	asm_free(as);

	/* a bad line keeps its label: uses of it are not errors */
	ck_assert_uint_eq(errors_in("loop: add r1, r2\nj loop\nbeq r0, r0, loop\n"), 1);
	ck_assert_uint_eq(errors_in("loop: .ascii \"x\nj loop\n"), 1);
	/* an undefined symbol is one error per use */
	ck_assert_uint_eq(errors_in("j x\nj x\nnop\nli r1, x + x\n"), 4);
	/* a bad .equ does not make its uses errors */
	ck_assert_uint_eq(errors_in(".equ k, 1/0\nli r1, k\n.word k\n"), 1);
}
END_TEST

START_TEST(test_diag_fields)
{
	struct assembler *as = asm_new();
	ck_assert(!asm_assemble_string(as, "dir/x.s", "nop\n\tli r1, missing + 1\n"));
	const struct asm_diag *d = asm_diag_get(as, 0);
	ck_assert_int_eq(d->severity, ASM_ERROR);
	ck_assert_str_eq(d->file, "dir/x.s");
	ck_assert_uint_eq(d->line, 2);
	ck_assert_uint_eq(d->col, 9);
	ck_assert_uint_eq(d->len, 7);
	ck_assert_str_eq(d->source, "\tli r1, missing + 1");
	asm_free(as);

	/* the printed form: location, message, source line, caret under it */
	FILE *f = tmpfile();
	as = asm_new();
	asm_assemble_string(as, "x.s", "\tli r1, missing\n");
	asm_front_print_diags(as, f);
	asm_free(as);
	char buf[256] = "";
	rewind(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	ck_assert_str_eq(buf, "x.s:1:9: error: undefined symbol 'missing'\n"
			      "\tli r1, missing\n"
			      "\t       ^~~~~~~\n");
}
END_TEST

START_TEST(test_line_table)
{
	struct assembler *as = as_ok("\n_start: li r1, 0x12345\n\n.align 16\nnop\n.data\n.byte 1\n");
	const struct image *img = asm_image(as);
	ck_assert_uint_eq(img->nfiles, 1);
	ck_assert_str_eq(img->files[0], "t.s");
	ck_assert_uint_eq(img->nlines, 3); /* li, nop, .byte; not the .align padding */
	ck_assert_uint_eq(img->lines[0].addr, 0x1000);
	ck_assert_uint_eq(img->lines[0].line, 2);
	ck_assert_uint_eq(img->lines[1].addr, 0x1010);
	ck_assert_uint_eq(img->lines[1].line, 5);
	ck_assert_uint_eq(img->lines[2].addr, 0x2000);
	ck_assert_uint_eq(img->lines[2].line, 7);
	uint32_t addr;
	ck_assert(image_line_addr(img, "t.s", 5, &addr));
	ck_assert_uint_eq(addr, 0x1010);
	asm_free(as);
}
END_TEST

START_TEST(test_listing)
{
	struct assembler *as = as_ok("li r1, 0x12345\n.data\n.ascii \"hello\"\n");
	ck_assert_uint_eq(asm_listing_count(as), 2);
	const struct asm_listing *l = asm_listing_get(as, 0);
	ck_assert_uint_eq(l->addr, 0x1000);
	ck_assert_uint_eq(l->size, 8);
	ck_assert(l->code);
	ck_assert_uint_eq(l->line, 1);
	ck_assert_str_eq(l->text, "li r1, 0x12345");
	l = asm_listing_get(as, 1);
	ck_assert(!l->code);
	ck_assert(!memcmp(l->bytes, "hello", 5));
	asm_free(as);
}
END_TEST

/* Every instruction, disassembled, assembles back to the same word. */
START_TEST(test_disasm_round_trip)
{
	static const int32_t imms[] = { 0, 1, 31, 0x7fff, -1, -32768, 0xffff, 0x8000 };
	for (unsigned op = 1; op < OP_COUNT; op++) {
		const struct isa_info *info = isa_info((enum isa_op)op);
		for (size_t k = 0; k < sizeof imms / sizeof imms[0]; k++) {
			int32_t imm = info->imm == IMM_CR ? CR_SCRATCH1 : imms[k];
			if (!isa_imm_fits(info->imm, imm))
				continue;
			uint32_t w = E((enum isa_op)op, 3, 7, 12, imm), pc = 0x40000;
			char text[128], src[256];
			disasm_insn(pc, w, NULL, text, sizeof text);
			snprintf(src, sizeof src, ".org 0x%x\n%s\n", pc, text);
			struct assembler *as = as_ok(src);
			ck_assert_msg(word_at(as, pc) == w, "'%s' gave 0x%08x, not 0x%08x", text,
				      word_at(as, pc), w);
			asm_free(as);
		}
	}
}
END_TEST

/* Garbage must never crash the assembler (run under ASan in CI). */
START_TEST(test_garbage_never_crashes)
{
	static const char alphabet[] = "abrx019 ,:()+-*/%<>=!&|^~'\"\\.#;\t\n@$_";
	uint64_t seed = 12345;
	char src[512];
	for (int round = 0; round < 3000; round++) {
		size_t n = 0;
		size_t len = (size_t)(seed % 400);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			src[n++] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
		}
		src[n] = 0;
		struct assembler *as = asm_new();
		bool ok = asm_assemble_string(as, "g.s", src);
		ck_assert(ok == (asm_error_count(as) == 0));
		for (size_t i = 0; i < asm_diag_count(as); i++)
			ck_assert_ptr_nonnull(asm_diag_get(as, i)->message);
		asm_free(as);
		seed = seed * 6364136223846793005u + 1442695040888963407u;
	}
}
END_TEST

START_TEST(test_runaway_expansion_stops)
{
	/* each level calls itself twice: stopped by the depth limit, quickly */
	struct assembler *as = asm_new();
	ck_assert(!asm_assemble_string(as, "t.s", ".macro m\nm\nm\n.endm\nm\n"));
	ck_assert_uint_gt(asm_error_count(as), 0);
	ck_assert_uint_le(asm_error_count(as), 1001);
	asm_free(as);
	/* a huge .space is refused, not allocated */
	fails_with(".space 0x7fffffff\n", "1:8: error: '.space' size 2147483647 is too large");
}
END_TEST

static Suite *asm_suite(void)
{
	Suite *s = suite_create("asm");
	TCase *tc = tcase_create("instructions");
	tcase_add_test(tc, test_every_format);
	tcase_add_test(tc, test_phase);
	tcase_add_test(tc, test_names_and_case);
	tcase_add_test(tc, test_pseudo_instructions);
	tcase_add_test(tc, test_li_sizes);
	tcase_add_test(tc, test_disasm_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("expressions");
	tcase_add_test(tc, test_expressions);
	tcase_add_test(tc, test_expression_errors);
	tcase_add_test(tc, test_local_labels);
	suite_add_tcase(s, tc);

	tc = tcase_create("layout");
	tcase_add_test(tc, test_section_placement);
	tcase_add_test(tc, test_org);
	tcase_add_test(tc, test_org_after_use);
	tcase_add_test(tc, test_insn_alignment);
	tcase_add_test(tc, test_align);
	tcase_add_test(tc, test_data_directives);
	tcase_add_test(tc, test_symbols);
	tcase_add_test(tc, test_entry_point);
	tcase_add_test(tc, test_line_table);
	tcase_add_test(tc, test_listing);
	suite_add_tcase(s, tc);

	tc = tcase_create("sources");
	tcase_add_test(tc, test_include);
	tcase_add_test(tc, test_macros);
	tcase_add_test(tc, test_macro_hides_instruction);
	tcase_add_test(tc, test_text_after_directive);
	tcase_add_test(tc, test_conditionals);
	tcase_add_test(tc, test_error_and_warning_directives);
	suite_add_tcase(s, tc);

	tc = tcase_create("diagnostics");
	tcase_add_test(tc, test_operand_errors);
	tcase_add_test(tc, test_all_errors_reported_without_cascade);
	tcase_add_test(tc, test_diag_fields);
	tcase_add_test(tc, test_garbage_never_crashes);
	tcase_add_test(tc, test_runaway_expansion_stops);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(asm_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
