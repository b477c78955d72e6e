/*
 * image.c -- program images: ELF32 files in and out, and the lookups the
 * disassembler and debugger make in them.
 *
 * A vmlab image file, as image_write_elf lays it out (ELF32, little-endian,
 * ET_EXEC, e_machine EM_VMLAB; the reader accepts any valid layout):
 *
 *   0        +------------------------------+
 *            | Elf32_Ehdr          52 bytes |
 *   52       +------------------------------+
 *            | Elf32_Phdr x nsegs  32 each  |  one PT_LOAD per segment
 *            +------------------------------+
 *            | segment contents             |  each at a file offset that
 *            | ...                          |  is congruent to its address
 *            |                              |  mod 4 (p_align 4); a .bss
 *            |                              |  segment has no bytes here
 *            +------------------------------+
 *            | .symtab    Elf32_Sym x n     |  null symbol, locals, globals
 *            | .strtab    symbol names      |
 *            | .vmlab.lines  line table     |  layout below
 *            | .shstrtab  section names     |
 *            +------------------------------+
 *            | Elf32_Shdr x nsections       |  null, one per segment,
 *            +------------------------------+  then the four above
 *
 * The line table, section ".vmlab.lines" (SHT_PROGBITS, not allocated);
 * every field is a little-endian u32:
 *
 *   0        +------------------------------+
 *            | magic  'V' 'L' 'N' '1'       |
 *   4        | nfiles                       |
 *   8        | nlines                       |
 *   12       | namesize: bytes of names     |
 *   16       +------------------------------+
 *            | name offset x nfiles         |  into the name block
 *            +------------------------------+
 *            | name block  (namesize bytes) |  NUL-terminated file names,
 *            | zero-padded to a multiple of 4|  padding not in namesize
 *            +------------------------------+
 *            | { addr, file, line } x nlines|  12 bytes each, by addr;
 *            +------------------------------+  file indexes the names
 *
 * A PT_LOAD's p_paddr is where its bytes are loaded and p_vaddr where
 * they run (and what its labels say): equal, except for a block the
 * assembler's .phase moved (docs/asm.md), which is its own segment.
 *
 * The reader trusts nothing: every count, offset and size is checked
 * against the file (in 64-bit arithmetic, so nothing wraps) before use.
 */
#include "image.h"
#include "hostfile.h"
#include "isa.h"

#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINES_SECTION ".vmlab.lines"
#define LINES_MAGIC "VLN1"

/* ---- little-endian fields, whatever the host ---- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* ---- building a file in memory ---- */

struct out {
	uint8_t *p;
	size_t n, cap;
	bool nomem;
};

static size_t reserve(struct out *o, size_t n)
{
	size_t at = o->n;
	if (o->nomem)
		return 0;
	if (o->n + n > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->n + n)
			cap *= 2;
		uint8_t *p = realloc(o->p, cap);
		if (!p) {
			o->nomem = true;
			return 0;
		}
		o->p = p;
		o->cap = cap;
	}
	memset(o->p + at, 0, n);
	o->n += n;
	return at;
}

static size_t emit(struct out *o, const void *data, size_t n)
{
	size_t at = reserve(o, n);
	if (!o->nomem && n)
		memcpy(o->p + at, data, n);
	return at;
}

/* Pad so that the next offset is congruent to `to` modulo `align`. */
static void pad(struct out *o, uint32_t align, uint32_t to)
{
	reserve(o, (size_t)((to - o->n) & (align - 1)));
}

static void w_ehdr(uint8_t *p, const Elf32_Ehdr *h)
{
	memcpy(p, h->e_ident, EI_NIDENT);
	put16(p + 16, h->e_type);
	put16(p + 18, h->e_machine);
	put32(p + 20, h->e_version);
	put32(p + 24, h->e_entry);
	put32(p + 28, h->e_phoff);
	put32(p + 32, h->e_shoff);
	put32(p + 36, h->e_flags);
	put16(p + 40, h->e_ehsize);
	put16(p + 42, h->e_phentsize);
	put16(p + 44, h->e_phnum);
	put16(p + 46, h->e_shentsize);
	put16(p + 48, h->e_shnum);
	put16(p + 50, h->e_shstrndx);
}

