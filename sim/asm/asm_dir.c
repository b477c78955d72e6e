/*
 * asm_dir.c -- directives other than conditionals: sections, placement,
 * data, symbols, .include, .macro/.endm, .error/.warning.
 */
#include "sim/asm/asm_int.h"

#include <string.h>
#include <strings.h>

struct dir_ctx {
	struct assembler *as;
	const struct as_line *ln;
	const struct tok *dir;            /* the directive token            */
	const struct tok *args, *end;     /* its operand tokens             */
	const struct tok *starts[8], *ends[8]; /* split at commas (first 8) */
	size_t n;                         /* number of operands             */
	int arg;                          /* the table's argument           */
};

/* Exactly lo..hi operands, or report. */
static bool operands(struct dir_ctx *d, size_t lo, size_t hi)
{
	if (d->n >= lo && d->n <= hi)
		return true;
	if (hi == 0)
		as_at_tok(d->as, d->ln, d->dir, "'%s' takes no operands", d->dir->str);
	else if (lo == hi)
		as_at_tok(d->as, d->ln, d->dir, "'%s' takes %zu operand%s, got %zu", d->dir->str, lo,
			  lo == 1 ? "" : "s", d->n);
	else
		as_at_tok(d->as, d->ln, d->dir, "'%s' takes %zu to %zu operands, got %zu", d->dir->str,
			  lo, hi, d->n);
	return false;
}

static struct expr *operand_expr(struct dir_ctx *d, size_t i, const char *what)
{
	return as_parse_range(d->as, d->ln, d->starts[i], d->ends[i], what);
}

/* ---- sections and placement ---- */

static void d_section(struct dir_ctx *d)
{
	if (operands(d, 0, 0))
		d->as->cur = d->arg;
}

static void d_section_named(struct dir_ctx *d)
{
	if (!operands(d, 1, 1))
		return;
	const struct tok *t = d->starts[0];
	for (int s = 0; s < SEC_COUNT; s++)
		if (d->ends[0] - t == 1 && t->kind == TOK_IDENT && !strcmp(t->str, d->as->sec[s].name)) {
			d->as->cur = s;
			return;
		}
	as_error(d->as, d->ln, t->col, d->ends[0][-1].col + d->ends[0][-1].len - t->col,
		 "unknown section '%s' (vmlab has .text, .data and .bss)",
		 as_span_text(d->as, d->ln, t, d->ends[0] - 1));
}

/* Zero bytes up to offset `to` of the current section (no line entry). */
static void pad_to(struct assembler *as, const struct as_line *ln, uint32_t col, uint64_t to)
{
	uint64_t here = as_cur_off(as);
	if (to > here) {
		struct stmt *s = as_add_stmt(as, ST_FILL, ln, col, to - here);
		s->no_line = true;
	}
}

/* .org to an absolute address before the section's first byte: place the
 * section there, unless a pass-1 value was computed from where it was. */
static void place(struct dir_ctx *d, const struct expr *e, uint32_t addr)
{
	struct assembler *as = d->as;
	struct as_section *s = &as->sec[as->cur];

	if (s->used && s->base != addr) {
		as_error(as, d->ln, e->scol, e->slen,
			 ".org moves %s from 0x%x to 0x%x after its address was used", s->name,
			 s->base, addr);
		as_note(as, s->used, s->used_col, s->used_len, "the address of %s was used here",
			s->name);
		return;
	}
	/* an .align before the first byte added nothing at the old address */
	if (addr & (s->align - 1)) {
		as_error(as, d->ln, e->scol, e->slen, ".org places %s at 0x%x, not a multiple of the "
			 ".align %u above", s->name, addr, s->align);
		return;
	}
	s->base = addr;
	s->base_known = true;
}

