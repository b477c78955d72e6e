/*
 * check_vmm.c -- the monitor (monitor/) against the bare machine.
 *
 * Each test assembles a small guest kernel, runs it on a bare machine and
 * as a guest of the trap-and-emulate monitor, and compares what the guest
 * can observe: its console, how it ended (power-off status or crash with
 * cause and pc) and every byte of its guest-physical RAM at the end (read
 * at the VM's slice of host memory, vm->base).  Where the answer is known
 * it is asserted exactly too, so a test fails even if both sides are wrong
 * the same way.
 *
 *   equivalence  generated kernels (ALU, loads and stores, traps, system
 *                calls from ring 3, two address spaces, page-table edits,
 *                the RNG and the UART), strict and classic
 *   paging       every P/W/U combination at both levels x ring 0/3 x
 *                read/write/fetch, A/D bits; shadow coherence after page-
 *                table edits, through aliases, by disk DMA, across address
 *                spaces
 *   vcpu         the strict machine's sensitive instructions outside ring
 *                0; trap delegation; the ring-1 registers of each guest
 *   monitor      the cost model (exact monitor cycles and exits), cycle
 *                accounting; a hostile guest beside a good one (from
 *                tests/vmm, so run from the top of the tree); a guest that
 *                exhausts the shadow pool beside a good one
 *
 * tests/vmm/run.sh tests the same monitor from the command line: the
 * hole of the classic machine, several guests, options and statistics.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/vmm_priv.h"
#include "sim/asm/asm.h"
#include "sim/image.h"
#include "tests/unit/helpers/equiv.h"

/*
 * A small kernel library shared by the paging and vcpu tests: paging on
 * with [0, 4 MiB) identity-mapped for the kernel (supervisor, writable),
 * the devices mapped at their own addresses, and a trap handler that
 * prints "trap CAUSE EPC BADVA" and skips the trapping instruction
 * (system calls return after themselves).  Routines clobber a0..a3 only.
 * main starts with s0 = PT_X, the table of XVA's 4 MiB, and s1 = XVA.
 */
#define K_HEAD \
	"        .equ PD,     0x10000\n" \
	"        .equ PT_ID,  0x11000   # identity map of [0, 4 MiB)\n" \
	"        .equ PT_DEV, 0x12000   # the devices\n" \
	"        .equ PT_X,   0x13000   # free tables for the tests\n" \
	"        .equ PT_Y,   0x14000\n" \
	"        .equ PD2,    0x15000   # a second address space\n" \
	"        .equ FA,     0x20000   # frames the tests map\n" \
	"        .equ FB,     0x21000\n" \
	"        .equ FC,     0x22000\n" \
	"        .equ XVA,    0x400000  # directory 1 = PT_X\n" \
	"        .equ INTC,   0xf0000000\n" \
	"        .equ TIMER,  0xf0001000\n" \
	"        .equ UART,   0xf0002000\n" \
	"        .equ DISK,   0xf0003000\n" \
	"        .equ POWER,  0xf0004000\n" \
	"        .equ RNG,    0xf0006000\n" \
	"        .equ P, 1\n        .equ W, 2\n        .equ U, 4\n" \
	"        .equ A, 0x10\n        .equ D, 0x20\n" \
	"        .text\n" \
	"_start: la    t0, vectors\n" \
	"        mtcr  tvec, t0\n" \
	"        li    sp, 0x3ff000\n" \
	"        li    t0, PT_ID\n" \
	"        li    t1, P | W\n" \
	"        li    t2, 0x400000 | P | W\n" \
	"        li    t3, 0x1000\n" \
	"1:      sw    t1, 0(t0)\n" \
	"        addi  t0, t0, 4\n" \
	"        add   t1, t1, t3\n" \
	"        bne   t1, t2, 1b\n" \
	"        li    t0, PT_DEV\n" \
	"        li    t1, INTC | P | W\n" \
	"        li    t2, RNG + 0x1000 | P | W\n" \
	"2:      sw    t1, 0(t0)\n" \
	"        addi  t0, t0, 4\n" \
	"        add   t1, t1, t3\n" \
	"        bne   t1, t2, 2b\n" \
	"        li    t0, PD\n" \
	"        li    t1, PT_ID | P | W\n" \
	"        sw    t1, 0(t0)\n" \
	"        li    t1, PT_X | P | W\n" \
	"        sw    t1, 4(t0)\n" \
	"        li    t1, PT_DEV | P | W\n" \
	"        sw    t1, 0xf00(t0)\n" \
	"        li    t1, FA\n" \
	"        li    t2, 0x1111\n" \
	"        sw    t2, 0(t1)\n" \
	"        li    t1, FB\n" \
	"        li    t2, 0x2222\n" \
	"        sw    t2, 0(t1)\n" \
	"        li    t1, FC\n" \
	"        li    t2, 0x3333\n" \
	"        sw    t2, 0(t1)\n" \
	"        mtcr  ptbr, t0\n" \
	"        li    t0, 1\n" \
	"        mtcr  asid, t0\n" \
	"        mtcr  mmu, t0\n" \
	"        li    s0, PT_X\n" \
	"        li    s1, XVA\n" \
	"        j     main\n"

#define K_TAIL \
	"        .align 64\n" \
	"vectors: j trap\n j trap\n j trap\n j trap\n j trap\n j trap\n j trap\n j trap\n j trap\n" \
	"trap:   mtcr  scratch, ra\n" \
	"        push  a0\n" \
	"        push  a1\n" \
	"        la    a0, m_trap\n" \
	"        call  puts\n" \
	"        mfcr  a0, cause\n" \
	"        call  puthex\n" \
	"        mfcr  a0, epc\n" \
	"        call  puthex\n" \
	"        mfcr  a0, badva\n" \
	"        call  puthex\n" \
	"        call  newline\n" \
	"        mfcr  a0, cause\n" \
	"        andi  a0, a0, 0xff\n" \
	"        li    a1, 1\n" \
	"        beq   a0, a1, 3f          # syscall: epc is already past it\n" \
	"        mfcr  a0, epc\n" \
	"        addi  a0, a0, 4\n" \
	"        mtcr  epc, a0\n" \
	"3:      pop   a1\n" \
	"        pop   a0\n" \
	"        mfcr  ra, scratch\n" \
	"        rfe\n" \
	"puts:   li    a1, UART\n" \
	"4:      lbu   a2, 0(a0)\n" \
	"        beqz  a2, 5f\n" \
	"        sw    a2, 0(a1)\n" \
	"        addi  a0, a0, 1\n" \
	"        j     4b\n" \
	"5:      ret\n" \
	"puthex: li    a1, UART             # a0 as %%08x and a space\n" \
	"        li    a2, 28\n" \
	"6:      srl   a3, a0, a2\n" \
	"        andi  a3, a3, 15\n" \
	"        addi  a3, a3, '0'\n" \
	"        slti  a3, a3, '9' + 1\n" \
	"        bnez  a3, 7f\n" \
	"        srl   a3, a0, a2\n" \
	"        andi  a3, a3, 15\n" \
	"        addi  a3, a3, 'a' - 10\n" \
	"        j     8f\n" \
	"7:      srl   a3, a0, a2\n" \
	"        andi  a3, a3, 15\n" \
	"        addi  a3, a3, '0'\n" \
	"8:      sw    a3, 0(a1)\n" \
	"        addi  a2, a2, -4\n" \
	"        bge   a2, zero, 6b\n" \
	"        li    a3, ' '\n" \
	"        sw    a3, 0(a1)\n" \
	"        ret\n" \
	"newline: li   a1, UART\n" \
	"        li    a2, '\\n'\n" \
	"        sw    a2, 0(a1)\n" \
	"        ret\n" \
	"done:   li    a1, POWER\n" \
	"        sw    a0, 0(a1)\n" \
	"        .data\n" \
	"m_trap: .asciz \"trap \"\n"

/* ---- paging: every PTE combination x ring x access ----------------------- */

#define MX_PD   0x10000u
#define MX_PT   0x12000u
#define MX_RES  0x14000u
#define MX_TVA  0x00800000u

/* The guest kernel maps MX_TVA through a directory entry and a table entry
 * with the bits under test, drops to the ring under test, and makes one
 * access; whatever trap follows (a page fault, or the system call after a
 * successful access) is recorded at MX_RES: cause, epc, badva, epsw, and
 * a2 = 0x77 if the fetched code ran. */
static struct image *matrix_program(unsigned pde_bits, unsigned pte_bits, unsigned ring,
				    enum mem_access acc)
{
	static const char *const insn[] = { "lw t1, 0(t0)", "sw t0, 0(t0)", "jalr ra, t0, 0" };

