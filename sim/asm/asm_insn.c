/*
 * asm_insn.c -- instructions and pseudo-instructions.
 *
 * Real instructions come from the ISA table (isa.def through isa_lookup,
 * isa_info and isa_encode): their operand syntax follows their format.
 * Pseudo-instructions are the assembler's own and expand into real ones.
 * Pass 1 parses the operands and fixes the size; pass 2 evaluates the
 * immediate or target and encodes.
 */
#include "sim/asm/asm_int.h"

#include <assert.h>
#include <string.h>
#include <strings.h>

/* Operand shapes: what is written after the mnemonic. */
enum shape {
	SH_NONE, /* -                    */
	SH_RRR,  /* rd, rs1, rs2         */
	SH_RRI,  /* rd, rs1, imm         */
	SH_RI,   /* rd, imm              */
	SH_MEM,  /* reg, imm(rs1)        */
	SH_RRT,  /* rs1, rs2, target     */
	SH_T,    /* target               */
	SH_R,    /* reg                  */
	SH_RR,   /* rd, rs               */
	SH_RT,   /* rs, target           */
	SH_RC,   /* rd, cr               */
	SH_CR,   /* cr, rs1              */
};

static const unsigned shape_operands[] = {
	[SH_NONE] = 0, [SH_RRR] = 3, [SH_RRI] = 3, [SH_RI] = 2, [SH_MEM] = 2, [SH_RRT] = 3,
	[SH_T] = 1, [SH_R] = 1, [SH_RR] = 2, [SH_RT] = 2, [SH_RC] = 2, [SH_CR] = 2,
};

static enum shape shape_of(enum isa_format f)
{
	switch (f) {
	case FMT_R: return SH_RRR;
	case FMT_I: return SH_RRI;
	case FMT_U: return SH_RI;
	case FMT_LOAD:
	case FMT_STORE: return SH_MEM;
	case FMT_B: return SH_RRT;
	case FMT_J: return SH_T;
	case FMT_N: return SH_NONE;
	case FMT_RD:
	case FMT_RS: return SH_R;
	case FMT_MFCR: return SH_RC;
	case FMT_MTCR: return SH_CR;
	}
	return SH_NONE;
}

/* The pseudo-instructions: name, operands, words (0: li decides). */
static const struct pseudo {
	const char *name;
	enum shape shape;
	unsigned words;
} pseudos[PS_END - OP_COUNT] = {
	[PS_LI - OP_COUNT] = { "li", SH_RI, 0 },
	[PS_LA - OP_COUNT] = { "la", SH_RI, 2 },
	[PS_MV - OP_COUNT] = { "mv", SH_RR, 1 },
	[PS_NOP - OP_COUNT] = { "nop", SH_NONE, 1 },
	[PS_NOT - OP_COUNT] = { "not", SH_RR, 2 },
	[PS_NEG - OP_COUNT] = { "neg", SH_RR, 1 },
	[PS_CALL - OP_COUNT] = { "call", SH_T, 1 },
	[PS_RET - OP_COUNT] = { "ret", SH_NONE, 1 },
	[PS_JR - OP_COUNT] = { "jr", SH_R, 1 },
	[PS_B - OP_COUNT] = { "b", SH_T, 1 },
	[PS_BEQZ - OP_COUNT] = { "beqz", SH_RT, 1 },
	[PS_BNEZ - OP_COUNT] = { "bnez", SH_RT, 1 },
	[PS_BGT - OP_COUNT] = { "bgt", SH_RRT, 1 },
	[PS_BLE - OP_COUNT] = { "ble", SH_RRT, 1 },
	[PS_BGTU - OP_COUNT] = { "bgtu", SH_RRT, 1 },
	[PS_BLEU - OP_COUNT] = { "bleu", SH_RRT, 1 },
	[PS_PUSH - OP_COUNT] = { "push", SH_R, 2 },
	[PS_POP - OP_COUNT] = { "pop", SH_R, 2 },
};

