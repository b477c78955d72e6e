/*
 * check_vmm_ring1.c -- ring 1, its register bank and trap delegation
 * under the monitor, against the bare machine (docs/isa.md section 5,
 * "The two ring-1 exceptions"; docs/monitor.md section 2).
 *
 * The monitor runs guest rings 0, 1 and 2 in real ring 2, so every
 * access to the ring-1 bank and every rfe traps, and it delivers the
 * causes a guest delegates to the guest's ring-1 handler itself.  These
 * tests hold it to the hardware, byte for byte (helpers/equiv.h: console,
 * end, whole guest RAM), on the strict machine unless said otherwise:
 *
 *   directed    epsw1 as a ring-0 handler reads it after a delegated trap;
 *               rfe in ring 0 with a ring-1 bank pointing elsewhere; every
 *               control-register number from rings 1, 2, 3; rfe in ring 1
 *               (IE unchanged, RING 0 refused); interrupts never
 *               delegated; tvec1 = 0; double faults (a delegated trap into
 *               a bad tvec1, a ring-0 one with a badva), reported as the
 *               trap being entered
 *   generated   random kernels that delegate random causes, run blocks in
 *               rings 1, 2 and 3, drop from ring 1 to rings 2 and 3 with a
 *               ring-1 rfe, use the ring-1 registers from every ring and
 *               hash both handlers' view of both banks; strict and classic
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/isa.h"
#include "tests/unit/helpers/equiv.h"
#include "tests/unit/helpers/guest.h"

/* ---- directed tests --------------------------------------------------------
 *
 * Paging off.  `enter` runs the code at a0 with PSW a1 (through rfe) until
 * the next trap into ring 0, which appends cause, epc, epsw and epsw1 to
 * the records at REC0 and returns to enter's caller, in ring 0.  The
 * ring-1 handler appends cause1, epc1, epsw1 and badva1 to REC1, then
 * runs the test's trap1_tail.  A test checks both record lists exactly.
 */
#define REC0 0x80000u
#define REC1 0x81000u
#define XTRA 0x80800u /* words a test stores itself */

#define D_HEAD \
	"        .equ INTC,  0xf0000000\n" \
	"        .equ TIMER, 0xf0001000\n" \
	"        .equ POWER, 0xf0004000\n" \
	"        .equ REC0,  0x80000\n" \
	"        .equ REC1,  0x81000\n" \
	"        .equ XTRA,  0x80800\n" \
	"        .equ RET,   0x82000\n" \
	"_start: la    t0, vectors\n" \
	"        mtcr  tvec, t0\n" \
	"        la    t0, vectors1\n" \
	"        mtcr  tvec1, t0\n" \
	"        li    s0, REC0\n" \
	"        li    s1, REC1\n" \
	"        j     main\n" \
	"enter:  mtcr  epc, a0\n" \
	"        mtcr  epsw, a1\n" \
	"        li    t0, RET\n" \
	"        sw    ra, 0(t0)\n" \
	"        rfe\n" \
	"done:   li    t0, POWER\n" \
	"        sw    zero, 0(t0)\n" \
	"        .align 64\n" \
	"vectors: j trap0\n j trap0\n j trap0\n j trap0\n j trap0\n j trap0\n j trap0\n" \
	" j trap0\n j trap0\n" \
	"trap0:  mfcr  t0, cause\n" \
	"        sw    t0, 0(s0)\n" \
	"        mfcr  t0, epc\n" \
	"        sw    t0, 4(s0)\n" \
	"        mfcr  t0, epsw\n" \
	"        sw    t0, 8(s0)\n" \
	"        mfcr  t0, epsw1\n" \
	"        sw    t0, 12(s0)\n" \
	"        addi  s0, s0, 16\n" \
	"        li    t0, RET\n" \
	"        lw    ra, 0(t0)\n" \
	"        ret\n" \
	"        .align 64\n" \
	"vectors1: j trap1\n j trap1\n j trap1\n j trap1\n j trap1\n j trap1\n j trap1\n" \
	" j trap1\n j trap1\n" \
	"trap1:  mfcr  t0, cause1\n" \
	"        sw    t0, 0(s1)\n" \
	"        mfcr  t0, epc1\n" \
	"        sw    t0, 4(s1)\n" \
	"        mfcr  t0, epsw1\n" \
	"        sw    t0, 8(s1)\n" \
	"        mfcr  t0, badva1\n" \
	"        sw    t0, 12(s1)\n" \
	"        addi  s1, s1, 16\n" \
	"        j     trap1_tail\n"

/* A trap1_tail that skips the trapping instruction (a system call's epc1
 * is already past it) and returns with a ring-1 rfe. */
#define SKIP_TAIL \
	"trap1_tail: mfcr t0, cause1\n" \
	"        andi  t0, t0, 0xff\n" \
	"        li    t1, 1\n" \
	"        beq   t0, t1, 1f\n" \
	"        mfcr  t0, epc1\n" \
	"        addi  t0, t0, 4\n" \
	"        mtcr  epc1, t0\n" \
	"1:      rfe\n"

struct rec { uint32_t w[4]; };

