/*
 * asm_sym.c -- symbols (labels, .equ/.set constants) and numeric local
 * labels.
 *
 * A symbol is created the first time it is named, defined or not, so an
 * expression tree can point at it and see its value change.  A label's
 * value is an offset in its section until pass 1 has placed the sections.
 * .set may assign a symbol again; pass 2 replays the assignments in
 * order, so a use sees the value assigned last before it (a use before
 * the first assignment sees the last one, as in GNU as).
 */
#include "sim/asm/asm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* every definition of one numeric local label N:, in order */
struct as_local {
	int *sec;
	int64_t *off;
	size_t n, cap;
};

struct symbol *as_sym_find(const struct assembler *as, const char *name)
{
	return as_map_get(&as->symtab, name);
}

struct symbol *as_sym_get(struct assembler *as, const char *name)
{
	struct symbol *s = as_map_get(&as->symtab, name);
	if (s)
		return s;
	s = as_alloc(as, sizeof *s);
	s->name = as_strdup(as, name);
	s->state = SYM_UNDEF;
	s->sec = SEC_ABS;
	s->order = (uint32_t)as->nsyms;
	AS_GROW(as->syms, as->nsyms, as->capsyms);
	as->syms[as->nsyms++] = s;
	as_map_put(&as->symtab, s->name, s);
	return s;
}

bool as_reserved_name(struct assembler *as, const struct as_line *ln, const struct tok *t)
{
	if (isa_reg_lookup(t->str) < 0)
		return false;
	as_at_tok(as, ln, t, "'%s' is a register name and cannot be a symbol", t->str);
	return true;
}

static void first_defined(struct assembler *as, const struct symbol *s)
{
	if (s->def_line)
		as_note(as, s->def_line, s->def_col, s->def_len, "'%s' first defined here", s->name);
}

static void set_def(struct symbol *s, const struct as_line *ln, const struct tok *t)
{
	if (s->def_line)
		return;
	s->def_line = ln;
	s->def_col = t->col;
	s->def_len = t->len;
}

void as_define_label(struct assembler *as, const struct as_line *ln, const struct tok *t)
{
	if (as_reserved_name(as, ln, t))
		return;
	struct symbol *s = as_sym_get(as, t->str);
	if (s->state != SYM_UNDEF) {
		if (s->is_equ)
			as_at_tok(as, ln, t, "symbol '%s' is already defined", s->name);
		else
			as_at_tok(as, ln, t, "duplicate label '%s'", s->name);
		first_defined(as, s);
		return;
	}
	s->state = SYM_LABEL;
	as_here(as, &s->sec, &s->value);
	set_def(s, ln, t);
}

void as_assign(struct assembler *as, const struct as_line *ln, const struct tok *name,
	       struct expr *e, bool is_set)
{
	if (as_reserved_name(as, ln, name))
		return;
	struct symbol *s = as_sym_get(as, name->str);
	if (s->state != SYM_UNDEF && !(is_set && s->is_set && s->is_equ)) {
		if (s->is_equ || s->state != SYM_LABEL)
			as_at_tok(as, ln, name, "symbol '%s' is already defined%s", s->name,
				  s->is_set ? " (by .set; use .set to change it)" : "");
		else
			as_at_tok(as, ln, name, "symbol '%s' is already defined as a label", s->name);
		first_defined(as, s);
		return;
	}
	s->is_equ = true;
	s->is_set = is_set;
	set_def(s, ln, name);

	struct stmt *st = as_add_stmt(as, ST_SET, ln, name->col, 0);
	st->u.set.sym = s;
	st->u.set.e = e;
	if (!e) { /* the expression had a syntax error, already reported */
		s->state = SYM_BAD;
		st->bad = true;
		return;
	}
	struct val v;
	switch (as_eval(as, e, ln, false, &v, NULL)) {
	case VAL_OK:
		s->state = SYM_VALUE;
		s->sec = v.sec;
		s->value = v.v;
		st->u.set.known = true;
		st->u.set.v = v;
		break;
	case VAL_UNKNOWN: /* a forward reference: settled at the end of pass 1 or in pass 2 */
		s->state = SYM_PENDING;
		s->expr = e;
		s->expr_line = ln;
		break;
	case VAL_BAD:
		as_eval(as, e, ln, true, &v, NULL); /* again, to report it */
		s->state = SYM_BAD;
		st->bad = true;
		break;
	}
}

/* A growable stack of pointers (symbols or expressions). */
struct ptrstack {
	const void **v;
	size_t n, cap;
};

static void ps_push(struct ptrstack *st, const void *p)
{
	AS_GROW(st->v, st->n, st->cap);
	st->v[st->n++] = p;
}

/* Does the pending symbol's definition lead back to target?  Marks
 * visited symbols with `mark` so each is explored once.  With an explicit
 * stack: a chain of a hundred thousand .equ must not recurse as deep. */
static bool reaches(const struct expr *root, const struct symbol *target, uint32_t *marks,
		    uint32_t mark, struct ptrstack *st, uint64_t *work)
{
	st->n = 0;
	ps_push(st, root);
	while (st->n) {
		const struct expr *e = st->v[--st->n];
		if (!e || !*work)
			continue;
		--*work;
		if (e->kind == EX_SYM) {
			const struct symbol *s = e->sym;
			if (s == target)
				return true;
			if (s->state != SYM_PENDING || marks[s->order] == mark)
				continue;
			marks[s->order] = mark;
			ps_push(st, s->expr);
			continue;
		}
		ps_push(st, e->a);
		ps_push(st, e->b);
	}
	return false;
}