static int lookup_mnemonic(const char *name)
{
	enum isa_op op = isa_lookup(name);
	if (op != OP_INVALID)
		return (int)op;
	for (int i = 0; i < PS_END - OP_COUNT; i++)
		if (strcasecmp(pseudos[i].name, name) == 0)
			return OP_COUNT + i;
	return -1;
}

static const char *mnemonic(int op)
{
	return op < OP_COUNT ? isa_info((enum isa_op)op)->name : pseudos[op - OP_COUNT].name;
}

bool as_is_mnemonic(const char *name)
{
	int op = lookup_mnemonic(name);
	return op >= 0 && strcmp(mnemonic(op), name) == 0;
}

size_t as_split_operands(const struct tok *a, const struct tok *end, const struct tok **starts,
			 const struct tok **ends, size_t max)
{
	size_t n = 0;
	int depth = 0;
	const struct tok *s = a;

	if (a == end)
		return 0;
	for (const struct tok *t = a; t <= end; t++) {
		if (t < end && t->kind == TOK_PUNCT) {
			if (t->punct == '(')
				depth++;
			else if (t->punct == ')' && depth > 0)
				depth--;
		}
		if (t == end || (depth == 0 && t->kind == TOK_PUNCT && t->punct == ',')) {
			if (n < max) {
				starts[n] = s;
				ends[n] = t;
			}
			n++;
			s = t + 1;
		}
	}
	return n;
}

/* ---- pass 1: operands ---- */

struct operand {
	const struct tok *a, *end; /* the operand's tokens */
};

static bool is_reg_tok(const struct tok *t)
{
	return t->kind == TOK_IDENT && isa_reg_lookup(t->str) >= 0;
}

static const char *operand_text(struct assembler *as, const struct as_line *ln,
				const struct operand *o)
{
	return o->a == o->end ? as_tok_text(as, ln, o->a) : as_span_text(as, ln, o->a, o->end - 1);
}

static bool parse_reg(struct assembler *as, const struct as_line *ln, const struct operand *o,
		      uint8_t *reg)
{
	if (o->end - o->a == 1 && is_reg_tok(o->a)) {
		*reg = (uint8_t)isa_reg_lookup(o->a->str);
		return true;
	}
	const struct tok *last = o->a == o->end ? o->a : o->end - 1;
	as_error(as, ln, o->a->col, o->a == o->end ? 1 : last->col + last->len - o->a->col,
		 "expected a register, got '%s'", operand_text(as, ln, o));
	return false;
}

static struct expr *parse_value(struct assembler *as, const struct as_line *ln,
				const struct operand *o, const char *what)
{
	if (o->end - o->a == 1 && is_reg_tok(o->a)) {
		as_at_tok(as, ln, o->a, "expected %s, got register '%s'", what, o->a->str);
		return NULL;
	}
	return as_parse_range(as, ln, o->a, o->end, what);
}

/* imm(rs1), (rs1): false after reporting. */
static bool parse_mem(struct assembler *as, const struct as_line *ln, const struct operand *o,
		      uint8_t *base, struct expr **off)
{
	const struct tok *e = o->end;
	*off = NULL;
	if (e - o->a >= 3 && e[-1].kind == TOK_PUNCT && e[-1].punct == ')' &&
	    e[-3].kind == TOK_PUNCT && e[-3].punct == '(' && e[-2].kind == TOK_IDENT) {
		if (!is_reg_tok(&e[-2])) {
			as_at_tok(as, ln, &e[-2], "expected a base register, got '%s'", e[-2].str);
			return false;
		}
		*base = (uint8_t)isa_reg_lookup(e[-2].str);
		if (e - 3 == o->a)
			return true;
		return (*off = parse_value(as, ln, &(struct operand){ o->a, e - 3 }, "an offset")) != NULL;
	}
	const struct tok *last = o->a == o->end ? o->a : o->end - 1;
	as_error(as, ln, o->a->col, o->a == o->end ? 1 : last->col + last->len - o->a->col,
		 "expected a memory operand 'offset(register)', got '%s'", operand_text(as, ln, o));
	return false;
}