static void w_phdr(uint8_t *p, const Elf32_Phdr *h)
{
	put32(p + 0, h->p_type);
	put32(p + 4, h->p_offset);
	put32(p + 8, h->p_vaddr);
	put32(p + 12, h->p_paddr);
	put32(p + 16, h->p_filesz);
	put32(p + 20, h->p_memsz);
	put32(p + 24, h->p_flags);
	put32(p + 28, h->p_align);
}

static void w_shdr(uint8_t *p, const Elf32_Shdr *h)
{
	put32(p + 0, h->sh_name);
	put32(p + 4, h->sh_type);
	put32(p + 8, h->sh_flags);
	put32(p + 12, h->sh_addr);
	put32(p + 16, h->sh_offset);
	put32(p + 20, h->sh_size);
	put32(p + 24, h->sh_link);
	put32(p + 28, h->sh_info);
	put32(p + 32, h->sh_addralign);
	put32(p + 36, h->sh_entsize);
}

static void w_sym(uint8_t *p, const Elf32_Sym *s)
{
	put32(p + 0, s->st_name);
	put32(p + 4, s->st_value);
	put32(p + 8, s->st_size);
	p[12] = s->st_info;
	p[13] = s->st_other;
	put16(p + 14, s->st_shndx);
}

static void r_ehdr(const uint8_t *p, Elf32_Ehdr *h)
{
	memcpy(h->e_ident, p, EI_NIDENT);
	h->e_type = get16(p + 16);
	h->e_machine = get16(p + 18);
	h->e_version = get32(p + 20);
	h->e_entry = get32(p + 24);
	h->e_phoff = get32(p + 28);
	h->e_shoff = get32(p + 32);
	h->e_flags = get32(p + 36);
	h->e_ehsize = get16(p + 40);
	h->e_phentsize = get16(p + 42);
	h->e_phnum = get16(p + 44);
	h->e_shentsize = get16(p + 46);
	h->e_shnum = get16(p + 48);
	h->e_shstrndx = get16(p + 50);
}

static void r_phdr(const uint8_t *p, Elf32_Phdr *h)
{
	h->p_type = get32(p + 0);
	h->p_offset = get32(p + 4);
	h->p_vaddr = get32(p + 8);
	h->p_paddr = get32(p + 12);
	h->p_filesz = get32(p + 16);
	h->p_memsz = get32(p + 20);
	h->p_flags = get32(p + 24);
	h->p_align = get32(p + 28);
}

static void r_shdr(const uint8_t *p, Elf32_Shdr *h)
{
	h->sh_name = get32(p + 0);
	h->sh_type = get32(p + 4);
	h->sh_flags = get32(p + 8);
	h->sh_addr = get32(p + 12);
	h->sh_offset = get32(p + 16);
	h->sh_size = get32(p + 20);
	h->sh_link = get32(p + 24);
	h->sh_info = get32(p + 28);
	h->sh_addralign = get32(p + 32);
	h->sh_entsize = get32(p + 36);
}

static void r_sym(const uint8_t *p, Elf32_Sym *s)
{
	s->st_name = get32(p + 0);
	s->st_value = get32(p + 4);
	s->st_size = get32(p + 8);
	s->st_info = p[12];
	s->st_other = p[13];
	s->st_shndx = get16(p + 14);
}

static void errorf(char *err, size_t errlen, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void errorf(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, msg);
}

/* ---- writing ---- */

/* A string table under construction: offset 0 is the empty name. */
static uint32_t strtab_add(struct out *t, const char *s)
{
	return (uint32_t)emit(t, s, strlen(s) + 1);
}

/* The section index (1-based, segments first) that holds addr, or
 * SHN_ABS.  A label just past a segment's end belongs to it. */
