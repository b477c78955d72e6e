/*
 * check_trap.c -- traps against docs/isa.md section 6: every cause with
 * its exact CAUSE, EPC, BADVA, EPSW and PSW after entry, the vector slot
 * and the 10-cycle entry cost; rfe; delegation to ring 1; the machine's
 * fatal stops (no trap vector, double fault); the ring-0 trap hook.
 */
#include <check.h>
#include <string.h>

#include "tests/unit/helpers/guest.h"

#define FLAGS 0xa500u /* software flags that every entry must keep */
#define VEC1  0x300u  /* ring-1 vector table for delegation tests */

/* ---- one test per cause -------------------------------------------------- */

/* Ring and IE the trapping code runs with, for the loop tests: rings
 * 0..3, IE on and off. */
static uint32_t loop_psw(int i)
{
	return (uint32_t)(i & 3) | ((i & 4) ? PSW_IE : 0) | FLAGS;
}

/* Common tail: the instruction at G_CODE trapped from psw; it did not
 * retire (except syscall) and entry cost 10 cycles beyond `extra`. */
static void check_entry(uint32_t code, uint32_t access, uint32_t epc, uint32_t badva,
			uint32_t psw, uint64_t retired, uint64_t extra)
{
	g_check_trap(gm, CAUSE_MAKE(code, access, 0, psw & PSW_RING_MASK), epc, badva, psw);
	ck_assert_uint_eq(machine_instret(gm), retired);
	ck_assert_uint_eq(machine_cycles(gm), retired + extra + 10);
	ck_assert_uint_eq(g_stats(gm).traps[code], 1);
}

START_TEST(test_cause_syscall)
{
	uint32_t psw = loop_psw(_i);

	G_PROG(gm, G_CODE, g_n(OP_syscall));
	g_enter(gm, G_CODE, psw);
	g_step(gm, 1);
	check_entry(TRAP_SYSCALL, 0, G_CODE + 4, 0, psw, 1, 0);
}
END_TEST

START_TEST(test_cause_break)
{
	uint32_t psw = loop_psw(_i);

	G_PROG(gm, G_CODE, g_n(OP_break));
	g_enter(gm, G_CODE, psw);
	g_step(gm, 1);
	check_entry(TRAP_BREAKPOINT, 0, G_CODE, 0, psw, 0, 0);
}
END_TEST

START_TEST(test_cause_illegal)
{
	static const uint32_t words[] = {
		0x00000000u,                /* zeroed memory: opcode 0x00 */
		0xff000000u,                /* unassigned opcode          */
		0x0b123000u,                /* unassigned, in the ALU group */
		0x01123001u,                /* add with reserved bits     */
		0x62000000u,                /* hypercall on bare metal    */
	};
	uint32_t psw = loop_psw(_i);

	for (unsigned k = 0; k < sizeof words / sizeof words[0]; k++) {
		g_teardown();
		g_setup();
		g_poke(gm, G_CODE, words[k]);
		g_enter(gm, G_CODE, psw);
		g_step(gm, 1);
		check_entry(TRAP_ILLEGAL, 0, G_CODE, 0, psw, 0, 0);
	}
}
END_TEST

START_TEST(test_cause_privileged)
{
	uint32_t psw = loop_psw(_i) | 1; /* rings 1 and 3 */

	G_PROG(gm, G_CODE, g_n(OP_tlbflush));
	g_enter(gm, G_CODE, psw);
	g_step(gm, 1);
	check_entry(TRAP_PRIVILEGED, 0, G_CODE, 0, psw, 0, 0);
}
END_TEST

START_TEST(test_cause_align)
{
	uint32_t psw = loop_psw(_i);

	G_PROG(gm, G_CODE, g_s(OP_sw, 2, 1, 2));
	machine_set_reg(gm, 1, G_DATA);
	g_enter(gm, G_CODE, psw);
	g_step(gm, 1);
	check_entry(TRAP_ALIGN, ACC_WRITE, G_CODE, G_DATA + 2, psw, 0, 0);
}
END_TEST

START_TEST(test_cause_divzero)
{
	uint32_t psw = loop_psw(_i);

	G_PROG(gm, G_CODE, g_r(OP_remu, 3, 1, 0));
	g_enter(gm, G_CODE, psw);
	g_step(gm, 1);
	check_entry(TRAP_DIVZERO, 0, G_CODE, 0, psw, 0, 0);
}
END_TEST

