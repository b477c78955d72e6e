/*
 * bench_workloads.c -- the guest programs `vmlab bench` measures.
 *
 * Each is complete assembly source.  Each computes something and powers
 * off with 0 only if the result is right, so a broken interpreter cannot
 * report a fast time.  The paging workloads first build an identity map
 * of the low 4 MiB (one page table) plus the power device's page.
 */
#include "ui/cli/bench.h"

#include <stddef.h>

#define POWER_OFF_WITH(reg) \
	"        lui   t4, 0xf000\n" \
	"        ori   t4, t4, 0x4000\n" \
	"        sw    " reg ", 0(t4)\n" \
	"1:      j     1b\n"

/* Identity-map 0..4 MiB and the power device, then turn paging on. */
#define PAGING_ON \
	"        .equ  PD, 0x10000\n" \
	"        .equ  PT, 0x11000\n" \
	"        .equ  PTDEV, 0x12000\n" \
	"        li    t0, PD\n" \
	"        li    t1, PT | 3\n" \
	"        sw    t1, 0(t0)\n"            /* PD[0] = PT, P|W          */ \
	"        li    t1, PTDEV | 3\n" \
	"        sw    t1, 0xf00(t0)\n"        /* PD[0x3c0] = PTDEV, P|W   */ \
	"        li    t1, 0xf0004000 | 3\n" \
	"        li    t2, PTDEV\n" \
	"        sw    t1, 16(t2)\n"           /* PTDEV[4] = power device  */ \
	"        li    t2, PT\n" \
	"        li    t3, 3\n"                /* frame 0, P|W             */ \
	"        li    s0, 0x400003\n" \
	"2:      sw    t3, 0(t2)\n" \
	"        addi  t2, t2, 4\n" \
	"        li    s1, 0x1000\n" \
	"        add   t3, t3, s1\n" \
	"        bne   t3, s0, 2b\n" \
	"        mtcr  ptbr, t0\n" \
	"        li    t1, 1\n" \
	"        mtcr  mmu, t1\n"

/* A loop of ALU operations, a load and a store: 8 instructions. */
#define ALU_LOOP(iters) \
	"        li    a0, 0\n" \
	"        li    a1, " iters "\n" \
	"        li    a2, 0x200000\n" \
	"        li    a3, 0\n" \
	"3:      lw    t0, 0(a2)\n" \
	"        add   t0, t0, a0\n" \
	"        xor   t1, t0, a0\n" \
	"        slli  t1, t1, 1\n" \
	"        sw    t0, 0(a2)\n" \
	"        add   a3, a3, t1\n" \
	"        addi  a0, a0, 1\n" \
	"        bne   a0, a1, 3b\n" \
	/* result check: memory holds sum 0..iters-1 mod 2^32 */ \
	"        lw    t0, 0(a2)\n" \
	"        li    t1, (" iters ") / 2\n"      /* iters is even */ \
	"        li    t2, (" iters ") - 1\n" \
	"        mul   t1, t1, t2\n" \
	"        sub   t0, t0, t1\n" \
	"        sltu  t0, r0, t0\n"   /* 0 if equal, 1 if not */

static const char alu_paging[] =
	"_start:\n" PAGING_ON ALU_LOOP("25000000") POWER_OFF_WITH("t0");

static const char alu_nopaging[] =
	"_start:\n" ALU_LOOP("25000000") POWER_OFF_WITH("t0");

/* Touch one word in each of 512 pages, over and over: with a TLB smaller
 * than 512 entries every access misses and walks the tables. */
static const char tlb_walk[] =
	"_start:\n" PAGING_ON
	"        li    a0, 0\n"            /* pass                         */
	"        li    a1, 4000\n"          /* passes                       */
	"        li    a3, 0\n"             /* checksum                     */
	"4:      li    a2, 0x200000\n"
	"        li    s0, 0x400000\n"
	"        li    s1, 0x1000\n"
	"5:      lw    t0, 0(a2)\n"
	"        add   a3, a3, t0\n"
	"        sw    a0, 0(a2)\n"
	"        add   a2, a2, s1\n"
	"        bne   a2, s0, 5b\n"
	"        addi  a0, a0, 1\n"
	"        bne   a0, a1, 4b\n"
	/* each page ends with a0-1 = 3999 and the sum is 512 * sum 0..3998 */
	"        li    t1, 512 * (3999 * 3998 / 2)\n"
	"        sub   t0, a3, t1\n"
	"        sltu  t0, r0, t0\n"
	POWER_OFF_WITH("t0");

/* System calls to a ring-0 handler and back from ring 3: trap entry and
 * rfe, the path every monitor exit takes. */
static const char syscall_loop[] =
	"_start:\n"
	"        la    t0, vectors\n"
	"        mtcr  tvec, t0\n"
	"        la    t0, user\n"
	"        mtcr  epc, t0\n"
	"        li    t0, 3\n"             /* ring 3, IE off */
	"        mtcr  epsw, t0\n"
	"        li    a0, 0\n"
	"        rfe\n"
	"user:   li    a1, 2000000\n"
	"6:      syscall\n"
	"        bne   a0, a1, 6b\n"
	"        li    a0, -1\n"
	"        syscall\n"                  /* a0 = -1: finish */
	"vectors:\n"
	"        .word 0\n"                 /* 0: interrupt (unused)  */
	"        j     handler\n"           /* 1: syscall             */
	"handler:\n"
	"        li    t0, -1\n"
	"        beq   a0, t0, done\n"
	"        addi  a0, a0, 1\n"
	"        rfe\n"
	"done:   li    t0, 0\n"
	POWER_OFF_WITH("t0");

const struct bench_workload bench_workloads[] = {
	{ "alu-paging", "ALU/load/store loop, paging on", alu_paging, true },
	{ "alu-nopaging", "the same loop, paging off", alu_nopaging, false },
	{ "tlb-walk", "one access per page over 512 pages: every access walks", tlb_walk, true },
	{ "syscall", "system call from ring 3 and rfe back", syscall_loop, false },
	{ NULL, NULL, NULL, false },
};
