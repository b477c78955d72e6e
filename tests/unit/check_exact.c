/*
 * check_exact.c -- exactness and determinism (docs/isa.md section 12;
 * machine.h, machine_run): stepping one instruction at a time, in odd
 * chunks, or all at once reaches the same registers, memory, cycles, TLB
 * and counters, for ALU loops, traps, page faults, timer interrupts and
 * self-modifying code, and for the fast loop's cases (long straight lines
 * across pages, stores into the line being run, interrupts and budgets
 * in the middle of a line, ASID switches under decoded code); self-modifying code runs the new instruction;
 * execution breakpoints (memory watches: check_watch.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/helpers/guest.h"

#define HANDLER 0x800u        /* a handler in page 0, after the vectors */
#define CMP_BYTES 0x00500000u /* RAM compared between runs              */

/* Point vector slot `code` at `target` with a j. */
static void slot_jump(struct machine *m, unsigned code, uint32_t target)
{
	uint32_t slot = G_VEC + 4 * code;

	g_poke(m, slot, g_j(OP_j, (int32_t)(target - slot) / 4));
}

/* ---- the programs -------------------------------------------------------------- */

/* Arithmetic: x = x * 31 + i, divisions, stores into a 64-word ring. */
static void prog_alu(struct machine *m)
{
	G_PROG(m, G_CODE,
	       g_i(OP_addi, 1, 0, 1),           /* i = 1 */
	       g_i(OP_addi, 5, 0, 31),
	       G_LI(6, G_DATA),
	       /* loop: */
	       g_r(OP_mul, 2, 2, 5),
	       g_r(OP_add, 2, 2, 1),
	       g_r(OP_mulh, 3, 2, 2),
	       g_i(OP_ori, 4, 1, 1),
	       g_r(OP_div, 7, 2, 4),
	       g_r(OP_remu, 8, 2, 4),
	       g_r(OP_xor, 9, 7, 8),
	       g_i(OP_andi, 10, 1, 63),
	       g_i(OP_slli, 10, 10, 2),
	       g_r(OP_add, 10, 10, 6),
	       g_s(OP_sw, 9, 10, 0),
	       g_i(OP_lbu, 11, 10, 1),
	       g_r(OP_sra, 12, 3, 11),
	       g_i(OP_addi, 1, 1, 1),
	       g_b(OP_bltu, 12, 2, -14),
	       g_j(OP_j, -15));
	machine_set_pc(m, G_CODE);
}

/* Ring 3 loop of syscall, break and a division by zero; ring-0 handlers
 * count, skip and return. */
static void prog_traps(struct machine *m)
{
	G_PROG(m, G_CODE,
	       g_n(OP_syscall),
	       g_n(OP_break),
	       g_r(OP_div, 3, 1, 0),
	       g_i(OP_addi, 1, 1, 1),
	       g_j(OP_j, -4));
	slot_jump(m, TRAP_SYSCALL, HANDLER);
	slot_jump(m, TRAP_BREAKPOINT, HANDLER + 0x10);
	slot_jump(m, TRAP_DIVZERO, HANDLER + 0x10);
	G_PROG(m, HANDLER,
	       g_i(OP_addi, 10, 10, 1), g_n(OP_rfe), 0, 0,
	       g_mfcr(11, CR_EPC), g_i(OP_addi, 11, 11, 4), g_mtcr(CR_EPC, 11),
	       g_i(OP_addi, 12, 12, 1), g_n(OP_rfe));
	g_enter(m, G_CODE, 3 | 0x4200u);
}

/* Demand paging: ring 3 walks over 16 unmapped pages at 0x00400000,
 * twice and more; the ring-0 page-fault handler maps each identity. */
static void prog_paging(struct machine *m)
{
	struct g_pt pt;
	uint32_t table;

	g_paged_at(&pt, m, G_TABLES);
	table = PTE_FRAME(g_pte_pa(&pt, 0x00400000u)); /* directory 1's table */
	for (uint32_t a = G_TABLES; a <= table; a += PAGE_SIZE)
		g_map(&pt, a, a, PTE_P | PTE_W); /* the handler writes PTEs */
	G_PROG(m, G_CODE,
	       g_i(OP_lui, 1, 0, 0x40),
	       g_i(OP_addi, 2, 0, 16),
	       g_i(OP_lw, 3, 1, 0),          /* loop: */
	       g_i(OP_addi, 3, 3, 1),
	       g_s(OP_sw, 3, 1, 0),
	       g_i(OP_addi, 1, 1, 0x1000),
	       g_i(OP_addi, 2, 2, -1),
	       g_b(OP_bne, 2, 0, -5),
	       g_j(OP_j, -8));
	slot_jump(m, TRAP_PAGE_FAULT, HANDLER);
	G_PROG(m, HANDLER,
	       g_mfcr(12, CR_BADVA),
	       g_i(OP_srli, 12, 12, 12),
	       g_i(OP_slli, 13, 12, 12),
	       g_i(OP_ori, 13, 13, PTE_P | PTE_W | PTE_U),
	       g_i(OP_andi, 12, 12, 0x3ff),
	       g_i(OP_slli, 12, 12, 2),
	       G_LI(11, table),
	       g_r(OP_add, 12, 12, 11),
	       g_s(OP_sw, 13, 12, 0),
	       g_n(OP_rfe));
	g_set_cr(m, CR_MMU, MMU_PG);
	g_set_cr(m, CR_ASID, 5);
	g_enter(m, G_CODE, 3);
}

