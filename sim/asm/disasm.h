/*
 * disasm.h -- instruction words back to assembly text, driven by the ISA
 * table (isa_decode, isa_info): the same table the assembler reads.
 *
 * Raw instructions only, never pseudo-instructions, with registers as rN
 * (the number is the hex digit in the word):
 *
 *	add r1, r2, r3          lw r1, -8(r14)          lui r6, 0xf000
 *	beq r1, r0, 0x1010 <loop>                       mtcr ptbr, r2
 *	.word 0x12345678        (a word that is not an instruction)
 */
#ifndef VMLAB_DISASM_H
#define VMLAB_DISASM_H

#include <stddef.h>
#include <stdint.h>

#include "sim/isa.h"

struct image;

/* Disassemble `word` found at address pc into buf (always NUL-terminated
 * when len > 0).  With an image, branch and jump targets get a
 * `<symbol+offset>` note.  Returns the length of the full text, as
 * snprintf does (a result >= len means it was cut short). */
size_t disasm_insn(uint32_t pc, uint32_t word, const struct image *img, char *buf, size_t len);

/* `<name>` or `<name+0x8>` for an address inside one of the image's
 * segments, from its nearest preceding label; "" if there is none. */
size_t disasm_symbolize(const struct image *img, uint32_t addr, char *buf, size_t len);

/* The written form of each format's operands ("rd, rs1, imm") and short
 * names for formats, immediates and classes, for `vmlab isa`. */
const char *disasm_format_syntax(enum isa_format f);
const char *disasm_format_name(enum isa_format f);
const char *disasm_imm_name(enum isa_imm k);
const char *disasm_class_name(enum isa_class c);

#endif