static void check_recs(const struct out *o, uint32_t base, const struct rec *r, int n,
		       const char *what)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 4; k++)
			ck_assert_msg(ram32(o, base + 16u * (uint32_t)i + 4u * (uint32_t)k) == r[i].w[k],
				      "%s: record %d word %d at 0x%x is 0x%08x, expected 0x%08x", what, i,
				      k, base, ram32(o, base + 16u * (uint32_t)i + 4u * (uint32_t)k),
				      r[i].w[k]);
	ck_assert_msg(ram32(o, base + 16u * (uint32_t)n) == 0 &&
		      ram32(o, base + 16u * (uint32_t)n + 4) == 0,
		      "%s: more than %d records at 0x%x", what, n, base);
}

/* Both runs of img on var: the same, powered off with status 0, the
 * records as given and the words the test stored at XTRA (nx of them) as
 * given.  Frees img. */
static void d_check(struct image *img, enum machine_variant var, const struct rec *r0, int n0,
		    const struct rec *r1, int n1, const uint32_t *xtra, int nx, const char *what)
{
	struct guest_spec g = { .img = img, .mem = KMEM, .seed = 1 };
	struct out o[2];

	both(&g, var, &o[0], &o[1], what);
	ck_assert_msg(o[1].end == END_POWER && o[1].code == 0, "%s: did not power off with 0", what);
	check_recs(&o[1], REC0, r0, n0, what);
	check_recs(&o[1], REC1, r1, n1, what);
	for (int i = 0; i < nx; i++)
		ck_assert_msg(ram32(&o[1], XTRA + 4u * (uint32_t)i) == xtra[i],
			      "%s: word %d stored 0x%08x, expected 0x%08x", what, i,
			      ram32(&o[1], XTRA + 4u * (uint32_t)i), xtra[i]);
	out_free(o, 2);
	image_free(img);
}

/* The case: system calls from ring 3 are delegated to ring 1; the
 * ring-1 handler runs a privileged instruction, which enters ring 0; the
 * ring-0 handler reads epsw1 and must see the RING that was saved there
 * (3), as it must see what it stores itself. */
START_TEST(test_epsw1_read_in_ring0)
{
	struct image *img = assemble(D_HEAD
		"main:   li    t0, 0x702\n"
		"        mtcr  epsw1, t0\n"
		"        mfcr  t1, epsw1\n"
		"        li    t0, XTRA\n"
		"        sw    t1, 0(t0)\n"
		"        li    t0, 1 << 1\n"
		"        mtcr  deleg, t0\n"
		"        la    a0, user\n"
		"        li    a1, 3 | 0x500\n"
		"        call  enter\n"
		"        mfcr  t1, epsw1\n"
		"        li    t0, XTRA\n"
		"        sw    t1, 4(t0)\n"
		"        j     done\n"
		"user:\n"
		"l1:     syscall\n"
		"trap1_tail:\n"
		"l2:     tlbflush\n");
	struct rec r0[] = { { { CAUSE_MAKE(TRAP_PRIVILEGED, 0, 0, 1), sym(img, "l2"), 0x501, 0x503 } } };
	struct rec r1[] = { { { CAUSE_MAKE(TRAP_SYSCALL, 0, 0, 3), sym(img, "l1") + 4, 0x503, 0 } } };
	static const uint32_t xtra[] = { 0x702, 0x503 };

	d_check(img, VARIANT_STRICT, r0, 1, r1, 1, xtra, 2, "epsw1 read in ring 0");
}
END_TEST

/* rfe in ring 0 returns through epc/epsw whatever the ring-1 bank holds;
 * rfe in ring 1 returns through epc1/epsw1, here to ring 3. */
START_TEST(test_rfe_ring0_ignores_ring1_bank)
{
	enum machine_variant var = _i ? VARIANT_CLASSIC : VARIANT_STRICT;
	struct image *img = assemble(D_HEAD
		"main:   la    t0, wrong\n"
		"        mtcr  epc1, t0\n"
		"        li    t0, 3\n"
		"        mtcr  epsw1, t0\n"
		"        la    t0, right\n"
		"        mtcr  epc, t0\n"
		"        li    t0, 0x300\n"
		"        mtcr  epsw, t0\n"
		"        rfe\n"
		"wrong:  li    t1, 0xbad\n"
		"        j     1f\n"
		"right:  li    t1, 0x600d\n"
		"1:      li    t0, XTRA\n"
		"        sw    t1, 0(t0)\n"
		"        la    a0, r1code\n"
		"        li    a1, 1\n"
		"        call  enter\n"
		"        j     done\n"
		"r1code: la    t0, user\n"
		"        mtcr  epc1, t0\n"
		"        li    t0, 3 | 0x200\n"
		"        mtcr  epsw1, t0\n"
		"        rfe\n"
		"user:\n"
		"l1:     syscall\n"
		"trap1_tail: j .\n");
	struct rec r0[] = { { { CAUSE_MAKE(TRAP_SYSCALL, 0, 0, 3), sym(img, "l1") + 4, 0x203, 0x203 } } };
	static const uint32_t xtra[] = { 0x600d };

	d_check(img, var, r0, 1, NULL, 0, xtra, 1, "rfe in ring 0 with a ring-1 bank");
}
END_TEST

