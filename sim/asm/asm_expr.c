/*
 * asm_expr.c -- expressions: parse into a tree in pass 1, evaluate when
 * the value is needed (pass 1 for sizes and conditions, pass 2 for the
 * rest).
 *
 * Values are 64-bit and wrap.  A label or `.` is an offset in its
 * section, and becomes an address only where one is needed (an operator
 * other than `label - label` in one section or `label +/- constant`, or
 * the final value).  In pass 1 the address may not be fixed yet (.data is
 * placed after .text ends): such a value is "unknown until pass 2".
 * Keeping offsets as long as possible also means that `b - a` or
 * `.org . + 8` do not use the section's address (see as_sec_addr).
 *
 * Operators and precedence are C's:
 *   unary - ~ !   * / %   + -   << >>   < <= > >=   == !=   &   ^   |   &&   ||
 * plus hi(x) = (x >> 16) & 0xffff and lo(x) = x & 0xffff.
 */
#include "sim/asm/asm_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_NESTING 200 /* parentheses and unary operators: keeps the C stack small */
/* Binary operators in one expression.  `1+1+1...` parses in a loop but
 * builds a tree as deep as it is long, which evaluation walks recursively:
 * 30 000 of them overflowed the host stack. */
#define MAX_OPERATORS 1000

struct parser {
	struct assembler *as;
	struct pcur *cur;
	int depth;
	int operators;
};

static struct expr *node(struct assembler *as, enum expr_kind kind, const struct tok *t)
{
	struct expr *e = as_alloc(as, sizeof *e);
	e->kind = kind;
	e->col = t->col;
	e->len = t->len ? t->len : 1;
	return e;
}

static bool is_punct(const struct tok *t, int p)
{
	return t->kind == TOK_PUNCT && t->punct == p;
}

static int precedence(const struct tok *t)
{
	if (t->kind != TOK_PUNCT)
		return 0;
	switch (t->punct) {
	case P_OROR: return 1;
	case P_ANDAND: return 2;
	case '|': return 3;
	case '^': return 4;
	case '&': return 5;
	case P_EQ: case P_NE: return 6;
	case '<': case '>': case P_LE: case P_GE: return 7;
	case P_SHL: case P_SHR: return 8;
	case '+': case '-': return 9;
	case '*': case '/': case '%': return 10;
	default: return 0;
	}
}

static struct expr *parse_binary(struct parser *p, int minprec);

static struct expr *expected(struct parser *p, const char *what)
{
	const struct tok *t = p->cur->t;
	as_at_tok(p->as, p->cur->ln, t, "expected %s, got '%s'", what,
		  as_tok_text(p->as, p->cur->ln, t));
	return NULL;
}

static struct expr *parse_local(struct parser *p, const struct tok *t)
{
	struct expr *e = node(p->as, EX_LOCAL, t);
	uint32_t n = (uint32_t)t->num, count = as_local_count(p->as, n);
	e->local_num = n;
	e->local_fwd = t->forward;
	/* `Nb` is the latest `N:` so far, `Nf` the next one */
	e->local_idx = t->forward ? count : (count ? count - 1 : UINT32_MAX);
	return e;
}

static struct expr *parse_primary(struct parser *p)
{
	struct assembler *as = p->as;
	struct pcur *c = p->cur;
	const struct tok *t = c->t;

	if (t >= c->end)
		return expected(p, "an expression");
	switch (t->kind) {
	case TOK_NUM: {
		struct expr *e = node(as, EX_NUM, t);
		e->num = t->num;
		c->t++;
		return e;
	}
	case TOK_LOCAL:
		c->t++;
		return parse_local(p, t);
	case TOK_DOT: {
		struct expr *e = node(as, EX_DOT, t);
		as_here(as, &e->sec, &e->num);
		e->num += as->dot_bias;
		c->t++;
		return e;
	}
	case TOK_IDENT: {
		bool call = t + 1 < c->end && is_punct(t + 1, '(');
		if (call && (!strcasecmp(t->str, "hi") || !strcasecmp(t->str, "lo"))) {
			struct expr *e = node(as, tolower((unsigned char)t->str[0]) == 'h' ? EX_HI : EX_LO, t);
			c->t += 2;
			if (!(e->a = parse_binary(p, 1)))
				return NULL;
			if (c->t >= c->end || !is_punct(c->t, ')'))
				return expected(p, "')'");
			c->t++;
			return e;
		}
		if (isa_reg_lookup(t->str) >= 0) {
			as_at_tok(as, c->ln, t, "unexpected register '%s' in expression", t->str);
			return NULL;
		}
		struct expr *e = node(as, EX_SYM, t);
		e->sym = as_sym_get(as, t->str);
		c->t++;
		return e;
	}
	case TOK_PUNCT:
		if (t->punct == '(') {
			c->t++;
			struct expr *e = parse_binary(p, 1);
			if (!e)
				return NULL;
			if (c->t >= c->end || !is_punct(c->t, ')'))
				return expected(p, "')'");
			c->t++;
			return e;
		}
		return expected(p, "an expression");
	default:
		return expected(p, "an expression");
	}
}