/* A periodic timer every `period` cycles with its interrupt enabled, from
 * G_CODE (12 words; the program's loop follows them); the handler
 * acknowledges, logs the cycle counter in a ring at 0x7100 and returns. */
static void timer_setup(struct machine *m, int32_t period)
{
	G_PROG(m, G_CODE,
	       G_LI(12, MMIO_TIMER),
	       g_i(OP_addi, 5, 0, period),
	       g_s(OP_sw, 5, 12, 4),
	       g_i(OP_addi, 5, 0, 7),         /* ENABLE | PERIODIC | IRQ */
	       g_s(OP_sw, 5, 12, 0),
	       G_LI(13, MMIO_INTC),
	       g_i(OP_addi, 5, 0, 1),
	       g_s(OP_sw, 5, 13, 4),
	       g_i(OP_addi, 5, 0, PSW_IE),
	       g_rs(OP_wrpsw, 5));
	slot_jump(m, TRAP_INTERRUPT, HANDLER);
	G_PROG(m, HANDLER,
	       g_i(OP_addi, 11, 0, 1),
	       g_s(OP_sw, 11, 12, 8),
	       g_rd(OP_rdcycle, 14),
	       g_i(OP_andi, 15, 10, 0xfc),
	       g_s(OP_sw, 14, 15, 0x7100),
	       g_i(OP_addi, 10, 10, 4),
	       g_n(OP_rfe));
	machine_set_pc(m, G_CODE);
}

/* A periodic timer of 37 cycles interrupts a load/store loop. */
static void prog_timer(struct machine *m)
{
	timer_setup(m, 37);
	G_PROG(m, G_CODE + 4 * 12,
	       g_i(OP_addi, 1, 1, 3),         /* loop: */
	       g_s(OP_sw, 1, 0, 0x7000),
	       g_i(OP_lw, 2, 0, 0x7000),
	       g_j(OP_j, -3));
}

/* Each round rewrites `addi r3, r3, k` ahead in the same page and in
 * another page with the next k, then runs both. */
static void prog_smc(struct machine *m)
{
	uint32_t base = g_i(OP_addi, 3, 3, 0);

	G_PROG(m, G_CODE,
	       g_i(OP_lui, 1, 0, base >> 16),
	       g_i(OP_addi, 5, 0, G_CODE + 0x10),
	       g_i(OP_addi, 2, 2, 1),        /* 0x08 loop: k++ */
	       g_r(OP_or, 4, 1, 2),
	       g_s(OP_sw, 4, 5, 8),          /* over 0x18 */
	       g_i(OP_addi, 0, 0, 0),
	       base,                         /* 0x18 */
	       g_s(OP_sw, 4, 5, 0x1000 - 0x10), /* over 0x1000 */
	       g_j(OP_jal, (0x1000 - 0x20) / 4),
	       g_j(OP_j, -7));
	G_PROG(m, G_CODE + 0x1000, base, g_i(OP_jalr, 0, ISA_REG_RA, 0));
	machine_set_pc(m, G_CODE);
}

/* ---- programs for the fast loop (sim/cpu_exec.c) ------------------------------
 * The fast loop counts instructions only at check points (jumps, taken
 * branches, page entries), at most a page of straight line apart, and
 * hands the last stretch before a limit to the step loop.  These programs
 * put long straight lines across page boundaries, with stores into the
 * line being run, timer interrupts and budgets ending in the middle of a
 * line, and address-space switches under decoded code. */

/* n words of straight-line ALU work from pa on (r1..r3 only). */
static void line(struct machine *m, uint32_t pa, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		g_poke(m, pa + 4 * k, k % 3 == 0 ? g_i(OP_addi, 1, 1, 1)
				      : k % 3 == 1 ? g_r(OP_xor, 2, 2, 1)
						   : g_r(OP_add, 3, 3, 2));
}

/* A 1100-instruction line from the middle of a page across the next
 * page boundary; each pass first rewrites `addi r6, r6, k` 300
 * instructions ahead in the same line with the next k. */
static void prog_line(struct machine *m)
{
	const uint32_t at = G_CODE + 0x800, smc = at + 4 * 300;
	const uint32_t word = g_i(OP_addi, 6, 6, 0);

	line(m, at, 1107);
	G_PROG(m, at,
	       g_i(OP_lui, 8, 0, word >> 16),
	       G_LI(5, smc),
	       g_i(OP_addi, 7, 7, 1),        /* 3: loop */
	       g_r(OP_or, 4, 8, 7),
	       g_s(OP_sw, 4, 5, 0));
	g_poke(m, smc, word);
	g_poke(m, at + 4 * 1106, g_j(OP_j, 3 - 1106));
	machine_set_pc(m, at);
}