static bool parse_cr(struct assembler *as, const struct as_line *ln, const struct operand *o,
		     int *cr)
{
	if (o->end - o->a == 1 && o->a->kind == TOK_IDENT) {
		int n = isa_cr_lookup(o->a->str);
		if (n >= 0) {
			*cr = n;
			return true;
		}
		if (is_reg_tok(o->a))
			as_at_tok(as, ln, o->a, "expected a control register, got register '%s'", o->a->str);
		else
			as_at_tok(as, ln, o->a, "unknown control register '%s'", o->a->str);
		return false;
	}
	struct expr *e = parse_value(as, ln, o, "a control register");
	int64_t v;
	if (!e || !as_eval_now_abs(as, e, ln, "a control register number", &v))
		return false;
	if (!isa_imm_fits(IMM_CR, v)) {
		as_error(as, ln, e->col, e->len, "unknown control register number %lld", (long long)v);
		return false;
	}
	*cr = (int)v;
	return true;
}

/* addi or lui alone makes this 32-bit value. */
static bool fits_one_word(uint32_t w)
{
	return ((int32_t)w >= -32768 && (int32_t)w <= 32767) || (w & 0xffff) == 0;
}

/* li: one word if pass 1 knows a value that addi or lui makes alone.
 * The register is 32 bits, so 0xffffffff is -1 and takes one addi. */
static unsigned li_words(struct assembler *as, const struct as_line *ln, const struct expr *e)
{
	struct val v;
	if (!e || as_eval(as, e, ln, false, &v, NULL) != VAL_OK || v.sec != SEC_ABS ||
	    v.v < INT32_MIN || v.v > (int64_t)UINT32_MAX)
		return 2;
	return fits_one_word((uint32_t)v.v) ? 1 : 2;
}