static void d_org(struct dir_ctx *d)
{
	struct assembler *as = d->as;
	struct as_section *s = &as->sec[as->cur];
	struct val v;
	struct expr *e;

	if (as->phase_open && as->phases[as->nphases - 1].sec == as->cur) {
		as_at_tok(as, d->ln, d->dir, ".org inside a .phase block");
		return;
	}
	/* an address in the current section stays an offset: `.org . + 16` */
	if (!operands(d, 1, 1) || !(e = operand_expr(d, 0, "an address")) ||
	    !as_eval_now(as, e, d->ln, "the .org address", &v))
		return;
	if (v.sec != as->cur)
		as_sec_addr(as, &v, d->ln, e->scol, e->slen);
	uint64_t to;
	if (v.sec == as->cur && v.v < 0) {
		as_error(as, d->ln, e->scol, e->slen, ".org address is before the start of %s", s->name);
		return;
	} else if (v.sec == as->cur) { /* relative to this section: fine even if unplaced */
		to = (uint64_t)v.v;
	} else if (v.sec != SEC_ABS) {
		as_error(as, d->ln, e->scol, e->slen, ".org address is in %s, not in the current section %s",
			 as->sec[v.sec].name, s->name);
		return;
	} else if (v.v < 0 || v.v > (int64_t)UINT32_MAX) {
		as_error(as, d->ln, e->scol, e->slen, ".org address %lld is outside the 32-bit address space",
			 (long long)v.v);
		return;
	} else if (!s->has_content) {
		place(d, e, (uint32_t)v.v); /* the last .org before the first byte places the section */
		return;
	} else if (!s->base_known) {
		as_error(as, d->ln, e->scol, e->slen,
			 ".org to an absolute address needs the address of %s, which is not fixed "
			 "until the end of assembly; put .org before the first content of %s",
			 s->name, s->name);
		return;
	} else if ((uint64_t)v.v < s->base) {
		as_error(as, d->ln, e->scol, e->slen, ".org moves backwards (from 0x%llx to 0x%llx)",
			 (unsigned long long)(s->base + s->size), (unsigned long long)v.v);
		return;
	} else {
		to = (uint64_t)v.v - s->base;
	}
	if (to < s->size) {
		bool abs = s->base_known;
		as_error(as, d->ln, e->scol, e->slen, ".org moves backwards (from 0x%llx to 0x%llx)",
			 (unsigned long long)(s->size + (abs ? s->base : 0)),
			 (unsigned long long)(to + (abs ? s->base : 0)));
		return;
	}
	pad_to(as, d->ln, d->dir->col, to);
}

/* .phase ADDR ... .dephase: what is assembled in between runs at ADDR
 * (labels and `.` say so; branches are encoded for it), though its bytes
 * go where they are in the section, to be copied there by the program
 * (toyos's user image: labs/os/user.s). */
static void d_phase(struct dir_ctx *d)
{
	struct assembler *as = d->as;
	struct expr *e;
	int64_t run;

	if (!operands(d, 1, 1) || !(e = operand_expr(d, 0, "a run address")) ||
	    !as_eval_now_abs(as, e, d->ln, "the .phase address", &run))
		return;
	if (as->phase_open) {
		as_at_tok(as, d->ln, d->dir, ".phase inside a .phase block (end it with .dephase first)");
		return;
	}
	if (run < 0 || run > (int64_t)UINT32_MAX) {
		as_error(as, d->ln, e->scol, e->slen, ".phase address %lld is outside the 32-bit "
			 "address space", (long long)run);
		return;
	}
	AS_GROW(as->phases, as->nphases, as->capphases);
	as->phases[as->nphases++] = (struct as_phase){ as->cur, as_cur_off(as), as_cur_off(as),
						       (uint32_t)run, d->ln, d->dir->col, d->dir->len };
	as->phase_open = true;
}

static void d_dephase(struct dir_ctx *d)
{
	struct assembler *as = d->as;
	struct as_phase *p = as->nphases ? &as->phases[as->nphases - 1] : NULL;

	if (!operands(d, 0, 0))
		return;
	if (!as->phase_open) {
		as_at_tok(as, d->ln, d->dir, ".dephase without .phase");
		return;
	}
	if (as->cur != p->sec) {
		as_at_tok(as, d->ln, d->dir, ".dephase in %s ends a .phase block of %s",
			  as->sec[as->cur].name, as->sec[p->sec].name);
		return;
	}
	p->end = as_cur_off(as);
	as->phase_open = false;
}