	return assemble(
		"        .equ PD, 0x%x\n        .equ PT_ID, 0x11000\n        .equ PT_T, 0x%x\n"
		"        .equ RES, 0x%x\n        .equ TVA, 0x%x\n        .equ POWER, 0xf0004000\n"
		"_start: la    t0, vectors\n"
		"        mtcr  tvec, t0\n"
		"        li    t0, PT_ID             # identity map of [0, 1 MiB), P W U\n"
		"        li    t1, 7\n"
		"        li    t2, 0x100007\n"
		"        li    t3, 0x1000\n"
		"1:      sw    t1, 0(t0)\n"
		"        addi  t0, t0, 4\n"
		"        add   t1, t1, t3\n"
		"        bne   t1, t2, 1b\n"
		"        li    t0, PD\n"
		"        li    t1, PT_ID | 7\n"
		"        sw    t1, 0(t0)\n"
		"        li    t1, PT_T | %u\n"
		"        sw    t1, 8(t0)\n"
		"        la    t1, tpage\n"
		"        ori   t1, t1, %u\n"
		"        li    t2, PT_T\n"
		"        sw    t1, 0(t2)\n"
		"        mtcr  ptbr, t0\n"
		"        li    t0, 1\n"
		"        mtcr  mmu, t0\n"
		"        la    t0, test\n"
		"        mtcr  epc, t0\n"
		"        li    t0, %u\n"
		"        mtcr  epsw, t0\n"
		"        li    a2, 0\n"
		"        li    t0, TVA\n"
		"        rfe\n"
		"test:   %s\n"
		"        syscall\n"
		"        .align 64\n"
		"vectors: j handler\n j handler\n j handler\n j handler\n j handler\n"
		"        j handler\n j handler\n j handler\n j handler\n"
		"handler: li   t0, RES\n"
		"        mfcr  t1, cause\n"
		"        sw    t1, 0(t0)\n"
		"        mfcr  t1, epc\n"
		"        sw    t1, 4(t0)\n"
		"        mfcr  t1, badva\n"
		"        sw    t1, 8(t0)\n"
		"        mfcr  t1, epsw\n"
		"        sw    t1, 12(t0)\n"
		"        sw    a2, 16(t0)\n"
		"        mtcr  mmu, zero\n"
		"        li    t0, POWER\n"
		"        sw    zero, 0(t0)\n"
		"        .align 4096\n"
		"tpage:  addi  a2, zero, 0x77\n"
		"        ret\n",
		MX_PD, MX_PT, MX_RES, MX_TVA, pde_bits, pte_bits, ring, insn[acc]);
}

/* One case of the matrix: _i = ((pde * 8 + pte) * 2 + ring3) * 3 + access
 * (384 cases), on the strict machine and then the classic one. */
static void matrix_case(int i, enum machine_variant var)
{
	enum mem_access acc = (enum mem_access)(i % 3);
	unsigned ring = (i / 3) % 2 ? 3 : 0;
	unsigned pte_bits = (unsigned)(i / 6) % 8, pde_bits = (unsigned)(i / 48) % 8;
	struct image *img = matrix_program(pde_bits, pte_bits, ring, acc);
	struct guest_spec g = { .img = img, .mem = 1u << 20, .seed = 1 };
	uint32_t test = sym(img, "test"), tpage = sym(img, "tpage");
	uint32_t w = pde_bits & pte_bits & PTE_W, u = pde_bits & pte_bits & PTE_U;
	uint32_t cause, epc, badva;
	bool ok = false;
	struct out bare, vm;
	char what[96];

	/* the decision table of docs/isa.md section 8, written out */
	if (!(pde_bits & PTE_P) || !(pte_bits & PTE_P))
		cause = CAUSE_MAKE(TRAP_PAGE_FAULT, acc, 0, ring);
	else if ((ring == 3 && !u) || (acc == ACC_WRITE && !w))
		cause = CAUSE_MAKE(TRAP_PAGE_FAULT, acc, 1, ring);
	else
		ok = true, cause = CAUSE_MAKE(TRAP_SYSCALL, 0, 0, ring);
	epc = ok ? test + 8 : acc == ACC_FETCH ? MX_TVA : test;
	badva = ok ? 0 : MX_TVA;

	snprintf(what, sizeof what, "%s pde %u pte %u ring %u %s",
		 var == VARIANT_STRICT ? "strict" : "classic", pde_bits, pte_bits, ring,
		 acc == ACC_READ ? "read" : acc == ACC_WRITE ? "write" : "fetch");
	both(&g, var, &bare, &vm, what);
	ck_assert_msg(bare.end == END_POWER, "%s: did not power off", what);
	ck_assert_msg(ram32(&vm, MX_RES) == cause, "%s: cause 0x%08x, expected 0x%08x", what,
		      ram32(&vm, MX_RES), cause);
	ck_assert_msg(ram32(&vm, MX_RES + 4) == epc, "%s: epc 0x%08x, expected 0x%08x", what,
		      ram32(&vm, MX_RES + 4), epc);
	ck_assert_msg(ram32(&vm, MX_RES + 8) == badva, "%s: badva 0x%08x", what, ram32(&vm, MX_RES + 8));
	ck_assert_msg(ram32(&vm, MX_RES + 12) == ring, "%s: epsw 0x%08x", what, ram32(&vm, MX_RES + 12));
	ck_assert_msg(ram32(&vm, MX_RES + 16) == (ok && acc == ACC_FETCH ? 0x77u : 0u),
		      "%s: fetched code ran: a2 = 0x%x", what, ram32(&vm, MX_RES + 16));
	/* the guest's A and D bits: set by a walk that succeeds, D for a write */
	ck_assert_msg(ram32(&vm, MX_PD + 8) == (MX_PT | pde_bits | (ok ? PTE_A : 0)),
		      "%s: pde 0x%08x", what, ram32(&vm, MX_PD + 8));
	ck_assert_msg(ram32(&vm, MX_PT) == (tpage | pte_bits | (ok ? PTE_A : 0) |
					    (ok && acc == ACC_WRITE ? PTE_D : 0)),
		      "%s: pte 0x%08x", what, ram32(&vm, MX_PT));
	out_free(&bare, 1);
	out_free(&vm, 1);
	image_free(img);
}

START_TEST(test_pte_matrix_strict)
{
	matrix_case(_i, VARIANT_STRICT);
}
END_TEST

START_TEST(test_pte_matrix_classic)
{
	matrix_case(_i, VARIANT_CLASSIC);
}
END_TEST

/* A K_HEAD ... K_TAIL program, assembled (the caller frees it). */
static struct image *kernel_img(const char *body)
{
	return assemble(K_HEAD "main:\n%s" K_TAIL, body);
}

/* Run g both ways on the strict machine: the same, powered off, and the
 * console is `expect`. */
static void both_expect(const struct guest_spec *g, const char *expect, const char *what)
{
	struct out bare, vm;

	both(g, VARIANT_STRICT, &bare, &vm, what);
	check_console(&vm, expect, what);
	ck_assert_int_eq(vm.end, END_POWER);
	out_free(&bare, 1);
	out_free(&vm, 1);
}

/* A K_HEAD kernel with this main, both ways; its console must be
 * expect_fmt, a format taking the addresses of the body's labels l1..l3
 * (0 where it has none). */
static void kernel_expect(const char *body, const char *expect_fmt, const char *what)
{
	struct image *img = kernel_img(body);
	struct guest_spec g = { .img = img, .mem = KMEM, .seed = 1 };
	const struct image_symbol *l1 = image_symbol_find(img, "l1"),
				  *l2 = image_symbol_find(img, "l2"),
				  *l3 = image_symbol_find(img, "l3");
	char expect[1024];

	snprintf(expect, sizeof expect, expect_fmt, l1 ? l1->value : 0, l2 ? l2->value : 0,
		 l3 ? l3->value : 0);
	both_expect(&g, expect, what);
	image_free(img);
}

/* A and D after a sequence of accesses, and after the kernel clears them. */
START_TEST(test_ad_bits)
{
	kernel_expect(
		"        li    t1, FA | P | W\n"
		"        sw    t1, 0(s0)            # page 0: read\n"
		"        li    t1, FB | P | W\n"
		"        sw    t1, 4(s0)            # page 1: write, then A/D cleared and read\n"
		"        li    t1, FC | P | W\n"
		"        sw    t1, 8(s0)            # page 2: read, then write\n"
		"        li    t1, FA | P | W\n"
		"        sw    t1, 12(s0)           # page 3: write, then read\n"
		"        li    t1, FB | P\n"
		"        sw    t1, 16(s0)           # page 4: read-only: read, failed write\n"
		"        li    t2, XVA\n"
		"        lw    t1, 0(t2)\n"
		"        sw    t1, 0x1000(t2)\n"
		"        lw    t1, 0x2000(t2)\n"
		"        sw    t1, 0x2000(t2)\n"
		"        sw    t1, 0x3000(t2)\n"
		"        lw    t1, 0x3000(t2)\n"
		"        lw    t1, 0x4000(t2)\n"
		"l1:     sw    t1, 0x4000(t2)\n"
		"        li    t1, FB | P | W\n"
		"        sw    t1, 4(s0)\n"
		"        li    t3, XVA + 0x1000\n"
		"        tlbinv t3\n"
		"        lw    t1, 0(t3)\n"
		"        li    s1, 6\n"
		"9:      lw    a0, 0(s0)\n"
		"        call  puthex\n"
		"        addi  s0, s0, 4\n"
		"        addi  s1, s1, -1\n"
		"        bnez  s1, 9b\n"
		"        li    t0, PD\n"
		"        lw    a0, 4(t0)\n"
		"        call  puthex\n"
		"        call  newline\n"
		"        li    a0, 0\n"
		"        j     done\n",
		"trap 00001107 %08x 00404000 \n"
		"00020013 00021013 00022033 00020033 00021011 00000000 00013013 \n",
		"A/D bits");
}
END_TEST