/* Every kind of control-register number from ring _i (1..3), with every
 * trap delegated but breakpoints: which trap, if any, each one raises. */
START_TEST(test_cr_numbers_by_ring)
{
	unsigned ring = (unsigned)_i;
	char body[2048], what[64];
	struct image *img;
	struct rec r0[1], r1[16];
	int n1 = 0;

	snprintf(body, sizeof body, D_HEAD
		 "main:   li    t0, 0x1fa\n"
		 "        mtcr  deleg, t0\n"
		 "        la    a0, code\n"
		 "        li    a1, %u\n"
		 "        call  enter\n"
		 "        j     done\n"
		 "code:\n"
		 "c0:     mfcr  t1, epc1\n"
		 "c1:     mtcr  scratch1, t2\n"
		 "c2:     mfcr  t1, cause\n"
		 "c3:     .word 0x%08x           # mfcr r5, 22 (undefined)\n"
		 "c4:     .word 0x%08x           # mfcr r5, 40 (beyond the ring-1 bank)\n"
		 "c5:     .word 0x%08x           # mtcr 40, r5\n"
		 "c6:     .word 0x%08x           # mtcr 22, r5\n"
		 "c7:     mtcr  epsw1, zero\n"
		 "c8:     rfe                     # ring 1: epsw1.RING is 0\n"
		 "c9:     mtcr  cpuid, t1\n"
		 "c10:    break\n"
		 SKIP_TAIL, ring, 0x80500016u, 0x80500028u, 0x81050028u, 0x81050016u);
	img = assemble("%s", body);
	/* the table of docs/isa.md section 5, written out */
	static const unsigned ring1[] = { 0, 0, TRAP_PRIVILEGED, TRAP_ILLEGAL, TRAP_PRIVILEGED,
					  TRAP_PRIVILEGED, TRAP_ILLEGAL, 0, TRAP_PRIVILEGED,
					  TRAP_PRIVILEGED };
	for (unsigned k = 0; k < 10; k++) {
		unsigned code = ring == 1 ? ring1[k] : TRAP_PRIVILEGED;
		char label[8];
		if (!code)
			continue;
		snprintf(label, sizeof label, "c%u", k);
		r1[n1++] = (struct rec){ { CAUSE_MAKE(code, 0, 0, ring), sym(img, label), ring, 0 } };
	}
	r0[0] = (struct rec){ { CAUSE_MAKE(TRAP_BREAKPOINT, 0, 0, ring), sym(img, "c10"), ring, ring } };
	snprintf(what, sizeof what, "control registers from ring %u", ring);
	d_check(img, VARIANT_STRICT, r0, 1, r1, n1, NULL, 0, what);
}
END_TEST

/* rfe in ring 1 keeps IE (here on) and may go to ring 2; rfe in ring 2 is
 * privileged, delegated to ring 1 like any other cause. */
START_TEST(test_rfe_in_ring1)
{
	struct image *img = assemble(D_HEAD
		"main:   li    t0, 1 << 4\n"
		"        mtcr  deleg, t0\n"
		"        la    a0, r1code\n"
		"        li    a1, 1 | 4\n"
		"        call  enter\n"
		"        j     done\n"
		"r1code: la    t0, r2code\n"
		"        mtcr  epc1, t0\n"
		"        li    t0, 2 | 0x100\n"
		"        mtcr  epsw1, t0\n"
		"        rfe\n"
		"r2code:\n"
		"l1:     rfe\n"
		"l2:     mfcr  t0, epc1\n"
		"l3:     break\n"
		SKIP_TAIL);
	struct rec r0[] = { { { CAUSE_MAKE(TRAP_BREAKPOINT, 0, 0, 2), sym(img, "l3"), 0x106, 0x106 } } };
	struct rec r1[] = { { { CAUSE_MAKE(TRAP_PRIVILEGED, 0, 0, 2), sym(img, "l1"), 0x106, 0 } },
			    { { CAUSE_MAKE(TRAP_PRIVILEGED, 0, 0, 2), sym(img, "l2"), 0x106, 0 } } };

	d_check(img, VARIANT_STRICT, r0, 1, r1, 2, NULL, 0, "rfe in ring 1");
}
END_TEST

/* An interrupt in ring 1 enters ring 0 even with bit 0 of deleg set. */
START_TEST(test_interrupt_never_delegated)
{
	struct image *img = assemble(D_HEAD
		"main:   li    t0, 0x1ff\n"
		"        mtcr  deleg, t0\n"
		"        li    t0, INTC\n"
		"        li    t1, 1\n"
		"        sw    t1, 4(t0)\n"
		"        li    t0, TIMER\n"
		"        li    t1, 3000\n"
		"        sw    t1, 4(t0)\n"
		"        li    t1, 5\n"
		"        sw    t1, 0(t0)\n"
		"        la    a0, spin\n"
		"        li    a1, 1 | 4\n"
		"        call  enter\n"
		"        li    t0, TIMER\n"
		"        li    t1, 1\n"
		"        sw    t1, 8(t0)\n"
		"        j     done\n"
		"spin:   j     spin\n"
		"trap1_tail: j .\n");
	struct rec r0[] = { { { CAUSE_MAKE(TRAP_INTERRUPT, 0, 0, 1), sym(img, "spin"), 0x5, 0 } } };

	d_check(img, VARIANT_STRICT, r0, 1, NULL, 0, NULL, 0, "interrupt in ring 1");
}
END_TEST