/* A periodic timer every 1500 cycles interrupts a 700-instruction line
 * wherever it is. */
static void prog_timer_line(struct machine *m)
{
	timer_setup(m, 1500);
	line(m, G_CODE + 4 * 12, 700);     /* 12: loop */
	g_poke(m, G_CODE + 4 * 712, g_j(OP_j, -700));
}

/* Two address spaces (ASIDs 1 and 2, two page directories) map virtual
 * 0x00400000 to different code pages, both decoded; the loop calls it in
 * each space in turn, and every eighth round flushes the TLB. */
static void prog_asid(struct machine *m)
{
	const uint32_t va = 0x00400000u, pa1 = 0x00030000u, pa2 = 0x00031000u;
	struct g_pt a, b;

	g_paged_at(&a, m, G_TABLES);
	g_paged_at(&b, m, G_TABLES + 0x10000);
	g_map(&a, va, pa1, PTE_P | PTE_W);
	g_map(&b, va, pa2, PTE_P | PTE_W);
	line(m, pa1, 500);
	g_poke(m, pa1 + 4 * 500, g_i(OP_jalr, 0, ISA_REG_RA, 0));
	for (unsigned k = 0; k < 400; k++)
		g_poke(m, pa2 + 4 * k, g_i(OP_addi, 4, 4, (int32_t)k));
	g_poke(m, pa2 + 4 * 400, g_i(OP_jalr, 0, ISA_REG_RA, 0));
	G_PROG(m, G_CODE,
	       G_LI(10, a.dir),
	       G_LI(12, b.dir),
	       g_i(OP_addi, 11, 0, 1),
	       g_i(OP_addi, 13, 0, 2),
	       g_mtcr(CR_PTBR, 10),          /* 6: loop */
	       g_mtcr(CR_ASID, 11),
	       g_j(OP_jal, (int32_t)(va - (G_CODE + 4 * 8)) / 4),
	       g_mtcr(CR_PTBR, 12),
	       g_mtcr(CR_ASID, 13),
	       g_j(OP_jal, (int32_t)(va - (G_CODE + 4 * 11)) / 4),
	       g_i(OP_addi, 9, 9, 1),
	       g_i(OP_andi, 14, 9, 7),
	       g_b(OP_bne, 14, 0, 2),
	       g_n(OP_tlbflush),
	       g_j(OP_j, -10));
	g_set_cr(m, CR_PTBR, a.dir);
	g_set_cr(m, CR_MMU, MMU_PG);
	machine_set_pc(m, G_CODE);
}

/* The fast loop's fused pairs (sim/cpu_fuse.def): a loop of pairs that
 * pass a result on (lui+ori, slli+andi, add+lw, lw+add, andi+beq,
 * addi+bne), stores that rewrite the second half of a pair each pass
 * (from another slot, and from the pair's own first half), and a pair
 * split by a page boundary (never fused). */
static void prog_fused(struct machine *m)
{
	const uint32_t wa = g_i(OP_addi, 7, 7, 3), wb = g_i(OP_addi, 7, 7, 5);
	const uint32_t edge = G_CODE + 0x1000 - 4; /* the page's last slot */

	G_PROG(m, G_CODE,
	       G_LI(5, G_DATA),
	       G_LI(8, wa),
	       G_LI(12, wb),
	       G_LI(10, G_CODE + 4 * 21),     /* the second half rewritten */
	       G_LI(13, G_CODE + 4 * 23),     /* ... and the one after 22 */
	       g_i(OP_addi, 1, 1, 1),         /* 10: loop */
	       g_i(OP_slli, 2, 1, 2),
	       g_i(OP_andi, 2, 2, 0x3c),
	       g_r(OP_add, 3, 5, 2),
	       g_i(OP_lw, 4, 3, 0),
	       g_r(OP_add, 4, 4, 1),
	       g_s(OP_sw, 4, 3, 0),
	       g_i(OP_andi, 9, 1, 1),
	       g_b(OP_beq, 9, 0, 2),          /* 18: even passes skip 19 */
	       g_s(OP_sw, 8, 10, 0),          /* 21 <- r8 */
	       g_i(OP_addi, 11, 11, 1),       /* 20: pair 20+21 ... */
	       g_i(OP_addi, 7, 7, 1),         /* ... 21 rewritten by 19 */
	       g_s(OP_sw, 12, 13, 0),         /* 22: rewrites 23, its pair */
	       g_i(OP_addi, 7, 7, 7),         /* 23 */
	       g_r(OP_xor, 8, 8, 12),         /* swap wa and wb */
	       g_r(OP_xor, 12, 12, 8),
	       g_r(OP_xor, 8, 8, 12),
	       g_j(OP_j, (int32_t)(edge - (G_CODE + 4 * 27)) / 4));
	g_poke(m, edge, g_i(OP_addi, 14, 14, -1)); /* a pair across pages */
	g_poke(m, edge + 4, g_b(OP_bne, 14, 0, (int32_t)(G_CODE + 4 * 10 - (edge + 4)) / 4));
	machine_set_pc(m, G_CODE);
}