/* Remap, write-protect and unmap a page, each followed by tlbinv, as a
 * correct kernel does: the next access sees the new mapping. */
START_TEST(test_coherent_with_tlbinv)
{
	kernel_expect(
		"        li    t1, FA | P | W\n"
		"        sw    t1, 0(s0)\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        li    t1, FB | P | W        # remap\n"
		"        sw    t1, 0(s0)\n"
		"        tlbinv s1\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        li    t1, 0x4444\n"
		"        sw    t1, 0(s1)\n"
		"        li    t1, FB | P            # read-only\n"
		"        sw    t1, 0(s0)\n"
		"        tlbinv s1\n"
		"l1:     sw    t1, 0(s1)\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        sw    zero, 0(s0)           # not present\n"
		"        tlbinv s1\n"
		"l2:     lw    a0, 0(s1)\n"
		"        li    t1, FC | P | W        # present again, elsewhere\n"
		"        sw    t1, 0(s0)\n"
		"        tlbinv s1\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        call  newline\n"
		"        li    a0, 0\n"
		"        j     done\n",
				"00001111 00002222 trap 00001107 %08x 00400000 \n"
		"00004444 trap 00000007 %08x 00400000 \n00003333 \n",
		"remap, read-only, not present");
}
END_TEST

/* Rights added without tlbinv are seen at once (docs/isa.md section 9:
 * an entry that does not grant makes the hardware walk again). */
START_TEST(test_coherent_rights_added)
{
	kernel_expect(
		"        li    t1, FA | P            # read-only, used\n"
		"        sw    t1, 0(s0)\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        li    t1, FA | P | W        # W added, no tlbinv\n"
		"        sw    t1, 0(s0)\n"
		"        li    t1, 0x5555\n"
		"        sw    t1, 0(s1)\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"l1:     lw    a0, 0x1000(s1)        # not present yet\n"
		"        li    t1, FB | P | W        # present, no tlbinv\n"
		"        sw    t1, 4(s0)\n"
		"        lw    a0, 0x1000(s1)\n"
		"        call  puthex\n"
		"        call  newline\n"
		"        li    a0, 0\n"
		"        j     done\n",
		"00001111 00005555 trap 00000007 %08x 00401000 \n00002222 \n",
		"rights added without tlbinv");
}
END_TEST

/* A remap without tlbinv: bare hardware keeps using its TLB entry; the
 * monitor's shadow is coherent through tracing, so the guest sees the new
 * frame at once.  (Either is what a kernel that forgets tlbinv deserves;
 * the point is that the shadow is never stale.) */
START_TEST(test_coherent_remap_no_tlbinv)
{
	struct image *img = kernel_img(
		"        li    t1, FA | P | W\n"
		"        sw    t1, 0(s0)\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        li    t1, FB | P | W\n"
		"        sw    t1, 0(s0)\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        call  newline\n"
		"        li    a0, 0\n"
		"        j     done\n");
	struct guest_spec g = { .img = img, .mem = KMEM, .seed = 1 };
	struct out bare, vm;

	run_bare(&g, VARIANT_STRICT, &bare);
	run_vmm(&g, 1, VARIANT_STRICT, &vm, NULL);
	check_console(&bare, "00001111 00001111 \n", "bare, stale TLB entry");
	check_console(&vm, "00001111 00002222 \n", "monitor, coherent shadow");
	out_free(&bare, 1);
	out_free(&vm, 1);
	image_free(img);
}
END_TEST

/* A frame written through an ordinary writable mapping (the shadow entry
 * is writable: the guest entry is dirty) becomes a page table.  From then
 * on a write through the old mapping must reach the monitor: only then
 * does a tlbflush (which under the monitor flushes only the real TLB)
 * show the new mapping. */
START_TEST(test_coherent_alias_becomes_table)
{
	kernel_expect(
		"        li    t1, FC | P | W        # XVA + 0x1000 -> FC, writable\n"
		"        sw    t1, 4(s0)\n"
		"        li    s2, XVA + 0x1000\n"
		"        li    t1, FA | P | W\n"
		"        sw    t1, 0(s2)             # FC[0] written through it\n"
		"        sw    t1, 4(s2)\n"
		"        li    t0, PD\n"
		"        li    t1, FC | P | W        # FC becomes the table of 0x800000\n"
		"        sw    t1, 8(t0)\n"
		"        li    s3, 0x800000\n"
		"        lw    a0, 0(s3)\n"
		"        call  puthex\n"
		"        li    t1, FB | P | W\n"
		"        sw    t1, 0(s2)             # through the old mapping\n"
		"        tlbflush\n"
		"        lw    a0, 0(s3)\n"
		"        call  puthex\n"
		"        li    t1, FC | P | W        # a table mapping itself\n"
		"        sw    t1, 4(s2)\n"
		"        tlbflush\n"
		"        li    t1, FA | P | W\n"
		"        sw    t1, 0x1000(s3)        # FC[0] again, through itself\n"
		"        tlbflush\n"
		"        lw    a0, 0(s3)\n"
		"        call  puthex\n"
		"        call  newline\n"
		"        li    a0, 0\n"
		"        j     done\n",
		"00001111 00002222 00001111 \n", "alias becomes a page table");
}
END_TEST

/* Two address spaces share a page table; a change made in one reaches the
 * other's shadow (the kernel flushes, as it must for the other ASID). */
START_TEST(test_coherent_shared_table)
{
	kernel_expect(
		"        li    t0, PD2\n"
		"        li    t1, PT_ID | P | W\n"
		"        sw    t1, 0(t0)\n"
		"        li    t1, PT_X | P | W\n"
		"        sw    t1, 4(t0)\n"
		"        li    t1, PT_DEV | P | W\n"
		"        sw    t1, 0xf00(t0)\n"
		"        li    t1, FA | P | W\n"
		"        sw    t1, 0(s0)\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        li    t0, PD2\n"
		"        mtcr  ptbr, t0\n"
		"        li    t0, 2\n"
		"        mtcr  asid, t0\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        li    t1, FB | P | W\n"
		"        sw    t1, 0(s0)\n"
		"        tlbinv s1\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        li    t0, PD\n"
		"        mtcr  ptbr, t0\n"
		"        li    t0, 1\n"
		"        mtcr  asid, t0\n"
		"        tlbflush\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        li    t0, PD               # a directory entry changes\n"
		"        li    t1, PT_Y | P | W\n"
		"        sw    t1, 4(t0)\n"
		"        li    t1, FC | P | W\n"
		"        li    t0, PT_Y\n"
		"        sw    t1, 0(t0)\n"
		"        tlbflush\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        call  newline\n"
		"        li    a0, 0\n"
		"        j     done\n",
		"00001111 00001111 00002222 00002222 00003333 \n",
		"table shared by two address spaces");
}
END_TEST

/* The virtual disk's DMA into a page table and into the page directory
 * in use: the shadow follows (a tlbflush under the monitor only flushes
 * the real TLB, so only tracing can make this right). */
START_TEST(test_coherent_dma)
{
	char path[] = "/tmp/vmlab-check-vmm-XXXXXX";
	uint32_t blocks[256] = { 0 };
	int fd = mkstemp(path);

	ck_assert(fd >= 0);
	blocks[0] = 0x21000u | PTE_P | PTE_W;   /* block 0: a PTE for FB       */
	blocks[128] = 0x14000u | PTE_P | PTE_W; /* block 1: a PDE for PT_Y     */
	ck_assert(write(fd, blocks, sizeof blocks) == (ssize_t)sizeof blocks);
	close(fd);

	struct image *img = kernel_img(
		"        li    t1, FA | P | W\n"
		"        sw    t1, 0(s0)\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        li    a0, 0                 # block 0 -> PT_X, the table in use\n"
		"        li    a1, PT_X\n"
		"        call  dma_read\n"
		"        tlbflush\n"
		"        lw    a0, 0(s1)\n"
		"        call  puthex\n"
		"        li    t0, PD + 1024         # directory entry 256: va 0x40000000\n"
		"        li    t1, PT_X | P | W\n"
		"        sw    t1, 0(t0)\n"
		"        li    s2, 0x40000000\n"
		"        lw    a0, 0(s2)\n"
		"        call  puthex\n"
		"        li    t0, PT_Y\n"
		"        li    t1, FC | P | W\n"
		"        sw    t1, 0(t0)\n"
		"        li    a0, 1                 # block 1 -> entries 256.. of the directory\n"
		"        li    a1, PD + 1024\n"
		"        call  dma_read\n"
		"        tlbflush\n"
		"        lw    a0, 0(s2)\n"
		"        call  puthex\n"
		"        call  newline\n"
		"        li    a0, 0\n"
		"        j     done\n"
		"dma_read: li  a2, DISK              # block a0 -> physical a1, polled\n"
		"        sw    a0, 0(a2)\n"
		"        sw    a1, 4(a2)\n"
		"        li    a3, 1\n"
		"        sw    a3, 8(a2)\n"
		"        sw    a3, 12(a2)\n"
		"1:      lw    a3, 16(a2)\n"
		"        andi  a3, a3, 6\n"
		"        beqz  a3, 1b\n"
		"        sw    a3, 16(a2)\n"
		"        ret\n");
	struct guest_spec g = { .img = img, .mem = KMEM, .seed = 1, .disk = path };

	both_expect(&g, "00001111 00002222 00002222 00003333 \n", "disk DMA into page tables");
	image_free(img);
	unlink(path);
}
END_TEST