/* deleg set but tvec1 = 0: nothing is delegated. */
START_TEST(test_tvec1_zero)
{
	struct image *img = assemble(D_HEAD
		"main:   li    t0, 0x1fa\n"
		"        mtcr  deleg, t0\n"
		"        mtcr  tvec1, zero\n"
		"        la    a0, user\n"
		"        li    a1, 3\n"
		"        call  enter\n"
		"        j     done\n"
		"user:\n"
		"l1:     syscall\n"
		"trap1_tail: j .\n");
	struct rec r0[] = { { { CAUSE_MAKE(TRAP_SYSCALL, 0, 0, 3), sym(img, "l1") + 4, 3, 0 } } };

	d_check(img, VARIANT_STRICT, r0, 1, NULL, 0, NULL, 0, "tvec1 = 0");
}
END_TEST

/* Run a program that must end in a double fault both ways; the report is
 * the trap that was being entered. */
static void double_fault(const char *body, uint32_t cause, const char *pc_label, uint32_t pc_add,
			 uint32_t badva, const char *what)
{
	struct image *img = assemble(D_HEAD "%s", body);
	struct guest_spec g = { .img = img, .mem = KMEM, .seed = 1 };
	struct out o[2];

	both(&g, VARIANT_STRICT, &o[0], &o[1], what);
	ck_assert_msg(o[1].end == END_CRASH, "%s: did not crash", what);
	ck_assert_uint_eq(o[1].cause, cause);
	ck_assert_uint_eq(o[1].pc, sym(img, pc_label) + pc_add);
	ck_assert_uint_eq(o[1].badva, badva);
	out_free(o, 2);
	image_free(img);
}

START_TEST(test_double_fault_delegated)
{
	double_fault("main:   li    t0, 1 << 1\n"
		     "        mtcr  deleg, t0\n"
		     "        li    t0, 0x3f00000       # beyond RAM\n"
		     "        mtcr  tvec1, t0\n"
		     "        la    a0, user\n"
		     "        li    a1, 3\n"
		     "        call  enter\n"
		     "        j     done\n"
		     "user:\n"
		     "l1:     syscall\n"
		     "trap1_tail: j .\n",
		     CAUSE_MAKE(TRAP_SYSCALL, 0, 0, 3), "l1", 4, 0, "double fault entering ring 1");
}
END_TEST

START_TEST(test_double_fault_ring0_badva)
{
	double_fault("main:   li    t0, 0x3f00000\n"
		     "        mtcr  tvec, t0\n"
		     "        li    t1, 0x3e00004\n"
		     "l1:     lw    t2, 0(t1)\n"
		     "        j     done\n"
		     "trap1_tail: j .\n",
		     CAUSE_MAKE(TRAP_BUS_ERROR, ACC_READ, 0, 0), "l1", 0, 0x3e00004,
		     "double fault entering ring 0");
}
END_TEST

/* ---- generated kernels -----------------------------------------------------
 *
 * Paging on: [0, 4 MiB) identity-mapped, supervisor but for the user code
 * (ucode .. ucode_end) and one user data page; 0x400000 is not mapped.
 * The kernel delegates a random set of causes (never breakpoints) to its
 * ring-1 handler and runs random work: ALU, loads and stores, writes and
 * reads of every ring-1 register, deleg and tvec1, an rfe in ring 0 with
 * the ring-1 bank aimed elsewhere, system calls and breakpoints, and
 * blocks of code in ring 1, 2 or 3.  A block ends with `break` and
 * r13 = G_EXIT, which takes the ring-0 handler back to the kernel; a ring-1
 * block may instead drop to ring 2 or 3 with a ring-1 rfe.  Both handlers
 * hash what they see (the ring-0 one both banks), skip the instruction
 * that trapped and count.  At the end the registers are stored, both
 * hashes printed, and the exit status is a function of them.
 */
#define G_KDATA 0x80000u
#define G_SAVE0 0x81000u /* ring 0: r7..r11, hash, count, resume */
#define G_RES   0x82000u
#define G_SAVE1 0x83000u /* ring 1: r7..r11, hash, count */
#define G_UDATA 0x84000u
#define G_PD    0x90000u
#define G_PT    0x92000u
#define G_PTDEV 0x95000u
#define G_HOLE  0x400000u
#define G_EXIT  0x7e57u

struct r1gen {
	uint64_t s;
	bool strict;
	FILE *k, *b, *u; /* kernel, ring 1-2 blocks, ring-3 blocks */
	char *kt, *bt, *ut;
	size_t kn, bn, un;
	int nblk;
};

static uint32_t rnd(struct r1gen *g, uint32_t n) /* 0 .. n-1 */
{
	g->s = g->s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(g->s >> 33) % n;
}

static unsigned rreg(struct r1gen *g)
{
	return 1 + rnd(g, 12);
}