static uint16_t section_of(const struct image *img, uint32_t addr)
{
	/* labels carry run addresses (p_vaddr) */
	for (size_t i = 0; i < img->nsegs; i++)
		if (addr - (img->segs[i].addr + img->segs[i].run_offset) < img->segs[i].memsz)
			return (uint16_t)(i + 1);
	for (size_t i = 0; i < img->nsegs; i++)
		if ((uint64_t)(uint32_t)(img->segs[i].addr + img->segs[i].run_offset) +
			    img->segs[i].memsz == addr ||
		    (uint64_t)img->segs[i].addr + img->segs[i].memsz == addr) /* after a .phase */
			return (uint16_t)(i + 1);
	return SHN_ABS;
}

static void build_symtab(const struct image *img, struct out *sym, struct out *str,
			 uint32_t *first_global)
{
	uint8_t ent[16];
	Elf32_Sym s;

	strtab_add(str, "");
	memset(&s, 0, sizeof s);
	w_sym(ent, &s);
	emit(sym, ent, sizeof ent); /* symbol 0 is the null symbol */
	*first_global = 1;
	/* ELF wants every local symbol before the first global one */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < img->nsyms; i++) {
			const struct image_symbol *y = &img->syms[i];
			if (y->global != (pass == 1))
				continue;
			unsigned type = y->kind == SYM_FUNC ? STT_FUNC
				      : y->kind == SYM_OBJECT ? STT_OBJECT : STT_NOTYPE;
			s.st_name = strtab_add(str, y->name ? y->name : "");
			s.st_value = y->value;
			s.st_size = y->size;
			s.st_info = (unsigned char)ELF32_ST_INFO(y->global ? STB_GLOBAL : STB_LOCAL, type);
			s.st_other = STV_DEFAULT;
			s.st_shndx = y->kind == SYM_ABS ? SHN_ABS : section_of(img, y->value);
			w_sym(ent, &s);
			emit(sym, ent, sizeof ent);
			if (pass == 0)
				(*first_global)++;
		}
	}
}

static void build_lines(const struct image *img, struct out *o)
{
	uint8_t w[4];
	struct out names = { 0 };

	emit(o, LINES_MAGIC, 4);
	put32(w, (uint32_t)img->nfiles);
	emit(o, w, 4);
	put32(w, (uint32_t)img->nlines);
	emit(o, w, 4);
	for (size_t i = 0; i < img->nfiles; i++)
		strtab_add(&names, img->files[i] ? img->files[i] : "");
	put32(w, (uint32_t)names.n);
	emit(o, w, 4);
	size_t off = 0;
	for (size_t i = 0; i < img->nfiles; i++) {
		put32(w, (uint32_t)off);
		emit(o, w, 4);
		off += strlen(img->files[i] ? img->files[i] : "") + 1;
	}
	emit(o, names.p, names.n);
	o->nomem |= names.nomem;
	free(names.p);
	pad(o, 4, 0);
	for (size_t i = 0; i < img->nlines; i++) {
		uint8_t e[12];
		put32(e, img->lines[i].addr);
		put32(e + 4, img->lines[i].file);
		put32(e + 8, img->lines[i].line);
		emit(o, e, sizeof e);
	}
}

