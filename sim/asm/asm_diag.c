/*
 * asm_diag.c -- collecting diagnostics.
 *
 * Pass 1 and pass 2 find problems in different orders (an undefined
 * symbol is only known to be undefined in pass 2), so each diagnostic is
 * keyed by the processing order of its line, and the list is sorted into
 * source order at the end.  A note keeps the key of the diagnostic it
 * belongs to and stays right after it.
 */
#include "sim/asm/asm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(struct assembler *as, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	size_t size = (size_t)(n < 0 ? 0 : n) + 1;
	char *p = as_alloc(as, size);
	vsnprintf(p, size, fmt, ap);
	return p;
}

/* Append one diagnostic with its sort key (see key_of). */
static void push(struct assembler *as, enum asm_severity sev, const char *file,
		 const struct as_line *ln, uint32_t col, uint32_t len, char *msg, uint64_t key)
{
	size_t oldcap = as->capdiags;
	AS_GROW(as->diags, as->ndiags, as->capdiags);
	if (as->capdiags != oldcap)
		as->diag_keys = as_xrealloc(as->diag_keys, as->capdiags * sizeof *as->diag_keys);
	struct asm_diag *d = &as->diags[as->ndiags];
	d->severity = sev;
	d->file = file;
	d->line = ln ? ln->line : 0;
	d->col = ln ? col : 0;
	d->len = col ? (len ? len : 1) : 0;
	d->message = msg;
	d->source = ln ? ln->text : NULL;
	as->diag_keys[as->ndiags] = key;
	as->ndiags++;
}

/* Key: the line's processing order in the high bits, the diagnostic's
 * own index in the low bits.  Notes reuse their error's key, so a stable
 * sort on the key keeps them right behind it. */
static uint64_t key_of(const struct assembler *as, const struct as_line *ln)
{
	uint64_t seq = ln ? ln->seq : (uint64_t)as->lines_read + 1; /* whole file: after the lines */
	return seq << 32 | (uint32_t)as->ndiags;
}

static bool counted(struct assembler *as, enum asm_severity sev)
{
	if (as->too_many)
		return false;
	if (sev == ASM_ERROR && as->nerrors >= AS_MAX_ERRORS) {
		as->too_many = true;
		as->stopped = true;
		push(as, ASM_ERROR, as->nfiles ? as->files[0].name : "?", NULL, 0, 0,
		     as_strdup(as, "too many errors; stopping"), UINT64_MAX);
		as->nerrors++;
		return false;
	}
	if (sev == ASM_ERROR)
		as->nerrors++;
	return true;
}

static void report(struct assembler *as, enum asm_severity sev, const struct as_line *ln,
		   uint32_t col, uint32_t len, const char *fmt, va_list ap)
{
	if (!counted(as, sev))
		return;
	uint64_t key = key_of(as, ln);
	push(as, sev, as->files[ln->file].name, ln, col, len, vformat(as, fmt, ap), key);
	/* where a macro expansion came from, innermost first, as gcc does */
	for (const struct as_line *x = ln; x->invoked; x = x->invoked)
		push(as, ASM_NOTE, as->files[x->invoked->file].name, x->invoked, x->inv_col,
		     x->inv_len, as_printf(as, "in expansion of macro '%s'", x->macro), key);
}

void as_error(struct assembler *as, const struct as_line *ln, uint32_t col, uint32_t len,
	      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(as, ASM_ERROR, ln, col, len, fmt, ap);
	va_end(ap);
}

void as_warning(struct assembler *as, const struct as_line *ln, uint32_t col, uint32_t len,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(as, ASM_WARNING, ln, col, len, fmt, ap);
	va_end(ap);
}

void as_note(struct assembler *as, const struct as_line *ln, uint32_t col, uint32_t len,
	     const char *fmt, ...)
{
	if (as->too_many || !as->ndiags)
		return;
	va_list ap;
	va_start(ap, fmt);
	push(as, ASM_NOTE, as->files[ln->file].name, ln, col, len, vformat(as, fmt, ap),
	     as->diag_keys[as->ndiags - 1]);
	va_end(ap);
}

void as_at_tok(struct assembler *as, const struct as_line *ln, const struct tok *t,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(as, ASM_ERROR, ln, t->col, t->kind == TOK_EOL ? 1 : t->len, fmt, ap);
	va_end(ap);
}

static void file_report(struct assembler *as, enum asm_severity sev, const char *file,
			const char *fmt, va_list ap)
{
	if (counted(as, sev))
		push(as, sev, as_strdup(as, file), NULL, 0, 0, vformat(as, fmt, ap), key_of(as, NULL));
}

void as_file_error(struct assembler *as, const char *file, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	file_report(as, ASM_ERROR, file, fmt, ap);
	va_end(ap);
}

void as_file_warning(struct assembler *as, const char *file, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	file_report(as, ASM_WARNING, file, fmt, ap);
	va_end(ap);
}

/* A merge sort on indices: stable, so equal keys keep their order. */
static void sort_idx(size_t *v, size_t *tmp, size_t n, const uint64_t *keys)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	sort_idx(v, tmp, h, keys);
	sort_idx(v + h, tmp, n - h, keys);
	size_t i = 0, j = h, o = 0;
	while (i < h && j < n)
		tmp[o++] = keys[v[j]] < keys[v[i]] ? v[j++] : v[i++];
	while (i < h)
		tmp[o++] = v[i++];
	while (j < n)
		tmp[o++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

void as_diag_sort(struct assembler *as)
{
	size_t n = as->ndiags;
	if (n < 2)
		return;
	size_t *idx = as_xrealloc(NULL, n * sizeof *idx);
	size_t *tmp = as_xrealloc(NULL, n * sizeof *tmp);
	struct asm_diag *out = as_xrealloc(NULL, n * sizeof *out);
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	sort_idx(idx, tmp, n, as->diag_keys);
	for (size_t i = 0; i < n; i++)
		out[i] = as->diags[idx[i]];
	memcpy(as->diags, out, n * sizeof *out);
	free(out);
	free(tmp);
	free(idx);
}

void as_diag_free(struct assembler *as)
{
	free(as->diags);
	free(as->diag_keys);
	as->diags = NULL;
	as->diag_keys = NULL;
}