/* Pairs whose second half overwrites the first's rd (chain 3 of
 * sim/cpu_fuse.def: the first write is skipped) next to pairs that look
 * alike but read that rd again as rs2 (add r, r, r), where skipping it
 * would read a stale register, or write another rd.  Every result
 * lands in r7 or memory. */
static void prog_fused_dead(struct machine *m)
{
	G_PROG(m, G_CODE,
	       G_LI(5, G_DATA),
	       g_i(OP_addi, 1, 1, 1),         /* 2: loop */
	       g_i(OP_andi, 3, 1, 0x3c),
	       g_r(OP_add, 3, 3, 5),
	       g_i(OP_lw, 4, 3, 0),
	       g_r(OP_add, 4, 4, 4),          /* lw+add: rd read as rs2 */
	       g_s(OP_sw, 4, 3, 0),
	       g_i(OP_lw, 9, 3, 4),           /* not at offset 0: LW, not LW0 */
	       g_r(OP_add, 9, 9, 1),          /* lw+add: chain 3 */
	       g_s(OP_sw, 9, 3, 8),           /* add+sw, not SW0 */
	       g_i(OP_slli, 2, 1, 1),
	       g_r(OP_add, 2, 2, 2),          /* slli+add: rd read as rs2 */
	       g_r(OP_add, 7, 7, 2),
	       g_i(OP_slli, 2, 1, 3),
	       g_i(OP_andi, 2, 2, 0x1f8),     /* slli+andi: chain 3 */
	       g_r(OP_add, 7, 7, 2),
	       g_r(OP_xor, 6, 6, 1),
	       g_i(OP_slli, 6, 6, 1),         /* xor+slli: chain 3 */
	       g_r(OP_add, 7, 7, 6),
	       g_i(OP_lui, 8, 0, 0x1234),
	       g_i(OP_ori, 8, 8, 0x56),       /* lui+ori: chain 3 */
	       g_r(OP_add, 7, 7, 8),
	       g_i(OP_slli, 10, 1, 2),
	       g_i(OP_andi, 11, 10, 0x3c),    /* another rd: r10 stays */
	       g_r(OP_add, 7, 7, 10),
	       g_r(OP_add, 7, 7, 11),
	       g_j(OP_j, -25));
	machine_set_pc(m, G_CODE);
}

typedef void (*prog_fn)(struct machine *m);
static const struct {
	const char *name;
	prog_fn build;
	uint64_t insns;
} progs[] = {
	{ "alu", prog_alu, 3000 },
	{ "traps", prog_traps, 3000 },
	{ "paging", prog_paging, 3000 },
	{ "timer", prog_timer, 3000 },
	{ "smc", prog_smc, 3000 },
	{ "line", prog_line, 30000 },
	{ "timer-line", prog_timer_line, 30000 },
	{ "asid", prog_asid, 30000 },
	{ "fused", prog_fused, 30000 },
	{ "fused-dead", prog_fused_dead, 30000 },
};

/* ---- snapshots -------------------------------------------------------------------- */

struct snap {
	uint32_t r[ISA_NREGS], pc, psw, cr[CR_COUNT];
	uint64_t cycles, instret;
	struct tlb_view tlb[64];
	struct machine_stats st;
	uint8_t *ram;
};

static void take(struct machine *m, struct snap *s)
{
	memset(s, 0, sizeof *s);
	for (unsigned i = 0; i < ISA_NREGS; i++)
		s->r[i] = machine_reg(m, i);
	s->pc = machine_pc(m);
	s->psw = machine_psw(m);
	for (unsigned i = 0; i < CR_COUNT; i++)
		machine_cr(m, i, &s->cr[i]);
	s->cycles = machine_cycles(m);
	s->instret = machine_instret(m);
	for (unsigned i = 0; i < 64; i++)
		machine_tlb_entry(m, i, &s->tlb[i]);
	machine_get_stats(m, &s->st);
	s->ram = malloc(CMP_BYTES);
	ck_assert_ptr_nonnull(s->ram);
	ck_assert(machine_phys_read(m, 0, s->ram, CMP_BYTES));
}

static void same(const struct snap *a, const struct snap *b, const char *what)
{
	for (unsigned i = 0; i < ISA_NREGS; i++)
		ck_assert_msg(a->r[i] == b->r[i], "%s: r%u 0x%x vs 0x%x", what, i, a->r[i], b->r[i]);
	ck_assert_msg(a->pc == b->pc, "%s: pc 0x%x vs 0x%x", what, a->pc, b->pc);
	ck_assert_uint_eq(a->psw, b->psw);
	for (unsigned i = 0; i < CR_COUNT; i++)
		ck_assert_msg(a->cr[i] == b->cr[i], "%s: cr%u", what, i);
	ck_assert_msg(a->cycles == b->cycles, "%s: cycles %llu vs %llu", what,
		      (unsigned long long)a->cycles, (unsigned long long)b->cycles);
	ck_assert_uint_eq(a->instret, b->instret);
	for (unsigned i = 0; i < 64; i++) {
		ck_assert_msg(a->tlb[i].valid == b->tlb[i].valid, "%s: tlb %u", what, i);
		if (a->tlb[i].valid)
			ck_assert(!memcmp(&a->tlb[i], &b->tlb[i], sizeof a->tlb[i]));
	}
	ck_assert_msg(!memcmp(&a->st, &b->st, sizeof a->st), "%s: statistics differ", what);
	ck_assert_msg(!memcmp(a->ram, b->ram, CMP_BYTES), "%s: memory differs", what);
}