bool as_instruction(struct assembler *as, const struct as_line *ln, const struct toks *tk,
		    const struct tok *t)
{
	int op = lookup_mnemonic(t->str);
	if (op < 0)
		return false;
	enum shape sh = op < OP_COUNT ? shape_of(isa_info((enum isa_op)op)->format)
				      : pseudos[op - OP_COUNT].shape;
	const struct tok *starts[4], *ends[4];
	size_t n = as_split_operands(t + 1, tk->v + tk->n, starts, ends, 4);
	unsigned want = shape_operands[sh];
	uint8_t r[3] = { 0, 0, 0 };
	int cr = 0;
	struct expr *e = NULL;
	bool ok = true;

	if (n != want) {
		if (want == 0)
			as_at_tok(as, ln, t, "'%s' takes no operands, got %zu", mnemonic(op), n);
		else
			as_at_tok(as, ln, t, "'%s' takes %u operand%s, got %zu", mnemonic(op), want,
				  want == 1 ? "" : "s", n);
		ok = false;
	} else {
		/* every operand is parsed, so that each wrong one is reported */
		struct operand o[4];
		for (size_t i = 0; i < n; i++)
			o[i] = (struct operand){ starts[i], ends[i] };
		switch (sh) {
		case SH_NONE:
			break;
		case SH_RRR:
			ok = parse_reg(as, ln, &o[0], &r[0]);
			ok &= parse_reg(as, ln, &o[1], &r[1]);
			ok &= parse_reg(as, ln, &o[2], &r[2]);
			break;
		case SH_RRI:
			ok = parse_reg(as, ln, &o[0], &r[0]);
			ok &= parse_reg(as, ln, &o[1], &r[1]);
			ok &= (e = parse_value(as, ln, &o[2], "an immediate value")) != NULL;
			break;
		case SH_RI:
			ok = parse_reg(as, ln, &o[0], &r[0]);
			ok &= (e = parse_value(as, ln, &o[1], "an immediate value")) != NULL;
			break;
		case SH_MEM:
			ok = parse_reg(as, ln, &o[0], &r[0]);
			ok &= parse_mem(as, ln, &o[1], &r[1], &e);
			break;
		case SH_RRT:
			ok = parse_reg(as, ln, &o[0], &r[0]);
			ok &= parse_reg(as, ln, &o[1], &r[1]);
			ok &= (e = parse_value(as, ln, &o[2], "a branch target")) != NULL;
			break;
		case SH_T:
			ok = (e = parse_value(as, ln, &o[0], "a jump target")) != NULL;
			break;
		case SH_R:
			ok = parse_reg(as, ln, &o[0], &r[0]);
			break;
		case SH_RR:
			ok = parse_reg(as, ln, &o[0], &r[0]);
			ok &= parse_reg(as, ln, &o[1], &r[1]);
			break;
		case SH_RT:
			ok = parse_reg(as, ln, &o[0], &r[0]);
			ok &= (e = parse_value(as, ln, &o[1], "a branch target")) != NULL;
			break;
		case SH_RC:
			ok = parse_reg(as, ln, &o[0], &r[0]);
			ok &= parse_cr(as, ln, &o[1], &cr);
			break;
		case SH_CR:
			ok = parse_cr(as, ln, &o[0], &cr);
			ok &= parse_reg(as, ln, &o[1], &r[0]);
			break;
		}
	}

	unsigned words = op < OP_COUNT ? 1 : pseudos[op - OP_COUNT].words;
	if (op == PS_LI)
		words = ok ? li_words(as, ln, e) : 2;
	struct stmt *s = as_add_stmt(as, ST_INSN, ln, t->col, 4u * words);
	if (as_cur_sec(as) == SEC_BSS && ok) {
		as_at_tok(as, ln, t, "instructions cannot go in .bss (it holds only zeros)");
		ok = false;
	}
	s->bad = !ok;
	s->len = t->len;
	s->u.insn.op = op;
	memcpy(s->u.insn.r, r, sizeof r);
	s->u.insn.cr = cr;
	s->u.insn.e = e;
	return true;
}

/* ---- pass 2: encoding ---- */

static void put_word(uint8_t *dst, unsigned i, uint32_t w)
{
	dst += 4 * i;
	dst[0] = (uint8_t)w;
	dst[1] = (uint8_t)(w >> 8);
	dst[2] = (uint8_t)(w >> 16);
	dst[3] = (uint8_t)(w >> 24);
}

static uint32_t enc(enum isa_op op, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm)
{
	struct isa_insn in = { op, (uint8_t)rd, (uint8_t)rs1, (uint8_t)rs2, imm };
	return isa_encode(&in);
}

/* Evaluate the statement's expression in pass 2 (reporting). */
static bool value(struct assembler *as, const struct stmt *s, int64_t *v)
{
	struct val x;
	if (!s->u.insn.e) {
		*v = 0;
		return true;
	}
	if (as_eval(as, s->u.insn.e, s->line, true, &x, NULL) != VAL_OK)
		return false;
	*v = x.v;
	return true;
}

static void span(const struct expr *e, uint32_t *col, uint32_t *len)
{
	*col = e->scol ? e->scol : e->col;
	*len = e->scol ? e->slen : e->len;
}

static bool immediate(struct assembler *as, const struct stmt *s, enum isa_imm kind, int32_t *imm)
{
	int64_t v;
	uint32_t col, len;
	if (!value(as, s, &v))
		return false;
	if (isa_imm_fits(kind, v)) {
		*imm = (int32_t)v;
		return true;
	}
	span(s->u.insn.e, &col, &len);
	switch (kind) {
	case IMM_U16:
		as_error(as, s->line, col, len,
			 "immediate %lld does not fit in unsigned 16 bits (0..65535)", (long long)v);
		break;
	case IMM_SH5:
		as_error(as, s->line, col, len, "shift amount %lld is out of range (0..31)", (long long)v);
		break;
	default:
		as_error(as, s->line, col, len,
			 "immediate %lld does not fit in signed 16 bits (-32768..32767)", (long long)v);
		break;
	}
	return false;
}

