/*
 * check_irq.c -- interrupts and halt against docs/isa.md section 7:
 * delivery on the exact cycle, IE and the controller's mask, the points
 * where the CPU looks again (wrpsw, rfe, an MMIO write to ENABLE), epc =
 * the next instruction, halt sleeping in virtual time, and the fatal halt.
 *
 * The timer is programmed through the bus (machine_bus_write) or by the
 * guest's own stores; instructions between events cost one cycle each.
 */
#include <check.h>
#include <string.h>

#include "tests/unit/helpers/guest.h"

#define T_CTRL   (MMIO_TIMER + 0x00)
#define T_PERIOD (MMIO_TIMER + 0x04)
#define T_STATUS (MMIO_TIMER + 0x08)
#define T_COUNT  (MMIO_TIMER + 0x0c)
#define C_ENABLE 1u
#define C_PERIODIC 2u
#define C_IRQ    4u
#define INTC_ENABLE (MMIO_INTC + 0x04)

static void bus_wr(uint32_t pa, uint32_t v)
{
	ck_assert(machine_bus_write(gm, pa, v));
}

/* n copies of `addi r1, r1, 1` from G_CODE, then `j .`. */
static void counting_program(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		g_poke(gm, G_CODE + 4 * i, g_i(OP_addi, 1, 1, 1));
	g_poke(gm, G_CODE + 4 * n, g_j(OP_j, 0));
}

/* A one-shot timer armed now, with its interrupt on at the controller. */
static void timer_in(uint32_t period, bool unmask)
{
	bus_wr(T_PERIOD, period);
	bus_wr(T_CTRL, C_ENABLE | C_IRQ);
	bus_wr(INTC_ENABLE, unmask ? 1u << IRQ_TIMER : 0);
}

/* The interrupt is taken at the first instruction boundary at cycle
 * `period`: r1 counts the instructions that ran before it. */
START_TEST(test_timer_exact_cycle)
{
	static const uint32_t periods[] = { 1, 2, 37, 100 };
	uint32_t p = periods[_i % 4];
	bool stepwise = _i >= 4;

	counting_program(200);
	timer_in(p, true);
	g_enter(gm, G_CODE, PSW_IE);
	if (stepwise) {
		g_step(gm, p);
		ck_assert_uint_eq(machine_cycles(gm), p);
		ck_assert_uint_eq(g_cr(gm, CR_CAUSE), 0);
		g_step(gm, 1); /* the interrupt, then `j .` of the vector */
	} else {
		g_step(gm, p + 1);
	}
	ck_assert_uint_eq(machine_reg(gm, 1), p);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), CAUSE_MAKE(TRAP_INTERRUPT, 0, 0, 0));
	ck_assert_uint_eq(g_cr(gm, CR_EPC), G_CODE + 4 * p);
	ck_assert_uint_eq(g_cr(gm, CR_EPSW), PSW_IE);
	ck_assert_uint_eq(machine_psw(gm), 0);
	ck_assert_uint_eq(machine_pc(gm), G_VEC);
	ck_assert_uint_eq(machine_cycles(gm), p + 10 + 1);
	ck_assert_uint_eq(g_stats(gm).irqs_taken, 1);
}
END_TEST

/* IE = 0: not taken; the line stays up; wrpsw setting IE takes it right
 * after itself. */
START_TEST(test_ie_off_then_wrpsw)
{
	counting_program(50);
	G_PROG(gm, G_CODE + 200, g_rs(OP_wrpsw, 7), g_i(OP_addi, 2, 0, 1));
	machine_set_reg(gm, 7, PSW_IE);
	timer_in(10, true);
	g_step(gm, 51);
	ck_assert_uint_eq(machine_reg(gm, 1), 50);
	ck_assert_uint_eq(machine_irq_lines(gm) & 1, 1);
	ck_assert_uint_eq(g_stats(gm).irqs_taken, 0);
	g_step(gm, 1);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), TRAP_INTERRUPT);
	ck_assert_uint_eq(g_cr(gm, CR_EPC), G_CODE + 204);
	ck_assert_uint_eq(machine_reg(gm, 2), 0);
}
END_TEST

/* Masked at the controller: not taken; a guest store to ENABLE takes it
 * right after the store. */
