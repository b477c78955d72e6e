/*
 * asm.c -- the assembler's driver: pass 1, placing the sections, pass 2,
 * then the image, the line table and the listing.
 *
 * Section placement (docs/asm.md, section 5):
 *   .text  at 0x1000, unless an .org before its first byte says where;
 *   .data  at the next 4 KiB boundary after the end of .text;
 *   .bss   at the next 16-byte boundary after the end of .data;
 * each unless an .org placed it, and each aligned to its largest .align.
 * Pass 1 does not know where .data and .bss will go until .text has
 * ended, so their labels are offsets until then (see asm_expr.c).
 */
#include "sim/asm/asm_int.h"
#include "sim/image.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct assembler *asm_new(void)
{
	struct assembler *as = as_xrealloc(NULL, sizeof *as);
	static const struct { const char *name; unsigned flags; } secs[SEC_COUNT] = {
		[SEC_TEXT] = { ".text", SEG_R | SEG_X },
		[SEC_DATA] = { ".data", SEG_R | SEG_W },
		[SEC_BSS] = { ".bss", SEG_R | SEG_W },
	};
	memset(as, 0, sizeof *as);
	for (int i = 0; i < SEC_COUNT; i++) {
		as->sec[i].name = secs[i].name;
		as->sec[i].flags = secs[i].flags;
		as->sec[i].align = 1;
	}
	as->sec[SEC_TEXT].base = AS_DEFAULT_TEXT;
	as->sec[SEC_TEXT].base_known = true;
	as->cur = SEC_TEXT;
	as->pass = 1;
	return as;
}

void asm_free(struct assembler *as)
{
	if (!as)
		return;
	as_sources_free(as);
	as_cond_free(as);
	as_macro_free(as);
	as_locals_free(as);
	as_map_free(&as->symtab);
	free(as->syms);
	free(as->stmts);
	free(as->phases);
	free(as->files);
	free(as->incdirs);
	free(as->tokv);
	free(as->scratch);
	as_diag_free(as);
	free(as->listing);
	for (int i = 0; i < SEC_COUNT; i++)
		free(as->sec[i].bytes);
	image_free(as->img);
	as_arena_free(&as->arena);
	free(as);
}

void asm_add_include_dir(struct assembler *as, const char *dir)
{
	AS_GROW(as->incdirs, as->nincdirs, as->capincdirs);
	as->incdirs[as->nincdirs++] = as_strdup(as, dir);
}

/* ---- layout ---- */

int as_cur_sec(const struct assembler *as)
{
	return as->cur;
}

uint64_t as_cur_off(const struct assembler *as)
{
	return as->sec[as->cur].size;
}

void as_here(const struct assembler *as, int *sec, int64_t *off)
{
	const struct as_phase *p = as->nphases ? &as->phases[as->nphases - 1] : NULL;

	*sec = as->cur;
	*off = (int64_t)as_cur_off(as);
	if (as->phase_open && p->sec == as->cur) {
		*sec = SEC_ABS;
		*off = (int64_t)p->run + (*off - (int64_t)p->start);
	}
}

uint32_t as_stmt_addr(const struct assembler *as, const struct stmt *s)
{
	if (s->phase) {
		const struct as_phase *p = &as->phases[s->phase - 1];
		return (uint32_t)(p->run + (s->off - p->start));
	}
	return as->sec[s->sec].base + s->off;
}

bool as_sec_addr(struct assembler *as, struct val *v, const struct as_line *ln, uint32_t col,
		 uint32_t len)
{
	if (v->sec == SEC_ABS)
		return true;
	struct as_section *s = &as->sec[v->sec];
	if (!s->base_known)
		return false;
	if (as->pass == 1 && !s->used) { /* a pass-1 value now depends on the address */
		s->used = ln;
		s->used_col = col;
		s->used_len = len;
	}
	v->v += s->base;
	v->sec = SEC_ABS;
	return true;
}

