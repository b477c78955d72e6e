/*
 * asm_macro.c -- .macro NAME [p1[=default], p2 ...] ... .endm, and calls.
 *
 * A macro body is kept as raw text.  A call substitutes `\p` with the
 * argument text, `\@` with a number unique to this expansion (for labels
 * inside macros) and `\()` with nothing (to glue `\p\()suffix`), then
 * pushes the lines as a new source; they are read like any other lines,
 * so macros may call macros, include files and hold conditionals.
 *
 * Arguments are separated by commas outside parentheses and strings; an
 * argument `p=value` names its parameter; an empty one takes the default.
 */
#include "sim/asm/asm_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_LINE_BYTES (64u * 1024) /* one expanded line */

struct as_macro_def {
	const char *name;
	size_t nparams;
	const char **params;
	const char **defaults;   /* NULL: the argument is required            */
	char **body;             /* raw lines (arena)                         */
	uint32_t *bfile, *bline; /* where each body line was written          */
	size_t nbody, capbody;
	const struct as_line *line; /* the .macro line, for notes             */
	uint32_t col, len;
	int nesting;             /* while recording: inner .macro levels       */
	bool discard;            /* a bad definition: record, then drop        */
};

/* Does the line start with this directive?  *end: the offset after it. */
static bool starts_with(const char *text, const char *dir, size_t *end)
{
	size_t start, n = as_leading_name(text, &start);
	*end = start + n;
	return n == strlen(dir) && strncasecmp(text + start, dir, n) == 0;
}

static void def_free(struct as_macro_def *m)
{
	free(m->body);
	free(m->bfile);
	free(m->bline);
	free(m->params);
	free(m->defaults);
	free(m);
}

bool as_macro_line(struct assembler *as, const struct as_line *ln)
{
	struct as_macro_def *m = as->defining;
	if (!m)
		return false;
	size_t end;
	if (starts_with(ln->text, ".macro", &end)) {
		m->nesting++;
	} else if (starts_with(ln->text, ".endm", &end)) {
		if (m->nesting == 0) {
			as_nothing_after(as, ln, end, ".endm");
			as->defining = NULL;
			if (m->discard)
				def_free(m);
			else
				as_map_put(&as->macros, m->name, m);
			return true;
		}
		m->nesting--;
	}
	size_t cap = m->capbody;
	AS_GROW(m->body, m->nbody, m->capbody);
	if (cap != m->capbody) {
		m->bfile = as_xrealloc(m->bfile, m->capbody * sizeof *m->bfile);
		m->bline = as_xrealloc(m->bline, m->capbody * sizeof *m->bline);
	}
	m->body[m->nbody] = (char *)ln->text;
	m->bfile[m->nbody] = ln->file;
	m->bline[m->nbody] = ln->line;
	m->nbody++;
	return true;
}

static void add_param(struct assembler *as, struct as_macro_def *m, const struct as_line *ln,
		      const struct tok *t, const char *def)
{
	for (size_t i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i], t->str) == 0) {
			as_at_tok(as, ln, t, "duplicate macro parameter '%s'", t->str);
			m->discard = true;
			return;
		}
	m->params = as_xrealloc(m->params, (m->nparams + 1) * sizeof *m->params);
	m->defaults = as_xrealloc(m->defaults, (m->nparams + 1) * sizeof *m->defaults);
	m->params[m->nparams] = as_strdup(as, t->str);
	m->defaults[m->nparams] = def;
	m->nparams++;
}

void as_macro_define(struct assembler *as, const struct as_line *ln, const struct toks *tk,
		     const struct tok *t)
{
	struct as_macro_def *m = as_xrealloc(NULL, sizeof *m);
	memset(m, 0, sizeof *m);
	m->line = ln;
	m->col = t->col;
	m->len = t->len;
	as->defining = m; /* the body is recorded (and dropped if bad) in any case */

	const struct tok *p = t + 1, *end = tk->v + tk->n;
	if (p->kind != TOK_IDENT || p->str[0] == '.') {
		as_at_tok(as, ln, p, "expected a macro name, got '%s'", as_tok_text(as, ln, p));
		m->discard = true;
		return;
	}
	m->name = as_strdup(as, p->str);
	const struct as_macro_def *old = as_map_get(&as->macros, m->name);
	if (old) {
		as_at_tok(as, ln, p, "macro '%s' is already defined", m->name);
		as_note(as, old->line, old->col, old->len, "'%s' first defined here", m->name);
		m->discard = true;
	} else if (as_is_mnemonic(m->name)) { /* macros are looked up first: `nop` is the macro */
		as_warning(as, ln, p->col, p->len, "macro '%s' hides the instruction of the same name",
			   m->name);
	}
	/* parameters: names separated by commas or blanks, each maybe =default */
	for (p++; p < end;) {
		if (p->kind == TOK_PUNCT && p->punct == ',') {
			p++;
			continue;
		}
		if (p->kind != TOK_IDENT) {
			as_at_tok(as, ln, p, "expected a parameter name, got '%s'", as_tok_text(as, ln, p));
			m->discard = true;
			return;
		}
		const struct tok *name = p++;
		const char *def = NULL;
		if (p < end && p->kind == TOK_PUNCT && p->punct == '=') {
			const struct tok *v = ++p;
			while (p < end && !(p->kind == TOK_PUNCT && p->punct == ','))
				p++;
			def = v == p ? "" : as_span_text(as, ln, v, p - 1);
		}
		add_param(as, m, ln, name, def);
	}
}

void as_macro_finish(struct assembler *as)
{
	struct as_macro_def *m = as->defining;
	if (!m)
		return;
	as_error(as, m->line, m->col, m->len, "missing .endm");
	as->defining = NULL;
	def_free(m);
}