/* Budgets that end just before, at and after the fast loop's margin
 * (a page of instructions), and far inside long straight lines. */
static const uint64_t margin_chunks[] = { 1023, 1024, 1025, 1, 1500, 2047, 2048, 7, 4099 };

/* _i = program: all at once, one by one, in odd chunks, in chunks around
 * the fast loop's margin, and all at once on a second machine give the
 * same state. */
START_TEST(test_step_equals_run)
{
	const uint64_t n = progs[_i].insns;
	struct machine *m[5];
	struct snap s[5];
	uint64_t done = 0, chunk = 1;

	for (int k = 0; k < 5; k++) {
		m[k] = g_machine(VARIANT_CLASSIC);
		g_vectors(m[k], G_VEC);
		progs[_i].build(m[k]);
	}
	g_step(m[0], n);
	for (uint64_t k = 0; k < n; k++)
		g_step(m[1], 1);
	while (done < n) { /* chunks of 1, 2, 4, ..., 64, then 3, 5, ... */
		uint64_t c = chunk < n - done ? chunk : n - done;
		g_step(m[2], c);
		done += c;
		chunk = chunk >= 64 ? 3 + chunk % 7 : chunk * 2;
	}
	g_step(m[3], n);
	done = 0;
	for (unsigned k = 0; done < n; k++) {
		uint64_t c = margin_chunks[k % (sizeof margin_chunks / sizeof margin_chunks[0])];
		c = c < n - done ? c : n - done;
		g_step(m[4], c);
		done += c;
	}
	for (int k = 0; k < 5; k++)
		take(m[k], &s[k]);
	/* a step is an instruction that retired or trapped (not an interrupt) */
	uint64_t trapped = 0;
	for (unsigned c = TRAP_BREAKPOINT; c < TRAP_NCAUSES; c++)
		trapped += s[0].st.traps[c];
	ck_assert_uint_eq(s[0].instret + trapped, n);
	same(&s[0], &s[1], "one by one");
	same(&s[0], &s[2], "chunks");
	same(&s[0], &s[3], "second machine");
	same(&s[0], &s[4], "chunks around the margin");
	for (int k = 0; k < 5; k++) {
		free(s[k].ram);
		machine_free(m[k]);
	}
}
END_TEST

/* The programs do what they are meant to, so the comparison above is
 * over interesting runs. */
START_TEST(test_programs_exercise)
{
	struct machine_stats st;

	prog_traps(gm);
	g_step(gm, 3000);
	machine_get_stats(gm, &st);
	ck_assert_uint_gt(st.traps[TRAP_SYSCALL], 100);
	ck_assert_uint_eq(st.traps[TRAP_SYSCALL], machine_reg(gm, 10));
	ck_assert_uint_eq(st.traps[TRAP_BREAKPOINT] + st.traps[TRAP_DIVZERO], machine_reg(gm, 12));

	g_teardown();
	g_setup();
	prog_paging(gm);
	g_step(gm, 3000);
	machine_get_stats(gm, &st);
	ck_assert_uint_eq(st.traps[TRAP_PAGE_FAULT], 16);
	ck_assert_uint_gt(st.tlb_misses, 16 * 2);
	ck_assert_uint_ge(g_peek(gm, 0x00400000u), 5); /* passes over the first page */
	ck_assert_uint_le(g_peek(gm, 0x00400000u) - g_peek(gm, 0x0040f000u), 1);

	g_teardown();
	g_setup();
	prog_timer(gm);
	g_step(gm, 3000);
	machine_get_stats(gm, &st);
	ck_assert_uint_gt(st.irqs_taken, 50);
	ck_assert_uint_eq(machine_reg(gm, 10), 4 * st.irqs_taken);

	/* the line's stores rewrite code it then runs: r6 sums the ks */
	g_teardown();
	g_setup();
	prog_line(gm);
	g_step(gm, 30000);
	machine_get_stats(gm, &st);
	uint32_t k = machine_reg(gm, 7);
	ck_assert_uint_ge(k, 20);
	ck_assert_uint_ge(st.code_writes, k);
	ck_assert(machine_reg(gm, 6) == k * (k + 1) / 2 || machine_reg(gm, 6) == (k - 1) * k / 2);

	/* interrupts land inside the line, 1500 cycles apart */
	g_teardown();
	g_setup();
	prog_timer_line(gm);
	g_step(gm, 30000);
	machine_get_stats(gm, &st);
	ck_assert_uint_ge(st.irqs_taken, 15);
	ck_assert_uint_eq(g_peek(gm, 0x7104) - g_peek(gm, 0x7100), 1500);

	/* both address spaces ran their own code at the same address */
	g_teardown();
	g_setup();
	prog_asid(gm);
	g_step(gm, 30000);
	machine_get_stats(gm, &st);
	ck_assert_uint_ge(machine_reg(gm, 9), 20);
	ck_assert_uint_ge(machine_reg(gm, 1), 166 * machine_reg(gm, 9));
	ck_assert_uint_ge(machine_reg(gm, 4), 79800 * machine_reg(gm, 9));
	ck_assert_uint_ge(st.tlb_flushes, 2);

	/* the fused pairs' loop: both rewritten halves ran their new words */
	g_teardown();
	g_setup();
	prog_fused(gm);
	g_step(gm, 30000);
	machine_get_stats(gm, &st);
	uint32_t passes = machine_reg(gm, 1);
	ck_assert_uint_ge(passes, 1000);
	uint32_t pc = machine_pc(gm);
	bool mid = pc > G_CODE + 4 * 10 && pc <= G_CODE + 4 * 20; /* r1 ran, r11 not */
	ck_assert_uint_eq(machine_reg(gm, 11), passes - mid);
	ck_assert_uint_ge(st.code_writes, passes + passes / 2 - 2);
	ck_assert_uint_gt(machine_reg(gm, 7), 6 * (passes - 1)); /* 3..7 twice a pass */
}
END_TEST