static void r1_alu(struct r1gen *g, FILE *f)
{
	static const char *const op[] = { "add", "sub", "xor", "or", "and", "sll", "srl", "mul",
					  "divu", "rem" };

	switch (rnd(g, 3)) {
	case 0:
		fprintf(f, "        %s r%u, r%u, r%u\n", op[rnd(g, 10)], rreg(g), rreg(g), rreg(g));
		break;
	case 1:
		fprintf(f, "        addi r%u, r%u, %d\n", rreg(g), rreg(g), (int)rnd(g, 4096) - 2048);
		break;
	default:
		fprintf(f, "        li r%u, 0x%x\n", rreg(g), (rnd(g, 0x10000) << 16) | rnd(g, 0x10000));
		break;
	}
}

/* A load or store at base + a random offset, misaligned now and then. */
static void r1_mem(struct r1gen *g, FILE *f, uint32_t base)
{
	static const char *const op[] = { "lw", "sw", "lhu", "sh", "lb", "sb" };
	static const uint32_t size[] = { 4, 4, 2, 2, 1, 1 };
	unsigned k = rnd(g, 6);
	uint32_t off = rnd(g, 1024) * 4 + (rnd(g, 8) ? 0 : 1) % size[k];

	fprintf(f, "        li r13, 0x%x\n        %s r%u, 0(r13)\n", base + off, op[k], rreg(g));
}

static const char *const ring1_cr[] = { "epc1", "epsw1", "cause1", "badva1", "scratch1" };

/* One instruction (or a short pattern) of a block in ring `ring`. */
static void r1_block_op(struct r1gen *g, FILE *f, unsigned ring)
{
	switch (rnd(g, 22)) {
	case 0: case 1: case 2: case 3:
		r1_alu(g, f);
		break;
	case 4:
		r1_mem(g, f, G_KDATA); /* ring 3: a protection fault */
		break;
	case 5:
		r1_mem(g, f, G_UDATA);
		break;
	case 6:
		fprintf(f, "        li r13, 0x%x\n        lw r%u, 0(r13)\n", G_HOLE + 4 * rnd(g, 64),
			rreg(g));
		break;
	case 7:
		fprintf(f, "        li r13, 0\n        syscall\n");
		break;
	case 8:
		fprintf(f, "        li r13, 0\n        break\n");
		break;
	case 9:
		fprintf(f, "        %s\n", rnd(g, 2) ? "hypercall" : ".word 0xff000000");
		break;
	case 10:
		fprintf(f, "        mfcr r%u, %s\n", rreg(g), ring1_cr[rnd(g, 5)]);
		break;
	case 11:
		fprintf(f, "        mtcr %s, r%u\n", ring1_cr[rnd(g, 5)], rreg(g));
		break;
	case 12: {
		static const char *const cr0[] = { "epc", "cause", "ptbr", "deleg", "tvec1" };
		fprintf(f, "        mfcr r%u, %s\n", rreg(g), cr0[rnd(g, 5)]);
		break;
	}
	case 13: /* an undefined number or one beyond the ring-1 bank */
		fprintf(f, "        .word 0x%08x\n",
			(rnd(g, 2) ? 0x80000000u | rreg(g) << 20 : 0x81000000u | rreg(g) << 16) |
			(rnd(g, 2) ? 22 + rnd(g, 10) : 32 + rnd(g, 200)));
		break;
	case 14:
		if (ring == 1)
			fprintf(f, "        mtcr epsw1, r0\n"); /* so that rfe traps */
		fprintf(f, "        rfe\n");
		break;
	case 15: {
		static const char *const priv[] = { "halt", "tlbflush", "tlbinv r3" };
		fprintf(f, "        %s\n", priv[rnd(g, 3)]);
		break;
	}
	case 16:
		if (g->strict) {
			static const char *const sens[] = { "rdpsw r4", "wrpsw r5", "rdcycle r6",
							    "rdcycleh r6" };
			fprintf(f, "        %s\n", sens[rnd(g, 4)]);
		}
		break;
	case 17: /* ring 1 turns delegation off, or back on */
		if (rnd(g, 2))
			fprintf(f, "        mtcr tvec1, r0\n");
		else
			fprintf(f, "        la r13, vectors1\n        mtcr tvec1, r13\n");
		break;
	case 18: /* the UART: a supervisor page */
		fprintf(f, "        li r13, 0xf0002000\n        li r14, '%c'\n        sw r14, 0(r13)\n",
			'a' + (int)ring * 8 + (int)rnd(g, 8));
		break;
	default:
		r1_alu(g, f);
		break;
	}
}

static void r1_block(struct r1gen *g, unsigned ring, int depth);

/* The end of a block: back to the kernel through the ring-0 handler, or
 * (from ring 1) down to ring 2 or 3 with a ring-1 rfe. */