struct stmt *as_add_stmt(struct assembler *as, enum stmt_kind kind, const struct as_line *ln,
			 uint32_t col, uint64_t size)
{
	struct as_section *sec = &as->sec[as->cur];
	AS_GROW(as->stmts, as->nstmts, as->capstmts);
	struct stmt *s = &as->stmts[as->nstmts++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->line = ln;
	s->col = col;
	s->sec = as->cur;
	s->off = (uint32_t)sec->size;
	if (as->phase_open && as->phases[as->nphases - 1].sec == as->cur)
		s->phase = (uint32_t)as->nphases;
	if (sec->size + size > AS_MAX_SECTION) {
		if (!sec->too_big)
			as_error(as, ln, col, 1, "section %s grows beyond %u MiB", sec->name,
				 AS_MAX_SECTION >> 20);
		sec->too_big = true;
		s->bad = true;
		size = 0;
	}
	s->size = (uint32_t)size;
	sec->size += size;
	sec->has_content |= size != 0;
	return s;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static const char *main_file(const struct assembler *as)
{
	return as->nfiles ? as->files[0].name : "?";
}

/* Section sec runs past the top of the address space: point at the first
 * statement whose bytes do (addresses would wrap to 0 in the image). */
static void report_wrap(struct assembler *as, int sec)
{
	const struct as_section *s = &as->sec[sec];

	for (size_t i = 0; i < as->nstmts; i++) {
		const struct stmt *st = &as->stmts[i];
		uint64_t end = (uint64_t)s->base + st->off + st->size;
		if (st->sec == sec && st->size && end > (uint64_t)UINT32_MAX + 1) {
			as_error(as, st->line, st->col, 1,
				 "section %s runs past 0xffffffff here (%u bytes at 0x%llx)", s->name,
				 st->size, (unsigned long long)s->base + st->off);
			return;
		}
	}
	as_file_error(as, main_file(as), "section %s (at 0x%x, %llu bytes) goes beyond 0xffffffff",
		      s->name, s->base, (unsigned long long)s->size);
}

static void place_sections(struct assembler *as)
{
	struct as_section *t = &as->sec[SEC_TEXT], *d = &as->sec[SEC_DATA], *b = &as->sec[SEC_BSS];

	if (!d->base_known)
		d->base = (uint32_t)align_up(t->base + t->size, d->align > 4096 ? d->align : 4096);
	if (!b->base_known)
		b->base = (uint32_t)align_up((uint64_t)d->base + d->size, b->align > 16 ? b->align : 16);
	for (int i = 0; i < SEC_COUNT; i++) {
		struct as_section *s = &as->sec[i];
		s->base_known = true;
		if (s->size && s->base + s->size - 1 > UINT32_MAX)
			report_wrap(as, i);
	}
	for (int i = 0; i < SEC_COUNT; i++)
		for (int j = i + 1; j < SEC_COUNT; j++) {
			const struct as_section *x = &as->sec[i], *y = &as->sec[j];
			if (x->size && y->size && x->base < y->base + y->size && y->base < x->base + x->size)
				as_file_error(as, main_file(as),
					      "sections %s (0x%x-0x%llx) and %s (0x%x-0x%llx) overlap",
					      x->name, x->base, (unsigned long long)(x->base + x->size - 1),
					      y->name, y->base, (unsigned long long)(y->base + y->size - 1));
		}
}

/* ---- pass 2 ---- */

static void replay_set(struct assembler *as, const struct stmt *s)
{
	struct symbol *sym = s->u.set.sym;
	struct val v = s->u.set.v;

	if (!s->u.set.known && as_eval(as, s->u.set.e, s->line, true, &v, NULL) != VAL_OK) {
		sym->state = SYM_BAD;
		return;
	}
	if (v.sec != SEC_ABS)
		v.v += as->sec[v.sec].base;
	sym->state = SYM_VALUE;
	sym->sec = SEC_ABS;
	sym->value = v.v;
}

static void emit_data(struct assembler *as, const struct stmt *s, uint8_t *dst)
{
	static const char *const names[] = { NULL, "byte", "half-word", NULL, "word" };
	unsigned w = s->u.data.width;
	int64_t lo = -((int64_t)1 << (8 * w - 1)), hi = ((int64_t)1 << (8 * w)) - 1;

	for (size_t i = 0; i < s->u.data.n; i++, dst += w) {
		const struct expr *e = s->u.data.v[i];
		struct val v;
		if (as_eval(as, e, s->line, true, &v, NULL) != VAL_OK)
			continue;
		if (v.v < lo || v.v > hi) {
			as_error(as, s->line, e->scol, e->slen, "value %lld does not fit in a %s (%lld..%lld)",
				 (long long)v.v, names[w], (long long)lo, (long long)hi);
			continue;
		}
		for (unsigned k = 0; k < w; k++)
			dst[k] = (uint8_t)((uint64_t)v.v >> (8 * k));
	}
}

/* An instruction must sit on a word (the cpu fetches words): reported at
 * the first instruction of each misaligned run, since the ones after it
 * are off for the same reason.  `run` is per section. */
static void check_insn_alignment(struct assembler *as, const struct stmt *s, uint32_t pc,
				 bool run[SEC_COUNT])
{
	bool was = run[s->sec];
	run[s->sec] = pc & 3;
	if ((pc & 3) && !was)
		as_error(as, s->line, s->col, s->len,
			 "instruction at 0x%x is not 4-byte aligned (add .align 4)", pc);
}

static void pass2(struct assembler *as)
{
	bool misaligned[SEC_COUNT] = { false };

	as->pass = 2;
	for (int i = 0; i < SEC_COUNT; i++)
		if (i != SEC_BSS && as->sec[i].size)
			as->sec[i].bytes = memset(as_xrealloc(NULL, as->sec[i].size), 0, as->sec[i].size);
	for (size_t i = 0; i < as->nstmts && !as->too_many; i++) {
		const struct stmt *s = &as->stmts[i];
		const struct as_section *sec = &as->sec[s->sec];
		if (s->kind != ST_INSN && s->size)
			misaligned[s->sec] = false;
		if (s->bad)
			continue;
		as->cur_seq = s->line->seq;
		uint8_t *dst = sec->bytes ? sec->bytes + s->off : NULL;
		switch (s->kind) {
		case ST_SET:
			replay_set(as, s);
			break;
		case ST_INSN:
			if (!dst)
				break;
			check_insn_alignment(as, s, as_stmt_addr(as, s), misaligned);
			/* a misaligned one is still encoded, for its other errors,
			 * as if on the word below: its target is not blamed for it */
			as_encode_insn(as, s, as_stmt_addr(as, s) & ~3u, dst);
			break;
		case ST_DATA:
			if (dst)
				emit_data(as, s, dst);
			break;
		case ST_BYTES:
			if (dst)
				memcpy(dst, s->u.bytes.p, s->size);
			break;
		case ST_FILL:
			if (dst)
				memset(dst, s->u.fill.fill, s->size);
			break;
		}
	}
}

/* ---- results ---- */

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(as_xrealloc(NULL, n), s, n);
}

static int cmp_sym(const void *a, const void *b)
{
	const struct image_symbol *x = a, *y = b;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_line(const void *a, const void *b)
{
	const struct image_line *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* The section of the .phase block a run address is in (or just after). */
static int phase_sec(const struct assembler *as, int64_t addr)
{
	for (size_t i = 0; i < as->nphases; i++) {
		const struct as_phase *p = &as->phases[i];
		if (addr >= p->run && addr <= (int64_t)p->run + (int64_t)(p->end - p->start))
			return p->sec;
	}
	return SEC_TEXT;
}

static void build_symbols(struct assembler *as, struct image *img)
{
	img->syms = as_xrealloc(NULL, (as->nsyms ? as->nsyms : 1) * sizeof *img->syms);
	for (size_t i = 0; i < as->nsyms; i++) {
		const struct symbol *s = as->syms[i];
		struct image_symbol *o = &img->syms[img->nsyms];
		/* .L names are assembler-local, as in GNU as: not in the image */
		if ((s->state != SYM_LABEL && s->state != SYM_VALUE) || !strncmp(s->name, ".L", 2))
			continue;
		memset(o, 0, sizeof *o);
		o->name = xstrdup(s->name);
		o->global = s->global;
		if (s->state == SYM_LABEL) {
			int sec = s->sec == SEC_ABS ? phase_sec(as, s->value) : s->sec;
			o->value = (uint32_t)(s->sec == SEC_ABS ? s->value : as->sec[s->sec].base + s->value);
			o->kind = sec == SEC_TEXT ? (s->global ? SYM_FUNC : SYM_NOTYPE) : SYM_OBJECT;
		} else {
			o->value = (uint32_t)s->value;
			o->kind = SYM_ABS;
		}
		img->nsyms++;
	}
	qsort(img->syms, img->nsyms, sizeof *img->syms, cmp_sym);
}

/* One entry per source line that produced bytes (padding excluded);
 * macro expansions count as their call. */
static void build_lines(struct assembler *as, struct image *img)
{
	const struct as_line *prev = NULL;
	uint64_t prev_end = 0;

	img->files = as_xrealloc(NULL, (as->nfiles ? as->nfiles : 1) * sizeof *img->files);
	for (size_t i = 0; i < as->nfiles; i++)
		img->files[i] = xstrdup(as->files[i].name);
	img->nfiles = as->nfiles;
	img->lines = as_xrealloc(NULL, (as->nstmts ? as->nstmts : 1) * sizeof *img->lines);
	for (size_t i = 0; i < as->nstmts; i++) {
		const struct stmt *s = &as->stmts[i];
		if (!s->size || s->no_line)
			continue;
		const struct as_line *root = as_line_root(s->line);
		uint64_t addr = as_stmt_addr(as, s);
		if (prev && prev->file == root->file && prev->line == root->line && prev_end == addr) {
			prev_end += s->size;
			continue;
		}
		img->lines[img->nlines++] = (struct image_line){ (uint32_t)addr, root->file, root->line };
		prev = root;
		prev_end = addr + s->size;
	}
	qsort(img->lines, img->nlines, sizeof *img->lines, cmp_line);
}

/* _start, or else the start of .text: then warn if there is no code. */
static uint32_t entry_point(struct assembler *as)
{
	const struct symbol *start = as_sym_find(as, "_start");
	if (start && start->state == SYM_LABEL)
		return (uint32_t)(start->sec == SEC_ABS ? start->value
							: as->sec[start->sec].base + start->value);
	if (start && start->state == SYM_VALUE)
		return (uint32_t)start->value;
	uint32_t entry = as->sec[SEC_TEXT].base;
	if (as->sec[SEC_TEXT].size)
		return entry;
	for (int i = 0; i < SEC_COUNT; i++) {
		const struct as_section *s = &as->sec[i];
		if (entry >= s->base && entry - s->base < s->size) {
			as_file_warning(as, main_file(as), "no code in .text: the entry point 0x%x is data",
					entry);
			return entry;
		}
	}
	as_file_warning(as, main_file(as), "no code in .text: nothing is at the entry point 0x%x", entry);
	return entry;
}

/* Bytes [from, to) of section sec as a segment (run elsewhere if p). */
static void add_segment(struct assembler *as, struct image *img, int sec, uint64_t from,
			uint64_t to, const struct as_phase *p)
{
	const struct as_section *s = &as->sec[sec];
	struct image_segment *g = &img->segs[img->nsegs++];

	g->name = xstrdup(p ? as_printf(as, "%s.phase", s->name) : s->name);
	g->addr = (uint32_t)(s->base + from);
	g->run_offset = p ? p->run - g->addr : 0;
	g->memsz = (uint32_t)(to - from);
	g->filesz = s->bytes ? g->memsz : 0;
	g->data = s->bytes ? memcpy(as_xrealloc(NULL, g->memsz), s->bytes + from, g->memsz) : NULL;
	g->flags = s->flags;
}

static void build_image(struct assembler *as)
{
	struct image *img = as_xrealloc(NULL, sizeof *img);
	memset(img, 0, sizeof *img);
	/* a section is one segment, cut where .phase blocks begin and end */
	img->segs = as_xrealloc(NULL, (SEC_COUNT + 2 * as->nphases) * sizeof *img->segs);
	for (int i = 0; i < SEC_COUNT; i++) {
		uint64_t at = 0;
		for (size_t k = 0; k <= as->nphases; k++) {
			const struct as_phase *p = k < as->nphases ? &as->phases[k] : NULL;
			if (p && (p->sec != i || p->end == p->start))
				continue;
			uint64_t stop = p ? p->start : as->sec[i].size;
			if (stop > at)
				add_segment(as, img, i, at, stop, NULL);
			if (p) {
				add_segment(as, img, i, p->start, p->end, p);
				at = p->end;
			}
		}
	}
	build_symbols(as, img);
	build_lines(as, img);
	/* The image reader refuses an image with nothing to load; refuse it here
	 * too, so that `vmlab asm`, `run FILE.s` and `run FILE.elf` agree. */
	if (!img->nsegs)
		as_file_error(as, main_file(as), "nothing to load: no section has contents "
			      "(a program needs one instruction at least)");
	else
		img->entry = entry_point(as);
	as->img = img;
}

static void build_listing(struct assembler *as)
{
	as->listing = as_xrealloc(NULL, (as->nstmts ? as->nstmts : 1) * sizeof *as->listing);
	for (size_t i = 0; i < as->nstmts; i++) {
		const struct stmt *s = &as->stmts[i];
		const struct as_section *sec = &as->sec[s->sec];
		if (!s->size)
			continue;
		as->listing[as->nlisting++] = (struct asm_listing){
			.addr = as_stmt_addr(as, s),
			.size = s->size,
			.bytes = sec->bytes ? sec->bytes + s->off : NULL,
			.code = s->kind == ST_INSN,
			.file = as->files[s->line->file].name,
			.line = s->line->line,
			.text = s->line->text,
		};
	}
}

static bool run(struct assembler *as)
{
	const struct as_line *ln;
	while ((ln = as_next_line(as))) {
		if (as_macro_line(as, ln) || as_cond_line(as, ln))
			continue;
		as_statement(as, ln);
	}
	as_phase_finish(as);
	if (!as->too_many) {
		place_sections(as);
		as_resolve_pending(as);
		pass2(as);
	}
	if (!as->nerrors) {
		build_image(as);
		build_listing(as);
	}
	as_diag_sort(as);
	return as->nerrors == 0;
}

bool asm_assemble_file(struct assembler *as, const char *path)
{
	if (as->used)
		return false;
	as->used = true;
	char why[256];
	bool missing;
	if (!as_push_file(as, path, NULL, 0, 0, why, sizeof why, &missing)) {
		as_file_error(as, path, "cannot read file: %s", why);
		return false;
	}
	return run(as);
}

bool asm_assemble_string(struct assembler *as, const char *name, const char *text)
{
	if (as->used)
		return false;
	as->used = true;
	as_push_text(as, name, text);
	return run(as);
}

size_t asm_diag_count(const struct assembler *as)
{
	return as->ndiags;
}

const struct asm_diag *asm_diag_get(const struct assembler *as, size_t i)
{
	return i < as->ndiags ? &as->diags[i] : NULL;
}

size_t asm_error_count(const struct assembler *as)
{
	return as->nerrors;
}

const struct image *asm_image(const struct assembler *as)
{
	return as->img;
}

struct image *asm_take_image(struct assembler *as)
{
	struct image *img = as->img;
	as->img = NULL;
	return img;
}

size_t asm_listing_count(const struct assembler *as)
{
	return as->nlisting;
}

const struct asm_listing *asm_listing_get(const struct assembler *as, size_t i)
{
	return i < as->nlisting ? &as->listing[i] : NULL;
}