/* Lay the whole file out in memory. */
static bool build_file(const struct image *img, struct out *f)
{
	struct out shstr = { 0 }, sym = { 0 }, str = { 0 }, lines = { 0 };
	size_t nsec = img->nsegs + 5; /* null, segments, symtab, strtab, lines, shstrtab */
	Elf32_Shdr *sh = calloc(nsec, sizeof *sh);
	uint32_t first_global;
	bool ok = sh != NULL;

	if (!ok)
		return false;
	reserve(f, sizeof(Elf32_Ehdr) + img->nsegs * sizeof(Elf32_Phdr));
	strtab_add(&shstr, "");
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct image_segment *g = &img->segs[i];
		Elf32_Phdr ph = { PT_LOAD, 0, g->addr + g->run_offset, g->addr, g->filesz, g->memsz,
				  g->flags & 7, 4 };
		pad(f, 4, g->addr);
		ph.p_offset = (uint32_t)emit(f, g->data, g->filesz);
		if (!f->nomem)
			w_phdr(f->p + sizeof(Elf32_Ehdr) + i * sizeof(Elf32_Phdr), &ph);

		Elf32_Shdr *s = &sh[i + 1];
		s->sh_name = strtab_add(&shstr, g->name ? g->name : ".segment");
		s->sh_type = g->filesz ? SHT_PROGBITS : SHT_NOBITS;
		s->sh_flags = SHF_ALLOC | (g->flags & SEG_W ? SHF_WRITE : 0) |
			      (g->flags & SEG_X ? SHF_EXECINSTR : 0);
		s->sh_addr = g->addr + g->run_offset;
		s->sh_offset = ph.p_offset;
		s->sh_size = g->filesz ? g->filesz : g->memsz;
		s->sh_addralign = g->addr % 4 ? 1 : 4;
	}
	build_symtab(img, &sym, &str, &first_global);
	build_lines(img, &lines);

	size_t isym = img->nsegs + 1, istr = isym + 1, ilines = istr + 1, ishstr = ilines + 1;
	sh[isym] = (Elf32_Shdr){ strtab_add(&shstr, ".symtab"), SHT_SYMTAB, 0, 0, 0,
				 (uint32_t)sym.n, (uint32_t)istr, first_global, 4, sizeof(Elf32_Sym) };
	sh[istr] = (Elf32_Shdr){ strtab_add(&shstr, ".strtab"), SHT_STRTAB, 0, 0, 0,
				 (uint32_t)str.n, 0, 0, 1, 0 };
	sh[ilines] = (Elf32_Shdr){ strtab_add(&shstr, LINES_SECTION), SHT_PROGBITS, 0, 0, 0,
				   (uint32_t)lines.n, 0, 0, 4, 0 };
	sh[ishstr] = (Elf32_Shdr){ strtab_add(&shstr, ".shstrtab"), SHT_STRTAB, 0, 0, 0, 0, 0, 0, 1, 0 };
	sh[ishstr].sh_size = (uint32_t)shstr.n;
	pad(f, 4, 0);
	sh[isym].sh_offset = (uint32_t)emit(f, sym.p, sym.n);
	sh[istr].sh_offset = (uint32_t)emit(f, str.p, str.n);
	pad(f, 4, 0);
	sh[ilines].sh_offset = (uint32_t)emit(f, lines.p, lines.n);
	sh[ishstr].sh_offset = (uint32_t)emit(f, shstr.p, shstr.n);
	pad(f, 4, 0);
	size_t shoff = reserve(f, nsec * sizeof(Elf32_Shdr));
	ok = !(f->nomem || sym.nomem || str.nomem || lines.nomem || shstr.nomem) &&
	     f->n <= UINT32_MAX;
	if (ok) {
		for (size_t i = 0; i < nsec; i++)
			w_shdr(f->p + shoff + i * sizeof(Elf32_Shdr), &sh[i]);
		Elf32_Ehdr eh;
		memset(&eh, 0, sizeof eh);
		memcpy(eh.e_ident, ELFMAG, SELFMAG);
		eh.e_ident[EI_CLASS] = ELFCLASS32;
		eh.e_ident[EI_DATA] = ELFDATA2LSB;
		eh.e_ident[EI_VERSION] = EV_CURRENT;
		eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
		eh.e_type = ET_EXEC;
		eh.e_machine = EM_VMLAB;
		eh.e_version = EV_CURRENT;
		eh.e_entry = img->entry;
		eh.e_phoff = img->nsegs ? sizeof(Elf32_Ehdr) : 0;
		eh.e_shoff = (uint32_t)shoff;
		eh.e_ehsize = sizeof(Elf32_Ehdr);
		eh.e_phentsize = sizeof(Elf32_Phdr);
		eh.e_phnum = (uint16_t)img->nsegs;
		eh.e_shentsize = sizeof(Elf32_Shdr);
		eh.e_shnum = (uint16_t)nsec;
		eh.e_shstrndx = (uint16_t)ishstr;
		w_ehdr(f->p, &eh);
	}
	free(sh);
	free(shstr.p);
	free(sym.p);
	free(str.p);
	free(lines.p);
	return ok;
}