START_TEST(test_masked_then_enable)
{
	counting_program(50);
	G_PROG(gm, G_CODE + 200, g_i(OP_addi, 5, 0, 1), g_s(OP_sw, 5, 6, 4), g_i(OP_addi, 2, 0, 1));
	machine_set_reg(gm, 6, MMIO_INTC);
	timer_in(10, false);
	g_enter(gm, G_CODE, PSW_IE);
	g_step(gm, 51);
	ck_assert_uint_eq(machine_reg(gm, 1), 50);
	ck_assert_uint_eq(machine_irq_lines(gm) & 1, 1);
	ck_assert_uint_eq(g_stats(gm).irqs_taken, 0);
	g_step(gm, 3);
	ck_assert_uint_eq(g_cr(gm, CR_EPC), G_CODE + 208);
	ck_assert_uint_eq(machine_reg(gm, 2), 0);
	ck_assert_uint_eq(machine_pc(gm), G_VEC);
}
END_TEST

/* rfe to a PSW with IE while a line is active: taken before the
 * instruction at epc, with epc = that instruction. */
START_TEST(test_rfe_enables_pending)
{
	G_PROG(gm, G_CODE, g_n(OP_rfe));
	g_set_cr(gm, CR_EPC, 0x3000);
	g_set_cr(gm, CR_EPSW, 3 | PSW_IE);
	machine_set_irq_enabled(gm, 1u << IRQ_DISK);
	machine_set_irq(gm, IRQ_DISK, true);
	g_step(gm, 2);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), CAUSE_MAKE(TRAP_INTERRUPT, 0, 0, 3));
	ck_assert_uint_eq(g_cr(gm, CR_EPC), 0x3000);
	ck_assert_uint_eq(g_cr(gm, CR_EPSW), 3 | PSW_IE);
	ck_assert_uint_eq(machine_instret(gm), 2); /* rfe and the vector's j */
}
END_TEST

/* Cycle of each interrupt entry, from EV_TRAP. */
struct entries {
	int n;
	uint64_t at[16];
};

static bool on_trap(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct entries *e = opaque;

	if (ev->word == TRAP_INTERRUPT && e->n < 16)
		e->at[e->n++] = machine_cycles(m) - 10; /* before the entry cost */
	return false;
}

/* The guest programs a periodic timer itself; its handler acknowledges
 * and returns.  Every interrupt comes on its deadline: arm + k * period. */
START_TEST(test_guest_periodic_timer)
{
	struct entries e = { 0 };
	uint32_t count;
	uint64_t arm;
	const uint32_t period = 100;

	G_PROG(gm, G_CODE,
	       G_LI(12, MMIO_TIMER),
	       g_i(OP_addi, 5, 0, (int32_t)period),
	       g_s(OP_sw, 5, 12, 4),                              /* PERIOD */
	       g_i(OP_addi, 5, 0, C_ENABLE | C_PERIODIC | C_IRQ),
	       g_s(OP_sw, 5, 12, 0),                              /* CTRL: arm */
	       G_LI(13, MMIO_INTC),
	       g_i(OP_addi, 5, 0, 1),
	       g_s(OP_sw, 5, 13, 4),                              /* INTC ENABLE */
	       g_i(OP_addi, 5, 0, PSW_IE),
	       g_rs(OP_wrpsw, 5),
	       g_i(OP_addi, 1, 1, 1),                             /* loop */
	       g_j(OP_j, -1));
	g_poke(gm, G_VEC, g_j(OP_j, (0x800 - G_VEC) / 4));
	G_PROG(gm, 0x800,
	       g_i(OP_addi, 11, 0, 1),
	       g_s(OP_sw, 11, 12, 8),                             /* STATUS: clear */
	       g_i(OP_addi, 10, 10, 1),
	       g_n(OP_rfe));
	ck_assert_int_ge(machine_on(gm, EV_TRAP, on_trap, &e), 0);
	g_step(gm, 6); /* through the CTRL store */
	ck_assert(machine_bus_read(gm, T_COUNT, &count));
	arm = machine_cycles(gm) + count - period;
	g_step(gm, 1000);
	ck_assert_int_ge(e.n, 5);
	ck_assert_uint_eq(machine_reg(gm, 10), (uint32_t)e.n);
	for (int k = 0; k < e.n; k++)
		ck_assert_msg(e.at[k] == arm + (uint64_t)(k + 1) * period,
			      "interrupt %d at cycle %llu, deadline %llu", k,
			      (unsigned long long)e.at[k],
			      (unsigned long long)(arm + (uint64_t)(k + 1) * period));
	ck_assert_uint_eq(g_stats(gm).irqs_taken, (uint64_t)e.n);
}
END_TEST

