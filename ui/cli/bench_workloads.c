/*
 * bench_workloads.c -- the guest programs `vmlab bench` measures.
 *
 * Each is complete assembly source but for two symbols bench defines in
 * front of it: ITERS, the workload's iteration count (`--scale-down`
 * divides it), and PEERS10_HASH and PEERS10_SUM (peers10's expected
 * results for ITERS).
 * Each computes something and powers off with 0 only if the result is
 * right, so a broken interpreter cannot report a fast time.  The paging workloads first build an identity map
 * of the low 4 MiB (one page table) plus the power device's page.
 */
#include "ui/cli/bench.h"

#include <stddef.h>
#include <stdint.h>

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
#define ALU_LOOP \
	"        li    a0, 0\n" \
	"        li    a1, ITERS\n" \
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
	"        li    t1, ITERS / 2\n"        /* ITERS is even */ \
	"        li    t2, ITERS - 1\n" \
	"        mul   t1, t1, t2\n" \
	"        sub   t0, t0, t1\n" \
	"        sltu  t0, r0, t0\n"   /* 0 if equal, 1 if not */

static const char alu_paging[] =
	"_start:\n" PAGING_ON ALU_LOOP POWER_OFF_WITH("t0");

static const char alu_nopaging[] =
	"_start:\n" ALU_LOOP POWER_OFF_WITH("t0");

/* Touch one word in each of 512 pages, over and over: with a TLB smaller
 * than 512 entries every access misses and walks the tables. */
static const char tlb_walk[] =
	"_start:\n" PAGING_ON
	"        li    a0, 0\n"            /* pass                         */
	"        li    a1, ITERS\n"         /* passes                       */
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
	/* each page ends with ITERS-1 and the sum is 512 * sum 0..ITERS-2 */
	"        li    t1, 512 * ((ITERS - 1) * (ITERS - 2) / 2)\n"
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
	"user:   li    a1, ITERS\n"
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

/* The loop every peer ran in issue #14's comparison (QEMU's TCG, Bochs):
 * ten instructions, paging on.  A running sum t0, a hash s0 of the sums,
 * and a 256-word table indexed by the hash, each word summing the t0s
 * that hit it:
 *
 *   add t0 += a0 | xor s0 ^= t0 | slli, andi: t1 = (s0 << 2) & 0x3fc |
 *   add t2 = table + t1 | lw, add, sw: table[t1] += t0 | addi, bnez: a0--
 *
 * The check: the table's words add up to the sum of every t0 (whatever
 * the hash did) and s0 is the right hash: PEERS10_SUM and PEERS10_HASH,
 * which bench computes with the same arithmetic in C. */
static const char peers10[] =
	"_start:\n" PAGING_ON
	"        li    a0, ITERS\n"          /* counted down to 0          */
	"        li    a2, 0x200000\n"       /* the table (zeroed RAM)     */
	"        li    t0, 0\n"
	"        li    s0, 0\n"
	"7:      add   t0, t0, a0\n"
	"        xor   s0, s0, t0\n"
	"        slli  t1, s0, 2\n"
	"        andi  t1, t1, 0x3fc\n"
	"        add   t2, a2, t1\n"
	"        lw    t3, 0(t2)\n"
	"        add   t3, t3, t0\n"
	"        sw    t3, 0(t2)\n"
	"        addi  a0, a0, -1\n"
	"        bnez  a0, 7b\n"
	/* the table's words must add up to PEERS10_SUM */
	"        li    t1, PEERS10_SUM\n"
	"        li    t2, 256\n"
	"9:      lw    t3, 0(a2)\n"
	"        sub   t1, t1, t3\n"
	"        addi  a2, a2, 4\n"
	"        addi  t2, t2, -1\n"
	"        bnez  t2, 9b\n"
	"        li    t2, PEERS10_HASH\n"
	"        xor   t2, t2, s0\n"
	"        or    t0, t1, t2\n"           /* 0 only if both match */
	POWER_OFF_WITH("t0");

void bench_peers10_expect(uint32_t iters, uint32_t *hash, uint32_t *sum)
{
	uint32_t t0 = 0, s0 = 0, total = 0;

	for (uint32_t a0 = iters; a0 != 0; a0--) {
		t0 += a0;
		s0 ^= t0;
		total += t0;
	}
	*hash = s0;
	*sum = total;
}

const struct bench_workload bench_workloads[] = {
	{ "alu-paging", "ALU/load/store loop, paging on", alu_paging, true, 25000000 },
	{ "alu-nopaging", "the same loop, paging off", alu_nopaging, false, 25000000 },
	{ "tlb-walk", "one access per page over 512 pages: every access walks",
	  tlb_walk, true, 4000 },
	{ "peers10", "issue #14's 10-instruction loop, paging on", peers10, true, 25000000 },
	{ "syscall", "system call from ring 3 and rfe back", syscall_loop, false, 2000000 },
	{ NULL, NULL, NULL, false, 0 },
};