START_TEST(test_cause_bus_error)
{
	uint32_t psw = loop_psw(_i);

	G_PROG(gm, G_CODE, g_i(OP_lw, 3, 1, 0x10));
	machine_set_reg(gm, 1, 0xdffffff0u);
	g_enter(gm, G_CODE, psw);
	g_step(gm, 1);
	/* the attempted bus access is charged like an MMIO access */
	check_entry(TRAP_BUS_ERROR, ACC_READ, G_CODE, 0xe0000000u, psw, 0, 10);
}
END_TEST

/* Page fault: paging on, the page of G_DATA unmapped (the walk's 10
 * cycles for the directory read are part of the cost). */
START_TEST(test_cause_page_fault)
{
	uint32_t psw = loop_psw(_i);
	uint32_t ring = psw & PSW_RING_MASK;
	struct g_pt pt;

	g_paging(&pt, gm);
	g_map(&pt, 0, 0, PTE_P | PTE_U);
	g_map(&pt, G_CODE, G_CODE, PTE_P | PTE_U);
	G_PROG(gm, G_CODE, g_i(OP_lw, 3, 1, 4));
	machine_set_reg(gm, 1, 0x00400000u); /* directory entry 1: absent */
	g_set_cr(gm, CR_MMU, MMU_PG);
	g_enter(gm, G_CODE, psw);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_PAGE_FAULT, ACC_READ, 0, ring), G_CODE, 0x00400004u, psw);
	ck_assert_uint_eq(machine_instret(gm), 0);
	ck_assert_uint_eq(machine_cycles(gm), 20 + 10 + 10); /* fetch walk, dir read, entry */
}
END_TEST

/* Interrupt: taken between instructions, epc = the next instruction,
 * CAUSE code 0 with the interrupted ring. */
START_TEST(test_cause_interrupt)
{
	uint32_t psw = loop_psw(_i) | PSW_IE;

	G_PROG(gm, G_CODE, g_i(OP_addi, 3, 0, 1), g_i(OP_addi, 4, 0, 1));
	g_enter(gm, G_CODE, psw);
	g_step(gm, 1);
	machine_set_irq_enabled(gm, 1u << IRQ_UART);
	machine_set_irq(gm, IRQ_UART, true);
	g_poke(gm, G_VEC, g_i(OP_addi, 5, 0, 7)); /* slot 0 */
	g_step(gm, 1); /* the interrupt, then the handler's first instruction */
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), CAUSE_MAKE(TRAP_INTERRUPT, 0, 0, psw & 3));
	ck_assert_uint_eq(g_cr(gm, CR_EPC), G_CODE + 4);
	ck_assert_uint_eq(g_cr(gm, CR_EPSW), psw);
	ck_assert_uint_eq(g_cr(gm, CR_BADVA), 0);
	ck_assert_uint_eq(machine_psw(gm), FLAGS);
	ck_assert_uint_eq(machine_pc(gm), G_VEC + 4);
	ck_assert_uint_eq(machine_reg(gm, 4), 0);
	ck_assert_uint_eq(machine_reg(gm, 5), 7);
	ck_assert_uint_eq(machine_cycles(gm), 1 + 10 + 1);
	ck_assert_uint_eq(g_stats(gm).irqs_taken, 1);
	ck_assert_uint_eq(g_stats(gm).traps[TRAP_INTERRUPT], 1);
}
END_TEST

/* A stale badva is overwritten with 0 by a trap that has none; the low
 * bits of tvec are ignored. */
START_TEST(test_badva_cleared_tvec_low_bits)
{
	G_PROG(gm, G_CODE, g_i(OP_lw, 3, 1, 1), g_n(OP_break));
	g_poke(gm, G_VEC + 4 * TRAP_ALIGN,
	       g_j(OP_j, (int32_t)(G_CODE + 4 - (G_VEC + 4 * TRAP_ALIGN)) / 4));
	g_set_cr(gm, CR_TVEC, G_VEC | 3);
	g_step(gm, 1);
	ck_assert_uint_eq(g_cr(gm, CR_BADVA), 1);
	ck_assert_uint_eq(machine_pc(gm), G_VEC + 4 * TRAP_ALIGN);
	g_step(gm, 2); /* j back to the break, then the break traps */
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), TRAP_BREAKPOINT);
	ck_assert_uint_eq(g_cr(gm, CR_BADVA), 0);
	ck_assert_uint_eq(g_cr(gm, CR_EPC), G_CODE + 4);
	ck_assert_uint_eq(machine_pc(gm), G_VEC + 4 * TRAP_BREAKPOINT);
}
END_TEST