/* ---- the virtual CPU ------------------------------------------------------ */

/* On the strict machine rdpsw, wrpsw and rdcycle are privileged outside
 * ring 0: a guest in its ring 1 or 2 (real ring 2) gets PRIVILEGED, as on
 * bare hardware, not an emulation meant for its kernel. */
START_TEST(test_strict_sensitive_outside_ring0)
{
	unsigned ring = (unsigned)_i;
	char body[1024], expect[256], what[64];

	snprintf(body, sizeof body,
		 "        la    t0, 1f\n"
		 "        mtcr  epc, t0\n"
		 "        li    t0, %u\n"
		 "        mtcr  epsw, t0\n"
		 "        rfe\n"
		 "1:\n"
		 "l1:     rdpsw t0\n"
		 "l2:     wrpsw t0\n"
		 "l3:     rdcycle t0\n"
		 "        rdcycleh t0\n"
		 "        syscall\n"
		 "        li    a0, 0\n"
		 "        j     done\n", ring);
	snprintf(expect, sizeof expect,
		 "trap 000%u0004 %%08x 00000000 \ntrap 000%u0004 %%08x 00000000 \n"
		 "trap 000%u0004 %%08x 00000000 \ntrap 000%u0004 %%08x 00000000 \n"
		 "trap 000%u0001 %%08x 00000000 \n", ring, ring, ring, ring, ring);
	snprintf(what, sizeof what, "sensitive instructions in ring %u", ring);
	/* l3 + 4 and l3 + 12: rdcycleh and the system call's return */
	struct image *img = kernel_img(body);
	uint32_t l1 = sym(img, "l1"), l2 = sym(img, "l2"), l3 = sym(img, "l3");
	char full[512];
	struct guest_spec g = { .img = img, .mem = KMEM, .seed = 1 };

	snprintf(full, sizeof full, expect, l1, l2, l3, l3 + 4, l3 + 12);
	both_expect(&g, full, what);
	image_free(img);
}
END_TEST

/* Paging off, a kernel with K_TAIL's routines and no page tables. */
#define FLAT_HEAD \
	"        .equ UART,   0xf0002000\n" \
	"        .equ POWER,  0xf0004000\n" \
	"_start: la    t0, vectors\n" \
	"        mtcr  tvec, t0\n" \
	"        li    sp, 0x3ff000\n"

/* Trap delegation: the kernel routes system calls from ring 3 to its own
 * ring-1 handler (tvec1, deleg), which returns with a ring-1 rfe. */
START_TEST(test_delegation)
{
	struct image *img = assemble(FLAT_HEAD
		"        la    t0, vectors1\n"
		"        mtcr  tvec1, t0\n"
		"        li    t0, 2\n"
		"        mtcr  deleg, t0\n"
		"        la    t0, user\n"
		"        mtcr  epc, t0\n"
		"        li    t0, 3\n"
		"        mtcr  epsw, t0\n"
		"        rfe\n"
		"user:   li    a1, UART\n"
		"        li    a0, 'u'\n"
		"        sw    a0, 0(a1)\n"
		"l1:     syscall\n"
		"        li    a1, UART\n"
		"        li    a0, 'v'\n"
		"        sw    a0, 0(a1)\n"
		"l2:     syscall\n"
		"l3:     break\n"
		"        li    a0, 0\n"
		"        j     done\n"
		"        .align 64\n"
		"vectors1: j trap1\n j trap1\n j trap1\n j trap1\n j trap1\n j trap1\n j trap1\n"
		" j trap1\n j trap1\n"
		"trap1:  mfcr  a0, cause1\n"
		"        call  puthex\n"
		"        mfcr  a0, epc1\n"
		"        call  puthex\n"
		"        mfcr  a0, epsw1\n"
		"        call  puthex\n"
		"        call  newline\n"
		"        rfe\n"
		K_TAIL);
	struct guest_spec g = { .img = img, .mem = KMEM, .seed = 1 };
	char expect[256];

	snprintf(expect, sizeof expect,
		 "u00030001 %08x 00000003 \nv00030001 %08x 00000003 \ntrap 00030002 %08x 00000000 \n",
		 sym(img, "l1") + 4, sym(img, "l2") + 4, sym(img, "l3"));
	both_expect(&g, expect, "delegation");
	image_free(img);
}
END_TEST

/* The ring-1 registers (cr 16..21) are part of each guest's CPU: what one
 * guest's kernel leaves there is not what another's finds.  Guest 0 loads
 * them and spins; guest 1 reads them later, and its ring-0 rfe must not
 * take guest 0's epc1/epsw1. */
START_TEST(test_ring1_bank_per_vm)
{
	struct image *writer = assemble(FLAT_HEAD
		"        li    t0, 0x5ec2e7\n"
		"        mtcr  scratch1, t0\n"
		"        mtcr  epc1, t0\n"
		"        mtcr  tvec1, t0\n"
		"        li    t0, 3\n"
		"        mtcr  epsw1, t0\n"
		"        li    t1, 20000\n"
		"1:      addi  t1, t1, -1\n"
		"        bnez  t1, 1b\n"
		"        li    a0, 0\n"
		"        j     done\n"
		K_TAIL);
	struct image *reader = assemble(FLAT_HEAD
		"        li    t1, 5000\n"
		"1:      addi  t1, t1, -1\n"
		"        bnez  t1, 1b\n"
		"        mfcr  a0, scratch1\n"
		"        call  puthex\n"
		"        mfcr  a0, epc1\n"
		"        call  puthex\n"
		"        mfcr  a0, epsw1\n"
		"        call  puthex\n"
		"        la    t0, 2f\n"
		"        mtcr  epc, t0\n"
		"        mtcr  epsw, zero\n"
		"        rfe\n"
		"2:      call  newline\n"
		"        li    a0, 0\n"
		"        j     done\n"
		K_TAIL);
	struct guest_spec g[2] = { { .img = writer, .mem = KMEM, .seed = 1 },
				   { .img = reader, .mem = KMEM, .seed = 1 } };
	struct vmm_config cfg;
	struct out alone, vm[2];

	run_bare(&g[1], VARIANT_STRICT, &alone);
	check_console(&alone, "00000000 00000000 00000000 \n", "ring-1 registers, bare");
	vmm_config_defaults(&cfg);
	cfg.slice = 3000;
	run_vmm_cfg(g, 2, VARIANT_STRICT, &cfg, vm, NULL);
	check_same(&alone, &vm[1], "ring-1 registers of another guest");
	ck_assert_int_eq(vm[0].end, END_POWER);
	out_free(&alone, 1);
	out_free(vm, 2);
	image_free(writer);
	image_free(reader);
}
END_TEST

/* ---- the cost model and the monitor's accounting ---------------------- */

/* cycles = guest + monitor + idle, and every instruction is a guest's. */
static void check_accounting(const struct vmm_result *r)
{
	ck_assert_msg(r->cycles == r->st.guest_cycles + r->st.monitor_cycles + r->st.idle_cycles,
		      "cycles %llu != guest %llu + monitor %llu + idle %llu",
		      (unsigned long long)r->cycles, (unsigned long long)r->st.guest_cycles,
		      (unsigned long long)r->st.monitor_cycles, (unsigned long long)r->st.idle_cycles);
	ck_assert_uint_eq(r->instret, r->st.guest_insns);
}

/* Seven exits of known kinds, paging off: the first fetch (hidden fault),
 * mtcr, syscall (reflected: one injection; its vector slot is rfe), rfe,
 * mfcr, tlbflush, and the store to the power device (mmio). */
static const char cost_program[] =
	"_start: la    t0, vectors\n"
	"        mtcr  tvec, t0\n"
	"        syscall\n"
	"        mfcr  t1, memsize\n"
	"        tlbflush\n"
	"        li    t0, 0xf0004000\n"
	"        sw    t1, 0(t0)\n"
	"        .align 64\n"
	"vectors: rfe\n"
	"        rfe\n";