/* A program that powers off: the same cycle count and status every time. */
START_TEST(test_power_off_deterministic)
{
	uint64_t cycles[2];

	for (int k = 0; k < 2; k++) {
		struct machine *m = g_machine(VARIANT_CLASSIC);
		g_vectors(m, G_VEC);
		prog_timer(m);
		/* after 40 timer interrupts, power off with r10 / 4 */
		G_PROG(m, HANDLER + 4 * 6, /* over its rfe */
		       g_i(OP_addi, 11, 0, 160),
		       g_b(OP_bne, 10, 11, 5),
		       g_i(OP_srli, 11, 10, 2),
		       G_LI(12, MMIO_POWER),
		       g_s(OP_sw, 11, 12, 0),
		       g_n(OP_rfe));
		ck_assert_int_eq(machine_run(m, UINT64_MAX), STOP_POWER_OFF);
		ck_assert_int_eq(machine_exit_code(m), 40);
		cycles[k] = machine_cycles(m);
		machine_free(m);
	}
	ck_assert_uint_eq(cycles[0], cycles[1]);
	ck_assert_uint_gt(cycles[0], 40 * 37);
}
END_TEST

/* ---- the parked code page (sim/cpu_exec.c fetch) -----------------------------------
 * A trap parks the code page of the ring it leaves, and the return finds
 * it again without a translation.  Here the ring-0 handler remaps the
 * user's code page under it at the third call (to code that counts in
 * r2 instead of r1), then _i = 0: invalidates that page's TLB entry (tlbinv); 1: evicts it
 * by a load through another page of the same TLB slot.  The return must
 * run the new mapping. */
START_TEST(test_parked_code_page_remapped)
{
	/* a TLB slot of its own: no kernel page evicts it by chance */
	const uint32_t va = 0x00405000u, pa1 = 0x00030000u, pa2 = 0x00031000u;
	const uint32_t alias = va + (machine_tlb_size(gm) << PAGE_SHIFT);
	struct g_pt pt;

	g_paged_at(&pt, gm, G_TABLES);
	g_map(&pt, va, pa1, PTE_P | PTE_U);
	g_map(&pt, alias, G_DATA, PTE_P);
	uint32_t pte = g_pte_pa(&pt, va), table = PTE_FRAME(pte);
	for (uint32_t a = G_TABLES; a <= table; a += PAGE_SIZE)
		g_map(&pt, a, a, PTE_P | PTE_W); /* the handler writes the PTE */
	G_PROG(gm, pa1, g_i(OP_addi, 1, 1, 1), g_n(OP_syscall), g_j(OP_j, -2));
	G_PROG(gm, pa2, g_i(OP_addi, 2, 2, 1), g_n(OP_syscall), g_j(OP_j, -2));
	slot_jump(gm, TRAP_SYSCALL, HANDLER);
	G_PROG(gm, HANDLER,              /* from the third call on: pa2 */
	       g_i(OP_addi, 10, 10, 1),
	       G_LI(12, pte),
	       G_LI(13, pa1 | PTE_P | PTE_U),
	       g_i(OP_slti, 11, 10, 3),
	       g_b(OP_bne, 11, 0, 3),
	       G_LI(13, pa2 | PTE_P | PTE_U),
	       g_s(OP_sw, 13, 12, 0),     /* its TLB entry is warm by then */
	       G_LI(14, _i ? alias : va),
	       _i ? g_i(OP_lw, 15, 14, 0) : g_rs(OP_tlbinv, 14),
	       g_n(OP_rfe));
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_enter(gm, va, 3);
	g_step(gm, 3000);
	ck_assert_uint_eq(machine_reg(gm, 1), 3);
	ck_assert_uint_ge(machine_reg(gm, 2), 150);
}
END_TEST

/* ---- self-modifying code ------------------------------------------------------------ */

