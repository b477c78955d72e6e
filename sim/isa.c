/*
 * isa.c -- the instruction table as data, and the one decoder and encoder
 * that every tool uses (CPU pre-decoder, assembler, disassembler, docs).
 */
#include "isa.h"

#include <stddef.h>
#include <stdio.h>
#include <strings.h>

static const struct isa_info table[OP_COUNT] = {
	[OP_INVALID] = { "(invalid)", 0x00, FMT_N, IMM_NONE, CLASS_INNOCUOUS, "" },
#define X(name, opc, fmt, imm, cls, doc) \
	[OP_##name] = { #name, opc, fmt, imm, cls, doc },
#include "isa.def"
#undef X
};

/* opcode byte -> operation, built from the table at compile time */
static const uint8_t by_opcode[256] = {
#define X(name, opc, fmt, imm, cls, doc) [opc] = OP_##name,
#include "isa.def"
#undef X
};

const struct isa_info *isa_info(enum isa_op op)
{
	return (unsigned)op < OP_COUNT ? &table[op] : &table[OP_INVALID];
}

enum isa_op isa_lookup(const char *mnemonic)
{
	for (unsigned op = 1; op < OP_COUNT; op++)
		if (strcasecmp(table[op].name, mnemonic) == 0)
			return (enum isa_op)op;
	return OP_INVALID;
}

static int32_t sext(uint32_t v, unsigned bits)
{
	uint32_t m = 1u << (bits - 1);
	v &= (m << 1) - 1;
	return (int32_t)((v ^ m) - m);
}

bool isa_decode(uint32_t w, struct isa_insn *in)
{
	enum isa_op op = (enum isa_op)by_opcode[ISA_FIELD_OP(w)];
	const struct isa_info *info = &table[op];
	uint32_t rd = ISA_FIELD_RD(w), rs1 = ISA_FIELD_RS1(w);
	uint32_t rs2 = ISA_FIELD_RS2(w), imm16 = ISA_FIELD_IMM16(w);
	uint32_t unused = 0; /* bits the format leaves reserved: must be 0 */

	in->op = OP_INVALID;
	in->rd = in->rs1 = in->rs2 = 0;
	in->imm = 0;
	if (op == OP_INVALID)
		return false;

	switch (info->format) {
	case FMT_R:     in->rd = rd; in->rs1 = rs1; in->rs2 = rs2; unused = w & 0xfff; break;
	case FMT_I:
	case FMT_LOAD:  in->rd = rd; in->rs1 = rs1; break;
	case FMT_U:     in->rd = rd; unused = rs1; break;
	case FMT_STORE: in->rs2 = rd; in->rs1 = rs1; break;
	case FMT_B:     in->rs1 = rd; in->rs2 = rs1; break;
	case FMT_J:     break;
	case FMT_N:     unused = w & 0xffffff; break;
	case FMT_RD:    in->rd = rd; unused = w & 0xfffff; break;
	case FMT_RS:    in->rs1 = rs1; unused = rd | imm16; break;
	case FMT_MFCR:  in->rd = rd; unused = rs1; break;
	case FMT_MTCR:  in->rs1 = rs1; unused = rd; break;
	}
	switch (info->imm) {
	case IMM_NONE: break;
	case IMM_S16:  in->imm = sext(imm16, 16); break;
	case IMM_U16:  in->imm = (int32_t)imm16; break;
	case IMM_SH5:  in->imm = (int32_t)(imm16 & 31); unused |= imm16 >> 5; break;
	case IMM_S24:  in->imm = sext(ISA_FIELD_IMM24(w), 24); break;
	case IMM_CR:   in->imm = (int32_t)imm16; break;
	}
	if (unused)
		return false;
	in->op = op;
	return true;
}

uint32_t isa_encode(const struct isa_insn *in)
{
	const struct isa_info *info = isa_info(in->op);
	uint32_t w = (uint32_t)info->opcode << 24;
	uint32_t imm = info->imm == IMM_S24 ? ((uint32_t)in->imm & 0xffffff)
					   : ((uint32_t)in->imm & 0xffff);

	switch (info->format) {
	case FMT_R:     w |= in->rd << 20 | in->rs1 << 16 | in->rs2 << 12; break;
	case FMT_I:
	case FMT_LOAD:  w |= in->rd << 20 | in->rs1 << 16 | imm; break;
	case FMT_U:     w |= in->rd << 20 | imm; break;
	case FMT_STORE: w |= (uint32_t)in->rs2 << 20 | in->rs1 << 16 | imm; break;
	case FMT_B:     w |= (uint32_t)in->rs1 << 20 | (uint32_t)in->rs2 << 16 | imm; break;
	case FMT_J:     w |= imm; break;
	case FMT_N:     break;
	case FMT_RD:    w |= in->rd << 20; break;
	case FMT_RS:    w |= (uint32_t)in->rs1 << 16; break;
	case FMT_MFCR:  w |= in->rd << 20 | imm; break;
	case FMT_MTCR:  w |= (uint32_t)in->rs1 << 16 | imm; break;
	}
	return w;
}

bool isa_imm_fits(enum isa_imm kind, int64_t v)
{
	switch (kind) {
	case IMM_NONE: return v == 0;
	case IMM_S16:  return v >= -32768 && v <= 32767;
	case IMM_U16:  return v >= 0 && v <= 0xffff;
	case IMM_SH5:  return v >= 0 && v <= 31;
	case IMM_S24:  return v >= -(1 << 23) && v < (1 << 23);
	case IMM_CR:   return v >= 0 && v < CR_COUNT && isa_cr_name((unsigned)v);
	}
	return false;
}

static const char *const abi_names[ISA_NREGS] = {
	"zero", "a0", "a1", "a2", "a3", "t0", "t1", "t2",
	"t3", "t4", "s0", "s1", "s2", "s3", "sp", "ra",
};

const char *isa_reg_abi_name(unsigned n)
{
	return n < ISA_NREGS ? abi_names[n] : NULL;
}

int isa_reg_lookup(const char *name)
{
	if ((name[0] == 'r' || name[0] == 'R') && name[1] >= '0' && name[1] <= '9') {
		int n = name[1] - '0';
		if (name[2] >= '0' && name[2] <= '9' && n != 0) {
			n = n * 10 + (name[2] - '0');
			if (name[3])
				return -1;
		} else if (name[2]) {
			return -1;
		}
		return n < ISA_NREGS ? n : -1;
	}
	for (int i = 0; i < ISA_NREGS; i++)
		if (strcasecmp(name, abi_names[i]) == 0)
			return i;
	return strcasecmp(name, "fp") == 0 ? 13 : -1; /* s3 doubles as frame pointer */
}

static const char *const cr_names[CR_COUNT] = {
	[CR_EPC] = "epc", [CR_EPSW] = "epsw", [CR_CAUSE] = "cause",
	[CR_BADVA] = "badva", [CR_TVEC] = "tvec", [CR_SCRATCH] = "scratch",
	[CR_PTBR] = "ptbr", [CR_ASID] = "asid", [CR_MMU] = "mmu",
	[CR_DELEG] = "deleg", [CR_CPUID] = "cpuid", [CR_MEMSIZE] = "memsize",
	[CR_EPC1] = "epc1", [CR_EPSW1] = "epsw1", [CR_CAUSE1] = "cause1",
	[CR_BADVA1] = "badva1", [CR_TVEC1] = "tvec1", [CR_SCRATCH1] = "scratch1",
};

const char *isa_cr_name(unsigned cr)
{
	return cr < CR_COUNT ? cr_names[cr] : NULL;
}

int isa_cr_lookup(const char *name)
{
	for (int i = 0; i < CR_COUNT; i++)
		if (cr_names[i] && strcasecmp(name, cr_names[i]) == 0)
			return i;
	return -1;
}

static const char *const cause_names[TRAP_NCAUSES] = {
	[TRAP_INTERRUPT] = "interrupt", [TRAP_SYSCALL] = "syscall",
	[TRAP_BREAKPOINT] = "breakpoint", [TRAP_ILLEGAL] = "illegal-instruction",
	[TRAP_PRIVILEGED] = "privileged-instruction", [TRAP_ALIGN] = "misaligned",
	[TRAP_DIVZERO] = "divide-by-zero", [TRAP_PAGE_FAULT] = "page-fault",
	[TRAP_BUS_ERROR] = "bus-error",
};

const char *isa_cause_name(unsigned code)
{
	return code < TRAP_NCAUSES ? cause_names[code] : NULL;
}

void isa_double_fault_reason(char *buf, size_t len, unsigned second_code, uint32_t second_pc)
{
	const char *second = isa_cause_name(second_code);

	snprintf(buf, len, "double fault: %s at pc 0x%08x while entering the handler",
		 second ? second : "trap", second_pc);
}