/* machine_run(m, 1) on a trapping instruction stops at the handler,
 * before its first instruction. */
START_TEST(test_step_stops_at_handler)
{
	G_PROG(gm, G_CODE, g_n(OP_break));
	g_poke(gm, G_VEC + 4 * TRAP_BREAKPOINT, g_i(OP_addi, 3, 0, 1));
	g_step(gm, 1);
	ck_assert_uint_eq(machine_pc(gm), G_VEC + 4 * TRAP_BREAKPOINT);
	ck_assert_uint_eq(machine_reg(gm, 3), 0);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_reg(gm, 3), 1);
	ck_assert_uint_eq(machine_instret(gm), 1);
}
END_TEST

/* ---- rfe ---------------------------------------------------------------- */

/* syscall from ring 3 with IE and flags, the handler returns: pc after
 * the syscall, the full PSW back. */
START_TEST(test_rfe_returns)
{
	uint32_t psw = 3 | PSW_IE | FLAGS;

	G_PROG(gm, G_CODE, g_n(OP_syscall), g_i(OP_addi, 3, 0, 1));
	g_poke(gm, G_VEC + 4 * TRAP_SYSCALL, g_n(OP_rfe));
	g_enter(gm, G_CODE, psw);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_psw(gm), FLAGS);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 4);
	ck_assert_uint_eq(machine_psw(gm), psw);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_reg(gm, 3), 1);
	ck_assert_uint_eq(machine_cycles(gm), 1 + 10 + 1 + 1);
}
END_TEST

/* rfe in ring 0 loads pc = epc and psw = epsw, writable bits only. */
START_TEST(test_rfe_ring0_masks_epsw)
{
	G_PROG(gm, G_CODE, g_n(OP_rfe));
	g_set_cr(gm, CR_EPC, 0x4000);
	g_set_cr(gm, CR_EPSW, 0xffffffffu);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_pc(gm), 0x4000);
	ck_assert_uint_eq(machine_psw(gm), PSW_WRITABLE);
	ck_assert_uint_eq(machine_cycles(gm), 1);
}
END_TEST

/* A break handler that adds 4 to epc continues after the break. */
START_TEST(test_break_handler_skips)
{
	uint32_t slot = G_VEC + 4 * TRAP_BREAKPOINT;

	G_PROG(gm, G_CODE, g_n(OP_break), g_i(OP_addi, 3, 0, 5), g_j(OP_j, 0));
	G_PROG(gm, slot, g_j(OP_j, (int32_t)(0x800 - slot) / 4));
	G_PROG(gm, 0x800, g_mfcr(1, CR_EPC), g_i(OP_addi, 1, 1, 4), g_mtcr(CR_EPC, 1),
	       g_n(OP_rfe));
	g_step(gm, 1 + 1 + 4 + 1);
	ck_assert_uint_eq(machine_reg(gm, 3), 5);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 8);
}
END_TEST

/* ---- the machine stops instead -------------------------------------------- */

START_TEST(test_no_trap_vector)
{
	const struct machine_fatal *f;
	uint32_t psw = 3 | PSW_IE | FLAGS;

	g_set_cr(gm, CR_TVEC, 0);
	G_PROG(gm, G_CODE, g_i(OP_addi, 1, 0, 0x7001), g_i(OP_lw, 3, 1, 0x10));
	g_enter(gm, G_CODE, psw);
	ck_assert_int_eq(machine_run(gm, 100), STOP_FATAL);
	f = machine_fatal_report(gm);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->reason, "no trap vector"));
	ck_assert_uint_eq(f->cause, CAUSE_MAKE(TRAP_ALIGN, ACC_READ, 0, 3));
	ck_assert_uint_eq(f->pc, G_CODE + 4);
	ck_assert_uint_eq(f->ring, 3);
	ck_assert_uint_eq(f->badva, 0x7011);
	/* nothing was entered */
	ck_assert_uint_eq(g_cr(gm, CR_EPC), 0);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), 0);
	ck_assert_uint_eq(machine_psw(gm), psw);
	/* and the machine stays stopped */
	ck_assert_int_eq(machine_run(gm, 100), STOP_FATAL);
	ck_assert_uint_eq(machine_instret(gm), 1);
}
END_TEST