static void cost_run(const struct vmm_costs *costs, struct vmm_result *r)
{
	struct image *img = assemble(cost_program);
	struct guest_spec g = { .img = img, .mem = 1u << 20, .seed = 1 };
	struct vmm_config cfg;
	struct out vm;

	vmm_config_defaults(&cfg);
	if (costs)
		cfg.costs = *costs;
	run_vmm_cfg(&g, 1, VARIANT_STRICT, &cfg, &vm, r);
	ck_assert_int_eq(vm.end, END_POWER);
	ck_assert_int_eq(vm.code, 0); /* 1 MiB & 0xff */
	out_free(&vm, 1);
	image_free(img);
}

START_TEST(test_cost_model_exact)
{
	/* each cost a power of ten: every digit of the total is a count */
	struct vmm_costs c = { .exit = 1, .entry = 10, .emulate = 100, .shadow_fill = 1000,
			       .pt_write = 10000, .mmio = 100000, .inject = 1000000,
			       .switch_vm = 10000000 };
	struct vmm_result r;

	cost_run(&c, &r);
	ck_assert_uint_eq(r.st.exits_total, 7);
	ck_assert_uint_eq(r.st.exits[EXIT_HIDDEN_FAULT], 1);
	ck_assert_uint_eq(r.st.exits[EXIT_MTCR], 1);
	ck_assert_uint_eq(r.st.exits[EXIT_REFLECT], 1);
	ck_assert_uint_eq(r.st.exits[EXIT_RFE], 1);
	ck_assert_uint_eq(r.st.exits[EXIT_MFCR], 1);
	ck_assert_uint_eq(r.st.exits[EXIT_TLBFLUSH], 1);
	ck_assert_uint_eq(r.st.exits[EXIT_MMIO], 1);
	ck_assert_uint_eq(r.st.vm_switches, 1);
	/* switch 1, inject 1, mmio 1, pt_write 0, fill 1, emulate 4, 7 x (entry + exit) */
	ck_assert_uint_eq(r.st.monitor_cycles, 11101477u);
	check_accounting(&r);

	cost_run(NULL, &r); /* the defaults of docs/monitor.md */
	ck_assert_uint_eq(r.st.monitor_cycles, 7 * (1200 + 900) + 4 * 100 + 400 + 300 + 150 + 2000);
	check_accounting(&r);
}
END_TEST

/* Paging on: hidden faults with paging off and on, a traced page-table
 * write, and the monitor's shadow tables, counted exactly. */
START_TEST(test_cost_model_paging)
{
	struct image *img = assemble(
		"        .equ PD, 0x10000\n        .equ PT, 0x11000\n"
		"_start: li    t0, PT\n"
		"        li    t1, 0x1000 | 3\n"
		"        sw    t1, 4(t0)             # hidden fault: PT's page (paging off)\n"
		"        li    t1, PT | 3\n"
		"        sw    t1, 0x44(t0)          # PT maps itself\n"
		"        li    t0, PD\n"
		"        li    t1, PT | 3\n"
		"        sw    t1, 0(t0)             # hidden fault: PD's page\n"
		"        mtcr  ptbr, t0              # mtcr\n"
		"        li    t1, 1\n"
		"        mtcr  mmu, t1               # mtcr; the next fetch: hidden fault\n"
		"        li    t0, PT\n"
		"        li    t1, 0x2000 | 3\n"
		"        sw    t1, 8(t0)             # pt-write: PT is traced\n"
		"        lw    t2, 8(t0)             # hidden fault, read-only\n"
		"        mtcr  mmu, zero             # mtcr\n"
		"        li    t0, 0xf0004000\n"
		"        sw    zero, 0(t0)           # mmio\n");
	struct guest_spec g = { .img = img, .mem = 1u << 20, .seed = 1 };
	struct vmm_costs c = { .exit = 3, .entry = 5, .emulate = 7, .shadow_fill = 11,
			       .pt_write = 13, .mmio = 17, .inject = 19, .switch_vm = 23 };
	struct vmm_config cfg;
	struct vmm_result r;
	struct out vm;

	vmm_config_defaults(&cfg);
	cfg.costs = c;
	run_vmm_cfg(&g, 1, VARIANT_STRICT, &cfg, &vm, &r);
	ck_assert_int_eq(vm.end, END_POWER);
	ck_assert_uint_eq(r.st.exits[EXIT_HIDDEN_FAULT], 5);
	ck_assert_uint_eq(r.st.exits[EXIT_MTCR], 3);
	ck_assert_uint_eq(r.st.exits[EXIT_PT_WRITE], 1);
	ck_assert_uint_eq(r.st.exits[EXIT_MMIO], 1);
	ck_assert_uint_eq(r.st.exits_total, 10);
	ck_assert_uint_eq(r.st.shadow_fills, 5);
	ck_assert_uint_eq(r.st.shadow_tables, 4);
	ck_assert_uint_eq(r.st.monitor_cycles, 10 * (3 + 5) + 3 * 7 + 5 * 11 + 13 + 17 + 23);
	/* the guest's own A/D bits: code page read, PT page written and read */
	ck_assert_uint_eq(ram32(&vm, 0x11004), 0x1000u | 3 | PTE_A);
	ck_assert_uint_eq(ram32(&vm, 0x11044), 0x11000u | 3 | PTE_A | PTE_D);
	ck_assert_uint_eq(ram32(&vm, 0x10000), 0x11000u | 3 | PTE_A);
	check_accounting(&r);
	out_free(&vm, 1);
	image_free(img);
}
END_TEST

/* A guest that sleeps in halt on its timer: idle time is neither the
 * guest's nor the monitor's; two guests switch. */
START_TEST(test_accounting_idle)
{
	struct image *img = assemble(
		"        .equ INTC, 0xf0000000\n        .equ TIMER, 0xf0001000\n"
		"_start: li    t0, INTC\n"
		"        li    t1, 1\n"
		"        sw    t1, 4(t0)             # line 0 enabled\n"
		"        li    s0, 3\n"
		"1:      li    t0, TIMER\n"
		"        li    t1, 50000\n"
		"        sw    t1, 4(t0)\n"
		"        li    t1, 5                 # one-shot, interrupt\n"
		"        sw    t1, 0(t0)\n"
		"        halt\n"
		"        li    t1, 1\n"
		"        sw    t1, 8(t0)             # acknowledge\n"
		"        addi  s0, s0, -1\n"
		"        bnez  s0, 1b\n"
		"        li    t0, 0xf0004000\n"
		"        sw    zero, 0(t0)\n");
	struct guest_spec g[2] = { { .img = img, .mem = 1u << 20, .seed = 1 },
				   { .img = img, .mem = 1u << 20, .seed = 1 } };
	struct vmm_result r;
	struct out vm[2];

	run_vmm(g, 1, VARIANT_CLASSIC, vm, &r);
	ck_assert_int_eq(vm[0].end, END_POWER);
	ck_assert_uint_eq(r.st.exits[EXIT_HALT], 3);
	ck_assert(r.st.idle_cycles > 0);
	check_accounting(&r);
	out_free(vm, 1);
	run_vmm(g, 2, VARIANT_CLASSIC, vm, &r);
	ck_assert_int_eq(vm[0].end, END_POWER);
	ck_assert_int_eq(vm[1].end, END_POWER);
	ck_assert_uint_eq(r.st.exits[EXIT_HALT], 6);
	ck_assert(r.st.vm_switches >= 2);
	check_accounting(&r);
	out_free(vm, 2);
	image_free(img);
}
END_TEST

/* ---- generated kernels ---------------------------------------------------
 *
 * A random but valid kernel: random ALU work in r1..r12 mixed with kernel
 * loads and stores, system calls, traps it handles (divide by zero,
 * misaligned, illegal, breakpoint, page faults, privileged instructions
 * from ring 3: the handler hashes cause/epc/badva and skips the
 * instruction), the RNG and the UART, edits of the user page tables with
 * tlbinv, switches between two address spaces, and blocks of user code
 * in ring 3 that end with a system call back.  r13 and r14 are the
 * generator's own scratch registers; r15 is untouched.  At the end the
 * registers are stored, the hash printed, and the exit status is a
 * function of the registers.  The guests' whole RAM must match.
 */
#define GEN_KDATA  0x80000u
#define GEN_SAVE   0x81000u   /* handler: r7..r11, hash, count, resume */
#define GEN_RES    0x82000u
#define GEN_PD_A   0x90000u
#define GEN_PD_B   0x91000u
#define GEN_PT_ID  0x92000u
#define GEN_PT_UA  0x93000u
#define GEN_PT_UB  0x94000u
#define GEN_PT_DEV 0x95000u
#define GEN_UF     0xa0000u   /* eight user frames */
#define GEN_UVA    0x400000u  /* four user pages   */
#define GEN_EXIT   0x7e57     /* r13 at a syscall: back to the kernel */

struct gen {
	uint64_t s;
	bool strict;           /* may use rdpsw/wrpsw/rdcycle: their traps */
	char *k, *u;           /* kernel and user text                     */
	size_t klen, kcap, ulen, ucap;
	int label;
	int as;                /* current address space, 0 = A, 1 = B      */
};

static uint32_t gr(struct gen *g, uint32_t n) /* 0 .. n-1 */
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return (uint32_t)((g->s >> 16) % n);
}