/* ---- halt --------------------------------------------------------------------- */

/* IE = 0: halt sleeps until the timer's cycle (idle cycles, no
 * instructions) and execution goes on after it. */
START_TEST(test_halt_sleeps)
{
	G_PROG(gm, G_CODE, g_n(OP_halt), g_i(OP_addi, 3, 0, 1), g_j(OP_j, 0));
	timer_in(500, true);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_cycles(gm), 500);
	ck_assert_uint_eq(machine_instret(gm), 1);
	ck_assert_uint_eq(machine_pc(gm), G_CODE + 4);
	g_step(gm, 1);
	ck_assert_uint_eq(machine_reg(gm, 3), 1);
	ck_assert_uint_eq(machine_cycles(gm), 501);
	ck_assert_uint_eq(g_stats(gm).irqs_taken, 0);
}
END_TEST

/* IE = 1: the interrupt is taken right after the halt. */
START_TEST(test_halt_then_interrupt)
{
	G_PROG(gm, G_CODE, g_i(OP_addi, 0, 0, 0), g_n(OP_halt), g_i(OP_addi, 3, 0, 1));
	timer_in(500, true);
	g_enter(gm, G_CODE, PSW_IE);
	g_step(gm, 3);
	ck_assert_uint_eq(g_cr(gm, CR_CAUSE), TRAP_INTERRUPT);
	ck_assert_uint_eq(g_cr(gm, CR_EPC), G_CODE + 8);
	ck_assert_uint_eq(machine_reg(gm, 3), 0);
	ck_assert_uint_eq(machine_cycles(gm), 500 + 10 + 1);
	ck_assert_uint_eq(machine_instret(gm), 3);
}
END_TEST

/* An active line: halt completes at once. */
START_TEST(test_halt_line_active)
{
	G_PROG(gm, G_CODE, g_n(OP_halt), g_i(OP_addi, 3, 0, 1));
	machine_set_irq_enabled(gm, 1u << IRQ_UART);
	machine_set_irq(gm, IRQ_UART, true);
	g_step(gm, 2);
	ck_assert_uint_eq(machine_cycles(gm), 2);
	ck_assert_uint_eq(machine_reg(gm, 3), 1);
}
END_TEST

/* Nothing armed, nothing pending: a fatal stop naming halt. */
START_TEST(test_halt_nothing_to_wake)
{
	const struct machine_fatal *f;

	G_PROG(gm, G_CODE, g_i(OP_addi, 0, 0, 0), g_n(OP_halt));
	g_enter(gm, G_CODE, PSW_IE);
	ck_assert_int_eq(machine_run(gm, 100), STOP_FATAL);
	f = machine_fatal_report(gm);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->reason, "halt with nothing to wake it"));
	ck_assert_uint_eq(f->pc, G_CODE + 4);
	ck_assert_uint_eq(f->ring, 0);
	ck_assert_uint_eq(machine_cycles(gm), 2);
}
END_TEST

/* A one-shot timer masked at the controller: halt sleeps to its cycle,
 * the line rises but is masked, then nothing is left to wake it. */
START_TEST(test_halt_masked_timer)
{
	G_PROG(gm, G_CODE, g_n(OP_halt));
	timer_in(300, false);
	ck_assert_int_eq(machine_run(gm, 100), STOP_FATAL);
	ck_assert_ptr_nonnull(strstr(machine_fatal_report(gm)->reason, "nothing to wake"));
	ck_assert_uint_eq(machine_cycles(gm), 300);
	ck_assert_uint_eq(machine_irq_lines(gm) & 1, 1);
}
END_TEST

static Suite *irq_suite(void)
{
	Suite *s = suite_create("irq");
	TCase *tc;

	tc = g_tcase(s, "delivery");
	tcase_add_loop_test(tc, test_timer_exact_cycle, 0, 8);
	tcase_add_test(tc, test_ie_off_then_wrpsw);
	tcase_add_test(tc, test_masked_then_enable);
	tcase_add_test(tc, test_rfe_enables_pending);
	tcase_add_test(tc, test_guest_periodic_timer);

	tc = g_tcase(s, "halt");
	tcase_add_test(tc, test_halt_sleeps);
	tcase_add_test(tc, test_halt_then_interrupt);
	tcase_add_test(tc, test_halt_line_active);
	tcase_add_test(tc, test_halt_nothing_to_wake);
	tcase_add_test(tc, test_halt_masked_timer);
	return s;
}

int main(void)
{
	return g_main(irq_suite());
}