static struct expr *parse_unary(struct parser *p)
{
	const struct tok *t = p->cur->t;

	if (++p->depth > MAX_NESTING) {
		as_at_tok(p->as, p->cur->ln, t, "expression nested too deeply");
		return NULL;
	}
	struct expr *e;
	if (t < p->cur->end && t->kind == TOK_PUNCT &&
	    (t->punct == '-' || t->punct == '~' || t->punct == '!' || t->punct == '+')) {
		p->cur->t++;
		struct expr *a = parse_unary(p);
		if (!a || t->punct == '+') {
			e = a;
		} else {
			e = node(p->as, EX_UNARY, t);
			e->op = t->punct;
			e->a = a;
		}
	} else {
		e = parse_primary(p);
	}
	p->depth--;
	return e;
}

static struct expr *parse_binary(struct parser *p, int minprec)
{
	struct expr *lhs = parse_unary(p);
	if (!lhs)
		return NULL;
	for (;;) {
		const struct tok *t = p->cur->t;
		int prec = t < p->cur->end ? precedence(t) : 0;
		if (prec < minprec || prec == 0)
			return lhs;
		if (++p->operators > MAX_OPERATORS) {
			as_at_tok(p->as, p->cur->ln, t, "expression too long (more than %d operators)",
				  MAX_OPERATORS);
			return NULL;
		}
		p->cur->t++;
		struct expr *rhs = parse_binary(p, prec + 1);
		if (!rhs)
			return NULL;
		struct expr *e = node(p->as, EX_BINARY, t);
		e->op = t->punct;
		e->a = lhs;
		e->b = rhs;
		lhs = e;
	}
}

struct expr *as_parse_expr(struct assembler *as, struct pcur *cur)
{
	struct parser p = { as, cur, 0, 0 };
	return parse_binary(&p, 1);
}

struct expr *as_parse_range(struct assembler *as, const struct as_line *ln, const struct tok *a,
			    const struct tok *end, const char *what)
{
	struct pcur cur = { ln, a, end };
	if (a == end) {
		struct parser p = { as, &cur, 0, 0 };
		return expected(&p, what);
	}
	struct expr *e = as_parse_expr(as, &cur);
	if (e && cur.t != end) {
		as_at_tok(as, ln, cur.t, "unexpected '%s' after expression",
			  as_tok_text(as, ln, cur.t));
		return NULL;
	}
	if (e) {
		e->scol = a->col;
		e->slen = end[-1].col + end[-1].len - a->col;
	}
	return e;
}

/* ---- evaluation ---- */

struct evaluator {
	struct assembler *as;
	const struct as_line *ln;
	const struct expr *root; /* the whole expression: where an address is used */
	bool report;
	struct val_why *why;
};

static enum val_status unknown(struct evaluator *ev, const struct expr *e, const char *reason)
{
	if (ev->why && !ev->why->reason) {
		ev->why->node = e;
		ev->why->reason = reason;
	}
	return VAL_UNKNOWN;
}

/* A section offset becomes an address if the section's base is known
 * (always in pass 2). */
static bool absolutize(struct evaluator *ev, struct val *v)
{
	const struct expr *r = ev->root;
	return as_sec_addr(ev->as, v, ev->ln, r->scol ? r->scol : r->col, r->scol ? r->slen : r->len);
}

static enum val_status eval_sym(struct evaluator *ev, const struct expr *e, struct val *out)
{
	struct assembler *as = ev->as;
	const struct symbol *s = e->sym;