static void gout(char **buf, size_t *len, size_t *cap, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (*len + (size_t)n + 1 > *cap) {
		*cap = (*len + (size_t)n + 1) * 2;
		*buf = realloc(*buf, *cap);
		ck_assert(*buf != NULL);
	}
	vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
	*len += (size_t)n;
}

static void kemit(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gout(&g->k, &g->klen, &g->kcap, fmt, ap);
	va_end(ap);
}

static void uemit(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gout(&g->u, &g->ulen, &g->ucap, fmt, ap);
	va_end(ap);
}

typedef void (*gen_emit_fn)(struct gen *g, const char *fmt, ...);

static unsigned reg(struct gen *g)
{
	return 1 + gr(g, 12);
}

static uint32_t rand32(struct gen *g)
{
	static const uint32_t edge[] = { 0, 1, 0xffffffffu, 0x80000000u, 0x7fffffffu, 31, 32 };
	return gr(g, 4) ? (uint32_t)(gr(g, 0x10000) << 16 | gr(g, 0x10000))
			: edge[gr(g, sizeof edge / sizeof edge[0])];
}

/* One ALU instruction on r1..r12 (divisions may trap). */
static void gen_alu(struct gen *g, gen_emit_fn emit)
{
	static const char *const rr[] = { "add", "sub", "and", "or", "xor", "sll", "srl", "sra",
					  "slt", "sltu", "mul", "mulh", "mulhu", "div", "divu",
					  "rem", "remu" };
	static const char *const ri[] = { "addi", "slti", "sltiu" };
	static const char *const ru[] = { "andi", "ori", "xori" };
	static const char *const rs[] = { "slli", "srli", "srai" };

	switch (gr(g, 6)) {
	case 0:
	case 1:
		emit(g, "        %s r%u, r%u, r%u\n", rr[gr(g, 17)], reg(g), reg(g), reg(g));
		break;
	case 2:
		emit(g, "        %s r%u, r%u, %d\n", ri[gr(g, 3)], reg(g), reg(g),
		     (int)gr(g, 65536) - 32768);
		break;
	case 3:
		emit(g, "        %s r%u, r%u, %u\n", ru[gr(g, 3)], reg(g), reg(g), gr(g, 65536));
		break;
	case 4:
		emit(g, "        %s r%u, r%u, %u\n", rs[gr(g, 3)], reg(g), reg(g), gr(g, 32));
		break;
	default:
		emit(g, "        li r%u, 0x%x\n", reg(g), rand32(g));
		break;
	}
}

static const char *load_store(struct gen *g, uint32_t *size)
{
	static const char *const op[] = { "lw", "sw", "lh", "lhu", "sh", "lb", "lbu", "sb" };
	static const uint32_t sz[] = { 4, 4, 2, 2, 2, 1, 1, 1 };
	unsigned k = gr(g, 8);

	*size = sz[k];
	return op[k];
}

/* A load or store at base + a random offset (misaligned now and then). */
static void gen_mem(struct gen *g, gen_emit_fn emit, unsigned base_reg, uint32_t base, uint32_t span)
{
	uint32_t size, off;
	const char *op = load_store(g, &size);

	off = gr(g, span) & ~(size - 1);
	if (!gr(g, 12))
		off |= 1; /* misaligned (a byte access stays aligned) */
	emit(g, "        li r%u, 0x%x\n        %s r%u, 0(r%u)\n", base_reg, base + off, op, reg(g),
	     base_reg);
}

static const uint32_t upte_flags[] = { 7, 7, 7, 5, 3, 0, 7 | 0x30, 5 | 0x10 };

/* A block of user code, entered from the kernel with rfe to ring 3. */
static void gen_user_block(struct gen *g, int n)
{
	int len = 3 + (int)gr(g, 20);

	uemit(g, "ublk%d:\n", n);
	for (int i = 0; i < len; i++) {
		switch (gr(g, 20)) {
		case 0: case 1: case 2:
			gen_mem(g, uemit, 14, GEN_UVA, 4 * PAGE_SIZE);
			break;
		case 3:
			uemit(g, "        li r13, 0\n        syscall\n");
			break;
		case 4: {
			static const char *const priv[] = { "mfcr r1, epc", "mtcr epc, r2", "tlbflush",
							    "halt", "rfe", "tlbinv r3", "mfcr r4, memsize" };
			uemit(g, "        %s\n", priv[gr(g, 7)]);
			break;
		}
		case 5:
			if (g->strict) {
				static const char *const sens[] = { "rdpsw r5", "wrpsw r6", "rdcycle r7",
								    "rdcycleh r8" };
				uemit(g, "        %s\n", sens[gr(g, 4)]);
			}
			break;
		case 6:
			gen_mem(g, uemit, 14, GEN_KDATA, PAGE_SIZE); /* the kernel's: faults */
			break;
		case 7:
			uemit(g, "        li r14, 0xf0002000\n        sw r1, 0(r14)\n"); /* device: faults */
			break;
		default:
			gen_alu(g, uemit);
			break;
		}
	}
	uemit(g, "        li r13, 0x%x\n        syscall\n", GEN_EXIT);
}

static void gen_kernel_op(struct gen *g, int *nblocks)
{
	int l;

	switch (gr(g, 40)) {
	case 0: case 1: case 2: case 3:
		gen_mem(g, kemit, 13, GEN_KDATA, PAGE_SIZE);
		break;
	case 4:
		gen_mem(g, kemit, 13, GEN_UVA, 4 * PAGE_SIZE); /* user pages: may fault */
		break;
	case 5: case 6: { /* edit a user PTE, then tlbinv (this address space) or tlbflush */
		uint32_t k = gr(g, 4), as = gr(g, 3) ? (uint32_t)g->as : gr(g, 2);
		uint32_t pte = (GEN_UF + gr(g, 8) * PAGE_SIZE) | upte_flags[gr(g, 8)];
		kemit(g, "        li r13, 0x%x\n        li r14, 0x%x\n        sw r14, 0(r13)\n",
		      (as ? GEN_PT_UB : GEN_PT_UA) + 4 * k, pte);
		if (as == (uint32_t)g->as && gr(g, 2))
			kemit(g, "        li r13, 0x%x\n        tlbinv r13\n", GEN_UVA + k * PAGE_SIZE);
		else
			kemit(g, "        tlbflush\n");
		break;
	}
	case 7: /* switch address spaces */
		g->as ^= 1;
		kemit(g, "        li r13, 0x%x\n        mtcr ptbr, r13\n        li r13, %d\n"
			 "        mtcr asid, r13\n", g->as ? GEN_PD_B : GEN_PD_A, g->as + 1);
		break;
	case 8:
		kemit(g, "        li r13, 0\n        syscall\n");
		break;
	case 9: case 10: case 11: /* run a block of user code */
		l = (*nblocks)++;
		gen_user_block(g, l);
		kemit(g, "        la r13, ublk%d\n        mtcr epc, r13\n        li r13, 3\n"
			 "        mtcr epsw, r13\n        la r13, res%d\n        li r14, 0x%x\n"
			 "        sw r13, 28(r14)\n        rfe\nres%d:\n", l, l, GEN_SAVE, l);
		break;
	case 12:
		kemit(g, "        li r13, 0xf0002000\n        sw r%u, 0(r13)\n", reg(g));
		break;
	case 13:
		kemit(g, "        li r13, 0xf0006000\n        lw r%u, 0(r13)\n", reg(g));
		break;
	case 14: { /* a short loop */
		int n = 1 + (int)gr(g, 12);
		l = g->label++;
		kemit(g, "        li r13, %d\nloop%d:\n", n, l);
		for (int i = 1 + (int)gr(g, 4); i > 0; i--)
			gen_alu(g, kemit);
		kemit(g, "        addi r13, r13, -1\n        bnez r13, loop%d\n", l);
		break;
	}
	case 15: {
		static const char *const trap[] = { "break", "hypercall", ".word 0xff000000",
						    ".word 0x01123001", ".word 0x8010000d" };
		kemit(g, "        %s\n", trap[gr(g, 5)]);
		break;
	}
	case 16:
		if (g->strict)
			kemit(g, "        rdpsw r%u\n        li r13, 0x%x\n        wrpsw r13\n", reg(g),
			      gr(g, 256) << 8);
		break;
	case 17: {
		static const char *const cr[] = { "epc", "epsw", "cause", "badva", "ptbr", "asid",
						  "mmu", "memsize", "cpuid", "deleg", "tvec" };
		kemit(g, "        mfcr r%u, %s\n", reg(g), cr[gr(g, 11)]);
		break;
	}
	case 18:
		kemit(g, "        tlbflush\n");
		break;
	default:
		gen_alu(g, kemit);
		break;
	}
}

/* Print r1 in hex, r2..r5 as temporaries. */
static const char gen_print_r1[] =
	"        li r2, 0xf0002000\n"
	"        li r3, 28\n"
	"1:      srl r4, r1, r3\n"
	"        andi r4, r4, 15\n"
	"        slti r5, r4, 10\n"
	"        bnez r5, 2f\n"
	"        addi r4, r4, 39\n"
	"2:      addi r4, r4, '0'\n"
	"        sw r4, 0(r2)\n"
	"        addi r3, r3, -4\n"
	"        bge r3, r0, 1b\n"
	"        li r4, '\\n'\n"
	"        sw r4, 0(r2)\n";