bool image_write_elf(const struct image *img, const char *path, char *err, size_t errlen)
{
	struct out f = { 0 };

	if (img->nsegs + 5 >= SHN_LORESERVE) { /* e_shnum must stay exact */
		errorf(err, errlen, path, "too many segments");
		return false;
	}
	if (!build_file(img, &f)) {
		free(f.p);
		errorf(err, errlen, path, "image too large to write");
		return false;
	}
	/* replaced, never half-written: a reader sees the old file or the new */
	struct hostfile_part part = { f.p, f.n };
	bool ok = hostfile_replace(path, &part, 1, err, errlen);
	free(f.p);
	return ok;
}

/* ---- reading ---- */

struct in {
	const uint8_t *p;
	uint64_t n;
	const char *path;
	char *err;
	size_t errlen;
};

/* Is [off, off+len) inside the file? */
static bool in_file(const struct in *f, uint64_t off, uint64_t len)
{
	return off <= f->n && len <= f->n - off;
}

static char *dup_str(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

/* A NUL-terminated string at offset `at` of a string section. */
static const char *str_at(const uint8_t *tab, uint32_t size, uint32_t at)
{
	if (at >= size || !memchr(tab + at, 0, size - at))
		return NULL;
	return (const char *)tab + at;
}

static bool fail(struct in *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct in *f, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	errorf(f->err, f->errlen, f->path, "%s", msg);
	return false;
}

static bool check_header(struct in *f, Elf32_Ehdr *eh)
{
	if (f->n < SELFMAG || memcmp(f->p, ELFMAG, SELFMAG) != 0)
		return fail(f, "not an ELF file");
	if (f->n < 20)
		return fail(f, "truncated ELF header");
	/* e_machine sits at offset 18 in every ELF class: check it first, so
	 * that a host program is called what it is */
	unsigned machine = f->p[EI_DATA] == ELFDATA2MSB ? (unsigned)(f->p[18] << 8 | f->p[19])
							: get16(f->p + 18);
	if (machine != EM_VMLAB)
		return fail(f, "not a vmlab image (e_machine 0x%x)", machine);
	if (f->p[EI_CLASS] != ELFCLASS32)
		return fail(f, "not a 32-bit ELF file (class %u)", f->p[EI_CLASS]);
	if (f->p[EI_DATA] != ELFDATA2LSB)
		return fail(f, "not a little-endian ELF file");
	if (f->n < sizeof(Elf32_Ehdr))
		return fail(f, "truncated ELF header");
	r_ehdr(f->p, eh);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return fail(f, "unsupported ELF version %u", eh->e_version);
	if (eh->e_type != ET_EXEC)
		return fail(f, "not an executable ELF file (e_type %u)", eh->e_type);
	if (eh->e_phnum && (eh->e_phentsize != sizeof(Elf32_Phdr) ||
			    !in_file(f, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr))))
		return fail(f, "program header table is corrupt or outside the file");
	if (eh->e_shnum && (eh->e_shentsize != sizeof(Elf32_Shdr) ||
			    !in_file(f, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf32_Shdr))))
		return fail(f, "section header table is corrupt or outside the file");
	if (eh->e_shnum && eh->e_shstrndx >= eh->e_shnum)
		return fail(f, "section name table index %u is out of range", eh->e_shstrndx);
	return true;
}

/* Section headers, checked; *names is the section name table (or NULL). */
static bool read_sections(struct in *f, const Elf32_Ehdr *eh, Elf32_Shdr **out,
			  const uint8_t **names, uint32_t *namesize)
{
	Elf32_Shdr *sh = calloc(eh->e_shnum ? eh->e_shnum : 1, sizeof *sh);
	if (!sh)
		return fail(f, "out of memory");
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		r_shdr(f->p + eh->e_shoff + i * sizeof(Elf32_Shdr), &sh[i]);
		if (sh[i].sh_type != SHT_NOBITS && sh[i].sh_type != SHT_NULL &&
		    !in_file(f, sh[i].sh_offset, sh[i].sh_size)) {
			free(sh);
			return fail(f, "section %u lies outside the file", i);
		}
	}
	*names = NULL;
	*namesize = 0;
	if (eh->e_shnum && eh->e_shstrndx != SHN_UNDEF) {
		const Elf32_Shdr *s = &sh[eh->e_shstrndx];
		if (s->sh_type != SHT_STRTAB) {
			free(sh);
			return fail(f, "section name table is not a string table");
		}
		*names = f->p + s->sh_offset;
		*namesize = s->sh_size;
	}
	*out = sh;
	return true;
}

