/*
 * asm.h -- the vmlab assembler; the language it reads is docs/asm.md.
 *
 * One struct assembler assembles one program: a source file (with its
 * .include files) or a string.  It never prints: every problem becomes a
 * struct asm_diag that the caller formats (ui/asm_front.c prints them
 * like gcc).  On success it yields a struct image and a listing.
 *
 *	struct assembler *as = asm_new();
 *	asm_add_include_dir(as, "lib");
 *	if (asm_assemble_file(as, "prog.s")) {
 *		struct image *img = asm_take_image(as);   // caller owns it
 *		...
 *	}
 *	for (size_t i = 0; i < asm_diag_count(as); i++)
 *		show(asm_diag_get(as, i));                 // errors, warnings, notes
 *	asm_free(as);
 *
 * How it works: pass 1 reads the source, expands .include, macros and
 * conditionals, parses every statement and lays out the sections; pass 2
 * evaluates the remaining expressions and encodes.  Sizes are fixed in
 * pass 1, so an expression whose value is not known there (a forward
 * reference) can never change the layout.
 */
#ifndef VMLAB_ASM_H
#define VMLAB_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct image;
struct assembler;

enum asm_severity {
	ASM_ERROR,   /* the program is wrong; no image is produced       */
	ASM_WARNING, /* suspicious but assembled                         */
	ASM_NOTE,    /* more about the error or warning just before it   */
};

/* One diagnostic, already sorted into source order.  A note belongs to
 * the error or warning before it ("'x' first defined here", "in expansion
 * of macro 'm'"). */
struct asm_diag {
	enum asm_severity severity;
	const char *file;    /* source file as it was opened; never NULL     */
	uint32_t line;       /* 1-based; 0 when the problem is the whole file */
	uint32_t col;        /* 1-based byte column; 0 if none               */
	uint32_t len;        /* bytes to underline from col (>= 1 if col)    */
	const char *message; /* "undefined symbol 'x'"                        */
	const char *source;  /* text of that line without newline, or NULL   */
};

/* One statement that produced bytes, in source order, for `asm -l`. */
struct asm_listing {
	uint32_t addr;         /* address of the first byte                  */
	uint32_t size;         /* bytes produced                              */
	const uint8_t *bytes;  /* those bytes (NULL in .bss: all zero)         */
	bool code;             /* an instruction: print as 32-bit words       */
	const char *file;      /* where the statement was written             */
	uint32_t line;
	const char *text;      /* the source line                             */
};

struct assembler *asm_new(void);
void asm_free(struct assembler *as);

/* Directories searched for `.include "f"` after the including file's
 * own directory, in the order added.  The string is copied. */
void asm_add_include_dir(struct assembler *as, const char *dir);

/* Assemble a file, or a string that stands for a file called `name`
 * (relative .include paths start from name's directory).  Call one of
 * them once per assembler.  true when there was no error (warnings are
 * allowed); the image and listing are then available. */
bool asm_assemble_file(struct assembler *as, const char *path);
bool asm_assemble_string(struct assembler *as, const char *name, const char *text);

size_t asm_diag_count(const struct assembler *as);
const struct asm_diag *asm_diag_get(const struct assembler *as, size_t i);
size_t asm_error_count(const struct assembler *as);

/* The assembled image (NULL after an error).  asm_take_image hands it to
 * the caller, who frees it with image_free(); asm_image only lends it. */
const struct image *asm_image(const struct assembler *as);
struct image *asm_take_image(struct assembler *as);

/* The listing; valid until asm_free (it does not need the image). */
size_t asm_listing_count(const struct assembler *as);
const struct asm_listing *asm_listing_get(const struct assembler *as, size_t i);

#endif