static void r1_block_end(struct r1gen *g, FILE *f, unsigned ring, int depth)
{
	if (ring == 1 && depth == 0 && rnd(g, 3) == 0) {
		unsigned to = 2 + rnd(g, 2);
		int n = g->nblk;
		fprintf(f, "        la r13, blk%d\n        mtcr epc1, r13\n        li r13, 0x%x\n"
			   "        mtcr epsw1, r13\n        rfe\n",
			n, to | (rnd(g, 256) << 8) | (rnd(g, 2) ? PSW_IE : 0));
		r1_block(g, to, depth + 1);
		return;
	}
	fprintf(f, "        li r13, 0x%x\n        break\n", G_EXIT);
}

static void r1_block(struct r1gen *g, unsigned ring, int depth)
{
	FILE *f = ring == 3 ? g->u : g->b;
	int len = 2 + (int)rnd(g, 18);

	fprintf(f, "blk%d:\n", g->nblk++);
	for (int i = 0; i < len; i++)
		r1_block_op(g, f, ring);
	r1_block_end(g, f, ring, depth);
}

static void r1_kernel_op(struct r1gen *g)
{
	FILE *k = g->k;
	int n;

	switch (rnd(g, 24)) {
	case 0: case 1: case 2: case 3:
		r1_alu(g, k);
		break;
	case 4:
		r1_mem(g, k, G_KDATA);
		break;
	case 5: case 6:
		fprintf(k, "        mtcr %s, r%u\n", ring1_cr[rnd(g, 5)], rreg(g));
		break;
	case 7: {
		static const char *const cr[] = { "epc1", "epsw1", "cause1", "badva1", "scratch1",
						  "tvec1", "deleg" };
		fprintf(k, "        mfcr r%u, %s\n", rreg(g), cr[rnd(g, 7)]);
		break;
	}
	case 8: /* delegate another set of causes (never breakpoints) */
		fprintf(k, "        li r13, 0x%x\n        mtcr deleg, r13\n", rnd(g, 0x200) & 0x1fbu);
		break;
	case 9:
		if (rnd(g, 3))
			fprintf(k, "        la r13, vectors1\n        mtcr tvec1, r13\n");
		else
			fprintf(k, "        mtcr tvec1, r0\n");
		break;
	case 10: /* rfe in ring 0 with the ring-1 bank aimed at gap_fail */
		n = g->nblk++;
		fprintf(k, "        la r13, gap_fail\n        mtcr epc1, r13\n        li r13, 0x%x\n"
			   "        mtcr epsw1, r13\n        la r13, gap%d\n        mtcr epc, r13\n"
			   "        li r13, 0x%x\n        mtcr epsw, r13\n        rfe\ngap%d:\n",
			(1 + rnd(g, 3)) | (rnd(g, 256) << 8), n, rnd(g, 256) << 8, n);
		break;
	case 11: case 12: case 13: case 14: { /* a block in ring 1 (mostly), 2 or 3 */
		unsigned ring = rnd(g, 4);
		ring = ring < 2 ? 1 : ring;
		n = g->nblk;
		r1_block(g, ring, 0);
		fprintf(k, "        la r13, blk%d\n        mtcr epc, r13\n        li r13, 0x%x\n"
			   "        mtcr epsw, r13\n        la r13, res%d\n        li r14, 0x%x\n"
			   "        sw r13, 28(r14)\n        rfe\nres%d:\n",
			n, ring | (rnd(g, 256) << 8) | (rnd(g, 2) ? PSW_IE : 0), n, G_SAVE0, n);
		break;
	}
	case 15:
		fprintf(k, "        li r13, 0\n        syscall\n");
		break;
	case 16:
		fprintf(k, "        li r13, 0\n        break\n");
		break;
	case 17:
		if (g->strict)
			fprintf(k, "        rdpsw r%u\n        li r13, 0x%x\n        wrpsw r13\n", rreg(g),
				rnd(g, 256) << 8);
		break;
	default:
		r1_alu(g, k);
		break;
	}
}

/* r13 = the value to hash into r8, r7 a temporary. */
static void r1_hash(FILE *f, unsigned reg)
{
	fprintf(f, "        srli r7, r8, 27\n        slli r8, r8, 5\n        or r8, r8, r7\n"
		   "        add r8, r8, r%u\n", reg);
}

/* A handler's vector table and entry: r12 parked in `scratch`, r7..r11
 * saved at area, and the control registers in seen hashed into r8. */
static void r1_handler_head(FILE *f, const char *vectors, const char *entry, uint32_t area,
			    const char *scratch, const char *const *seen, size_t nseen)
{
	fprintf(f, "        .align 64\n%s:\n", vectors);
	for (int i = 0; i < 9; i++)
		fprintf(f, "        j %s\n", entry);
	fprintf(f, "%s:   mtcr %s, r12\n        li r12, 0x%x\n", entry, scratch, area);
	for (unsigned r = 7; r <= 11; r++)
		fprintf(f, "        sw r%u, %u(r12)\n", r, 4 * (r - 7));
	fprintf(f, "        lw r8, 20(r12)\n");
	for (size_t i = 0; i < nseen; i++) {
		fprintf(f, "        mfcr r9, %s\n", seen[i]);
		r1_hash(f, 9);
	}
}