static char *gen_program(uint64_t seed, bool strict)
{
	struct gen g = { .s = seed | 1, .strict = strict };
	int nblocks = 0, nops = 40 + (int)gr(&g, 120);
	char *text;
	size_t n;

	kemit(&g,
	      "        .text\n"
	      "_start: la r13, vectors\n"
	      "        mtcr tvec, r13\n"
	      "        li r13, 0x%x               # identity map of [0, 4 MiB), supervisor\n"
	      "        li r1, 3\n"
	      "        li r2, 0x400003\n"
	      "        li r3, 0x1000\n"
	      "1:      sw r1, 0(r13)\n"
	      "        addi r13, r13, 4\n"
	      "        add r1, r1, r3\n"
	      "        bne r1, r2, 1b\n"
	      "        la r13, ucode               # but the user code is U\n"
	      "        la r14, ucode_end\n"
	      "2:      srli r1, r13, 12\n"
	      "        slli r1, r1, 2\n"
	      "        li r2, 0x%x\n"
	      "        add r1, r1, r2\n"
	      "        lw r2, 0(r1)\n"
	      "        ori r2, r2, 4\n"
	      "        sw r2, 0(r1)\n"
	      "        add r13, r13, r3\n"
	      "        bltu r13, r14, 2b\n"
	      "        li r13, 0x%x                # UART, power, RNG\n"
	      "        li r1, 0xf0002003\n"
	      "        sw r1, 8(r13)\n"
	      "        li r1, 0xf0004003\n"
	      "        sw r1, 16(r13)\n"
	      "        li r1, 0xf0006003\n"
	      "        sw r1, 24(r13)\n",
	      GEN_PT_ID, GEN_PT_ID, GEN_PT_DEV);
	for (int as = 0; as < 2; as++) {
		uint32_t pd = as ? GEN_PD_B : GEN_PD_A, pt = as ? GEN_PT_UB : GEN_PT_UA;
		kemit(&g, "        li r13, 0x%x\n        li r1, 0x%x\n        sw r1, 0(r13)\n"
			  "        li r1, 0x%x\n        sw r1, 4(r13)\n        li r1, 0x%x\n"
			  "        sw r1, 0xf00(r13)\n",
		      pd, GEN_PT_ID | 7, pt | 7, GEN_PT_DEV | 3);
		for (uint32_t k = 0; k < 4; k++)
			kemit(&g, "        li r13, 0x%x\n        li r1, 0x%x\n        sw r1, 0(r13)\n",
			      pt + 4 * k, (GEN_UF + gr(&g, 8) * PAGE_SIZE) | upte_flags[gr(&g, 8)]);
	}
	for (uint32_t f = 0; f < 8; f++)
		kemit(&g, "        li r13, 0x%x\n        li r1, 0x%x\n        sw r1, 0(r13)\n",
		      GEN_UF + f * PAGE_SIZE + 4 * gr(&g, 1024), rand32(&g));
	kemit(&g, "        li r13, 0x%x\n        mtcr ptbr, r13\n        li r13, 1\n"
		  "        mtcr asid, r13\n        mtcr mmu, r13\n", GEN_PD_A);
	for (unsigned r = 1; r <= 12; r++)
		kemit(&g, "        li r%u, 0x%x\n", r, rand32(&g));
	for (int i = 0; i < nops; i++)
		gen_kernel_op(&g, &nblocks);
	/* the end: registers to GEN_RES, the handler's hash printed, exit */
	kemit(&g, "        li r13, 0x%x\n", GEN_RES);
	for (unsigned r = 1; r <= 12; r++)
		kemit(&g, "        sw r%u, %u(r13)\n", r, 4 * r);
	for (unsigned r = 2; r <= 12; r++)
		kemit(&g, "        xor r1, r1, r%u\n", r);
	kemit(&g, "        sw r1, 0(r13)\n        li r13, 0x%x\n        lw r1, 20(r13)\n%s"
		  "        lw r1, 24(r13)\n%s"
		  "        li r13, 0x%x\n        lw r1, 0(r13)\n        srli r2, r1, 16\n"
		  "        xor r1, r1, r2\n        andi r1, r1, 0x7f\n"
		  "        li r13, 0xf0004000\n        sw r1, 0(r13)\n",
	      GEN_SAVE, gen_print_r1, gen_print_r1, GEN_RES);
	/* the trap handler */
	kemit(&g,
	      "        .align 64\n"
	      "vectors: j trap\n j trap\n j trap\n j trap\n j trap\n j trap\n j trap\n j trap\n j trap\n"
	      "trap:   mtcr scratch, r12\n"
	      "        li r12, 0x%x\n"
	      "        sw r7, 0(r12)\n        sw r8, 4(r12)\n        sw r9, 8(r12)\n"
	      "        sw r10, 12(r12)\n        sw r11, 16(r12)\n"
	      "        lw r8, 20(r12)\n"
	      "        mfcr r9, cause\n        mfcr r10, epc\n        mfcr r11, badva\n"
	      "        slli r7, r8, 5\n        add r8, r7, r8\n        xor r8, r8, r9\n"
	      "        slli r7, r8, 5\n        add r8, r7, r8\n        xor r8, r8, r10\n"
	      "        slli r7, r8, 5\n        add r8, r7, r8\n        xor r8, r8, r11\n"
	      "        sw r8, 20(r12)\n"
	      "        lw r7, 24(r12)\n        addi r7, r7, 1\n        sw r7, 24(r12)\n"
	      "        andi r9, r9, 0xff\n"
	      "        li r7, 1\n"
	      "        beq r9, r7, 3f\n"
	      "        addi r10, r10, 4            # a fault: skip the instruction\n"
	      "        mtcr epc, r10\n"
	      "        j 5f\n"
	      "3:      li r7, 0x%x\n"
	      "        bne r13, r7, 4f\n"
	      "        lw r7, 28(r12)              # the user block is done\n"
	      "        mtcr epc, r7\n"
	      "        mtcr epsw, r0\n"
	      "        j 5f\n"
	      "4:      slli r7, r1, 1              # a system call: a0 = 2 a0 + a1 + 0x55\n"
	      "        add r1, r7, r2\n"
	      "        addi r1, r1, 0x55\n"
	      "5:      lw r7, 0(r12)\n        lw r8, 4(r12)\n        lw r9, 8(r12)\n"
	      "        lw r10, 12(r12)\n        lw r11, 16(r12)\n"
	      "        mfcr r12, scratch\n"
	      "        rfe\n"
	      "        .align 4096\n"
	      "ucode:\n",
	      GEN_SAVE, GEN_EXIT);
	n = g.klen + g.ulen + 64;
	text = malloc(n);
	ck_assert(text != NULL);
	snprintf(text, n, "%s%s        .align 4096\nucode_end:\n", g.k, g.u ? g.u : "");
	free(g.k);
	free(g.u);
	return text;
}

static void random_case(int i, bool strict)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1) + (strict ? 0 : 0x5555);
	char *text = gen_program(seed, strict);
	struct image *img = assemble("%s", text);
	struct guest_spec g = { .img = img, .mem = KMEM, .seed = seed };
	struct out bare, vm;
	char what[64];

	snprintf(what, sizeof what, "%s kernel %d (seed 0x%llx)", strict ? "strict" : "classic", i,
		 (unsigned long long)seed);
	both(&g, strict ? VARIANT_STRICT : VARIANT_CLASSIC, &bare, &vm, what);
	ck_assert_msg(bare.end == END_POWER, "%s: did not power off (%d)\n%s", what, bare.end, text);
	ck_assert_msg(bare.conlen >= 18, "%s: printed no hash", what);
	out_free(&bare, 1);
	out_free(&vm, 1);
	image_free(img);
	free(text);
}

START_TEST(test_random_strict)
{
	random_case(_i, true);
}
END_TEST

START_TEST(test_random_classic)
{
	random_case(_i, false);
}
END_TEST

/* ---- isolation ------------------------------------------------------------ */

static struct image *assemble_file(const char *path)
{
	struct assembler *as = asm_new();
	struct image *img;

	if (!asm_assemble_file(as, path)) {
		const struct asm_diag *d = asm_diag_get(as, 0);
		ck_abort_msg("%s:%u: %s", d->file, d->line, d->message);
	}
	img = asm_take_image(as);
	asm_free(as);
	return img;
}

/* tests/vmm/hostile.s beside tests/vmm/good.s (run from the top of the
 * tree): the good guest ends with the same console and the same RAM, byte
 * for byte, as when it runs alone; the hostile one behaves as it does on
 * a bare machine of its size, RAM included, and is the only one to crash. */