void as_phase_finish(struct assembler *as)
{
	if (as->phase_open) {
		struct as_phase *p = &as->phases[as->nphases - 1];
		as_error(as, p->line, p->col, p->len, ".phase without .dephase");
		p->end = as->sec[p->sec].size;
		as->phase_open = false;
	}
}

static void d_align(struct dir_ctx *d)
{
	struct assembler *as = d->as;
	struct as_section *s = &as->sec[as->cur];
	struct expr *e;
	int64_t n;

	if (!operands(d, 1, 1) || !(e = operand_expr(d, 0, "an alignment")) ||
	    !as_eval_now_abs(as, e, d->ln, "the alignment", &n))
		return;
	if (n <= 0 || (n & (n - 1))) {
		as_error(as, d->ln, e->scol, e->slen, "alignment %lld is not a power of two", (long long)n);
		return;
	}
	if (n > 0x100000) {
		as_error(as, d->ln, e->scol, e->slen, "alignment %lld is too large (at most 1048576)",
			 (long long)n);
		return;
	}
	if ((uint32_t)n > s->align)
		s->align = (uint32_t)n; /* a default base, or a later .org, will honour it */
	/* not a use of the address: before the first byte an .org may still
	 * move the section, to a multiple of s->align (see place()); an
	 * unplaced section will be placed at a multiple of it */
	uint32_t base = s->base_known ? s->base : 0;
	uint64_t here = as_cur_off(as);
	int hsec;
	int64_t addr;
	as_here(as, &hsec, &addr); /* in a .phase block: align the run address */
	if (hsec != SEC_ABS)
		addr = (int64_t)(base + here);
	pad_to(as, d->ln, d->dir->col, here + ((uint64_t)(-addr) & (uint64_t)(n - 1)));
}

static void d_space(struct dir_ctx *d)
{
	struct assembler *as = d->as;
	struct expr *e, *f = NULL;
	int64_t n, fill = 0;

	if (!operands(d, 1, 2) || !(e = operand_expr(d, 0, "a size")) ||
	    (d->n == 2 && !(f = operand_expr(d, 1, "a fill byte"))))
		return;
	if (!as_eval_now_abs(as, e, d->ln, as_printf(as, "the size of '%s'", d->dir->str), &n) ||
	    (f && !as_eval_now_abs(as, f, d->ln, "the fill byte", &fill)))
		return;
	if (n < 0 || n > AS_MAX_SECTION) {
		as_error(as, d->ln, e->scol, e->slen, "'%s' size %lld is %s", d->dir->str, (long long)n,
			 n < 0 ? "negative" : "too large");
		return;
	}
	if (fill < -128 || fill > 255) {
		as_error(as, d->ln, f->scol, f->slen, "fill value %lld does not fit in a byte (-128..255)",
			 (long long)fill);
		return;
	}
	if (fill && as->cur == SEC_BSS) {
		as_error(as, d->ln, f->scol, f->slen, ".bss holds only zeros: the fill must be 0");
		return;
	}
	struct stmt *s = as_add_stmt(as, ST_FILL, d->ln, d->dir->col, (uint64_t)n);
	s->u.fill.fill = (uint8_t)fill;
}

/* ---- data ---- */

static bool not_in_bss(struct dir_ctx *d)
{
	if (d->as->cur != SEC_BSS)
		return true;
	as_at_tok(d->as, d->ln, d->dir, "'%s' cannot go in .bss (it holds only zeros; use .space)",
		  d->dir->str);
	return false;
}

