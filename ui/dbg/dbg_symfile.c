/*
 * dbg_symfile.c -- more symbol tables: `add-symbol-file FILE [ADDR] [-asid N]`.
 *
 * The program's own image names the kernel, and the user code it holds
 * in .phase blocks (docs/asm.md).  A program built on its own (a lab's
 * user program, loaded by the kernel from a disk or a table) brings its
 * names in a second ELF file (or .s, assembled here): its symbols and
 * line table, moved so that its first code segment starts at ADDR (as in
 * gdb: ADDR is where its .text is), and tied to one address space with
 * -asid N (it then names addresses only while paging is on with ASID N,
 * so processes that run different programs at the same addresses each
 * get their own names).
 *
 * Lookups (dbg_image_at): an address is named by the last added table
 * that applies to the current address space and has a segment there, else
 * by the program's image.  A name (dbg_symbol_find) is looked up in the
 * tables that apply now, then in the program's image, then in the others;
 * a breakpoint set on a name from an -asid table stops only in that
 * address space.
 */
#include "ui/dbg/dbg_priv.h"

#include <stdlib.h>
#include <string.h>

#include "sim/asm/asm.h"
#include "sim/image.h"

struct dbg_symfile {
	struct image *img;
	int asid;                   /* -1: every address space */
};

static bool applies(struct dbg *d, const struct dbg_symfile *f)
{
	uint32_t mmu = 0, asid = 0;

	if (f->asid < 0)
		return true;
	machine_cr(d->m, CR_MMU, &mmu);
	machine_cr(d->m, CR_ASID, &asid);
	return (mmu & MMU_PG) && (int)asid == f->asid;
}

static bool covers(const struct image *img, uint32_t addr)
{
	for (size_t i = 0; i < img->nsegs; i++)
		if (addr - image_seg_vaddr(&img->segs[i]) < img->segs[i].memsz)
			return true;
	return false;
}

const struct image *dbg_image_at(struct dbg *d, uint32_t addr)
{
	for (size_t i = d->nsymfiles; i-- > 0;)
		if (applies(d, &d->symfiles[i]) && covers(d->symfiles[i].img, addr))
			return d->symfiles[i].img;
	return d->img;
}

const struct image_symbol *dbg_symbol_find(struct dbg *d, const char *name, int *asid)
{
	const struct image_symbol *s;

	if (asid)
		*asid = -1;
	for (int pass = 0; pass < 3; pass++) {
		if (pass == 1) {
			if ((s = image_symbol_find(d->img, name)))
				return s;
			continue;
		}
		for (size_t i = d->nsymfiles; i-- > 0;) {
			const struct dbg_symfile *f = &d->symfiles[i];
			if (applies(d, f) != (pass == 0) || !(s = image_symbol_find(f->img, name)))
				continue;
			if (asid)
				*asid = f->asid;
			return s;
		}
	}
	return NULL;
}

size_t dbg_symfile_count(const struct dbg *d)
{
	return d->nsymfiles;
}

const struct image *dbg_symfile_image(const struct dbg *d, size_t i)
{
	return d->symfiles[i].img;
}

void dbg_symfiles_free(struct dbg *d)
{
	for (size_t i = 0; i < d->nsymfiles; i++)
		image_free(d->symfiles[i].img);
	free(d->symfiles);
	d->symfiles = NULL;
	d->nsymfiles = 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* Read FILE: an ELF image, or a .s file assembled now. */
static struct image *load(struct dbg *d, const char *path)
{
	char err[512];
	struct image *img;

	if (has_suffix(path, ".s") || has_suffix(path, ".S")) {
		struct assembler *as = asm_new();
		img = asm_assemble_file(as, path) ? asm_take_image(as) : NULL;
		if (!img)
			dbg_error(d, "%s: %zu assembly error%s (vmlab asm %s shows them)", path,
				  asm_error_count(as), asm_error_count(as) == 1 ? "" : "s", path);
		asm_free(as);
		return img;
	}
	img = image_read_elf(path, err, sizeof err);
	if (!img)
		dbg_error(d, "%s", err);
	return img;
}

/* Move everything the image names by delta (ADDR minus where it was). */
static void relocate(struct image *img, uint32_t delta)
{
	for (size_t i = 0; i < img->nsyms; i++)
		if (img->syms[i].kind != SYM_ABS)
			img->syms[i].value += delta;
	for (size_t i = 0; i < img->nlines; i++)
		img->lines[i].addr += delta;
	for (size_t i = 0; i < img->nsegs; i++)
		img->segs[i].run_offset += delta;
}

int dbgc_add_symbol_file(struct dbg *d, const char *args, const char *fmt)
{
	char path[512], word[64], err[256];
	const char *p = args;
	bool have_addr = false;
	uint32_t addr = 0;
	int asid = -1;
	struct image *img;
	struct dbg_symfile *nf;

	if (!dbg_next_word(&p, path, sizeof path))
		return dbg_error(d, "add-symbol-file needs a file (add-symbol-file FILE [ADDR] [-asid N])");
	while (dbg_next_word(&p, word, sizeof word)) {
		uint64_t n;
		if (!strcmp(word, "-asid")) {
			if (!dbg_next_word(&p, word, sizeof word) || !dbg_parse_count(word, &n) ||
			    n > ASID_MASK)
				return dbg_error(d, "-asid needs an address-space id from 0 to %u", ASID_MASK);
			asid = (int)n;
		} else if (!have_addr) {
			if (!dbg_expr(d, word, EXPR_ADDR, &addr, err, sizeof err))
				return dbg_error(d, "%s", err);
			have_addr = true;
		} else {
			return dbg_error(d, "Junk after the address: \"%s\"", word);
		}
	}
	img = load(d, path);
	if (!img)
		return DBG_ERROR;
	if (have_addr) { /* ADDR is where its first code segment goes */
		const struct image_segment *text = NULL;
		for (size_t i = 0; i < img->nsegs && !text; i++)
			if (img->segs[i].flags & SEG_X)
				text = &img->segs[i];
		if (!text && img->nsegs)
			text = &img->segs[0];
		if (text)
			relocate(img, addr - image_seg_vaddr(text));
	}
	nf = realloc(d->symfiles, (d->nsymfiles + 1) * sizeof *nf);
	if (!nf) {
		image_free(img);
		return dbg_error(d, "out of memory");
	}
	d->symfiles = nf;
	d->symfiles[d->nsymfiles++] = (struct dbg_symfile){ img, asid };
	dbg_printf(d, "Reading symbols from %s: %zu symbols, %zu lines", path, img->nsyms, img->nlines);
	for (size_t i = 0; i < img->nsegs; i++)
		if (img->segs[i].flags & SEG_X) {
			dbg_printf(d, ", .text at 0x%08x", image_seg_vaddr(&img->segs[i]));
			break;
		}
	if (asid >= 0)
		dbg_printf(d, ", asid %d only", asid);
	dbg_printf(d, ".\n");
	return DBG_OK;
}
