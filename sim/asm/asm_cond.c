/*
 * asm_cond.c -- conditional assembly: .if EXPR, .ifdef NAME, .ifndef NAME,
 * .elif EXPR, .else, .endif, nested.
 *
 * A condition is decided in pass 1, when the line is read, so it may use
 * only constants and symbols defined above it; the decision is the same
 * for both passes because pass 2 never reads source lines again.  Lines
 * in a skipped block are not even tokenized, except to find the
 * directives that open and close blocks.
 */
#include "sim/asm/asm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct as_cond {
	struct as_cond *up;
	bool outer_active;  /* was the enclosing block assembled?        */
	bool active;        /* is the current branch assembled?          */
	bool taken;         /* has some branch been chosen already?      */
	bool seen_else;
	const struct as_line *line; /* the .if, for "missing .endif"      */
	uint32_t col, len;
	const struct as_src *src; /* the source it was opened in (file or macro) */
};

enum cond_dir { C_NONE, C_IF, C_IFDEF, C_IFNDEF, C_ELIF, C_ELSE, C_ENDIF };

/* The directive that starts the line, if it is a conditional one. */
static enum cond_dir first_directive(const char *text, uint32_t *col, uint32_t *len)
{
	static const struct { const char *name; enum cond_dir d; } names[] = {
		{ ".if", C_IF }, { ".ifdef", C_IFDEF }, { ".ifndef", C_IFNDEF },
		{ ".elif", C_ELIF }, { ".else", C_ELSE }, { ".endif", C_ENDIF },
	};
	size_t start, n = as_leading_name(text, &start);
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		if (n == strlen(names[k].name) && strncasecmp(text + start, names[k].name, n) == 0) {
			*col = (uint32_t)start + 1;
			*len = (uint32_t)n;
			return names[k].d;
		}
	return C_NONE;
}

bool as_cond_active(const struct assembler *as)
{
	return !as->cond || as->cond->active;
}

size_t as_cond_depth(const struct assembler *as)
{
	return as->cond_depth;
}

static void push_cond(struct assembler *as, const struct as_line *ln, uint32_t col, uint32_t len,
		      bool outer, bool value)
{
	struct as_cond *c = as_xrealloc(NULL, sizeof *c);
	memset(c, 0, sizeof *c);
	c->up = as->cond;
	c->outer_active = outer;
	c->active = outer && value;
	c->taken = !outer || value; /* a skipped block never takes a branch */
	c->line = ln;
	c->col = col;
	c->len = len;
	c->src = as->src;
	as->cond = c;
	as->cond_depth++;
}

static void pop_cond(struct assembler *as)
{
	struct as_cond *c = as->cond;
	as->cond = c->up;
	as->cond_depth--;
	free(c);
}

/* Evaluate the operand of .if/.elif/.ifdef/.ifndef. */
static bool condition(struct assembler *as, const struct as_line *ln, enum cond_dir d)
{
	struct toks tk;
	if (!as_lex(as, ln, &tk))
		return false;
	const struct tok *dir = tk.v, *a = dir + 1, *end = tk.v + tk.n;
	if (d == C_IFDEF || d == C_IFNDEF) {
		if (end - a != 1 || a->kind != TOK_IDENT) {
			as_at_tok(as, ln, a, "'%s' expects one symbol name, got '%s'", dir->str,
				  a == end ? "end of line" : as_span_text(as, ln, a, end - 1));
			return false;
		}
		const struct symbol *s = as_sym_find(as, a->str);
		bool defined = s && s->state != SYM_UNDEF;
		return d == C_IFDEF ? defined : !defined;
	}
	struct expr *e = as_parse_range(as, ln, a, end, "a condition");
	int64_t v;
	if (!e || !as_eval_now_abs(as, e, ln, as_printf(as, "'%s' condition", dir->str), &v))
		return false;
	return v != 0;
}

/* .elif/.else/.endif need an open .if from the same source. */
static struct as_cond *open_cond(struct assembler *as, const struct as_line *ln, uint32_t col,
				 uint32_t len, const char *name)
{
	if (as->cond && as->cond->src == as->src)
		return as->cond;
	as_error(as, ln, col, len, "'%s' without '.if'", name);
	return NULL;
}

bool as_cond_line(struct assembler *as, const struct as_line *ln)
{
	uint32_t col = 0, len = 0;
	enum cond_dir d = first_directive(ln->text, &col, &len);
	struct as_cond *c;
	char name[8];

	if (d == C_NONE)
		return !as_cond_active(as);
	snprintf(name, sizeof name, "%.*s", (int)len, ln->text + col - 1);
	switch (d) {
	case C_IF:
	case C_IFDEF:
	case C_IFNDEF: {
		bool outer = as_cond_active(as);
		push_cond(as, ln, col, len, outer, outer && condition(as, ln, d));
		break;
	}
	case C_ELIF:
		if (!(c = open_cond(as, ln, col, len, name)))
			break;
		if (c->seen_else) {
			as_error(as, ln, col, len, "'.elif' after '.else'");
			c->active = false;
			break;
		}
		c->active = c->outer_active && !c->taken && condition(as, ln, d);
		c->taken |= c->active;
		break;
	case C_ELSE:
		if (!(c = open_cond(as, ln, col, len, name)))
			break;
		if (c->seen_else)
			as_error(as, ln, col, len, "'.else' after '.else'");
		else if (c->outer_active) /* in a skipped block nothing is parsed */
			as_nothing_after(as, ln, col - 1 + len, name);
		c->active = c->outer_active && !c->taken;
		c->taken = true;
		c->seen_else = true;
		break;
	case C_ENDIF:
		if (!(c = open_cond(as, ln, col, len, name)))
			break;
		if (c->outer_active)
			as_nothing_after(as, ln, col - 1 + len, name);
		pop_cond(as);
		break;
	case C_NONE:
		break;
	}
	return true;
}

void as_cond_unwind(struct assembler *as, size_t depth, const char *macro)
{
	while (as->cond_depth > depth) {
		const struct as_cond *c = as->cond;
		if (macro)
			as_error(as, c->line, c->col, c->len, "missing .endif in macro '%s'", macro);
		else
			as_error(as, c->line, c->col, c->len, "missing .endif");
		pop_cond(as);
	}
}

void as_cond_free(struct assembler *as)
{
	while (as->cond)
		pop_cond(as);
}