/* A branch or jump target -> word offset from pc. */
static bool target(struct assembler *as, const struct stmt *s, uint32_t pc, enum isa_imm kind,
		   int32_t *off)
{
	int64_t t;
	uint32_t col, len;
	const char *what = kind == IMM_S24 ? "jump" : "branch";
	if (!value(as, s, &t))
		return false;
	span(s->u.insn.e, &col, &len);
	if (t < 0 || t > (int64_t)UINT32_MAX) {
		as_error(as, s->line, col, len, "%s target %lld is outside the address space", what,
			 (long long)t);
		return false;
	}
	int64_t diff = t - (int64_t)pc;
	if (diff & 3) {
		as_error(as, s->line, col, len, "%s target 0x%llx is not 4-byte aligned", what,
			 (unsigned long long)t);
		return false;
	}
	if (!isa_imm_fits(kind, diff / 4)) {
		as_error(as, s->line, col, len,
			 "%s target 0x%llx is out of range (%lld words away; a %s reaches %s words)",
			 what, (unsigned long long)t, (long long)(diff / 4), what,
			 kind == IMM_S24 ? "-8388608..8388607" : "-32768..32767");
		return false;
	}
	*off = (int32_t)(diff / 4);
	return true;
}

/* li/la: the value must be a 32-bit quantity, signed or not. */
static bool word_value(struct assembler *as, const struct stmt *s, uint32_t *w)
{
	int64_t v;
	if (!value(as, s, &v))
		return false;
	if (v < INT32_MIN || v > (int64_t)UINT32_MAX) {
		uint32_t col, len;
		span(s->u.insn.e, &col, &len);
		as_error(as, s->line, col, len, "value %lld does not fit in 32 bits", (long long)v);
		return false;
	}
	*w = (uint32_t)v;
	return true;
}

static void encode_real(struct assembler *as, const struct stmt *s, uint32_t pc, uint8_t *dst)
{
	enum isa_op op = (enum isa_op)s->u.insn.op;
	const struct isa_info *info = isa_info(op);
	const uint8_t *r = s->u.insn.r;
	int32_t imm = 0;
	struct isa_insn in = { op, 0, 0, 0, 0 };

	switch (info->format) {
	case FMT_R: in.rd = r[0]; in.rs1 = r[1]; in.rs2 = r[2]; break;
	case FMT_I: in.rd = r[0]; in.rs1 = r[1]; break;
	case FMT_U: in.rd = r[0]; break;
	case FMT_LOAD: in.rd = r[0]; in.rs1 = r[1]; break;
	case FMT_STORE: in.rs2 = r[0]; in.rs1 = r[1]; break;
	case FMT_B: in.rs1 = r[0]; in.rs2 = r[1]; break;
	case FMT_J: case FMT_N: break;
	case FMT_RD: in.rd = r[0]; break;
	case FMT_RS: in.rs1 = r[0]; break;
	case FMT_MFCR: in.rd = r[0]; imm = s->u.insn.cr; break;
	case FMT_MTCR: in.rs1 = r[0]; imm = s->u.insn.cr; break;
	}
	switch (info->format) {
	case FMT_I: case FMT_U: case FMT_LOAD: case FMT_STORE:
		if (!immediate(as, s, info->imm, &imm))
			return;
		break;
	case FMT_B: case FMT_J:
		if (!target(as, s, pc, info->imm, &imm))
			return;
		break;
	default:
		break;
	}
	in.imm = imm;
	put_word(dst, 0, isa_encode(&in));
}

