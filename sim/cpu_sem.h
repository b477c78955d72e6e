/*
 * cpu_sem.h -- the ALU operations and branch conditions as expressions,
 * for cpu_exec_loop.h (included by cpu_exec.c only).
 *
 * An instruction's semantics are written once.  For most instructions the
 * handler in cpu_exec_loop.h is that place; the ALU operations and branch
 * conditions are written here instead, as expressions of their operand
 * values, because the fast loop applies the same expression to other
 * operands too: in a fused pair (cpu_fuse.def) the second instruction
 * takes the first one's result from a host register rather than from the
 * register file.  E_op(a, b) is the value written to rd, where b is rs2
 * (register formats) or the extended immediate (immediate formats);
 * C_op(a, b) is a branch's condition on rs1 and rs2.
 */
#ifndef VMLAB_CPU_SEM_H
#define VMLAB_CPU_SEM_H

/* name, second operand (RS2 or IMM, macros of cpu_exec_loop.h) */
#define ALU_OPS(A) \
	A(add, RS2) A(sub, RS2) A(and, RS2) A(or, RS2) A(xor, RS2) \
	A(sll, RS2) A(srl, RS2) A(sra, RS2) A(slt, RS2) A(sltu, RS2) \
	A(mul, RS2) A(mulh, RS2) A(mulhu, RS2) \
	A(addi, IMM) A(andi, IMM) A(ori, IMM) A(xori, IMM) A(slli, IMM) \
	A(srli, IMM) A(srai, IMM) A(slti, IMM) A(sltiu, IMM) A(lui, IMM)

#define E_add(a, b)   ((a) + (b))
#define E_sub(a, b)   ((a) - (b))
#define E_and(a, b)   ((a) & (b))
#define E_or(a, b)    ((a) | (b))
#define E_xor(a, b)   ((a) ^ (b))
#define E_sll(a, b)   ((a) << ((b) & 31))
#define E_srl(a, b)   ((a) >> ((b) & 31))
#define E_sra(a, b)   ((uint32_t)((int32_t)(a) >> ((b) & 31)))
#define E_slt(a, b)   ((uint32_t)((int32_t)(a) < (int32_t)(b)))
#define E_sltu(a, b)  ((uint32_t)((a) < (b)))
#define E_mul(a, b)   ((a) * (b))
#define E_mulh(a, b)  ((uint32_t)((uint64_t)((int64_t)(int32_t)(a) * (int32_t)(b)) >> 32))
#define E_mulhu(a, b) ((uint32_t)(((uint64_t)(a) * (b)) >> 32))
/* the immediate forms: b is the extended immediate (shift counts < 32) */
#define E_addi(a, b)  E_add(a, b)
#define E_andi(a, b)  E_and(a, b)
#define E_ori(a, b)   E_or(a, b)
#define E_xori(a, b)  E_xor(a, b)
#define E_slli(a, b)  ((a) << (b))
#define E_srli(a, b)  ((a) >> (b))
#define E_srai(a, b)  ((uint32_t)((int32_t)(a) >> (b)))
#define E_slti(a, b)  E_slt(a, b)
#define E_sltiu(a, b) E_sltu(a, b)
#define E_lui(a, b)   ((b) << 16)

/* The conditional branches and jumps; LINK_ is what runs first. */
#define BRANCHES(B) B(beq) B(bne) B(blt) B(bge) B(bltu) B(bgeu) B(j) B(jal)
#define C_beq(a, b)   ((a) == (b))
#define C_bne(a, b)   ((a) != (b))
#define C_blt(a, b)   ((int32_t)(a) < (int32_t)(b))
#define C_bge(a, b)   ((int32_t)(a) >= (int32_t)(b))
#define C_bltu(a, b)  ((a) < (b))
#define C_bgeu(a, b)  ((a) >= (b))
#define C_j(a, b)     1
#define C_jal(a, b)   1
#define LINK_beq
#define LINK_bne
#define LINK_blt
#define LINK_bge
#define LINK_bltu
#define LINK_bgeu
#define LINK_j
#define LINK_jal R[ISA_REG_RA] = PC() + 4

#endif