/* The first symbol in e still pending and not yet visited (state[] 0). */
static struct symbol *next_dep(const struct expr *e, const uint8_t *state)
{
	struct symbol *d;

	if (!e)
		return NULL;
	if (e->kind == EX_SYM)
		return e->sym->state == SYM_PENDING && !state[e->sym->order] ? e->sym : NULL;
	/* trees are at most MAX_OPERATORS + MAX_NESTING deep (asm_expr.c) */
	return (d = next_dep(e->a, state)) ? d : next_dep(e->b, state);
}

static void try_value(struct assembler *as, struct symbol *s)
{
	struct val v;

	if (s->state == SYM_PENDING &&
	    as_eval(as, s->expr, s->expr_line, false, &v, NULL) == VAL_OK) {
		s->state = SYM_VALUE;
		s->sec = v.sec;
		s->value = v.v;
	}
}

void as_resolve_pending(struct assembler *as)
{
	/* Forward references resolve in any order.  Each pending symbol is
	 * evaluated after those its definition names (depth first, with an
	 * explicit stack), so one pass does it: repeating passes until nothing
	 * moved took N passes for a chain written backwards (N^2 in all). */
	uint8_t *state = as_alloc(as, as->nsyms ? as->nsyms : 1); /* 1 on stack, 2 done */
	struct ptrstack st = { 0 };
	for (size_t i = 0; i < as->nsyms; i++) {
		struct symbol *s = as->syms[i];
		if (s->state != SYM_PENDING || state[s->order])
			continue;
		state[s->order] = 1;
		ps_push(&st, s);
		while (st.n) {
			struct symbol *t = (struct symbol *)st.v[st.n - 1];
			struct symbol *d = next_dep(t->expr, state);
			if (d) { /* on the stack already (1): a cycle, reported below */
				state[d->order] = 1;
				ps_push(&st, d);
				continue;
			}
			st.n--;
			state[t->order] = 2;
			try_value(as, t);
		}
	}
	for (bool progress = true; progress;) { /* anything the order did not settle */
		progress = false;
		for (size_t i = 0; i < as->nsyms; i++) {
			bool was = as->syms[i]->state == SYM_PENDING;
			try_value(as, as->syms[i]);
			progress |= was && as->syms[i]->state != SYM_PENDING;
		}
	}
	/* what is still pending depends on itself or on something undefined
	 * (which pass 2 reports at the definition); report cycles in source
	 * order, once */
	uint32_t *marks = NULL;
	uint32_t mark = 0;
	/* Each check walks a chain of definitions: a long chain left pending by
	 * an undefined symbol at its end would cost N walks of N.  Past this
	 * much work in all the rest is reported at once, not checked. */
	uint64_t work = 4000000;
	for (size_t i = 0; i < as->nstmts; i++) {
		struct symbol *s = as->stmts[i].kind == ST_SET ? as->stmts[i].u.set.sym : NULL;
		if (!s || s->state != SYM_PENDING)
			continue;
		if (!marks)
			marks = as_alloc(as, as->nsyms * sizeof *marks);
		bool cycle = reaches(s->expr, s, marks, ++mark, &st, &work);
		if (!work) {
			as_error(as, s->def_line, s->def_col, s->def_len,
				 "the value of '%s' depends on a chain of definitions too long to "
				 "follow", s->name);
			for (size_t k = 0; k < as->nsyms; k++)
				if (as->syms[k]->state == SYM_PENDING)
					as->syms[k]->state = SYM_BAD;
			break;
		}
		if (cycle) {
			as_error(as, s->def_line, s->def_col, s->def_len,
				 "the value of '%s' depends on itself", s->name);
			s->state = SYM_BAD;
		}
	}
	free(st.v);
	for (size_t i = 0; i < as->nsyms; i++) {
		const struct symbol *s = as->syms[i];
		if (s->global && s->state == SYM_UNDEF)
			as_error(as, s->global_line, s->global_col, s->global_len,
				 "'%s' is declared .global but never defined", s->name);
	}
}

/* ---- numeric local labels ---- */

static struct as_local *local_of(const struct assembler *as, uint32_t num)
{
	char key[16];
	snprintf(key, sizeof key, "%u", num);
	return as_map_get(&as->locals, key);
}

void as_define_local(struct assembler *as, uint32_t num)
{
	struct as_local *l = local_of(as, num);
	if (!l) {
		l = as_alloc(as, sizeof *l);
		as_map_put(&as->locals, as_printf(as, "%u", num), l);
	}
	size_t cap = l->cap;
	AS_GROW(l->sec, l->n, l->cap);
	if (cap != l->cap)
		l->off = as_xrealloc(l->off, l->cap * sizeof *l->off);
	as_here(as, &l->sec[l->n], &l->off[l->n]);
	l->n++;
}

uint32_t as_local_count(const struct assembler *as, uint32_t num)
{
	const struct as_local *l = local_of(as, num);
	return l ? (uint32_t)l->n : 0;
}

bool as_local_get(const struct assembler *as, uint32_t num, uint32_t idx, int *sec, int64_t *off)
{
	const struct as_local *l = local_of(as, num);
	if (!l || idx >= l->n)
		return false;
	*sec = l->sec[idx];
	*off = l->off[idx];
	return true;
}

void as_locals_free(struct assembler *as)
{
	for (size_t i = 0; i < as->locals.cap; i++) {
		struct as_local *l = as->locals.vals ? as->locals.vals[i] : NULL;
		if (as->locals.keys[i] && l) {
			free(l->sec);
			free(l->off);
		}
	}
	as_map_free(&as->locals);
}