/* The vector's first instruction faults: a double fault reporting the
 * first trap and naming the second cause. */
START_TEST(test_double_fault)
{
	static const struct {
		uint32_t tvec;
		uint32_t slot_word; /* written at tvec + 8, the breakpoint slot */
		const char *second;
	} cases[] = {
		{ 0x01000000u, 0, "bus-error" },   /* tvec beyond RAM: the fetch fails */
		{ 0x00000400u, 0, "illegal" },      /* zeroed memory at the vector */
		{ 0x00000400u, 0x61000000u, "breakpoint" }, /* the vector itself is a break */
	};
	const struct machine_fatal *f;

	for (unsigned k = 0; k < 3; k++) {
		g_teardown();
		g_setup();
		if (cases[k].slot_word)
			g_poke(gm, cases[k].tvec + 8, cases[k].slot_word);
		g_set_cr(gm, CR_TVEC, cases[k].tvec);
		G_PROG(gm, G_CODE, g_n(OP_break));
		g_enter(gm, G_CODE, 2 | FLAGS);
		ck_assert_int_eq(machine_run(gm, 10), STOP_FATAL);
		f = machine_fatal_report(gm);
		ck_assert_ptr_nonnull(f);
		ck_assert_msg(strstr(f->reason, "double fault") && strstr(f->reason, cases[k].second),
			      "reason: %s", f->reason);
		ck_assert_uint_eq(f->cause, CAUSE_MAKE(TRAP_BREAKPOINT, 0, 0, 2));
		ck_assert_uint_eq(f->pc, G_CODE);
		ck_assert_uint_eq(f->ring, 2);
		ck_assert_uint_eq(f->badva, 0);
		ck_assert_uint_eq(g_cr(gm, CR_EPC), G_CODE); /* the first entry happened */
	}
}
END_TEST

/* A fault after the handler ran an instruction is an ordinary (nested)
 * trap, not a double fault. */
START_TEST(test_nested_trap_not_double)
{
	uint32_t slot = G_VEC + 4 * TRAP_BREAKPOINT;

	G_PROG(gm, G_CODE, g_n(OP_break));
	G_PROG(gm, slot, g_j(OP_j, (int32_t)(0x800 - slot) / 4));
	G_PROG(gm, 0x800, g_n(OP_syscall));
	g_step(gm, 3);
	g_check_trap(gm, CAUSE_MAKE(TRAP_SYSCALL, 0, 0, 0), 0x804, 0, 0);
}
END_TEST

/* An interrupt right at a handler's entry is no double fault either. */
START_TEST(test_interrupt_at_vector)
{
	G_PROG(gm, G_CODE, g_n(OP_break));
	g_poke(gm, G_VEC + 4 * TRAP_BREAKPOINT, g_rs(OP_wrpsw, 1));
	machine_set_reg(gm, 1, PSW_IE);
	machine_set_irq_enabled(gm, 1);
	machine_set_irq(gm, IRQ_TIMER, true);
	g_step(gm, 2); /* break; wrpsw IE=1 */
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), TRAP_BREAKPOINT);
	g_step(gm, 1); /* the interrupt is taken before anything else runs */
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), TRAP_INTERRUPT);
	ck_assert_uint_eq(g_cr(gm, CR_EPC), G_VEC + 4 * TRAP_BREAKPOINT + 4);
	ck_assert_uint_eq(g_cr(gm, CR_EPSW), PSW_IE);
	ck_assert_ptr_null(machine_fatal_report(gm));
}
END_TEST

/* ---- delegation ------------------------------------------------------------ */

static void deleg_setup(uint32_t deleg)
{
	g_set_cr(gm, CR_DELEG, deleg);
	g_set_cr(gm, CR_TVEC1, VEC1);
	for (unsigned i = 0; i < TRAP_VECTOR_SLOTS; i++)
		g_poke(gm, VEC1 + 4 * i, g_j(OP_j, 0));
}

/* The ring-0 registers keep these sentinels when a trap goes to ring 1. */
static void ring0_untouched(void)
{
	ck_assert_uint_eq(g_cr(gm, CR_EPC), 0);
	ck_assert_uint_eq(g_cr(gm, CR_EPSW), 0);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), 0);
	ck_assert_uint_eq(g_cr(gm, CR_BADVA), 0);
}

/* From rings 1..3 with IE on or off: ring-1 registers written, ring 1,
 * IE unchanged, FLAGS kept, pc = tvec1 + 4 * code, 10 cycles. */