static void d_data(struct dir_ctx *d)
{
	struct assembler *as = d->as;
	const struct tok *starts[1], *ends[1];
	size_t n = as_split_operands(d->args, d->end, starts, ends, 0);

	if (n == 0) {
		as_at_tok(as, d->ln, d->dir, "'%s' expects at least one value", d->dir->str);
		return;
	}
	if (!not_in_bss(d))
		return;
	/* all the operands, not just the first 8 */
	const struct tok **st = as_alloc(as, n * sizeof *st), **en = as_alloc(as, n * sizeof *en);
	as_split_operands(d->args, d->end, st, en, n);
	struct expr **v = as_alloc(as, n * sizeof *v);
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		as->dot_bias = (uint32_t)(i * (size_t)d->arg); /* `.` is this item's address */
		ok &= (v[i] = as_parse_range(as, d->ln, st[i], en[i], "a value")) != NULL;
	}
	as->dot_bias = 0;
	struct stmt *s = as_add_stmt(as, ST_DATA, d->ln, d->dir->col, (uint64_t)d->arg * n);
	s->bad = !ok;
	s->u.data.width = (unsigned)d->arg;
	s->u.data.n = n;
	s->u.data.v = v;
}

static void d_ascii(struct dir_ctx *d)
{
	struct assembler *as = d->as;
	size_t total = 0;
	bool ok = true;

	if (d->args == d->end) {
		as_at_tok(as, d->ln, d->dir, "'%s' expects at least one string", d->dir->str);
		return;
	}
	if (!not_in_bss(d))
		return;
	/* strings separated by commas: STR (, STR)* */
	for (const struct tok *t = d->args; t < d->end; t++) {
		bool want_str = (t - d->args) % 2 == 0;
		if (want_str && t->kind != TOK_STR) {
			as_at_tok(as, d->ln, t, "expected a string, got '%s'", as_tok_text(as, d->ln, t));
			return;
		}
		if (!want_str && !(t->kind == TOK_PUNCT && t->punct == ',')) {
			as_at_tok(as, d->ln, t, "expected ',' between strings, got '%s'",
				  as_tok_text(as, d->ln, t));
			return;
		}
		if (want_str)
			total += t->slen + (size_t)d->arg;
	}
	if ((d->end - d->args) % 2 == 0) {
		as_at_tok(as, d->ln, d->end, "expected a string, got end of line");
		ok = false;
	}
	uint8_t *p = as_alloc(as, total ? total : 1), *q = p;
	for (const struct tok *t = d->args; t < d->end; t += 2) {
		memcpy(q, t->str, t->slen);
		q += t->slen + (size_t)d->arg; /* .asciz: the zero is already there */
	}
	struct stmt *s = as_add_stmt(as, ST_BYTES, d->ln, d->dir->col, total);
	s->bad = !ok;
	s->u.bytes.p = p;
}

/* ---- symbols ---- */

static void d_equ(struct dir_ctx *d)
{
	struct assembler *as = d->as;
	const struct tok *name = d->args;

	if (d->n != 2 || name->kind != TOK_IDENT || d->ends[0] != name + 1) {
		as_at_tok(as, d->ln, d->dir, "'%s' expects 'NAME, value'", d->dir->str);
		return;
	}
	as_assign(as, d->ln, name, operand_expr(d, 1, "a value"), d->arg);
}

static void d_global(struct dir_ctx *d)
{
	struct assembler *as = d->as;
	const struct tok **st = NULL, **en = NULL;
	size_t n = as_split_operands(d->args, d->end, st, en, 0);

	if (n == 0) {
		as_at_tok(as, d->ln, d->dir, "'%s' expects a symbol name", d->dir->str);
		return;
	}
	st = as_alloc(as, n * sizeof *st);
	en = as_alloc(as, n * sizeof *en);
	as_split_operands(d->args, d->end, st, en, n);
	for (size_t i = 0; i < n; i++) {
		const struct tok *t = st[i];
		if (en[i] - t != 1 || t->kind != TOK_IDENT) {
			as_at_tok(as, d->ln, t, "expected a symbol name, got '%s'", as_tok_text(as, d->ln, t));
			continue;
		}
		if (as_reserved_name(as, d->ln, t))
			continue;
		struct symbol *s = as_sym_get(as, t->str);
		if (!s->global) {
			s->global = true;
			s->global_line = d->ln;
			s->global_col = t->col;
			s->global_len = t->len;
		}
	}
}