/* Growable byte buffer for substitution. */
struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		while (b->n + n + 1 > b->cap)
			b->cap = b->cap ? 2 * b->cap : 128;
		b->p = as_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void substitute(struct buf *b, const char *text, const struct as_macro_def *m,
		       const char *const *args, unsigned counter)
{
	b->n = 0;
	put(b, "", 0);
	for (const char *s = text; *s;) {
		if (s[0] != '\\') {
			put(b, s++, 1);
			continue;
		}
		if (s[1] == '@') {
			char num[16];
			put(b, num, (size_t)snprintf(num, sizeof num, "%u", counter));
			s += 2;
			continue;
		}
		if (s[1] == '(' && s[2] == ')') {
			s += 3;
			continue;
		}
		size_t n = 0;
		while (isalnum((unsigned char)s[1 + n]) || s[1 + n] == '_')
			n++;
		size_t k;
		for (k = 0; k < m->nparams; k++)
			if (strlen(m->params[k]) == n && strncmp(m->params[k], s + 1, n) == 0)
				break;
		if (n && k < m->nparams) {
			put(b, args[k], strlen(args[k]));
			s += 1 + n;
		} else {
			put(b, s++, 1);
		}
	}
}

/* Match the call's arguments to the parameters; false after reporting. */
static bool bind_args(struct assembler *as, const struct as_line *ln, const struct as_macro_def *m,
		      const struct tok *name, const struct tok *a, const struct tok *end,
		      const char **args)
{
	const struct tok *starts[64], *ends[64];
	size_t n = as_split_operands(a, end, starts, ends, 64);
	size_t next = 0;
	bool ok = true;

	for (size_t k = 0; k < m->nparams; k++)
		args[k] = NULL;
	for (size_t i = 0; i < n && i < 64; i++) {
		const struct tok *s = starts[i], *e = ends[i];
		size_t k = m->nparams;
		if (e - s >= 2 && s->kind == TOK_IDENT && s[1].kind == TOK_PUNCT && s[1].punct == '=')
			for (k = 0; k < m->nparams && strcmp(m->params[k], s->str) != 0; k++)
				;
		if (k < m->nparams) { /* p=value */
			s += 2;
		} else {
			k = next;
			if (k >= m->nparams) {
				as_at_tok(as, ln, name, "macro '%s' takes %zu argument%s, got %zu", m->name,
					  m->nparams, m->nparams == 1 ? "" : "s", n);
				return false;
			}
		}
		/* an empty argument takes the default, as in GNU as */
		args[k] = s == e ? m->defaults[k] : as_span_text(as, ln, s, e - 1);
		if (!args[k])
			args[k] = ""; /* no default: empty text */
		next = k + 1;
	}
	for (size_t k = 0; k < m->nparams; k++) {
		if (args[k])
			continue;
		if (m->defaults[k]) {
			args[k] = m->defaults[k];
		} else {
			as_at_tok(as, ln, name, "macro '%s' needs a value for parameter '%s'", m->name,
				  m->params[k]);
			ok = false;
		}
	}
	return ok;
}

bool as_macro_call(struct assembler *as, const struct as_line *ln, const struct toks *tk,
		   const struct tok *t)
{
	const struct as_macro_def *m = as_map_get(&as->macros, t->str);
	if (!m)
		return false;
	if (as_macro_depth(as) >= AS_MAX_MACRO_DEPTH) {
		as_at_tok(as, ln, t, "macro '%s' nested too deeply (more than %d levels; does it call itself?)",
			  m->name, AS_MAX_MACRO_DEPTH);
		return true;
	}
	const char **args = as_alloc(as, (m->nparams + 1) * sizeof *args);
	if (!bind_args(as, ln, m, t, t + 1, tk->v + tk->n, args))
		return true;

	struct as_expansion x = { NULL, NULL, NULL, 0 };
	struct buf b = { NULL, 0, 0 };
	unsigned counter = as->expansions++;
	x.text = as_xrealloc(NULL, (m->nbody + 1) * sizeof *x.text);
	x.file = as_xrealloc(NULL, (m->nbody + 1) * sizeof *x.file);
	x.line = as_xrealloc(NULL, (m->nbody + 1) * sizeof *x.line);
	for (size_t i = 0; i < m->nbody; i++) {
		substitute(&b, m->body[i], m, args, counter);
		if (b.n > MAX_LINE_BYTES) {
			as_at_tok(as, ln, t, "expansion of macro '%s' makes a line longer than %u bytes",
				  m->name, MAX_LINE_BYTES);
			b.n = 0;
		}
		as->expanded_bytes += b.n + 1;
		if (as->expanded_bytes > AS_MAX_EXPANSION) {
			as_at_tok(as, ln, t, "macro expansion exceeds %u MiB of text in all "
				  "(does '%s' expand to ever more?)", AS_MAX_EXPANSION >> 20, m->name);
			as->stopped = true;
			free(b.p);
			free(x.text);
			free(x.file);
			free(x.line);
			return true;
		}
		x.text[i] = as_strndup(as, b.p, b.n);
		x.file[i] = m->bfile[i];
		x.line[i] = m->bline[i];
	}
	x.n = m->nbody;
	free(b.p);
	as_push_expansion(as, &x, ln, t->col, t->len, m->name);
	return true;
}

void as_macro_free(struct assembler *as)
{
	for (size_t i = 0; i < as->macros.cap; i++)
		if (as->macros.keys && as->macros.keys[i])
			def_free(as->macros.vals[i]);
	as_map_free(&as->macros);
	if (as->defining)
		def_free(as->defining);
	as->defining = NULL;
}