START_TEST(test_deleg_syscall)
{
	uint32_t psw = (uint32_t)(1 + (_i % 3)) | (_i >= 3 ? PSW_IE : 0) | FLAGS;

	deleg_setup(1u << TRAP_SYSCALL);
	G_PROG(gm, G_CODE, g_n(OP_syscall));
	g_enter(gm, G_CODE, psw);
	g_step(gm, 1);
	ck_assert_uint_eq(g_cr(gm, CR_EPC1), G_CODE + 4);
	ck_assert_uint_eq(g_cr(gm, CR_EPSW1), psw);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE1), CAUSE_MAKE(TRAP_SYSCALL, 0, 0, psw & 3));
	ck_assert_uint_eq(g_cr(gm, CR_BADVA1), 0);
	ck_assert_uint_eq(machine_psw(gm), (psw & ~PSW_RING_MASK) | 1);
	ck_assert_uint_eq(machine_pc(gm), VEC1 + 4 * TRAP_SYSCALL);
	ck_assert_uint_eq(machine_cycles(gm), 11);
	ring0_untouched();
}
END_TEST

/* A delegated fault carries its badva into badva1. */
START_TEST(test_deleg_fault_badva)
{
	deleg_setup(1u << TRAP_ALIGN | 1u << TRAP_SYSCALL);
	G_PROG(gm, G_CODE, g_i(OP_lh, 3, 1, 1));
	machine_set_reg(gm, 1, G_DATA);
	g_enter(gm, G_CODE, 3 | PSW_IE);
	g_step(gm, 1);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE1), CAUSE_MAKE(TRAP_ALIGN, ACC_READ, 0, 3));
	ck_assert_uint_eq(g_cr(gm, CR_BADVA1), G_DATA + 1);
	ck_assert_uint_eq(g_cr(gm, CR_EPC1), G_CODE);
	ck_assert_uint_eq(machine_psw(gm), 1 | PSW_IE);
	ck_assert_uint_eq(machine_pc(gm), VEC1 + 4 * TRAP_ALIGN);
	ring0_untouched();
}
END_TEST

/* Not delegated: from ring 0; TVEC1 = 0; the cause's bit clear; an
 * interrupt even with bit 0 set.  All go to ring 0. */
START_TEST(test_deleg_not_taken)
{
	/* from ring 0 */
	deleg_setup(0xffffffffu);
	G_PROG(gm, G_CODE, g_n(OP_syscall));
	g_step(gm, 1);
	g_check_trap(gm, TRAP_SYSCALL, G_CODE + 4, 0, 0);
	ck_assert_uint_eq(g_cr(gm, CR_EPC1), 0);

	/* tvec1 = 0 disables */
	g_teardown();
	g_setup();
	deleg_setup(0xffffffffu);
	g_set_cr(gm, CR_TVEC1, 0);
	G_PROG(gm, G_CODE, g_n(OP_syscall));
	g_enter(gm, G_CODE, 3);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_SYSCALL, 0, 0, 3), G_CODE + 4, 0, 3);
	ck_assert_uint_eq(g_cr(gm, CR_EPC1), 0);

	/* the bit of this cause is clear */
	g_teardown();
	g_setup();
	deleg_setup(~(1u << TRAP_BREAKPOINT));
	G_PROG(gm, G_CODE, g_n(OP_break));
	g_enter(gm, G_CODE, 3);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_BREAKPOINT, 0, 0, 3), G_CODE, 0, 3);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE1), 0);

	/* interrupts are never delegated */
	g_teardown();
	g_setup();
	deleg_setup(0xffffffffu);
	G_PROG(gm, G_CODE, g_i(OP_addi, 3, 0, 1));
	g_poke(gm, G_VEC, g_i(OP_addi, 4, 0, 1));
	machine_set_irq_enabled(gm, 1);
	machine_set_irq(gm, IRQ_TIMER, true);
	g_enter(gm, G_CODE, 3 | PSW_IE);
	g_step(gm, 1);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), CAUSE_MAKE(TRAP_INTERRUPT, 0, 0, 3));
	ck_assert_uint_eq(g_cr(gm, CR_EPC), G_CODE);
	ck_assert_uint_eq(machine_psw(gm), 0);
	ck_assert_uint_eq(machine_reg(gm, 4), 1);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE1), 0);
}
END_TEST

