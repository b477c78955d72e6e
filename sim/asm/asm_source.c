/*
 * asm_source.c -- where lines come from: a stack of sources, each a file
 * (the main one or an .include) or a macro expansion.  as_next_line()
 * hands out one line at a time from the innermost source and pops
 * sources as they run out, closing what they left open.
 *
 * Every line read is counted: the count orders the diagnostics and is
 * capped (AS_MAX_LINES) so that a macro that expands forever stops with
 * an error instead of eating the host.
 */
#include "sim/asm/asm_int.h"
#include "sim/hostfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct as_src {
	struct as_src *up;       /* the source that included or called this one */
	bool is_file;
	size_t cond_depth;       /* conditionals open when it started          */
	/* a file */
	char *buf;               /* whole contents                             */
	size_t len, pos;
	uint32_t file;           /* index in as->files                         */
	uint32_t lineno;         /* lines handed out so far                    */
	const struct as_line *from; /* the .include that opened it, or NULL   */
	uint32_t from_col, from_len;
	/* a macro expansion */
	struct as_expansion x;   /* substituted lines                          */
	size_t next;
	const struct as_line *call;
	uint32_t call_col, call_len;
	const char *macro;
};

/* Read a whole source file through the one host-file reader (bounded by
 * AS_MAX_FILE).  An .include must name a regular file: a device such as
 * /dev/zero never ends and a FIFO can block forever; the main file may be
 * a pipe (`vmlab asm <(generate)`).  false with the reason (without the
 * path) in why, and *missing if the file does not exist. */
static bool slurp(const char *path, bool regular_only, char **buf, size_t *len,
		  struct stat *st, char *why, size_t whylen, bool *missing)
{
	struct hostfile_opts o = { .max = AS_MAX_FILE, .what = "a source file",
				   .regular_only = regular_only };
	char err[512];
	size_t plen = strlen(path);
	/* "-" is standard input to hostfile_read; a file named "-" here */
	uint8_t *p = hostfile_read_opts(strcmp(path, "-") ? path : "./-", &o, len, st, err,
					sizeof err);

	*missing = false;
	if (!p) {
		const char *r = err;
		if (!strncmp(err, path, plen) && err[plen] == ':' && err[plen + 1] == ' ')
			r += plen + 2;
		snprintf(why, whylen, "%s", r);
		*missing = access(path, F_OK) != 0 && errno == ENOENT;
		return false;
	}
	*buf = (char *)p;
	return true;
}

/* Files are numbered once per name, so the line table names each once. */
static uint32_t add_file(struct assembler *as, const char *name, const struct stat *st)
{
	for (size_t i = 0; i < as->nfiles; i++)
		if (strcmp(as->files[i].name, name) == 0)
			return (uint32_t)i;
	AS_GROW(as->files, as->nfiles, as->capfiles);
	struct as_file *f = &as->files[as->nfiles];
	f->name = as_strdup(as, name);
	f->has_id = st != NULL;
	f->dev = st ? st->st_dev : 0;
	f->ino = st ? st->st_ino : 0;
	return (uint32_t)as->nfiles++;
}

static void push(struct assembler *as, struct as_src *s)
{
	s->up = as->src;
	s->cond_depth = as_cond_depth(as);
	as->src = s;
}

static struct as_src *new_file_src(struct assembler *as, char *buf, size_t len, uint32_t file)
{
	struct as_src *s = as_xrealloc(NULL, sizeof *s);
	memset(s, 0, sizeof *s);
	s->is_file = true;
	s->buf = buf;
	s->len = len;
	s->file = file;
	push(as, s);
	as->include_depth++;
	return s;
}

bool as_push_file(struct assembler *as, const char *path, const struct as_line *from,
		  uint32_t col, uint32_t len, char *why, size_t whylen, bool *missing)
{
	char *buf;
	size_t n;
	struct stat st;

	if (!slurp(path, from != NULL, &buf, &n, &st, why, whylen, missing))
		return false;
	for (const struct as_src *s = as->src; s; s = s->up) {
		const struct as_file *f = &as->files[s->file];
		if (s->is_file && f->has_id && f->dev == st.st_dev && f->ino == st.st_ino) {
			as_error(as, from, col, len, "include cycle: '%s' is already being included",
				 f->name);
			/* the chain of .include lines back to the first inclusion */
			for (const struct as_src *t = as->src; t && t->from; t = t->up) {
				if (t->is_file)
					as_note(as, t->from, t->from_col, t->from_len,
						"'%s' was included from here", as->files[t->file].name);
				if (t == s)
					break;
			}
			free(buf);
			return true;
		}
	}
	if (from && as->include_depth >= AS_MAX_INCLUDE) {
		as_error(as, from, col, len, "includes nested too deeply (more than %d levels)",
			 AS_MAX_INCLUDE);
		free(buf);
		return true;
	}
	struct as_src *s = new_file_src(as, buf, n, add_file(as, path, &st));
	s->from = from;
	s->from_col = col;
	s->from_len = len;
	return true;
}