	switch (s->state) {
	case SYM_LABEL:
	case SYM_VALUE:
		out->v = s->value;
		out->sec = s->sec;
		return VAL_OK;
	case SYM_UNDEF:
		if (as->pass == 1)
			return unknown(ev, e, as_printf(as, "symbol '%s' is not defined yet", s->name));
		if (ev->report)
			as_error(as, ev->ln, e->col, e->len, "undefined symbol '%s'", s->name);
		return VAL_BAD;
	case SYM_PENDING:
		if (as->pass == 1)
			return unknown(ev, e, as_printf(as, "the value of '%s' is not known yet", s->name));
		return VAL_BAD; /* its definition reports why */
	case SYM_BAD:
		return VAL_BAD;
	}
	return VAL_BAD;
}

static enum val_status eval_local(struct evaluator *ev, const struct expr *e, struct val *out)
{
	struct assembler *as = ev->as;
	int sec;
	int64_t off;

	if (e->local_idx != UINT32_MAX && as_local_get(as, e->local_num, e->local_idx, &sec, &off)) {
		out->v = off;
		out->sec = sec;
		return VAL_OK;
	}
	if (as->pass == 1 && e->local_fwd)
		return unknown(ev, e, as_printf(as, "local label '%uf' is not defined yet", e->local_num));
	if (ev->report)
		as_error(as, ev->ln, e->col, e->len, "undefined local label '%u%c' (no '%u:' %s this line)",
			 e->local_num, e->local_fwd ? 'f' : 'b', e->local_num,
			 e->local_fwd ? "after" : "before");
	return VAL_BAD;
}

static enum val_status need_abs(struct evaluator *ev, const struct expr *e, struct val *v)
{
	int sec = v->sec;
	if (absolutize(ev, v))
		return VAL_OK;
	return unknown(ev, e, as_printf(ev->as, "the address of %s is not fixed until the end of assembly",
					ev->as->sec[sec].name));
}

static enum val_status eval(struct evaluator *ev, const struct expr *e, struct val *out);

static enum val_status eval_unary(struct evaluator *ev, const struct expr *e, struct val *out)
{
	struct val a;
	enum val_status st = eval(ev, e->a, &a);
	if (st == VAL_OK)
		st = need_abs(ev, e, &a);
	if (st != VAL_OK)
		return st;
	out->sec = SEC_ABS;
	switch (e->kind) {
	case EX_HI: out->v = (int64_t)(((uint64_t)a.v >> 16) & 0xffff); break;
	case EX_LO: out->v = a.v & 0xffff; break;
	default:
		switch (e->op) {
		case '-': out->v = (int64_t)(0 - (uint64_t)a.v); break;
		case '~': out->v = ~a.v; break;
		default: out->v = !a.v; break;
		}
	}
	return VAL_OK;
}

static int64_t shift_right(int64_t v, int64_t n)
{
	/* arithmetic, without relying on implementation-defined >> */
	uint64_t u = (uint64_t)v >> n;
	if (v < 0 && n)
		u |= ~(UINT64_MAX >> n);
	return (int64_t)u;
}

static enum val_status eval_binary(struct evaluator *ev, const struct expr *e, struct val *out)
{
	struct assembler *as = ev->as;
	struct val a, b;
	enum val_status sa = eval(ev, e->a, &a), sb = eval(ev, e->b, &b);

	if (sa == VAL_BAD || sb == VAL_BAD)
		return VAL_BAD;
	if (sa != VAL_OK || sb != VAL_OK)
		return VAL_UNKNOWN;
	out->sec = SEC_ABS;
	/* section-relative arithmetic that pass 1 can do */
	if (e->op == '+' && (a.sec == SEC_ABS) != (b.sec == SEC_ABS)) {
		out->sec = a.sec == SEC_ABS ? b.sec : a.sec;
		out->v = (int64_t)((uint64_t)a.v + (uint64_t)b.v);
		return VAL_OK;
	}
	if (e->op == '-' && b.sec == SEC_ABS && a.sec != SEC_ABS) {
		out->sec = a.sec;
		out->v = (int64_t)((uint64_t)a.v - (uint64_t)b.v);
		return VAL_OK;
	}
	if (e->op == '-' && a.sec == b.sec) {
		out->v = (int64_t)((uint64_t)a.v - (uint64_t)b.v);
		return VAL_OK;
	}
	enum val_status st = need_abs(ev, e, &a);
	if (st == VAL_OK)
		st = need_abs(ev, e, &b);
	if (st != VAL_OK)
		return st;