/* Every delegable cause from ring 3 reaches its slot of tvec1. */
START_TEST(test_deleg_each_cause)
{
	static const struct {
		uint32_t code;
		uint32_t word;
	} cases[] = {
		{ TRAP_BREAKPOINT, 0x61000000u }, { TRAP_ILLEGAL, 0x62000000u },
		{ TRAP_PRIVILEGED, 0x85000000u }, { TRAP_DIVZERO, 0x13312000u },
		{ TRAP_BUS_ERROR, 0x30310000u },
	};
	for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		g_teardown();
		g_setup();
		deleg_setup(1u << cases[k].code);
		g_poke(gm, G_CODE, cases[k].word);
		machine_set_reg(gm, 1, 0xe0000000u);
		g_enter(gm, G_CODE, 3);
		g_step(gm, 1);
		ck_assert_uint_eq(CAUSE_CODE(g_cr(gm, CR_CAUSE1)), cases[k].code);
		ck_assert_uint_eq(machine_pc(gm), VEC1 + 4 * cases[k].code);
		ck_assert_uint_eq(machine_psw(gm), 1);
		ring0_untouched();
	}
}
END_TEST

/* rfe in ring 1: pc = epc1, RING and FLAGS from epsw1, IE unchanged. */
START_TEST(test_rfe_ring1)
{
	static const struct {
		uint32_t psw, epsw1, want;
	} cases[] = {
		{ 1, 3 | PSW_IE | FLAGS, 3 | FLAGS },
		{ 1 | PSW_IE, 2 | FLAGS, 2 | PSW_IE | FLAGS },
		{ 1 | PSW_IE | 0x0100u, 1, 1 | PSW_IE },
	};
	for (unsigned k = 0; k < 3; k++) {
		g_teardown();
		g_setup();
		G_PROG(gm, G_CODE, g_n(OP_rfe));
		g_set_cr(gm, CR_EPC1, 0x5000);
		g_set_cr(gm, CR_EPSW1, cases[k].epsw1);
		g_set_cr(gm, CR_EPC, 0x6000);
		g_set_cr(gm, CR_EPSW, 0);
		g_enter(gm, G_CODE, cases[k].psw);
		g_step(gm, 1);
		ck_assert_uint_eq(machine_pc(gm), 0x5000);
		ck_assert_uint_eq(machine_psw(gm), cases[k].want);
		ck_assert_uint_eq(machine_cycles(gm), 1);
	}
}
END_TEST

/* rfe in ring 1 to ring 0 is privileged. */
START_TEST(test_rfe_ring1_to_ring0)
{
	G_PROG(gm, G_CODE, g_n(OP_rfe));
	g_set_cr(gm, CR_EPC1, 0x5000);
	g_set_cr(gm, CR_EPSW1, PSW_IE | FLAGS);
	g_enter(gm, G_CODE, 1 | PSW_IE);
	g_step(gm, 1);
	g_check_trap(gm, CAUSE_MAKE(TRAP_PRIVILEGED, 0, 0, 1), G_CODE, 0, 1 | PSW_IE);
}
END_TEST

/* A whole delegated round trip: ring 3 syscall -> ring 1 handler reads
 * cause1, saves in scratch1, rfe back to ring 3. */
START_TEST(test_deleg_round_trip)
{
	deleg_setup(1u << TRAP_SYSCALL);
	G_PROG(gm, G_CODE, g_n(OP_syscall), g_i(OP_addi, 3, 0, 3));
	G_PROG(gm, VEC1 + 4 * TRAP_SYSCALL, g_j(OP_j, (int32_t)(0x900 - (VEC1 + 4)) / 4));
	G_PROG(gm, 0x900, g_mfcr(4, CR_CAUSE1), g_mtcr(CR_SCRATCH1, 4), g_n(OP_rfe));
	g_enter(gm, G_CODE, 3 | PSW_IE);
	g_step(gm, 6);
	ck_assert_uint_eq(machine_reg(gm, 3), 3);
	ck_assert_uint_eq(machine_reg(gm, 4), CAUSE_MAKE(TRAP_SYSCALL, 0, 0, 3));
	ck_assert_uint_eq(g_cr(gm, CR_SCRATCH1), CAUSE_MAKE(TRAP_SYSCALL, 0, 0, 3));
	ck_assert_uint_eq(machine_psw(gm), 3 | PSW_IE);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 8);
	ring0_untouched();
}
END_TEST