static const char *section_name(const uint8_t *names, uint32_t size, const Elf32_Shdr *s)
{
	return names ? str_at(names, size, s->sh_name) : NULL;
}

static bool read_segments(struct in *f, const Elf32_Ehdr *eh, const Elf32_Shdr *sh,
			  const uint8_t *names, uint32_t namesize, struct image *img)
{
	img->segs = calloc(eh->e_phnum ? eh->e_phnum : 1, sizeof *img->segs);
	if (!img->segs)
		return fail(f, "out of memory");
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf32_Phdr ph;
		r_phdr(f->p + eh->e_phoff + i * sizeof(Elf32_Phdr), &ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return fail(f, "segment %u: file size 0x%x exceeds memory size 0x%x", i,
				    ph.p_filesz, ph.p_memsz);
		if (!in_file(f, ph.p_offset, ph.p_filesz))
			return fail(f, "segment %u: contents lie outside the file", i);
		if ((uint64_t)ph.p_vaddr + ph.p_memsz > (uint64_t)UINT32_MAX + 1 ||
		    (uint64_t)ph.p_paddr + ph.p_memsz > (uint64_t)UINT32_MAX + 1)
			return fail(f, "segment %u: runs past the end of the address space", i);
		/* loaded at p_paddr; p_vaddr differs for a .phase block */
		for (size_t k = 0; k < img->nsegs; k++) {
			const struct image_segment *o = &img->segs[k];
			if (ph.p_paddr < (uint64_t)o->addr + o->memsz &&
			    o->addr < (uint64_t)ph.p_paddr + ph.p_memsz)
				return fail(f, "segment %u overlaps an earlier segment at 0x%x", i, o->addr);
		}
		struct image_segment *g = &img->segs[img->nsegs++];
		const char *name = NULL;
		for (unsigned k = 1; k < eh->e_shnum && !name; k++)
			if ((sh[k].sh_flags & SHF_ALLOC) && sh[k].sh_addr == ph.p_vaddr &&
			    sh[k].sh_type != SHT_NULL)
				name = section_name(names, namesize, &sh[k]);
		char fallback[24];
		if (!name || !*name) {
			snprintf(fallback, sizeof fallback, "segment%u", i);
			name = fallback;
		}
		g->name = dup_str(name, strlen(name));
		g->addr = ph.p_paddr;
		g->run_offset = ph.p_vaddr - ph.p_paddr;
		g->memsz = ph.p_memsz;
		g->filesz = ph.p_filesz;
		g->flags = ph.p_flags & (SEG_R | SEG_W | SEG_X);
		g->data = malloc(ph.p_filesz ? ph.p_filesz : 1);
		if (!g->name || !g->data)
			return fail(f, "out of memory");
		memcpy(g->data, f->p + ph.p_offset, ph.p_filesz);
	}
	if (!img->nsegs)
		return fail(f, "no loadable segment");
	return true;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct image_symbol *x = a, *y = b;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool read_symbols(struct in *f, const Elf32_Ehdr *eh, const Elf32_Shdr *sh, struct image *img)
{
	const Elf32_Shdr *st = NULL;
	for (unsigned i = 1; i < eh->e_shnum && !st; i++)
		if (sh[i].sh_type == SHT_SYMTAB)
			st = &sh[i];
	if (!st)
		return true; /* symbols are optional */
	if (st->sh_entsize != sizeof(Elf32_Sym) || st->sh_size % sizeof(Elf32_Sym))
		return fail(f, "symbol table has entries of %u bytes, not %zu", st->sh_entsize,
			    sizeof(Elf32_Sym));
	if (st->sh_link == 0 || st->sh_link >= eh->e_shnum || sh[st->sh_link].sh_type != SHT_STRTAB)
		return fail(f, "symbol table does not link to a string table");
	const Elf32_Shdr *strs = &sh[st->sh_link];
	size_t n = st->sh_size / sizeof(Elf32_Sym);
	img->syms = calloc(n ? n : 1, sizeof *img->syms);
	if (!img->syms)
		return fail(f, "out of memory");
	for (size_t i = 1; i < n; i++) {
		Elf32_Sym s;
		r_sym(f->p + st->sh_offset + i * sizeof(Elf32_Sym), &s);
		unsigned type = ELF32_ST_TYPE(s.st_info);
		if (type == STT_SECTION || type == STT_FILE || s.st_shndx == SHN_UNDEF)
			continue;
		const char *name = str_at(f->p + strs->sh_offset, strs->sh_size, s.st_name);
		if (!name)
			return fail(f, "symbol %zu: name lies outside the string table", i);
		if (!*name)
			continue;
		struct image_symbol *y = &img->syms[img->nsyms++];
		y->name = dup_str(name, strlen(name));
		if (!y->name)
			return fail(f, "out of memory");
		y->value = s.st_value;
		y->size = s.st_size;
		y->global = ELF32_ST_BIND(s.st_info) != STB_LOCAL;
		y->kind = s.st_shndx == SHN_ABS ? SYM_ABS
			: type == STT_FUNC ? SYM_FUNC : type == STT_OBJECT ? SYM_OBJECT : SYM_NOTYPE;
	}
	qsort(img->syms, img->nsyms, sizeof *img->syms, cmp_sym);
	return true;
}

static int cmp_line(const void *a, const void *b)
{
	const struct image_line *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool read_lines(struct in *f, const Elf32_Ehdr *eh, const Elf32_Shdr *sh,
		       const uint8_t *names, uint32_t namesize, struct image *img)
{
	const Elf32_Shdr *ls = NULL;
	for (unsigned i = 1; i < eh->e_shnum && !ls; i++) {
		const char *nm = section_name(names, namesize, &sh[i]);
		if (nm && strcmp(nm, LINES_SECTION) == 0 && sh[i].sh_type == SHT_PROGBITS)
			ls = &sh[i];
	}
	if (!ls)
		return true; /* the line table is optional */
	const uint8_t *p = f->p + ls->sh_offset;
	uint64_t size = ls->sh_size;
	if (size < 16 || memcmp(p, LINES_MAGIC, 4) != 0)
		return fail(f, "line table: bad header");
	uint64_t nfiles = get32(p + 4), nlines = get32(p + 8), nsize = get32(p + 12);
	uint64_t names_at = 16 + 4 * nfiles, lines_at = (names_at + nsize + 3) & ~(uint64_t)3;
	if (names_at + nsize > size || lines_at + 12 * nlines > size)
		return fail(f, "line table: counts do not fit its %llu bytes", (unsigned long long)size);
	img->files = calloc(nfiles ? nfiles : 1, sizeof *img->files);
	img->lines = calloc(nlines ? nlines : 1, sizeof *img->lines);
	if (!img->files || !img->lines)
		return fail(f, "out of memory");
	for (uint64_t i = 0; i < nfiles; i++) {
		const char *nm = str_at(p + names_at, (uint32_t)nsize, get32(p + 16 + 4 * i));
		if (!nm)
			return fail(f, "line table: file name %llu lies outside its name block",
				    (unsigned long long)i);
		img->files[i] = dup_str(nm, strlen(nm));
		img->nfiles++;
		if (!img->files[i])
			return fail(f, "out of memory");
	}
	for (uint64_t i = 0; i < nlines; i++) {
		const uint8_t *e = p + lines_at + 12 * i;
		struct image_line *l = &img->lines[i];
		l->addr = get32(e);
		l->file = get32(e + 4);
		l->line = get32(e + 8);
		if (l->file >= nfiles)
			return fail(f, "line table: entry %llu names file %u of %llu",
				    (unsigned long long)i, l->file, (unsigned long long)nfiles);
	}
	img->nlines = nlines;
	qsort(img->lines, img->nlines, sizeof *img->lines, cmp_line);
	return true;
}


struct image *image_read_elf(const char *path, char *err, size_t errlen)
{
	size_t n = 0;
	uint8_t *buf = hostfile_read(path, HOSTFILE_MAX_IMAGE, "an image", &n, err, errlen);
	struct image *img;

	if (!buf)
		return NULL;
	img = image_parse_elf(buf, n, path, err, errlen);
	free(buf);
	return img;
}

struct image *image_parse_elf(const uint8_t *buf, size_t n, const char *name, char *err,
			      size_t errlen)
{
	struct in f = { buf, n, name, err, errlen };
	struct image *img = calloc(1, sizeof *img);
	Elf32_Ehdr eh;
	Elf32_Shdr *sh = NULL;
	memset(&eh, 0, sizeof eh);
	const uint8_t *names;
	uint32_t namesize;
	bool ok = img && check_header(&f, &eh) &&
		  read_sections(&f, &eh, &sh, &names, &namesize) &&
		  read_segments(&f, &eh, sh, names, namesize, img) &&
		  read_symbols(&f, &eh, sh, img) &&
		  read_lines(&f, &eh, sh, names, namesize, img);
	if (!img)
		errorf(err, errlen, name, "out of memory");
	else
		img->entry = eh.e_entry;
	free(sh);
	if (!ok) {
		image_free(img);
		return NULL;
	}
	return img;
}

void image_free(struct image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->nsegs; i++) {
		free(img->segs[i].name);
		free(img->segs[i].data);
	}
	free(img->segs);
	for (size_t i = 0; i < img->nsyms; i++)
		free(img->syms[i].name);
	free(img->syms);
	for (size_t i = 0; i < img->nfiles; i++)
		free(img->files[i]);
	free(img->files);
	free(img->lines);
	free(img);
}

/* ---- lookups ---- */

const struct image_symbol *image_symbol_find(const struct image *img, const char *name)
{
	const struct image_symbol *found = NULL;
	for (size_t i = 0; img && i < img->nsyms; i++)
		if (strcmp(img->syms[i].name, name) == 0 && (!found || img->syms[i].global))
			found = &img->syms[i];
	return found;
}

const struct image_symbol *image_symbol_near(const struct image *img, uint32_t addr)
{
	if (!img || !img->nsyms)
		return NULL;
	/* first symbol with value > addr */
	size_t lo = 0, hi = img->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->syms[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* back over constants to the nearest label */
	while (lo > 0 && img->syms[lo - 1].kind == SYM_ABS)
		lo--;
	if (lo == 0)
		return NULL;
	/* among the labels with that value prefer a global one, then the
	 * first by name (walking backwards meets names in reverse order) */
	uint32_t value = img->syms[lo - 1].value;
	const struct image_symbol *best = NULL;
	for (size_t i = lo; i-- > 0 && img->syms[i].value == value;) {
		const struct image_symbol *s = &img->syms[i];
		if (s->kind != SYM_ABS && (!best || s->global || !best->global))
			best = s;
	}
	return best;
}

const struct image_line *image_line_at(const struct image *img, uint32_t addr)
{
	if (!img || !img->nlines)
		return NULL;
	size_t lo = 0, hi = img->nlines;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->lines[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &img->lines[lo - 1] : NULL;
}

/* Does the image's file name match what the user typed?  Either exactly,
 * or by its last component when the user gave no directory. */
static bool file_matches(const char *have, const char *want)
{
	if (strcmp(have, want) == 0)
		return true;
	if (strchr(want, '/'))
		return false;
	const char *base = strrchr(have, '/');
	return base && strcmp(base + 1, want) == 0;
}

bool image_line_addr(const struct image *img, const char *file, uint32_t line, uint32_t *addr)
{
	for (size_t i = 0; img && i < img->nlines; i++) {
		const struct image_line *l = &img->lines[i];
		if (l->line == line && l->file < img->nfiles && file_matches(img->files[l->file], file)) {
			*addr = l->addr;
			return true;
		}
	}
	return false;
}
