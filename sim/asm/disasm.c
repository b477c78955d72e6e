/*
 * disasm.c -- one instruction word to text.
 *
 * The operand order printed is the order the assembler reads (see
 * enum isa_format), so every line of disassembly assembles back to the
 * same word.  Immediates that are zero-extended (lui, andi, ori, xori)
 * print in hex, where their bit pattern is what matters; signed ones in
 * decimal.
 */
#include "sim/asm/disasm.h"
#include "sim/image.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

const char *disasm_format_syntax(enum isa_format f)
{
	switch (f) {
	case FMT_R: return "rd, rs1, rs2";
	case FMT_I: return "rd, rs1, imm";
	case FMT_U: return "rd, imm";
	case FMT_LOAD: return "rd, imm(rs1)";
	case FMT_STORE: return "rs2, imm(rs1)";
	case FMT_B: return "rs1, rs2, target";
	case FMT_J: return "target";
	case FMT_N: return "";
	case FMT_RD: return "rd";
	case FMT_RS: return "rs1";
	case FMT_MFCR: return "rd, cr";
	case FMT_MTCR: return "cr, rs1";
	}
	return "?";
}

const char *disasm_format_name(enum isa_format f)
{
	switch (f) {
	case FMT_R: return "R";
	case FMT_I: return "I";
	case FMT_U: return "U";
	case FMT_LOAD: return "LOAD";
	case FMT_STORE: return "STORE";
	case FMT_B: return "B";
	case FMT_J: return "J";
	case FMT_N: return "N";
	case FMT_RD: return "RD";
	case FMT_RS: return "RS";
	case FMT_MFCR: return "MFCR";
	case FMT_MTCR: return "MTCR";
	}
	return "?";
}

const char *disasm_imm_name(enum isa_imm k)
{
	switch (k) {
	case IMM_NONE: return "none";
	case IMM_S16: return "sext 16";
	case IMM_U16: return "zext 16";
	case IMM_SH5: return "shift 0..31";
	case IMM_S24: return "sext 24, words";
	case IMM_CR: return "control register";
	}
	return "?";
}

const char *disasm_class_name(enum isa_class c)
{
	switch (c) {
	case CLASS_INNOCUOUS: return "innocuous";
	case CLASS_TRAP: return "trap";
	case CLASS_SENSITIVE: return "sensitive";
	case CLASS_PRIVILEGED: return "privileged";
	}
	return "?";
}

/* snprintf that keeps appending safely past a full buffer. */
struct text {
	char *buf;
	size_t len, n;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(t->n < t->len ? t->buf + t->n : NULL, t->n < t->len ? t->len - t->n : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		t->n += (size_t)k;
}

static bool in_image(const struct image *img, uint32_t addr)
{
	for (size_t i = 0; i < img->nsegs; i++)
		if (addr - image_seg_vaddr(&img->segs[i]) <= img->segs[i].memsz)
			return true;
	return false;
}

size_t disasm_symbolize(const struct image *img, uint32_t addr, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };
	const struct image_symbol *s = img && in_image(img, addr) ? image_symbol_near(img, addr) : NULL;

	if (len)
		buf[0] = 0;
	if (!s)
		return 0;
	if (s->value == addr)
		add(&t, "<%s>", s->name);
	else
		add(&t, "<%s+0x%x>", s->name, addr - s->value);
	return t.n;
}

static void target(struct text *t, const struct image *img, uint32_t addr)
{
	char sym[256];
	add(t, "0x%x", addr);
	if (disasm_symbolize(img, addr, sym, sizeof sym))
		add(t, " %s", sym);
}

static void cr(struct text *t, int32_t n)
{
	const char *name = isa_cr_name((unsigned)n);
	if (name)
		add(t, "%s", name);
	else
		add(t, "%d", n);
}

static void imm(struct text *t, const struct isa_info *info, int32_t v)
{
	if (info->imm == IMM_U16)
		add(t, "0x%x", (unsigned)v);
	else
		add(t, "%d", v);
}

size_t disasm_insn(uint32_t pc, uint32_t word, const struct image *img, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };
	struct isa_insn in;

	if (len)
		buf[0] = 0;
	if (!isa_decode(word, &in)) {
		add(&t, ".word 0x%08x", word);
		return t.n;
	}
	const struct isa_info *info = isa_info(in.op);
	add(&t, "%s", info->name);
	switch (info->format) {
	case FMT_R:
		add(&t, " r%u, r%u, r%u", in.rd, in.rs1, in.rs2);
		break;
	case FMT_I:
		add(&t, " r%u, r%u, ", in.rd, in.rs1);
		imm(&t, info, in.imm);
		break;
	case FMT_U:
		add(&t, " r%u, ", in.rd);
		imm(&t, info, in.imm);
		break;
	case FMT_LOAD:
		add(&t, " r%u, %d(r%u)", in.rd, in.imm, in.rs1);
		break;
	case FMT_STORE:
		add(&t, " r%u, %d(r%u)", in.rs2, in.imm, in.rs1);
		break;
	case FMT_B:
		add(&t, " r%u, r%u, ", in.rs1, in.rs2);
		target(&t, img, pc + 4u * (uint32_t)in.imm);
		break;
	case FMT_J:
		add(&t, " ");
		target(&t, img, pc + 4u * (uint32_t)in.imm);
		break;
	case FMT_N:
		break;
	case FMT_RD:
		add(&t, " r%u", in.rd);
		break;
	case FMT_RS:
		add(&t, " r%u", in.rs1);
		break;
	case FMT_MFCR:
		add(&t, " r%u, ", in.rd);
		cr(&t, in.imm);
		break;
	case FMT_MTCR:
		add(&t, " ");
		cr(&t, in.imm);
		add(&t, ", r%u", in.rs1);
		break;
	}
	return t.n;
}
