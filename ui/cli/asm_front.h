/*
 * asm_front.h -- the assembler as the command line uses it: assemble a
 * file and print its diagnostics like gcc,
 *
 *	prog.s:3:12: error: undefined symbol 'x'
 *	        li r1, x
 *	               ^
 *
 * and print listings.
 */
#ifndef VMLAB_ASM_FRONT_H
#define VMLAB_ASM_FRONT_H

#include <stdio.h>

struct image;
struct assembler;

/* Assemble path (include_dirs: NULL-terminated list of -I directories,
 * or NULL), print every diagnostic to err, and return the image (the
 * caller frees it with image_free) or NULL if there was any error. */
struct image *asm_front_assemble(const char *path, const char *const *include_dirs, FILE *err);

/* Print all of an assembler's diagnostics in the format above. */
void asm_front_print_diags(const struct assembler *as, FILE *err);

/* The listing: address, words (or bytes), file:line, source text. */
void asm_front_print_listing(const struct assembler *as, FILE *out);

#endif
