/*
 * image.h -- a program image in memory: what the assembler produces, what
 * an ELF32 file holds, and what the loader and debugger read.
 *
 * On disk it is ELF32 little-endian with e_machine EM_VMLAB, one PT_LOAD
 * per segment, a .symtab/.strtab and a line table in the section
 * ".vmlab.lines" (layout drawn at the top of sim/image.c).
 */
#ifndef VMLAB_IMAGE_H
#define VMLAB_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SEG_R = 4, SEG_W = 2, SEG_X = 1 }; /* same values as ELF PF_* */

struct image_segment {
	char *name;       /* ".text", ".data", ".bss"                  */
	uint32_t addr;    /* physical = virtual load address            */
	uint32_t memsz;   /* bytes in memory                            */
	uint32_t filesz;  /* bytes of data (rest is zero-filled)         */
	uint8_t *data;    /* filesz bytes                               */
	unsigned flags;   /* SEG_R | SEG_W | SEG_X                      */
	uint32_t run_offset; /* it runs at addr + run_offset (a .phase
			      * block: ELF p_vaddr; addr is p_paddr); 0 for
			      * code that runs where it is loaded          */
};

/* Where a segment's bytes run (and what its labels say). */
static inline uint32_t image_seg_vaddr(const struct image_segment *g)
{
	return g->addr + g->run_offset;
}

enum image_sym_kind { SYM_NOTYPE, SYM_FUNC, SYM_OBJECT, SYM_ABS };

struct image_symbol {
	char *name;
	uint32_t value;
	uint32_t size;
	enum image_sym_kind kind;
	bool global;
};

struct image_line {
	uint32_t addr;  /* address of the first byte the line produced */
	uint32_t file;  /* index into image.files                      */
	uint32_t line;  /* 1-based                                     */
};

struct image {
	uint32_t entry;
	struct image_segment *segs;
	size_t nsegs;
	struct image_symbol *syms;  /* sorted by value, then name     */
	size_t nsyms;
	char **files;               /* source file names              */
	size_t nfiles;
	struct image_line *lines;   /* sorted by addr                 */
	size_t nlines;
};

/* Read an ELF image; NULL with a one-line reason ("prog.elf: not an ELF
 * file") in err on any problem.  Never trusts the file: every offset and
 * size is checked. */
struct image *image_read_elf(const char *path, char *err, size_t errlen);
/* The same from bytes in memory (name is for messages): the fuzz target. */
struct image *image_parse_elf(const uint8_t *buf, size_t n, const char *name, char *err,
			      size_t errlen);
/* Write atomically (temporary file then rename): false with a reason. */
bool image_write_elf(const struct image *img, const char *path, char *err, size_t errlen);
void image_free(struct image *img);

/* Lookups for the disassembler and the debugger. */
const struct image_symbol *image_symbol_find(const struct image *img, const char *name);
/* The symbol with the greatest value <= addr (functions and labels), or NULL. */
const struct image_symbol *image_symbol_near(const struct image *img, uint32_t addr);
/* The line entry with the greatest addr <= addr, or NULL. */
const struct image_line *image_line_at(const struct image *img, uint32_t addr);
/* Address of the first line entry for file:line, or false. */
bool image_line_addr(const struct image *img, const char *file, uint32_t line, uint32_t *addr);

#endif