	int64_t x = a.v, y = b.v;
	switch (e->op) {
	case '+': out->v = (int64_t)((uint64_t)x + (uint64_t)y); break;
	case '-': out->v = (int64_t)((uint64_t)x - (uint64_t)y); break;
	case '*': out->v = (int64_t)((uint64_t)x * (uint64_t)y); break;
	case '/':
	case '%':
		if (y == 0) {
			if (ev->report)
				as_error(as, ev->ln, e->col, e->len, "division by zero in expression");
			return VAL_BAD;
		}
		if (y == -1) /* INT64_MIN / -1 overflows in C; wrap instead */
			out->v = e->op == '/' ? (int64_t)(0 - (uint64_t)x) : 0;
		else
			out->v = e->op == '/' ? x / y : x % y;
		break;
	case P_SHL:
	case P_SHR:
		if (y < 0 || y > 63) {
			if (ev->report)
				as_error(as, ev->ln, e->col, e->len,
					 "shift count %lld is out of range (0..63)", (long long)y);
			return VAL_BAD;
		}
		out->v = e->op == P_SHL ? (int64_t)((uint64_t)x << y) : shift_right(x, y);
		break;
	case '&': out->v = x & y; break;
	case '^': out->v = x ^ y; break;
	case '|': out->v = x | y; break;
	case '<': out->v = x < y; break;
	case '>': out->v = x > y; break;
	case P_LE: out->v = x <= y; break;
	case P_GE: out->v = x >= y; break;
	case P_EQ: out->v = x == y; break;
	case P_NE: out->v = x != y; break;
	case P_ANDAND: out->v = x && y; break;
	case P_OROR: out->v = x || y; break;
	}
	return VAL_OK;
}

static enum val_status eval(struct evaluator *ev, const struct expr *e, struct val *out)
{
	switch (e->kind) {
	case EX_NUM:
		out->v = e->num;
		out->sec = SEC_ABS;
		return VAL_OK;
	case EX_SYM:
		return eval_sym(ev, e, out);
	case EX_LOCAL:
		return eval_local(ev, e, out);
	case EX_DOT:
		out->v = e->num;
		out->sec = e->sec;
		return VAL_OK;
	case EX_UNARY:
	case EX_HI:
	case EX_LO:
		return eval_unary(ev, e, out);
	case EX_BINARY:
		return eval_binary(ev, e, out);
	}
	return VAL_BAD;
}

/* Evaluate e; an offset result becomes an address if `address` and the
 * section's base is known. */
static enum val_status evaluate(struct assembler *as, const struct expr *e, const struct as_line *ln,
				bool report, bool address, struct val *out, struct val_why *why)
{
	struct evaluator ev = { as, ln, e, report, why };
	if (why)
		memset(why, 0, sizeof *why);
	out->v = 0;
	out->sec = SEC_ABS;
	enum val_status st = eval(&ev, e, out);
	if (st == VAL_OK && address)
		absolutize(&ev, out);
	return st;
}

enum val_status as_eval(struct assembler *as, const struct expr *e, const struct as_line *ln,
			bool report, struct val *out, struct val_why *why)
{
	return evaluate(as, e, ln, report, true, out, why);
}

static bool eval_now(struct assembler *as, const struct expr *e, const struct as_line *ln,
		     const char *what, bool address, struct val *out)
{
	struct val_why why;
	switch (evaluate(as, e, ln, true, address, out, &why)) {
	case VAL_OK:
		return true;
	case VAL_UNKNOWN:
		as_error(as, ln, why.node->col, why.node->len, "%s must be known here, but %s", what,
			 why.reason);
		return false;
	default:
		return false;
	}
}

bool as_eval_now(struct assembler *as, const struct expr *e, const struct as_line *ln,
		 const char *what, struct val *out)
{
	return eval_now(as, e, ln, what, false, out);
}

bool as_eval_now_abs(struct assembler *as, const struct expr *e, const struct as_line *ln,
		     const char *what, int64_t *out)
{
	struct val v;
	if (!eval_now(as, e, ln, what, true, &v))
		return false;
	if (v.sec != SEC_ABS) {
		as_error(as, ln, e->col, e->len,
			 "%s must be known here, but the address of %s is not fixed until the end of assembly",
			 what, as->sec[v.sec].name);
		return false;
	}
	*out = v.v;
	return true;
}