START_TEST(test_smc_program)
{
	prog_smc(gm);
	g_step(gm, 2 + 10 * 10); /* ten rounds of ten instructions */
	ck_assert_uint_eq(machine_reg(gm, 2), 10);
	ck_assert_uint_eq(machine_reg(gm, 3), 2 * 55); /* both copies ran each new k */
	ck_assert_uint_eq(g_stats(gm).code_writes, 19); /* 0x2000 is code from round 2 */
}
END_TEST

/* A store over the very next instruction: that next instruction is new. */
START_TEST(test_smc_next_instruction)
{
	G_PROG(gm, G_CODE, g_s(OP_sw, 1, 2, 4), g_i(OP_addi, 3, 0, 1), g_j(OP_j, -2));
	machine_set_reg(gm, 1, g_i(OP_addi, 3, 3, 7));
	machine_set_reg(gm, 2, G_CODE);
	g_step(gm, 2);
	ck_assert_uint_eq(machine_reg(gm, 3), 7);
	g_step(gm, 3);
	ck_assert_uint_eq(machine_reg(gm, 3), 14);
}
END_TEST

/* A byte store into a decoded instruction's immediate, through a paged
 * alias of the code page (the decoded copy is found by physical page). */
START_TEST(test_smc_byte_through_alias)
{
	struct g_pt pt;

	g_paged_at(&pt, gm, G_TABLES);
	g_map(&pt, 0x00400000u, G_CODE, PTE_P | PTE_W);
	G_PROG(gm, G_CODE, g_i(OP_addi, 3, 3, 1), g_s(OP_sb, 2, 1, 0), g_j(OP_j, -2));
	machine_set_reg(gm, 1, 0x00400000u);
	machine_set_reg(gm, 2, 0x40);
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_step(gm, 4); /* addi +1, sb, j, addi +0x40 */
	ck_assert_uint_eq(machine_reg(gm, 3), 0x41);
	ck_assert_uint_eq(g_peek(gm, G_CODE), g_i(OP_addi, 3, 3, 0x40));
}
END_TEST

/* The host writes over decoded code (a debugger's poke). */
START_TEST(test_smc_host_write)
{
	G_PROG(gm, G_CODE, g_i(OP_addi, 3, 3, 1), g_j(OP_j, -1));
	g_step(gm, 4);
	ck_assert_uint_eq(machine_reg(gm, 3), 2);
	g_poke(gm, G_CODE, g_i(OP_addi, 3, 3, 100));
	g_step(gm, 2);
	ck_assert_uint_eq(machine_reg(gm, 3), 102);
}
END_TEST

/* ---- breakpoints ------------------------------------------------------------------- */

struct hits {
	int n;
	bool stop;
	struct machine_event_info last;
};

static bool on_event(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct hits *h = opaque;

	h->n++;
	h->last = *ev;
	return h->stop;
}

/* loop: r1++ ; r2++ (breakpoint) ; j loop */
static void bp_loop(void)
{
	G_PROG(gm, G_CODE, g_i(OP_addi, 1, 1, 1), g_i(OP_addi, 2, 2, 1), g_j(OP_j, -2));
}

/* _i = 0: inserted before the page is decoded; 1: after. */
START_TEST(test_breakpoint_stops_before)
{
	struct hits h = { .stop = true };

	bp_loop();
	if (_i)
		g_step(gm, 3);
	ck_assert(machine_break_insert(gm, G_CODE + 4));
	ck_assert_int_ge(machine_on(gm, EV_BREAK, on_event, &h), 0);
	uint64_t i0 = machine_instret(gm), c0 = machine_cycles(gm);
	ck_assert_int_eq(machine_run(gm, 100), STOP_REQUESTED);
	ck_assert_int_eq(h.n, 1);
	ck_assert_uint_eq(h.last.kind, EV_BREAK);
	ck_assert_uint_eq(h.last.pc, G_CODE + 4);
	ck_assert_uint_eq(h.last.addr, G_CODE + 4);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 4);
	ck_assert_uint_eq(machine_reg(gm, 2), _i ? 1 : 0); /* not executed */
	ck_assert_uint_eq(machine_instret(gm), i0 + 1);
	ck_assert_uint_eq(machine_cycles(gm), c0 + 1);
	/* continuing steps over it and stops there next time round */
	ck_assert_int_eq(machine_run(gm, 100), STOP_REQUESTED);
	ck_assert_int_eq(h.n, 2);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 4);
	ck_assert_uint_eq(machine_instret(gm), i0 + 4);
	ck_assert_uint_eq(machine_reg(gm, 2), _i ? 2 : 1);
}
END_TEST

/* The loop's two addi are a fused pair in the fast loop once decoded; a
 * breakpoint on the second half, inserted then, stops a long run (the
 * fast loop's) before it: the first half ran, the second did not. */