START_TEST(test_isolation_hostile)
{
	struct image *hostile = assemble_file("tests/vmm/hostile.s");
	struct image *good = assemble_file("tests/vmm/good.s");
	struct guest_spec g[2] = { { .img = hostile, .mem = 1u << 20, .seed = 1 },
				   { .img = good, .mem = 1u << 20, .seed = 1 } };
	struct guest_spec rev[2] = { g[1], g[0] };
	struct out bare, alone, vm[2];
	struct vmm_result r;

	run_bare(&g[0], VARIANT_STRICT, &bare);
	ck_assert_int_eq(bare.end, END_CRASH);
	run_vmm(&g[1], 1, VARIANT_STRICT, &alone, NULL);
	ck_assert_int_eq(alone.end, END_POWER);
	ck_assert_int_eq(alone.code, 0);
	/* A double fault: both report the trap being entered (the system
	 * call), not the fetch at the garbage vector that failed. */
	ck_assert_uint_eq(bare.cause, CAUSE_MAKE(TRAP_SYSCALL, 0, 0, 0));
	run_vmm(g, 2, VARIANT_STRICT, vm, &r);
	check_same(&alone, &vm[1], "good guest beside a hostile one");
	check_same(&bare, &vm[0], "hostile guest");
	check_accounting(&r);
	out_free(vm, 2);
	run_vmm(rev, 2, VARIANT_STRICT, vm, &r); /* the other order */
	check_same(&alone, &vm[0], "good guest before a hostile one");
	check_same(&bare, &vm[1], "hostile guest after a good one");
	out_free(vm, 2);
	out_free(&bare, 1);
	out_free(&alone, 1);
	image_free(hostile);
	image_free(good);
}
END_TEST

/* A guest that maps one page table under every directory entry of two
 * address spaces and touches them all: more shadow tables than the
 * monitor's pool holds, so every shadow (the other guest's too) is thrown
 * away and rebuilt, more than once.  Nothing a guest sees changes. */
START_TEST(test_shadow_pool_exhausted)
{
	struct image *img = assemble(
		"        .equ PD_A, 0x10000\n        .equ PD_B, 0x11000\n"
		"        .equ PT_ID, 0x12000\n        .equ PT_S, 0x13000\n"
		"        .equ PT_DEV, 0x14000\n        .equ FA, 0x20000\n"
		"_start: li    t0, PT_ID              # identity map of [0, 4 MiB)\n"
		"        li    t1, 3\n"
		"        li    t2, 0x400003\n"
		"        li    t3, 0x1000\n"
		"1:      sw    t1, 0(t0)\n"
		"        addi  t0, t0, 4\n"
		"        add   t1, t1, t3\n"
		"        bne   t1, t2, 1b\n"
		"        li    t0, PT_DEV\n"
		"        li    t1, 0xf0002003\n"
		"        sw    t1, 8(t0)\n"
		"        li    t1, 0xf0004003\n"
		"        sw    t1, 16(t0)\n"
		"        li    t0, PT_S              # one table, one page: FA\n"
		"        li    t1, FA | 3\n"
		"        sw    t1, 0(t0)\n"
		"        li    t0, FA\n"
		"        li    t1, 0x1111\n"
		"        sw    t1, 0(t0)\n"
		"        li    a0, PD_A\n"
		"        call  mkdir\n"
		"        li    a0, PD_B\n"
		"        call  mkdir\n"
		"        li    t0, PD_A\n"
		"        mtcr  ptbr, t0\n"
		"        li    t0, 1\n"
		"        mtcr  asid, t0\n"
		"        mtcr  mmu, t0\n"
		"        li    s0, 0                 # sum\n"
		"        li    s1, 6                 # passes, A B A B A B\n"
		"2:      li    t0, 0x400000\n"
		"        li    t2, 0xf0000000\n"
		"        li    t3, 0x400000\n"
		"3:      beq   t0, t2, 4f\n"
		"        lw    t1, 0(t0)\n"
		"        add   s0, s0, t1\n"
		"4:      add   t0, t0, t3\n"
		"        bnez  t0, 3b\n"
		"        mfcr  t0, ptbr\n"
		"        li    t1, PD_A ^ PD_B\n"
		"        xor   t0, t0, t1\n"
		"        mtcr  ptbr, t0\n"
		"        mfcr  t0, asid\n"
		"        xori  t0, t0, 3\n"
		"        mtcr  asid, t0\n"
		"        addi  s1, s1, -1\n"
		"        bnez  s1, 2b\n"
		"        li    t0, 0xf0002000\n"
		"        li    t2, 28\n"
		"5:      srl   t1, s0, t2\n"
		"        andi  t1, t1, 15\n"
		"        addi  t1, t1, 'a'\n"
		"        sw    t1, 0(t0)\n"
		"        addi  t2, t2, -4\n"
		"        bge   t2, zero, 5b\n"
		"        li    t0, 0xf0004000\n"
		"        sw    zero, 0(t0)\n"
		"mkdir:  li    t0, PT_S | 3          # a0: every entry PT_S, but 0 and 0x3c0\n"
		"        li    t1, 1\n"
		"6:      slli  t2, t1, 2\n"
		"        add   t2, t2, a0\n"
		"        sw    t0, 0(t2)\n"
		"        addi  t1, t1, 1\n"
		"        li    t2, 1024\n"
		"        bne   t1, t2, 6b\n"
		"        li    t0, PT_ID | 3\n"
		"        sw    t0, 0(a0)\n"
		"        li    t0, PT_DEV | 3\n"
		"        sw    t0, 0xf00(a0)\n"
		"        ret\n");
	struct image *good = assemble_file("tests/vmm/good.s");
	struct guest_spec g[2] = { { .img = img, .mem = KMEM, .seed = 1 },
				   { .img = good, .mem = 1u << 20, .seed = 1 } };
	struct out bare, alone, vm[2];
	struct vmm_result r;

	struct vmm_config cfg;

	run_bare(&g[0], VARIANT_STRICT, &bare);
	check_console(&bare, "abjimlde", "pool: bare"); /* 6 x 1022 x 0x1111 = 0x198cb34 */
	run_vmm(&g[1], 1, VARIANT_STRICT, &alone, NULL);
	/* no bound per VM: its shadows take the whole pool */
	vmm_config_defaults(&cfg);
	cfg.shadow_frames = 1u << 20;
	run_vmm_cfg(g, 2, VARIANT_STRICT, &cfg, vm, &r);
	check_same(&bare, &vm[0], "guest that exhausts the shadow pool");
	check_same(&alone, &vm[1], "good guest beside it");
	ck_assert_msg(r.vm[0].shadow_flushes >= 2, "%llu flushes",
		      (unsigned long long)r.vm[0].shadow_flushes);
	check_accounting(&r);
	out_free(vm, 2);
	/* the default bound: its shadows stay within their share, reused
	 * (least recently used first), and the pool never runs dry */
	run_vmm(g, 2, VARIANT_STRICT, vm, &r);
	check_same(&bare, &vm[0], "guest beyond its share of shadows");
	check_same(&alone, &vm[1], "good guest beside it (bound)");
	ck_assert_uint_eq(r.vm[0].shadow_frames, VMM_SHADOW_FRAMES);
	ck_assert_uint_le(r.vm[1].shadow_frames, VMM_SHADOW_FRAMES);
	ck_assert_uint_eq(r.vm[0].shadow_flushes, 0);
	ck_assert(r.vm[0].shadow_drops > 2000); /* it did give tables back */
	check_accounting(&r);
	out_free(vm, 2);
	out_free(&bare, 1);
	out_free(&alone, 1);
	image_free(img);
	image_free(good);
}
END_TEST

/* ---- the suite ------------------------------------------------------------ */

static Suite *vmm_suite(void)
{
	Suite *s = suite_create("vmm");
	TCase *tc;

	tc = tcase_create("equivalence");
	tcase_add_loop_test(tc, test_random_strict, 0, 200);
	tcase_add_loop_test(tc, test_random_classic, 0, 100);
	suite_add_tcase(s, tc);

	tc = tcase_create("paging");
	tcase_add_loop_test(tc, test_pte_matrix_strict, 0, 384);
	tcase_add_loop_test(tc, test_pte_matrix_classic, 0, 384);
	tcase_add_test(tc, test_ad_bits);
	tcase_add_test(tc, test_coherent_with_tlbinv);
	tcase_add_test(tc, test_coherent_rights_added);
	tcase_add_test(tc, test_coherent_remap_no_tlbinv);
	tcase_add_test(tc, test_coherent_alias_becomes_table);
	tcase_add_test(tc, test_coherent_shared_table);
	tcase_add_test(tc, test_coherent_dma);
	suite_add_tcase(s, tc);

	tc = tcase_create("vcpu");
	tcase_add_loop_test(tc, test_strict_sensitive_outside_ring0, 1, 3);
	tcase_add_test(tc, test_delegation);
	tcase_add_test(tc, test_ring1_bank_per_vm);
	suite_add_tcase(s, tc);

	tc = tcase_create("monitor");
	tcase_add_test(tc, test_cost_model_exact);
	tcase_add_test(tc, test_cost_model_paging);
	tcase_add_test(tc, test_accounting_idle);
	tcase_add_test(tc, test_isolation_hostile);
	tcase_add_test(tc, test_shadow_pool_exhausted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vmm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