void as_push_text(struct assembler *as, const char *name, const char *text)
{
	size_t n = strlen(text);
	char *buf = as_xrealloc(NULL, n + 1);
	memcpy(buf, text, n + 1);
	new_file_src(as, buf, n, add_file(as, name, NULL));
}

bool as_push_expansion(struct assembler *as, const struct as_expansion *x, const struct as_line *call,
		       uint32_t col, uint32_t len, const char *macro)
{
	struct as_src *s = as_xrealloc(NULL, sizeof *s);
	memset(s, 0, sizeof *s);
	s->x = *x;
	s->call = call;
	s->call_col = col;
	s->call_len = len;
	s->macro = macro;
	push(as, s);
	as->macro_depth++;
	return true;
}

size_t as_macro_depth(const struct assembler *as)
{
	return as->macro_depth;
}

/* The directory part of path, with a trailing '/', or "" if none. */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) + 1 : 0;
}

void as_include(struct assembler *as, const struct as_line *ln, const char *name, uint32_t col,
		uint32_t len)
{
	const char *from = as->files[ln->file].name;
	char why[256] = "", first[256] = "";
	bool missing, first_missing = true;

	for (size_t i = 0; i <= as->nincdirs; i++) {
		char *path;
		if (name[0] == '/' && i > 0)
			break;
		if (name[0] == '/')
			path = as_strdup(as, name);
		else if (i == 0)
			path = as_printf(as, "%.*s%s", (int)dir_len(from), from, name);
		else
			path = as_printf(as, "%s/%s", as->incdirs[i - 1], name);
		if (as_push_file(as, path, ln, col, len, why, sizeof why, &missing))
			return;
		/* a file that exists but cannot be read says more than "missing" */
		if (!first[0] || (first_missing && !missing)) {
			snprintf(first, sizeof first, "%s", why);
			first_missing = missing;
		}
	}
	as_error(as, ln, col, len, "cannot open include file '%s': %s", name, first);
}

/* Next line of a file: up to '\n', without '\r'; NULL at the end. */
static const struct as_line *file_line(struct assembler *as, struct as_src *s)
{
	while (s->pos < s->len) {
		const char *p = s->buf + s->pos;
		const char *nl = memchr(p, '\n', s->len - s->pos);
		size_t n = nl ? (size_t)(nl - p) : s->len - s->pos;
		s->pos += n + (nl != NULL);
		s->lineno++;
		if (n && p[n - 1] == '\r')
			n--;
		struct as_line *ln = as_alloc(as, sizeof *ln);
		ln->file = s->file;
		ln->line = s->lineno;
		ln->seq = ++as->lines_read;
		const char *nul = memchr(p, 0, n);
		if (nul) {
			ln->text = as_strndup(as, p, (size_t)(nul - p));
			as_error(as, ln, (uint32_t)(nul - p) + 1, 1, "line contains a NUL byte");
			continue;
		}
		ln->text = as_strndup(as, p, n);
		return ln;
	}
	return NULL;
}

static const struct as_line *expansion_line(struct assembler *as, struct as_src *s)
{
	if (s->next >= s->x.n)
		return NULL;
	struct as_line *ln = as_alloc(as, sizeof *ln);
	ln->text = s->x.text[s->next];
	ln->file = s->x.file[s->next];
	ln->line = s->x.line[s->next];
	ln->seq = ++as->lines_read;
	ln->invoked = s->call;
	ln->inv_col = s->call_col;
	ln->inv_len = s->call_len;
	ln->macro = s->macro;
	s->next++;
	return ln;
}

static void pop(struct assembler *as)
{
	struct as_src *s = as->src;
	as->src = s->up;
	if (s->is_file) {
		as->include_depth--;
		free(s->buf);
	} else {
		as->macro_depth--;
		free(s->x.text);
		free(s->x.file);
		free(s->x.line);
	}
	free(s);
}

const struct as_line *as_next_line(struct assembler *as)
{
	while (as->src) {
		struct as_src *s = as->src;
		if (as->stopped) {
			pop(as);
			continue;
		}
		const struct as_line *ln = s->is_file ? file_line(as, s) : expansion_line(as, s);
		if (ln) {
			if (as->lines_read > AS_MAX_LINES) {
				as_error(as, ln, 0, 0,
					 "more than %u lines to assemble (a macro calling itself without end?)",
					 AS_MAX_LINES);
				as->stopped = true;
				continue;
			}
			as->cur_seq = ln->seq;
			return ln;
		}
		/* this source is done: what it opened must be closed in it */
		as_cond_unwind(as, s->cond_depth, s->is_file ? NULL : s->macro);
		if (s->is_file)
			as_macro_finish(as);
		pop(as);
	}
	return NULL;
}

void as_sources_free(struct assembler *as)
{
	while (as->src)
		pop(as);
}

const struct as_line *as_line_root(const struct as_line *ln)
{
	while (ln->invoked)
		ln = ln->invoked;
	return ln;
}