static void encode_li(struct assembler *as, const struct stmt *s, uint8_t *dst)
{
	unsigned rd = s->u.insn.r[0];
	uint32_t w;
	if (!word_value(as, s, &w))
		return;
	if (s->size == 8 || s->u.insn.op == PS_LA) {
		put_word(dst, 0, enc(OP_lui, rd, 0, 0, (int32_t)(w >> 16)));
		put_word(dst, 1, enc(OP_ori, rd, rd, 0, (int32_t)(w & 0xffff)));
		return;
	}
	/* One word: li_words saw this value in pass 1, and pass 2 sees the
	 * same one.  The symbols it used had their values then (a .set is
	 * replayed in order, so the li sees the same assignment), and the
	 * address of a section it used cannot move afterwards (as_sec_addr,
	 * and .org reports a move as an error). */
	assert(fits_one_word(w));
	if ((int32_t)w >= -32768 && (int32_t)w <= 32767)
		put_word(dst, 0, enc(OP_addi, rd, 0, 0, (int32_t)w));
	else
		put_word(dst, 0, enc(OP_lui, rd, 0, 0, (int32_t)(w >> 16)));
}

void as_encode_insn(struct assembler *as, const struct stmt *s, uint32_t pc, uint8_t *dst)
{
	const uint8_t *r = s->u.insn.r;
	int32_t off;

	if (s->u.insn.op < OP_COUNT) {
		encode_real(as, s, pc, dst);
		return;
	}
	switch (s->u.insn.op) {
	case PS_LI:
	case PS_LA:
		encode_li(as, s, dst);
		break;
	case PS_MV: put_word(dst, 0, enc(OP_addi, r[0], r[1], 0, 0)); break;
	case PS_NOP: put_word(dst, 0, enc(OP_addi, 0, 0, 0, 0)); break;
	case PS_NOT:
		put_word(dst, 0, enc(OP_sub, r[0], 0, r[1], 0));
		put_word(dst, 1, enc(OP_addi, r[0], r[0], 0, -1));
		break;
	case PS_NEG: put_word(dst, 0, enc(OP_sub, r[0], 0, r[1], 0)); break;
	case PS_RET: put_word(dst, 0, enc(OP_jalr, 0, ISA_REG_RA, 0, 0)); break;
	case PS_JR: put_word(dst, 0, enc(OP_jalr, 0, r[0], 0, 0)); break;
	case PS_CALL:
	case PS_B:
		if (target(as, s, pc, IMM_S24, &off))
			put_word(dst, 0, enc(s->u.insn.op == PS_CALL ? OP_jal : OP_j, 0, 0, 0, off));
		break;
	case PS_BEQZ:
	case PS_BNEZ:
		if (target(as, s, pc, IMM_S16, &off))
			put_word(dst, 0, enc(s->u.insn.op == PS_BEQZ ? OP_beq : OP_bne, 0, r[0], 0, off));
		break;
	case PS_BGT:
	case PS_BLE:
	case PS_BGTU:
	case PS_BLEU: {
		/* a > b is b < a: swap the operands of the opposite branch */
		static const enum isa_op real[] = { OP_blt, OP_bge, OP_bltu, OP_bgeu };
		if (target(as, s, pc, IMM_S16, &off))
			put_word(dst, 0, enc(real[s->u.insn.op - PS_BGT], 0, r[1], r[0], off));
		break;
	}
	case PS_PUSH:
		put_word(dst, 0, enc(OP_addi, ISA_REG_SP, ISA_REG_SP, 0, -4));
		put_word(dst, 1, enc(OP_sw, 0, ISA_REG_SP, r[0], 0));
		break;
	case PS_POP:
		put_word(dst, 0, enc(OP_lw, r[0], ISA_REG_SP, 0, 0));
		put_word(dst, 1, enc(OP_addi, ISA_REG_SP, ISA_REG_SP, 0, 4));
		break;
	}
}
