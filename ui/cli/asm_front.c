/*
 * asm_front.c -- printing what the assembler found: diagnostics in gcc's
 * format (location, message, the source line, a caret under the column)
 * and listings.
 */
#include "ui/cli/asm_front.h"

#include <string.h>

#include "sim/asm/asm.h"

static const char *severity_name(enum asm_severity s)
{
	switch (s) {
	case ASM_ERROR: return "error";
	case ASM_WARNING: return "warning";
	case ASM_NOTE: return "note";
	}
	return "error";
}

/* The caret line: the source's own tabs are copied so the caret stays
 * under the right character whatever the tab width. */
static void caret(FILE *f, const char *src, uint32_t col, uint32_t len)
{
	size_t n = strlen(src), c = col - 1;
	if (c > n)
		c = n;
	for (size_t i = 0; i < c; i++)
		fputc(src[i] == '\t' ? '\t' : ' ', f);
	fputc('^', f);
	size_t room = c < n ? n - c : 1;
	for (size_t i = 1; i < len && i < room; i++)
		fputc('~', f);
	fputc('\n', f);
}

static void print_diag(const struct asm_diag *d, FILE *f)
{
	const char *sev = severity_name(d->severity);

	if (!d->line)
		fprintf(f, "%s: %s: %s\n", d->file, sev, d->message);
	else if (!d->col)
		fprintf(f, "%s:%u: %s: %s\n", d->file, d->line, sev, d->message);
	else
		fprintf(f, "%s:%u:%u: %s: %s\n", d->file, d->line, d->col, sev, d->message);
	if (d->line && d->source) {
		fprintf(f, "%s\n", d->source);
		if (d->col)
			caret(f, d->source, d->col, d->len);
	}
}

void asm_front_print_diags(const struct assembler *as, FILE *err)
{
	for (size_t i = 0; i < asm_diag_count(as); i++)
		print_diag(asm_diag_get(as, i), err);
}

struct image *asm_front_assemble(const char *path, const char *const *include_dirs, FILE *err)
{
	struct assembler *as = asm_new();
	for (size_t i = 0; include_dirs && include_dirs[i]; i++)
		asm_add_include_dir(as, include_dirs[i]);
	bool ok = asm_assemble_file(as, path);
	asm_front_print_diags(as, err);
	struct image *img = ok ? asm_take_image(as) : NULL;
	asm_free(as);
	return img;
}

/*
 * One row per instruction word, or per 4 data bytes (at most two rows of
 * data per statement, then "..."):
 *
 *   00001000  20100005     prog.s:2   _start: li a0, 0
 *   00002000  48 65 6c 6c  prog.s:9   msg: .asciz "Hello"
 *   00002004  6f 00
 */
void asm_front_print_listing(const struct assembler *as, FILE *out)
{
	for (size_t i = 0; i < asm_listing_count(as); i++) {
		const struct asm_listing *l = asm_listing_get(as, i);
		uint32_t rows = (l->size + 3) / 4, shown = l->code ? rows : (rows > 2 ? 2 : rows);
		for (uint32_t r = 0; r < shown; r++) {
			char hex[16] = "";
			uint32_t off = 4 * r, n = l->size - off < 4 ? l->size - off : 4;
			if (l->code && n == 4) {
				const uint8_t *b = l->bytes + off;
				snprintf(hex, sizeof hex, "%02x%02x%02x%02x", b[3], b[2], b[1], b[0]);
			} else {
				size_t h = 0;
				for (uint32_t k = 0; k < n; k++)
					h += (size_t)snprintf(hex + h, sizeof hex - h, "%s%02x", k ? " " : "",
							      l->bytes ? l->bytes[off + k] : 0);
				if (r + 1 == shown && shown < rows)
					snprintf(hex + h, sizeof hex - h, " ..");
			}
			if (r == 0)
				fprintf(out, "%08x  %-12s %s:%u\t%s\n", l->addr + off, hex, l->file, l->line,
					l->text);
			else
				fprintf(out, "%08x  %s\n", l->addr + off, hex);
		}
	}
}