static void r1_restore(FILE *f, const char *scratch)
{
	fprintf(f, "        lw r7, 24(r12)\n        addi r7, r7, 1\n        sw r7, 24(r12)\n"
		   "        sw r8, 20(r12)\n");
	for (unsigned r = 7; r <= 11; r++)
		fprintf(f, "        lw r%u, %u(r12)\n", r, 4 * (r - 7));
	fprintf(f, "        mfcr r12, %s\n        rfe\n", scratch);
}

static void r1_handlers(struct r1gen *g)
{
	static const char *const seen0[] = { "cause", "epc", "badva", "epsw", "epc1", "epsw1",
					     "cause1", "badva1", "scratch1", "tvec1", "deleg" };
	static const char *const seen1[] = { "cause1", "epc1", "badva1", "epsw1" };
	FILE *k = g->k;

	r1_handler_head(k, "vectors", "trap0", G_SAVE0, "scratch", seen0,
			sizeof seen0 / sizeof seen0[0]);
	fprintf(k, "        mfcr r9, cause\n        andi r9, r9, 0xff\n        mfcr r10, epc\n"
		   "        li r11, 2\n        bne r9, r11, 3f\n        li r11, 0x%x\n"
		   "        bne r13, r11, 4f\n"
		   "        lw r11, 28(r12)            # the block is done: the kernel resumes\n"
		   "        mtcr epc, r11\n        mtcr epsw, r0\n        j 5f\n"
		   "3:      li r11, 1\n        bne r9, r11, 4f\n"
		   "        slli r11, r1, 1            # a system call: a0 = 2 a0 + a1 + 0x55\n"
		   "        add r1, r11, r2\n        addi r1, r1, 0x55\n        j 5f\n"
		   "4:      addi r10, r10, 4\n        mtcr epc, r10\n5:\n", G_EXIT);
	r1_restore(k, "scratch");

	r1_handler_head(k, "vectors1", "trap1", G_SAVE1, "scratch1", seen1,
			sizeof seen1 / sizeof seen1[0]);
	fprintf(k, "        mfcr r9, cause1\n        andi r9, r9, 0xff\n        li r11, 1\n"
		   "        bne r9, r11, 4f\n"
		   "        slli r11, r1, 2            # a delegated system call: a0 = 3 a0 + a1\n"
		   "        sub r1, r11, r1\n        add r1, r1, r2\n        j 5f\n"
		   "4:      mfcr r10, epc1\n        addi r10, r10, 4\n        mtcr epc1, r10\n5:\n");
	r1_restore(k, "scratch1");
}

static char *r1_program(uint64_t seed, bool strict)
{
	struct r1gen g = { .s = seed, .strict = strict };
	int nops = 30 + (int)rnd(&g, 100);
	char *text;
	size_t n;
	FILE *all;

	g.k = open_memstream(&g.kt, &g.kn);
	g.b = open_memstream(&g.bt, &g.bn);
	g.u = open_memstream(&g.ut, &g.un);
	ck_assert(g.k && g.b && g.u);
	fprintf(g.k,
		"        .text\n"
		"_start: la r13, vectors\n        mtcr tvec, r13\n"
		"        la r13, vectors1\n        mtcr tvec1, r13\n"
		"        li r13, 0x%x\n        mtcr deleg, r13\n"
		"        li r13, 0x%x                # the page table: P W, U on user code\n"
		"        li r1, 0\n        la r2, ucode\n        la r3, ucode_end\n"
		"1:      ori r4, r1, 3\n        bltu r1, r2, 2f\n        bgeu r1, r3, 2f\n"
		"        ori r4, r4, 4\n2:      sw r4, 0(r13)\n        addi r13, r13, 4\n"
		"        li r5, 0x1000\n        add r1, r1, r5\n        li r5, 0x400000\n"
		"        bne r1, r5, 1b\n"
		"        li r13, 0x%x\n        li r1, 0x%x\n        sw r1, 0(r13)\n"
		"        li r13, 0x%x\n        li r1, 0xf0002003\n        sw r1, 8(r13)\n"
		"        li r1, 0xf0004003\n        sw r1, 16(r13)\n"
		"        li r13, 0x%x\n        li r1, 0x%x\n        sw r1, 0(r13)\n"
		"        li r1, 0x%x\n        sw r1, 0xf00(r13)\n"
		"        mtcr ptbr, r13\n        li r13, 1\n        mtcr asid, r13\n"
		"        mtcr mmu, r13\n",
		rnd(&g, 0x200) & 0x1fbu, G_PT, G_PT + (G_UDATA >> 12) * 4, G_UDATA | 7, G_PTDEV,
		G_PD, G_PT | 7, G_PTDEV | 3);
	for (unsigned r = 1; r <= 12; r++)
		fprintf(g.k, "        li r%u, 0x%x\n", r, (rnd(&g, 0x10000) << 16) | rnd(&g, 0x10000));
	for (int i = 0; i < nops; i++)
		r1_kernel_op(&g);
	fprintf(g.k, "        li r13, 0x%x\n", G_RES);
	for (unsigned r = 1; r <= 12; r++)
		fprintf(g.k, "        sw r%u, %u(r13)\n", r, 4 * r);
	fprintf(g.k,
		"        li r13, 0x%x\n        lw r1, 20(r13)\n        call phex\n"
		"        li r13, 0x%x\n        lw r1, 20(r13)\n        call phex\n"
		"        li r13, 0x%x\n        lw r1, 20(r13)\n        li r13, 0x%x\n"
		"        lw r2, 20(r13)\n        xor r1, r1, r2\n        li r13, 0x%x\n"
		"        lw r2, 4(r13)\n"
		"        xor r1, r1, r2\n        srli r2, r1, 9\n        xor r1, r1, r2\n"
		"        andi r1, r1, 0x7f\n"
		"        li r13, 0xf0004000\n        sw r1, 0(r13)\n"
		"gap_fail: li r13, 0xf0002000       # only if rfe in ring 0 took the ring-1 path\n"
		"        li r1, '!'\n        sw r1, 0(r13)\n        li r13, 0xf0004000\n"
		"        li r1, 0x7f\n        sw r1, 0(r13)\n"
		"phex:   li r2, 0xf0002000\n        li r3, 8\n"
		"1:      srli r4, r1, 28\n        la r5, hexdig\n        add r5, r5, r4\n"
		"        lbu r4, 0(r5)\n        sw r4, 0(r2)\n        slli r1, r1, 4\n"
		"        addi r3, r3, -1\n        bnez r3, 1b\n        li r4, '\\n'\n"
		"        sw r4, 0(r2)\n        ret\n"
		"hexdig: .ascii \"0123456789abcdef\"\n        .align 4\n",
		G_SAVE0, G_SAVE1, G_SAVE0, G_SAVE1, G_RES);
	r1_handlers(&g);
	fclose(g.k);
	fclose(g.b);
	fclose(g.u);
	all = open_memstream(&text, &n);
	ck_assert(all != NULL);
	fprintf(all, "%s%s        .align 4096\nucode:\n%s        .align 4096\nucode_end:\n", g.kt,
		g.bt, g.ut);
	fclose(all);
	free(g.kt);
	free(g.bt);
	free(g.ut);
	return text;
}