/* ---- sources and messages ---- */

/* The single string operand of .include/.error/.warning, or NULL. */
static const struct tok *string_operand(struct dir_ctx *d)
{
	if (d->end - d->args == 1 && d->args->kind == TOK_STR)
		return d->args;
	as_at_tok(d->as, d->ln, d->args == d->end ? d->dir : d->args, "'%s' expects a string",
		  d->dir->str);
	return NULL;
}

static void d_include(struct dir_ctx *d)
{
	const struct tok *t = string_operand(d);
	if (!t)
		return;
	if (t->slen == 0 || strlen(t->str) != t->slen) {
		as_at_tok(d->as, d->ln, t, "bad file name in .include");
		return;
	}
	as_include(d->as, d->ln, t->str, t->col, t->len);
}

static void d_message(struct dir_ctx *d)
{
	const struct tok *t = string_operand(d);
	if (!t)
		return;
	if (d->arg)
		as_error(d->as, d->ln, d->dir->col, d->dir->len, "%s", t->str);
	else
		as_warning(d->as, d->ln, d->dir->col, d->dir->len, "%s", t->str);
}

static void d_macro(struct dir_ctx *d)
{
	struct toks tk = { (struct tok *)d->dir, (size_t)(d->end - d->dir) };
	as_macro_define(d->as, d->ln, &tk, d->dir);
}

static void d_endm(struct dir_ctx *d)
{
	as_at_tok(d->as, d->ln, d->dir, ".endm without .macro");
}

static void d_conditional(struct dir_ctx *d)
{
	as_at_tok(d->as, d->ln, d->dir, "'%s' must begin its line (not follow a label)", d->dir->str);
}

static const struct directive {
	const char *name;
	void (*fn)(struct dir_ctx *d);
	int arg;
} directives[] = {
	{ ".text", d_section, SEC_TEXT }, { ".data", d_section, SEC_DATA },
	{ ".bss", d_section, SEC_BSS }, { ".section", d_section_named, 0 },
	{ ".org", d_org, 0 }, { ".phase", d_phase, 0 }, { ".dephase", d_dephase, 0 },
	{ ".align", d_align, 0 }, { ".balign", d_align, 0 },
	{ ".word", d_data, 4 }, { ".long", d_data, 4 }, { ".half", d_data, 2 },
	{ ".short", d_data, 2 }, { ".byte", d_data, 1 },
	{ ".ascii", d_ascii, 0 }, { ".asciz", d_ascii, 1 }, { ".string", d_ascii, 1 },
	{ ".space", d_space, 0 }, { ".zero", d_space, 0 }, { ".skip", d_space, 0 },
	{ ".equ", d_equ, 0 }, { ".set", d_equ, 1 },
	{ ".global", d_global, 0 }, { ".globl", d_global, 0 },
	{ ".include", d_include, 0 }, { ".macro", d_macro, 0 }, { ".endm", d_endm, 0 },
	{ ".error", d_message, 1 }, { ".warning", d_message, 0 },
	{ ".if", d_conditional, 0 }, { ".ifdef", d_conditional, 0 },
	{ ".ifndef", d_conditional, 0 }, { ".elif", d_conditional, 0 },
	{ ".else", d_conditional, 0 }, { ".endif", d_conditional, 0 },
};

void as_directive(struct assembler *as, const struct as_line *ln, const struct toks *tk,
		  const struct tok *t)
{
	for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++) {
		if (strcasecmp(directives[i].name, t->str) != 0)
			continue;
		struct dir_ctx d = { .as = as, .ln = ln, .dir = t, .args = t + 1,
				     .end = tk->v + tk->n, .arg = directives[i].arg };
		d.n = as_split_operands(d.args, d.end, d.starts, d.ends, 8);
		directives[i].fn(&d);
		return;
	}
	as_at_tok(as, ln, t, "unknown directive '%s'", t->str);
}