/* ---- the ring-0 trap hook ------------------------------------------------- */

struct hook_rec {
	int calls;
	struct trap_event last;
	bool handle;
};

static bool hook(void *opaque, struct machine *m, const struct trap_event *t)
{
	struct hook_rec *h = opaque;

	h->calls++;
	h->last = *t;
	if (h->handle)
		machine_set_pc(m, t->pc + 4);
	return h->handle;
}

START_TEST(test_trap_hook)
{
	struct hook_rec h = { .handle = true };

	machine_set_trap_hook(gm, hook, &h);
	G_PROG(gm, G_CODE, g_n(OP_hypercall), g_i(OP_addi, 3, 0, 1));
	g_enter(gm, G_CODE, 1 | FLAGS);
	g_step(gm, 2);
	ck_assert_int_eq(h.calls, 1);
	ck_assert_uint_eq(h.last.cause, CAUSE_MAKE(TRAP_ILLEGAL, 0, 0, 1));
	ck_assert_uint_eq(h.last.pc, G_CODE);
	ck_assert_uint_eq(h.last.psw, 1 | FLAGS);
	ck_assert_uint_eq(h.last.insn, 0x62000000u);
	ck_assert_uint_eq(machine_reg(gm, 3), 1);
	ck_assert_uint_eq(g_cr(gm, CR_EPC), 0); /* no hardware entry */
	ck_assert_uint_eq(machine_psw(gm), 1 | FLAGS);

	/* declined: the hardware vectors it; delegated traps skip the hook */
	h.handle = false;
	deleg_setup(1u << TRAP_SYSCALL);
	G_PROG(gm, G_CODE + 8, g_n(OP_syscall));
	g_step(gm, 1);
	ck_assert_int_eq(h.calls, 1);
	ck_assert_uint_eq(machine_pc(gm), VEC1 + 4 * TRAP_SYSCALL);
	G_PROG(gm, G_CODE + 0x10, g_i(OP_addi, 0, 0, 0), g_n(OP_break));
	g_enter(gm, G_CODE + 0x10, 3);
	g_step(gm, 2);
	ck_assert_int_eq(h.calls, 2);
	g_check_trap(gm, CAUSE_MAKE(TRAP_BREAKPOINT, 0, 0, 3), G_CODE + 0x14, 0, 3);
}
END_TEST

static Suite *trap_suite(void)
{
	Suite *s = suite_create("trap");
	TCase *tc;

	tc = g_tcase(s, "causes");
	tcase_add_loop_test(tc, test_cause_syscall, 0, 8);
	tcase_add_loop_test(tc, test_cause_break, 0, 8);
	tcase_add_loop_test(tc, test_cause_illegal, 0, 8);
	tcase_add_loop_test(tc, test_cause_privileged, 0, 8);
	tcase_add_loop_test(tc, test_cause_align, 0, 8);
	tcase_add_loop_test(tc, test_cause_divzero, 0, 8);
	tcase_add_loop_test(tc, test_cause_bus_error, 0, 8);
	tcase_add_loop_test(tc, test_cause_page_fault, 0, 8);
	tcase_add_loop_test(tc, test_cause_interrupt, 0, 4);
	tcase_add_test(tc, test_badva_cleared_tvec_low_bits);
	tcase_add_test(tc, test_step_stops_at_handler);

	tc = g_tcase(s, "rfe-and-stops");
	tcase_add_test(tc, test_rfe_returns);
	tcase_add_test(tc, test_rfe_ring0_masks_epsw);
	tcase_add_test(tc, test_break_handler_skips);
	tcase_add_test(tc, test_no_trap_vector);
	tcase_add_test(tc, test_double_fault);
	tcase_add_test(tc, test_nested_trap_not_double);
	tcase_add_test(tc, test_interrupt_at_vector);

	tc = g_tcase(s, "delegation");
	tcase_add_loop_test(tc, test_deleg_syscall, 0, 6);
	tcase_add_test(tc, test_deleg_fault_badva);
	tcase_add_test(tc, test_deleg_not_taken);
	tcase_add_test(tc, test_deleg_each_cause);
	tcase_add_test(tc, test_rfe_ring1);
	tcase_add_test(tc, test_rfe_ring1_to_ring0);
	tcase_add_test(tc, test_deleg_round_trip);
	tcase_add_test(tc, test_trap_hook);
	return s;
}

int main(void)
{
	return g_main(trap_suite());
}