START_TEST(test_breakpoint_fused_second_half)
{
	struct hits h = { .stop = true };

	bp_loop();
	g_step(gm, 30000); /* decoded, fused, run fast */
	ck_assert_uint_eq(machine_reg(gm, 1), 10000);
	ck_assert(machine_break_insert(gm, G_CODE + 4));
	machine_on(gm, EV_BREAK, on_event, &h);
	uint64_t i0 = machine_instret(gm);
	ck_assert_int_eq(machine_run(gm, 100000), STOP_REQUESTED);
	ck_assert_int_eq(h.n, 1);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 4);
	ck_assert_uint_eq(machine_reg(gm, 1), 10001);
	ck_assert_uint_eq(machine_reg(gm, 2), 10000);
	ck_assert_uint_eq(machine_instret(gm), i0 + 1);
	/* removed: the pair fuses again and runs on */
	machine_break_remove(gm, G_CODE + 4);
	g_step(gm, 30000);
	ck_assert_int_eq(h.n, 1);
	ck_assert_uint_eq(machine_reg(gm, 2), 20000);
	ck_assert_uint_eq(machine_reg(gm, 1), 20001);
}
END_TEST

/* A listener that declines sees every pass; removing the breakpoint ends
 * the events; the pc a run starts at never triggers. */
START_TEST(test_breakpoint_counts_and_remove)
{
	struct hits h = { .stop = false };

	bp_loop();
	ck_assert(machine_break_insert(gm, G_CODE + 4));
	ck_assert(machine_break_insert(gm, G_CODE + 4)); /* twice is once */
	machine_on(gm, EV_BREAK, on_event, &h);
	g_step(gm, 30);
	ck_assert_int_eq(h.n, 10);
	ck_assert_uint_eq(machine_reg(gm, 2), 10);
	machine_break_remove(gm, G_CODE + 4);
	g_step(gm, 30);
	ck_assert_int_eq(h.n, 10);
	ck_assert_uint_eq(machine_reg(gm, 2), 20);

	h.stop = true;
	machine_break_insert(gm, G_CODE);
	machine_set_pc(gm, G_CODE);
	ck_assert_int_eq(machine_run(gm, 100), STOP_REQUESTED);
	ck_assert_int_eq(h.n, 11);
	ck_assert_uint_eq(machine_reg(gm, 1), 21); /* ran once from the start pc */
	ck_assert(!machine_break_insert(gm, G_CODE + 2));
	ck_assert(!machine_break_insert(gm, machine_mem_bytes(gm)));
}
END_TEST

/* A breakpoint is by physical address: with paging, ev.pc is the va. */
START_TEST(test_breakpoint_paged)
{
	struct g_pt pt;
	struct hits h = { .stop = true };

	g_paged_at(&pt, gm, G_TABLES);
	g_map(&pt, 0x00400000u, G_CODE, PTE_P);
	bp_loop();
	g_set_cr(gm, CR_MMU, MMU_PG);
	machine_set_pc(gm, 0x00400000u);
	machine_break_insert(gm, G_CODE + 4);
	machine_on(gm, EV_BREAK, on_event, &h);
	ck_assert_int_eq(machine_run(gm, 100), STOP_REQUESTED);
	ck_assert_uint_eq(h.last.pc, 0x00400004u);
	ck_assert_uint_eq(h.last.addr, G_CODE + 4);
	ck_assert_uint_eq(machine_pc(gm), 0x00400004u);
}
END_TEST

/* New code written over a breakpoint runs, and the breakpoint stays. */
START_TEST(test_breakpoint_survives_code_write)
{
	struct hits h = { .stop = true };

	bp_loop();
	machine_break_insert(gm, G_CODE + 4);
	machine_on(gm, EV_BREAK, on_event, &h);
	ck_assert_int_eq(machine_run(gm, 100), STOP_REQUESTED);
	g_poke(gm, G_CODE + 4, g_i(OP_addi, 2, 2, 50));
	ck_assert_int_eq(machine_run(gm, 100), STOP_REQUESTED);
	ck_assert_int_eq(h.n, 2);
	ck_assert_uint_eq(machine_reg(gm, 2), 50);
}
END_TEST

static Suite *exact_suite(void)
{
	Suite *s = suite_create("exact");
	TCase *tc;

	tc = g_tcase(s, "determinism");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_step_equals_run, 0, sizeof progs / sizeof progs[0]);
	tcase_add_test(tc, test_programs_exercise);
	tcase_add_test(tc, test_power_off_deterministic);

	tc = g_tcase(s, "self-modifying");
	tcase_add_loop_test(tc, test_parked_code_page_remapped, 0, 2);
	tcase_add_test(tc, test_smc_program);
	tcase_add_test(tc, test_smc_next_instruction);
	tcase_add_test(tc, test_smc_byte_through_alias);
	tcase_add_test(tc, test_smc_host_write);

	tc = g_tcase(s, "breakpoints");
	tcase_add_loop_test(tc, test_breakpoint_stops_before, 0, 2);
	tcase_add_test(tc, test_breakpoint_fused_second_half);
	tcase_add_test(tc, test_breakpoint_counts_and_remove);
	tcase_add_test(tc, test_breakpoint_paged);
	tcase_add_test(tc, test_breakpoint_survives_code_write);
	return s;
}

int main(void)
{
	return g_main(exact_suite());
}