static void r1_case(int i, bool strict)
{
	uint64_t seed = 0x2545f4914f6cdd1dull * (uint64_t)(i + 1) ^ (strict ? 0 : 0xc1a55c);
	char *text = r1_program(seed, strict);
	struct image *img = assemble("%s", text);
	struct guest_spec g = { .img = img, .mem = KMEM, .seed = seed };
	struct out bare, vm;
	char what[80];

	snprintf(what, sizeof what, "%s ring-1 kernel %d (seed 0x%llx)", strict ? "strict" : "classic",
		 i, (unsigned long long)seed);
	both(&g, strict ? VARIANT_STRICT : VARIANT_CLASSIC, &bare, &vm, what);
	ck_assert_msg(bare.end == END_POWER, "%s: did not power off (%d)\n%s", what, bare.end, text);
	ck_assert_msg(!memchr(bare.con, '!', bare.conlen), "%s: rfe in ring 0 took the ring-1 path",
		      what);
	out_free(&bare, 1);
	out_free(&vm, 1);
	image_free(img);
	free(text);
}

START_TEST(test_random_ring1_strict)
{
	r1_case(_i, true);
}
END_TEST

START_TEST(test_random_ring1_classic)
{
	r1_case(_i, false);
}
END_TEST

/* The generator does what it is for: most kernels take delegated traps
 * (bare metal counts them in the ring-1 handler's save area). */
START_TEST(test_generator_delegates)
{
	int delegated = 0;

	for (int i = 0; i < 30; i++) {
		char *text = r1_program(0x2545f4914f6cdd1dull * (uint64_t)(i + 1), true);
		struct image *img = assemble("%s", text);
		struct guest_spec g = { .img = img, .mem = KMEM, .seed = 1 };
		struct out bare;

		run_bare(&g, VARIANT_STRICT, &bare);
		ck_assert_int_eq(bare.end, END_POWER);
		delegated += ram32(&bare, G_SAVE1 + 24) > 0;
		out_free(&bare, 1);
		image_free(img);
		free(text);
	}
	ck_assert_msg(delegated >= 20, "only %d of 30 kernels took a delegated trap", delegated);
}
END_TEST

static Suite *ring1_suite(void)
{
	Suite *s = suite_create("vmm_ring1");
	TCase *tc;

	tc = tcase_create("directed");
	tcase_add_test(tc, test_epsw1_read_in_ring0);
	tcase_add_loop_test(tc, test_rfe_ring0_ignores_ring1_bank, 0, 2);
	tcase_add_loop_test(tc, test_cr_numbers_by_ring, 1, 4);
	tcase_add_test(tc, test_rfe_in_ring1);
	tcase_add_test(tc, test_interrupt_never_delegated);
	tcase_add_test(tc, test_tvec1_zero);
	tcase_add_test(tc, test_double_fault_delegated);
	tcase_add_test(tc, test_double_fault_ring0_badva);
	suite_add_tcase(s, tc);

	tc = tcase_create("generated");
	tcase_add_test(tc, test_generator_delegates);
	tcase_add_loop_test(tc, test_random_ring1_strict, 0, 150);
	tcase_add_loop_test(tc, test_random_ring1_classic, 0, 50);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return g_main(ring1_suite());
}
