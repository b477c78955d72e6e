/*
 * check_dev.c -- the machine's devices (sim/dev_*.c) against the spec
 * (docs/isa.md, "Devices"): every register of every device, through the
 * bus, on a whole machine from machine_new().
 *
 * Time is advanced by running a one-instruction guest loop (`j .` at
 * 0x1000): with no penalties, one instruction is one cycle, so a test can
 * stop the machine on the exact cycle an event is due.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/machine.h"

#define LOOP_PC 0x1000u /* the `j .` loop time runs on          */
#define VEC_PC  0x2000u /* trap vector: another `j .`           */

/* Registers, as the spec numbers them. */
#define INTC(off)  (MMIO_INTC + (off))
#define TIMER(off) (MMIO_TIMER + (off))
#define UART(off)  (MMIO_UART + (off))
#define DISK(off)  (MMIO_DISK + (off))
#define POWER(off) (MMIO_POWER + (off))
#define DEBUG(off) (MMIO_DEBUG + (off))
#define RNG(off)   (MMIO_RNG + (off))
enum { T_CTRL = 0x00, T_PERIOD = 0x04, T_STATUS = 0x08, T_COUNT = 0x0c,
       T_NOW_LO = 0x10, T_NOW_HI = 0x14 };
enum { T_ENABLE = 1, T_PERIODIC = 2, T_IRQ = 4 };
enum { U_DATA = 0x00, U_STATUS = 0x04, U_CTRL = 0x08 };
enum { U_RX_READY = 1, U_TX_READY = 2, U_RX_EOF = 4 };
enum { D_BLOCK = 0x00, D_ADDR = 0x04, D_COUNT = 0x08, D_CMD = 0x0c,
       D_STATUS = 0x10, D_CAPACITY = 0x14, D_CTRL = 0x18 };
enum { D_BUSY = 1, D_DONE = 2, D_ERROR = 4 };

/* What the machine's io callbacks received. */
struct rec {
	uint8_t out[8192];     /* console output                 */
	size_t nout;
	uint32_t print[16];    /* debug_print values             */
	bool print_hex[16];    /* and their hex flags            */
	int nprint;
	bool trace[16];        /* debug_trace arguments          */
	int ntrace;
};

/* One machine under test, with its recorder and files. */
struct env {
	struct machine *m;
	struct rec rec;
	char err[512];
	char disk[64];         /* temporary disk file, "" if none */
};

static void rec_out(void *opaque, const uint8_t *bytes, size_t n)
{
	struct rec *r = opaque;

	ck_assert_uint_le(r->nout + n, sizeof r->out);
	memcpy(r->out + r->nout, bytes, n);
	r->nout += n;
}

static void rec_print(void *opaque, uint32_t value, bool hex)
{
	struct rec *r = opaque;

	ck_assert_int_lt(r->nprint, 16);
	r->print[r->nprint] = value;
	r->print_hex[r->nprint++] = hex;
}

static void rec_trace(void *opaque, bool on)
{
	struct rec *r = opaque;

	ck_assert_int_lt(r->ntrace, 16);
	r->trace[r->ntrace++] = on;
}

static uint32_t enc(enum isa_op op, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm)
{
	struct isa_insn in = { .op = op, .rd = (uint8_t)rd, .rs1 = (uint8_t)rs1,
			       .rs2 = (uint8_t)rs2, .imm = imm };

	return isa_encode(&in);
}

static void poke_words(struct machine *m, uint32_t pa, const uint32_t *w, size_t n)
{
	ck_assert(machine_phys_write(m, pa, w, (uint32_t)(n * sizeof *w)));
}

/* A machine with recording io (unless bare), the given disk and seed,
 * `j .` at LOOP_PC and VEC_PC, pc at LOOP_PC, at cycle 0. */
static void env_open(struct env *e, const char *disk, uint64_t seed, bool bare)
{
	struct machine_config cfg;
	uint32_t loop = enc(OP_j, 0, 0, 0, 0);

	machine_config_defaults(&cfg);
	cfg.disk_path = disk;
	cfg.seed = seed;
	if (!bare)
		cfg.io = (struct machine_io){ &e->rec, rec_out, rec_print, rec_trace };
	e->m = machine_new(&cfg, e->err, sizeof e->err);
	ck_assert_msg(e->m != NULL, "machine_new: %s", e->err);
	poke_words(e->m, LOOP_PC, &loop, 1);
	poke_words(e->m, VEC_PC, &loop, 1);
	machine_set_pc(e->m, LOOP_PC);
	ck_assert_uint_eq(machine_cycles(e->m), 0);
}

static struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof *e);

	ck_assert_ptr_nonnull(e);
	env_open(e, NULL, 1, false);
	return e;
}

static void env_free(struct env *e)
{
	machine_free(e->m);
	if (e->disk[0])
		unlink(e->disk);
	free(e);
}

static uint32_t rd(struct env *e, uint32_t pa)
{
	uint32_t v = 0xbadbad;

	ck_assert_msg(machine_bus_read(e->m, pa, &v), "read of 0x%08x failed", pa);
	return v;
}

static void wr(struct env *e, uint32_t pa, uint32_t v)
{
	ck_assert_msg(machine_bus_write(e->m, pa, v), "write of 0x%08x failed", pa);
}

static bool line(struct env *e, unsigned n)
{
	return (machine_irq_lines(e->m) >> n) & 1;
}

/* Run the loop until the cycle counter is exactly `cycle`. */
static void advance_to(struct env *e, uint64_t cycle)
{
	uint64_t now = machine_cycles(e->m);

	ck_assert_uint_le(now, cycle);
	if (cycle > now)
		ck_assert_int_eq(machine_run(e->m, cycle - now), STOP_LIMIT);
	ck_assert_uint_eq(machine_cycles(e->m), cycle);
}

/* A time-driven bit rises exactly at `cycle`: (reg & mask) reads 0 one
 * cycle before and mask at it. */
static void rises_at(struct env *e, uint32_t reg, uint32_t mask, uint64_t cycle)
{
	advance_to(e, cycle - 1);
	ck_assert_msg((rd(e, reg) & mask) == 0, "0x%08x & 0x%x already set at cycle %llu",
		      reg, mask, (unsigned long long)cycle - 1);
	advance_to(e, cycle);
	ck_assert_msg((rd(e, reg) & mask) == mask, "0x%08x & 0x%x not set at cycle %llu",
		      reg, mask, (unsigned long long)cycle);
}

/* PERIOD, then CTRL (which arms the timer if it has ENABLE). */
static void timer_start(struct env *e, uint32_t period, uint32_t ctrl)
{
	wr(e, TIMER(T_PERIOD), period);
	wr(e, TIMER(T_CTRL), ctrl);
}

/* ---- access rights of every offset of every device page ------------- */

struct reg_access {
	uint32_t off;
	bool r, w;
};
static const struct {
	uint32_t base;
	struct reg_access regs[8];
	int nregs;
} dev_pages[] = {
	{ MMIO_INTC, { { 0x00, 1, 0 }, { 0x04, 1, 1 }, { 0x08, 1, 0 }, { 0x0c, 1, 0 } }, 4 },
	{ MMIO_TIMER, { { 0x00, 1, 1 }, { 0x04, 1, 1 }, { 0x08, 1, 1 }, { 0x0c, 1, 0 },
			{ 0x10, 1, 0 }, { 0x14, 1, 0 } }, 6 },
	{ MMIO_UART, { { 0x00, 1, 1 }, { 0x04, 1, 0 }, { 0x08, 1, 1 } }, 3 },
	{ MMIO_DISK, { { 0x00, 1, 1 }, { 0x04, 1, 1 }, { 0x08, 1, 1 }, { 0x0c, 0, 1 },
		       { 0x10, 1, 1 }, { 0x14, 1, 0 }, { 0x18, 1, 1 } }, 7 },
	{ MMIO_POWER, { { 0x00, 0, 1 } }, 1 },
	{ MMIO_DEBUG, { { 0x00, 0, 1 }, { 0x04, 0, 1 }, { 0x08, 0, 1 }, { 0x0c, 0, 1 } }, 4 },
	{ MMIO_RNG, { { 0x00, 1, 0 }, { 0x04, 0, 1 } }, 2 },
};

START_TEST(test_access_rights)
{
	struct env *e = env_new();
	uint32_t base = dev_pages[_i].base;

	for (uint32_t off = 0; off < 4096; off += 4) {
		struct reg_access want = { off, false, false };
		uint32_t v;

		for (int k = 0; k < dev_pages[_i].nregs; k++)
			if (dev_pages[_i].regs[k].off == off)
				want = dev_pages[_i].regs[k];
		ck_assert_msg(machine_bus_read(e->m, base + off, &v) == want.r,
			      "read 0x%08x: expected %s", base + off, want.r ? "ok" : "bus error");
		ck_assert_msg(machine_bus_write(e->m, base + off, 0) == want.w,
			      "write 0x%08x: expected %s", base + off, want.w ? "ok" : "bus error");
	}
	env_free(e);
}
END_TEST

/* ---- interrupt controller ------------------------------------------- */

START_TEST(test_intc_reset)
{
	struct env *e = env_new();

	ck_assert_uint_eq(rd(e, INTC(0x00)), 0);
	ck_assert_uint_eq(rd(e, INTC(0x04)), 0);
	ck_assert_uint_eq(rd(e, INTC(0x08)), 0);
	ck_assert_uint_eq(rd(e, INTC(0x0c)), 0xffffffffu);
	env_free(e);
}
END_TEST

START_TEST(test_intc_enable_rw)
{
	struct env *e = env_new();

	wr(e, INTC(0x04), 0xffffffffu);
	ck_assert_uint_eq(rd(e, INTC(0x04)), 0xffffffffu);
	ck_assert_uint_eq(machine_irq_enabled(e->m), 0xffffffffu);
	wr(e, INTC(0x04), 0x80000005u);
	ck_assert_uint_eq(rd(e, INTC(0x04)), 0x80000005u);
	machine_set_irq_enabled(e->m, 0x12);
	ck_assert_uint_eq(rd(e, INTC(0x04)), 0x12);
	env_free(e);
}
END_TEST

START_TEST(test_intc_lines_claim)
{
	struct env *e = env_new();

	machine_set_irq(e->m, 5, true);
	machine_set_irq(e->m, 3, true);
	machine_set_irq(e->m, 31, true);
	ck_assert_uint_eq(rd(e, INTC(0x00)), 0x80000028u);
	ck_assert_uint_eq(rd(e, INTC(0x08)), 0);
	ck_assert_uint_eq(rd(e, INTC(0x0c)), 0xffffffffu);
	wr(e, INTC(0x04), 0x80000020u);
	ck_assert_uint_eq(rd(e, INTC(0x08)), 0x80000020u);
	ck_assert_uint_eq(rd(e, INTC(0x0c)), 5);
	wr(e, INTC(0x04), 0xffffffffu);
	ck_assert_uint_eq(rd(e, INTC(0x0c)), 3);
	ck_assert_uint_eq(rd(e, INTC(0x0c)), 3); /* level: reading claims nothing */
	machine_set_irq(e->m, 3, false);
	ck_assert_uint_eq(rd(e, INTC(0x00)), 0x80000020u);
	ck_assert_uint_eq(rd(e, INTC(0x0c)), 5);
	machine_set_irq(e->m, 5, false);
	ck_assert_uint_eq(rd(e, INTC(0x0c)), 31);
	machine_set_irq(e->m, 31, false);
	ck_assert_uint_eq(rd(e, INTC(0x08)), 0);
	ck_assert_uint_eq(rd(e, INTC(0x0c)), 0xffffffffu);
	env_free(e);
}
END_TEST

/* The timer's line through the controller into the CPU: taken as
 * interrupt (cause 0) on the first instruction boundary at the deadline. */
START_TEST(test_intc_timer_interrupt_taken)
{
	struct env *e = env_new();
	uint32_t v;

	ck_assert(machine_set_cr(e->m, CR_TVEC, VEC_PC));
	machine_set_psw(e->m, PSW_IE);
	wr(e, INTC(0x04), 1u << IRQ_TIMER);
	timer_start(e, 50, T_ENABLE | T_IRQ);
	advance_to(e, 49);
	ck_assert_uint_eq(machine_pc(e->m), LOOP_PC);
	ck_assert_uint_eq(machine_psw(e->m) & PSW_IE, PSW_IE);
	ck_assert_int_eq(machine_run(e->m, 2), STOP_LIMIT);
	ck_assert_uint_eq(machine_pc(e->m), VEC_PC + 4 * TRAP_INTERRUPT);
	ck_assert(machine_cr(e->m, CR_CAUSE, &v));
	ck_assert_uint_eq(CAUSE_CODE(v), TRAP_INTERRUPT);
	ck_assert(machine_cr(e->m, CR_EPC, &v));
	ck_assert_uint_eq(v, LOOP_PC);
	ck_assert_uint_eq(machine_psw(e->m) & PSW_IE, 0);
	ck_assert_uint_eq(rd(e, INTC(0x0c)), IRQ_TIMER);
	env_free(e);
}
END_TEST

/* ---- timer ----------------------------------------------------------- */

START_TEST(test_timer_reset)
{
	struct env *e = env_new();

	ck_assert_uint_eq(rd(e, TIMER(T_CTRL)), 0);
	ck_assert_uint_eq(rd(e, TIMER(T_PERIOD)), 0);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 0);
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 0);
	ck_assert_uint_eq(rd(e, TIMER(T_NOW_HI)), 0);
	ck_assert_uint_eq(rd(e, TIMER(T_NOW_LO)), 0);
	ck_assert(!line(e, IRQ_TIMER));
	env_free(e);
}
END_TEST

START_TEST(test_timer_rw)
{
	struct env *e = env_new();

	wr(e, TIMER(T_PERIOD), 0xdeadbeefu);
	ck_assert_uint_eq(rd(e, TIMER(T_PERIOD)), 0xdeadbeefu);
	wr(e, TIMER(T_CTRL), T_PERIODIC | T_IRQ);
	ck_assert_uint_eq(rd(e, TIMER(T_CTRL)), T_PERIODIC | T_IRQ);
	wr(e, TIMER(T_CTRL), 0xfffffff8u); /* reserved bits read 0 */
	ck_assert_uint_eq(rd(e, TIMER(T_CTRL)), 0);
	wr(e, TIMER(T_STATUS), 0xffffffffu); /* w1c of nothing */
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 0);
	env_free(e);
}
END_TEST

START_TEST(test_timer_oneshot)
{
	struct env *e = env_new();

	advance_to(e, 7);
	timer_start(e, 100, T_ENABLE | T_IRQ);
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 100);
	advance_to(e, 7 + 60);
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 40);
	rises_at(e, INTC(0x00), 1u << IRQ_TIMER, 7 + 100);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 1);
	ck_assert_uint_eq(rd(e, INTC(0x00)) & 1, 1);
	ck_assert_uint_eq(rd(e, TIMER(T_CTRL)), T_IRQ); /* ENABLE cleared */
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 0);
	wr(e, TIMER(T_STATUS), 0); /* writing 0 clears nothing */
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 1);
	ck_assert(line(e, IRQ_TIMER));
	wr(e, TIMER(T_STATUS), 1);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 0);
	ck_assert(!line(e, IRQ_TIMER));
	advance_to(e, 1000); /* one-shot: never again */
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 0);
	ck_assert(!line(e, IRQ_TIMER));
	env_free(e);
}
END_TEST

START_TEST(test_timer_periodic)
{
	struct env *e = env_new();

	timer_start(e, 50, T_ENABLE | T_PERIODIC | T_IRQ);
	rises_at(e, TIMER(T_STATUS), 1, 50);
	ck_assert(line(e, IRQ_TIMER));
	ck_assert_uint_eq(rd(e, TIMER(T_CTRL)), T_ENABLE | T_PERIODIC | T_IRQ);
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 50);
	wr(e, TIMER(T_STATUS), 1);
	ck_assert(!line(e, IRQ_TIMER));
	advance_to(e, 99);
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 1);
	rises_at(e, INTC(0x00), 1u << IRQ_TIMER, 100);
	/* A new PERIOD counts from the next re-arm, not the deadline set. */
	wr(e, TIMER(T_STATUS), 1);
	advance_to(e, 110);
	wr(e, TIMER(T_PERIOD), 30);
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 40);
	rises_at(e, TIMER(T_STATUS), 1, 150);
	wr(e, TIMER(T_STATUS), 1);
	rises_at(e, TIMER(T_STATUS), 1, 180);
	env_free(e);
}
END_TEST

/* Expiries the counter jumped over merge into one, and the phase holds. */
START_TEST(test_timer_periodic_catch_up)
{
	struct env *e = env_new();

	timer_start(e, 100, T_ENABLE | T_PERIODIC);
	machine_charge(e->m, 250);
	ck_assert_int_eq(machine_run(e->m, 1), STOP_LIMIT);
	ck_assert_uint_eq(machine_cycles(e->m), 251);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 1);
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 49);
	wr(e, TIMER(T_STATUS), 1);
	rises_at(e, TIMER(T_STATUS), 1, 300);
	env_free(e);
}
END_TEST

/* However far time jumps, a periodic timer fires once and keeps its phase
 * (a period of 1 over 2^40 cycles must not mean 2^40 callbacks). */
START_TEST(test_timer_periodic_long_jump)
{
	struct env *e = env_new();

	wr(e, TIMER(T_CTRL), T_ENABLE | T_PERIODIC | T_IRQ); /* PERIOD 0: every cycle */
	machine_charge(e->m, 1ull << 40);
	ck_assert_int_eq(machine_run(e->m, 1), STOP_LIMIT);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 1);
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 1);
	ck_assert(line(e, IRQ_TIMER));
	env_free(e);
}
END_TEST

/* halt sleeps in virtual time until the timer's line rises (IE = 0). */
START_TEST(test_timer_wakes_halt)
{
	struct env *e = env_new();
	const uint32_t prog[] = {
		enc(OP_halt, 0, 0, 0, 0),
		enc(OP_addi, 3, 0, 0, 1),
		enc(OP_j, 0, 0, 0, 0),
	};

	poke_words(e->m, LOOP_PC, prog, 3);
	wr(e, INTC(0x04), 1u << IRQ_TIMER);
	timer_start(e, 500, T_ENABLE | T_IRQ);
	ck_assert_int_eq(machine_run(e->m, 2), STOP_LIMIT);
	ck_assert_uint_eq(machine_reg(e->m, 3), 1);
	ck_assert_uint_eq(machine_cycles(e->m), 501);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 1);
	env_free(e);
}
END_TEST

/* A disabled timer leaves no event behind: halt has nothing to wait for
 * and stops the machine at once, without skipping to the old deadline. */
START_TEST(test_timer_disable_leaves_no_event)
{
	struct env *e = env_new();
	const uint32_t halt = enc(OP_halt, 0, 0, 0, 0);

	poke_words(e->m, LOOP_PC, &halt, 1);
	wr(e, INTC(0x04), 1u << IRQ_TIMER);
	timer_start(e, 1000, T_ENABLE | T_IRQ);
	wr(e, TIMER(T_CTRL), T_IRQ);
	ck_assert_int_eq(machine_run(e->m, 10), STOP_FATAL);
	ck_assert_uint_lt(machine_cycles(e->m), 1000);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 0);
	env_free(e);
}
END_TEST

/* What a guest sees: a device access happens after the instruction's
 * 10-cycle MMIO cost is counted, before its own cycle is. */
START_TEST(test_timer_guest_reads_now)
{
	struct env *e = env_new();
	const uint32_t prog[] = {
		enc(OP_lui, 1, 0, 0, 0xf000),           /* cycle 0 -> 1     */
		enc(OP_lw, 2, 1, 0, 0x1010),            /* NOW_LO: 1 + 10   */
		enc(OP_lw, 3, 1, 0, 0x1014),            /* NOW_HI           */
		enc(OP_j, 0, 0, 0, 0),
	};

	poke_words(e->m, LOOP_PC, prog, 4);
	ck_assert_int_eq(machine_run(e->m, 3), STOP_LIMIT);
	ck_assert_uint_eq(machine_reg(e->m, 2), 11);
	ck_assert_uint_eq(machine_reg(e->m, 3), 0);
	ck_assert_uint_eq(machine_cycles(e->m), 23);
	env_free(e);
}
END_TEST

START_TEST(test_timer_irq_enable_gates_line)
{
	struct env *e = env_new();

	timer_start(e, 10, T_ENABLE);
	advance_to(e, 10);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 1);
	ck_assert(!line(e, IRQ_TIMER));
	wr(e, TIMER(T_CTRL), T_IRQ);
	ck_assert(line(e, IRQ_TIMER));
	wr(e, TIMER(T_CTRL), 0);
	ck_assert(!line(e, IRQ_TIMER));
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 1);
	env_free(e);
}
END_TEST

START_TEST(test_timer_disable_and_rearm)
{
	struct env *e = env_new();

	timer_start(e, 100, T_ENABLE | T_IRQ);
	advance_to(e, 50);
	wr(e, TIMER(T_CTRL), T_IRQ); /* disable: nothing is due any more */
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 0);
	advance_to(e, 300);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 0);
	ck_assert(!line(e, IRQ_TIMER));
	wr(e, TIMER(T_CTRL), T_ENABLE | T_IRQ); /* deadline 400 */
	advance_to(e, 360);
	wr(e, TIMER(T_CTRL), T_ENABLE | T_IRQ); /* re-arm: deadline 460 */
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 100);
	rises_at(e, TIMER(T_STATUS), 1, 460);
	ck_assert(line(e, IRQ_TIMER));
	env_free(e);
}
END_TEST

START_TEST(test_timer_period_zero_is_one)
{
	struct env *e = env_new();

	wr(e, TIMER(T_CTRL), T_ENABLE | T_PERIODIC);
	ck_assert_uint_eq(rd(e, TIMER(T_COUNT)), 1);
	advance_to(e, 1);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 1);
	wr(e, TIMER(T_STATUS), 1);
	advance_to(e, 2);
	ck_assert_uint_eq(rd(e, TIMER(T_STATUS)), 1);
	env_free(e);
}
END_TEST

START_TEST(test_timer_now_latch)
{
	struct env *e = env_new();

	advance_to(e, 1234);
	ck_assert_uint_eq(rd(e, TIMER(T_NOW_LO)), 1234);
	ck_assert_uint_eq(rd(e, TIMER(T_NOW_HI)), 0);
	machine_charge(e->m, (1ull << 32) + 5);
	ck_assert_uint_eq(rd(e, TIMER(T_NOW_HI)), 0); /* still the old latch */
	ck_assert_uint_eq(rd(e, TIMER(T_NOW_LO)), 1239);
	ck_assert_uint_eq(rd(e, TIMER(T_NOW_HI)), 1);
	env_free(e);
}
END_TEST

/* ---- UART ------------------------------------------------------------ */

START_TEST(test_uart_reset_rw)
{
	struct env *e = env_new();

	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY);
	ck_assert_uint_eq(rd(e, UART(U_CTRL)), 0);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 0);
	wr(e, UART(U_CTRL), 0xffffffffu);
	ck_assert_uint_eq(rd(e, UART(U_CTRL)), 1);
	wr(e, UART(U_CTRL), 0);
	ck_assert_uint_eq(rd(e, UART(U_CTRL)), 0);
	ck_assert(!line(e, IRQ_UART));
	env_free(e);
}
END_TEST

START_TEST(test_uart_tx)
{
	struct env *e = env_new();

	wr(e, UART(U_DATA), 'h');
	wr(e, UART(U_DATA), 'i');
	wr(e, UART(U_DATA), 0x141);       /* only the low byte: 'A' */
	wr(e, UART(U_DATA), 0xffffff0au); /* '\n' */
	ck_assert_uint_eq(e->rec.nout, 4);
	ck_assert(memcmp(e->rec.out, "hiA\n", 4) == 0);
	ck_assert_uint_eq(rd(e, UART(U_STATUS)) & U_TX_READY, U_TX_READY);
	env_free(e);
}
END_TEST

START_TEST(test_uart_rx_pacing)
{
	struct env *e = env_new();

	machine_console_input(e->m, (const uint8_t *)"ab", 2);
	advance_to(e, 98);
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 0); /* nothing ready: takes nothing */
	rises_at(e, UART(U_STATUS), U_RX_READY, 100);
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY | U_RX_READY);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'a');
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 0);
	rises_at(e, UART(U_STATUS), U_RX_READY, 200);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'b');
	advance_to(e, 1000);
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY); /* empty, not ended */
	machine_console_eof(e->m);
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY | U_RX_EOF);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 0);
	env_free(e);
}
END_TEST

/* Byte i is ready at max(queued(i), read(i-1)) + 100. */
START_TEST(test_uart_rx_queue_times)
{
	struct env *e = env_new();

	advance_to(e, 500); /* queued long after reset */
	machine_console_input(e->m, (const uint8_t *)"x", 1);
	rises_at(e, UART(U_STATUS), U_RX_READY, 600);
	advance_to(e, 650); /* read late: the next gap starts at the read */
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'x');
	advance_to(e, 700); /* queued soon after the read */
	machine_console_input(e->m, (const uint8_t *)"y", 1);
	advance_to(e, 750); /* read(x) + 100 has passed, queued + 100 not */
	machine_console_input(e->m, (const uint8_t *)"z", 1); /* queue not empty */
	rises_at(e, UART(U_STATUS), U_RX_READY, 800);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'y');
	rises_at(e, UART(U_STATUS), U_RX_READY, 900);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'z');
	env_free(e);
}
END_TEST

START_TEST(test_uart_rx_eof_after_bytes)
{
	struct env *e = env_new();

	machine_console_input(e->m, (const uint8_t *)"q", 1);
	machine_console_eof(e->m);
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY); /* a byte is left */
	advance_to(e, 100);
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY | U_RX_READY);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'q');
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY | U_RX_EOF);
	env_free(e);
}
END_TEST

START_TEST(test_uart_rx_irq)
{
	struct env *e = env_new();

	wr(e, UART(U_CTRL), 1);
	machine_console_input(e->m, (const uint8_t *)"pq", 2);
	rises_at(e, INTC(0x00), 1u << IRQ_UART, 100);
	ck_assert_uint_eq(rd(e, INTC(0x00)), 1u << IRQ_UART);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'p');
	ck_assert(!line(e, IRQ_UART));
	rises_at(e, INTC(0x00), 1u << IRQ_UART, 200);
	wr(e, UART(U_CTRL), 0);
	ck_assert(!line(e, IRQ_UART));
	wr(e, UART(U_CTRL), 1);
	ck_assert(line(e, IRQ_UART));
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'q');
	ck_assert(!line(e, IRQ_UART));
	advance_to(e, 1000);
	ck_assert(!line(e, IRQ_UART));
	env_free(e);
}
END_TEST

/* Once the queue is empty the UART has no event pending: a halt waiting
 * for input with none coming stops the machine at once. */
START_TEST(test_uart_empty_queue_leaves_no_event)
{
	struct env *e = env_new();
	const uint32_t halt = enc(OP_halt, 0, 0, 0, 0);

	wr(e, INTC(0x04), 1u << IRQ_UART);
	wr(e, UART(U_CTRL), 1);
	machine_console_input(e->m, (const uint8_t *)"a", 1);
	advance_to(e, 100);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'a');
	poke_words(e->m, 0x3000, &halt, 1);
	machine_set_pc(e->m, 0x3000);
	ck_assert_int_eq(machine_run(e->m, 10), STOP_FATAL);
	ck_assert_uint_eq(machine_cycles(e->m), 101);
	env_free(e);
}
END_TEST

/* Many bytes, queued in two batches, come out in order, one per gap. */
START_TEST(test_uart_rx_long_input)
{
	struct env *e = env_new();
	uint8_t in[5000];

	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (uint8_t)(i * 31 + 7);
	machine_console_input(e->m, in, 3000);
	for (size_t i = 0; i < sizeof in; i++) {
		if (i == 1000)
			machine_console_input(e->m, in + 3000, 2000);
		advance_to(e, 100 * (i + 1));
		ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY | U_RX_READY);
		ck_assert_uint_eq(rd(e, UART(U_DATA)), in[i]);
	}
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY);
	env_free(e);
}
END_TEST

/* Arrivals put on the tape for later cycles come at those cycles, paced
 * from there; out-of-order arrivals are refused. */
START_TEST(test_uart_rx_tape_at_cycles)
{
	struct env *e = env_new();

	ck_assert(machine_console_input_at(e->m, 300, (const uint8_t *)"ab", 2));
	ck_assert(machine_console_input_at(e->m, 300, (const uint8_t *)"c", 1));
	ck_assert(machine_console_eof_at(e->m, 1000));
	ck_assert(!machine_console_input_at(e->m, 2000, (const uint8_t *)"d", 1)); /* after eof */
	rises_at(e, UART(U_STATUS), U_RX_READY, 400); /* arrived at 300, + 100 */
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'a');
	rises_at(e, UART(U_STATUS), U_RX_READY, 500);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'b');
	rises_at(e, UART(U_STATUS), U_RX_READY, 600);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'c');
	rises_at(e, UART(U_STATUS), U_RX_EOF, 1000); /* the end arrives on time */
	env_free(e);

	e = env_new();
	ck_assert(machine_console_input_at(e->m, 500, (const uint8_t *)"x", 1));
	ck_assert(!machine_console_input_at(e->m, 400, (const uint8_t *)"y", 1)); /* back */
	env_free(e);
}
END_TEST

/* The end of input raises the line once, until STATUS reports it. */
START_TEST(test_uart_eof_raises_line_once)
{
	struct env *e = env_new();

	wr(e, UART(U_CTRL), 1);
	advance_to(e, 50);
	ck_assert(!line(e, IRQ_UART));
	machine_console_eof(e->m);
	ck_assert(line(e, IRQ_UART));
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY | U_RX_EOF);
	ck_assert(!line(e, IRQ_UART));
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY | U_RX_EOF); /* still ended */
	ck_assert(!line(e, IRQ_UART));
	env_free(e);

	/* after the last byte: a receive loop that reads STATUS clears it */
	e = env_new();
	wr(e, UART(U_CTRL), 1);
	machine_console_input(e->m, (const uint8_t *)"z", 1);
	machine_console_eof(e->m);
	advance_to(e, 100);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'z');
	ck_assert(line(e, IRQ_UART)); /* ended and not yet seen */
	ck_assert_uint_eq(rd(e, UART(U_STATUS)), U_TX_READY | U_RX_EOF);
	ck_assert(!line(e, IRQ_UART));
	env_free(e);
}
END_TEST

/* A halted CPU under a sleep limit: it sleeps to the limit and returns
 * STOP_IDLE; with nothing to wake it that is not fatal; an arrival
 * delivered there wakes it as the same arrival on the tape would. */
START_TEST(test_sleep_limit_idle)
{
	const uint32_t prog[] = { enc(OP_halt, 0, 0, 0, 0), enc(OP_j, 0, 0, 0, 0) };
	struct env *live = env_new(), *tape = env_new();
	struct env *both[2] = { live, tape };

	for (int i = 0; i < 2; i++) {
		wr(both[i], INTC(0x04), 1u << IRQ_UART);
		wr(both[i], UART(U_CTRL), 1);
		poke_words(both[i]->m, 0x3000, prog, 2);
		machine_set_pc(both[i]->m, 0x3000);
	}
	machine_set_sleep_limit(live->m, 5000);
	ck_assert_int_eq(machine_run(live->m, 10), STOP_IDLE);
	ck_assert_uint_eq(machine_cycles(live->m), 5000);
	ck_assert_uint_eq(machine_next_event(live->m), UINT64_MAX);
	ck_assert_int_eq(machine_run(live->m, 10), STOP_IDLE); /* no progress, no fatal */
	machine_console_input(live->m, (const uint8_t *)"k", 1);
	ck_assert_uint_eq(machine_next_event(live->m), 5100);
	machine_set_sleep_limit(live->m, UINT64_MAX);
	ck_assert_int_eq(machine_run(live->m, 3), STOP_LIMIT);

	ck_assert(machine_console_input_at(tape->m, 5000, (const uint8_t *)"k", 1));
	ck_assert_int_eq(machine_run(tape->m, 4), STOP_LIMIT); /* the halt and 3 more */
	ck_assert_uint_eq(machine_cycles(live->m), machine_cycles(tape->m));
	ck_assert_uint_eq(machine_pc(live->m), machine_pc(tape->m));
	ck_assert_uint_eq(machine_instret(live->m), machine_instret(tape->m));
	env_free(live);
	env_free(tape);
}
END_TEST

/* machine_sleep: a halted CPU sleeps to a cycle with no instruction, under
 * a budget that counts halted cycles (where machine_run(m, 0) cannot
 * sleep at all), through events that do not wake it, to one that does
 * (fired at the very cycle), and not past cycle_end. */
START_TEST(test_sleep_no_insn)
{
	const uint32_t prog[] = { enc(OP_halt, 0, 0, 0, 0), enc(OP_j, 0, 0, 0, 0) };
	struct env *e = env_new();

	poke_words(e->m, 0x3000, prog, 2);
	ck_assert_int_eq(machine_sleep(e->m, 500), STOP_IDLE); /* running: no sleep */
	ck_assert_uint_eq(machine_cycles(e->m), 0);
	machine_set_pc(e->m, 0x3000);
	timer_start(e, 1000, T_ENABLE | T_PERIODIC | T_IRQ); /* line masked at the INTC */
	machine_set_budget(e->m, UINT64_MAX, true);          /* as `vmlab run` */
	ck_assert_int_eq(machine_run(e->m, 1), STOP_LIMIT);  /* the halt */
	ck_assert_int_eq(machine_run(e->m, 0), STOP_LIMIT);
	ck_assert_uint_eq(machine_cycles(e->m), 1);          /* no room to sleep */

	machine_set_budget(e->m, 1500, true);
	ck_assert_int_eq(machine_sleep(e->m, 2500), STOP_LIMIT);
	ck_assert_uint_eq(machine_cycles(e->m), 1500);
	machine_set_budget(e->m, UINT64_MAX, true);
	ck_assert_int_eq(machine_sleep(e->m, 2500), STOP_IDLE);
	ck_assert_uint_eq(machine_cycles(e->m), 2500);       /* ticks 1000, 2000 */
	ck_assert(line(e, IRQ_TIMER));                        /* ... did not wake it */
	ck_assert_uint_eq(machine_instret(e->m), 1);

	wr(e, TIMER(T_STATUS), 1);
	wr(e, INTC(0x04), 1u << IRQ_TIMER);
	ck_assert_int_eq(machine_sleep(e->m, 3000), STOP_IDLE);
	ck_assert_uint_eq(machine_cycles(e->m), 3000);
	ck_assert(line(e, IRQ_TIMER));                        /* the tick at 3000 fired */
	ck_assert_int_eq(machine_sleep(e->m, 9000), STOP_IDLE);
	ck_assert_uint_eq(machine_cycles(e->m), 3000);       /* woken: no further */
	ck_assert_uint_eq(machine_instret(e->m), 1);
	ck_assert_uint_eq(machine_idle_counted(e->m), 2999);
	ck_assert_int_eq(machine_run(e->m, 1), STOP_LIMIT);  /* awake: the `j` */
	ck_assert_uint_eq(machine_instret(e->m), 2);
	ck_assert_uint_eq(machine_cycles(e->m), 3001);
	env_free(e);
}
END_TEST

/* A snapshot keeps how much of the tape has arrived: restoring one taken
 * before an arrival delivers it again at its cycle. */
START_TEST(test_uart_tape_survives_restore)
{
	struct env *e = env_new();
	struct machine_state *st;

	ck_assert(machine_console_input_at(e->m, 300, (const uint8_t *)"r", 1));
	advance_to(e, 200);
	st = machine_state_save(e->m, e->err, sizeof e->err);
	ck_assert_ptr_nonnull(st);
	rises_at(e, UART(U_STATUS), U_RX_READY, 400);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'r');
	ck_assert_msg(machine_state_restore(e->m, st, e->err, sizeof e->err), "%s", e->err);
	ck_assert_uint_eq(machine_cycles(e->m), 200);
	rises_at(e, UART(U_STATUS), U_RX_READY, 400);
	ck_assert_uint_eq(rd(e, UART(U_DATA)), 'r');
	machine_state_free(st);
	env_free(e);
}
END_TEST

/* ---- disk ------------------------------------------------------------- */

static uint8_t disk_byte(unsigned block, unsigned i)
{
	return (uint8_t)(block * 7 + i * 3 + 1);
}

/* A temporary disk file of n blocks with a known pattern. */
static void make_disk(struct env *e, unsigned nblocks)
{
	uint8_t buf[512];
	int fd;

	strcpy(e->disk, "/tmp/check_dev_disk_XXXXXX");
	fd = mkstemp(e->disk);
	ck_assert_int_ge(fd, 0);
	for (unsigned b = 0; b < nblocks; b++) {
		for (unsigned i = 0; i < 512; i++)
			buf[i] = disk_byte(b, i);
		ck_assert_int_eq(write(fd, buf, 512), 512);
	}
	close(fd);
}

static struct env *env_with_disk(unsigned nblocks)
{
	struct env *e = calloc(1, sizeof *e);

	ck_assert_ptr_nonnull(e);
	make_disk(e, nblocks);
	env_open(e, e->disk, 1, false);
	return e;
}

static void fill_ram(struct env *e, uint32_t pa, uint8_t byte, uint32_t n)
{
	uint8_t *buf = malloc(n);

	ck_assert_ptr_nonnull(buf);
	memset(buf, byte, n);
	ck_assert(machine_phys_write(e->m, pa, buf, n));
	free(buf);
}

static void check_ram_fill(struct env *e, uint32_t pa, uint8_t byte, uint32_t n)
{
	uint8_t got;

	for (uint32_t i = 0; i < n; i++) {
		ck_assert(machine_phys_read(e->m, pa + i, &got, 1));
		ck_assert_msg(got == byte, "RAM 0x%x: 0x%02x, expected 0x%02x", pa + i, got, byte);
	}
}

/* Does RAM at pa hold disk blocks [block, block + n) of the pattern? */
static void check_ram_blocks(struct env *e, uint32_t pa, unsigned block, unsigned n)
{
	uint8_t buf[512];

	for (unsigned b = 0; b < n; b++) {
		ck_assert(machine_phys_read(e->m, pa + 512 * b, buf, 512));
		for (unsigned i = 0; i < 512; i++)
			ck_assert_uint_eq(buf[i], disk_byte(block + b, i));
	}
}

static void disk_cmd(struct env *e, uint32_t block, uint32_t addr, uint32_t count, uint32_t cmd)
{
	wr(e, DISK(D_BLOCK), block);
	wr(e, DISK(D_ADDR), addr);
	wr(e, DISK(D_COUNT), count);
	wr(e, DISK(D_CMD), cmd);
}

/* Issue a command now and run to one cycle before its completion time,
 * checking it is still busy; the caller then advances one more cycle. */
static uint64_t disk_cmd_until_due(struct env *e, uint32_t block, uint32_t addr,
				   uint32_t count, uint32_t cmd)
{
	uint64_t due = machine_cycles(e->m) + 5000 + 512ull * count;

	disk_cmd(e, block, addr, count, cmd);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_BUSY);
	advance_to(e, due - 1);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_BUSY);
	return due;
}

START_TEST(test_disk_reset_rw)
{
	struct env *e = env_with_disk(8);

	ck_assert_uint_eq(rd(e, DISK(D_BLOCK)), 0);
	ck_assert_uint_eq(rd(e, DISK(D_ADDR)), 0);
	ck_assert_uint_eq(rd(e, DISK(D_COUNT)), 0);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), 0);
	ck_assert_uint_eq(rd(e, DISK(D_CTRL)), 0);
	ck_assert_uint_eq(rd(e, DISK(D_CAPACITY)), 8);
	wr(e, DISK(D_BLOCK), 0xfffffff1u);
	wr(e, DISK(D_ADDR), 0x12345678u);
	wr(e, DISK(D_COUNT), 0x80000000u);
	wr(e, DISK(D_CTRL), 0xffffffffu);
	ck_assert_uint_eq(rd(e, DISK(D_BLOCK)), 0xfffffff1u);
	ck_assert_uint_eq(rd(e, DISK(D_ADDR)), 0x12345678u);
	ck_assert_uint_eq(rd(e, DISK(D_COUNT)), 0x80000000u);
	ck_assert_uint_eq(rd(e, DISK(D_CTRL)), 1);
	ck_assert(!line(e, IRQ_DISK));
	env_free(e);
}
END_TEST

START_TEST(test_disk_read)
{
	struct env *e = env_with_disk(8);
	uint64_t due;

	fill_ram(e, 0x8000, 0x5a, 4096);
	wr(e, DISK(D_CTRL), 1);
	due = disk_cmd_until_due(e, 2, 0x8200, 3, 1);
	check_ram_fill(e, 0x8000, 0x5a, 4096); /* the transfer is at completion */
	ck_assert(!line(e, IRQ_DISK));
	advance_to(e, due);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_DONE);
	ck_assert(line(e, IRQ_DISK));
	ck_assert_uint_eq(rd(e, INTC(0x00)), 1u << IRQ_DISK);
	check_ram_fill(e, 0x8000, 0x5a, 0x200);
	check_ram_blocks(e, 0x8200, 2, 3);
	check_ram_fill(e, 0x8800, 0x5a, 0x800);
	wr(e, DISK(D_STATUS), D_BUSY | D_ERROR); /* not DONE: stays */
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_DONE);
	ck_assert(line(e, IRQ_DISK));
	wr(e, DISK(D_STATUS), D_DONE);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), 0);
	ck_assert(!line(e, IRQ_DISK));
	/* The registers keep their values; a second command reads the last block. */
	ck_assert_uint_eq(rd(e, DISK(D_BLOCK)), 2);
	due = disk_cmd_until_due(e, 7, 0x9000, 1, 1);
	advance_to(e, due);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_DONE);
	check_ram_blocks(e, 0x9000, 7, 1);
	env_free(e);
}
END_TEST

START_TEST(test_disk_write)
{
	struct env *e = env_with_disk(4);
	uint8_t ram[1024], file[2048];
	uint64_t due;
	int fd;

	for (unsigned i = 0; i < sizeof ram; i++)
		ram[i] = (uint8_t)(0xa0 ^ i);
	ck_assert(machine_phys_write(e->m, 0x10000, ram, sizeof ram));
	due = disk_cmd_until_due(e, 1, 0x10000, 2, 2);
	fd = open(e->disk, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, file, 512, 512), 512);
	ck_assert_uint_eq(file[0], disk_byte(1, 0)); /* not yet written */
	advance_to(e, due);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_DONE);
	ck_assert_int_eq(pread(fd, file, 2048, 0), 2048);
	close(fd);
	for (unsigned i = 0; i < 512; i++) {
		ck_assert_uint_eq(file[i], disk_byte(0, i));
		ck_assert_uint_eq(file[1536 + i], disk_byte(3, i));
	}
	ck_assert(memcmp(file + 512, ram, sizeof ram) == 0);
	ck_assert(!line(e, IRQ_DISK)); /* IRQ_ENABLE is off */
	env_free(e);
}
END_TEST

/* A command that completes with ERROR and moves nothing. */
static void check_disk_error(struct env *e, uint32_t block, uint32_t addr, uint32_t count,
			     uint32_t cmd)
{
	uint64_t due;

	fill_ram(e, 0x8000, 0x77, 1024);
	due = disk_cmd_until_due(e, block, addr, count, cmd);
	advance_to(e, due);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_ERROR);
	check_ram_fill(e, 0x8000, 0x77, 1024);
	ck_assert(line(e, IRQ_DISK));
	wr(e, DISK(D_STATUS), D_ERROR);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), 0);
	ck_assert(!line(e, IRQ_DISK));
}

START_TEST(test_disk_errors)
{
	struct env *e = env_with_disk(4);

	wr(e, DISK(D_CTRL), 1);
	check_disk_error(e, 3, 0x8000, 2, 1);              /* beyond capacity     */
	check_disk_error(e, 4, 0x8000, 1, 1);
	check_disk_error(e, 0xffffffffu, 0x8000, 2, 1);    /* block + count wraps */
	check_disk_error(e, 0, 0x8000, 0, 1);              /* COUNT 0             */
	check_disk_error(e, 0, 0xfffffe00u, 1, 1);         /* DMA address wraps   */
	check_disk_error(e, 0, 0xf0003000u, 1, 2);         /* DMA from a device   */
	check_disk_error(e, 3, 0x8000, 2, 2);              /* write beyond it too */
	check_disk_error(e, 0xffffffffu, 0x8000, 2, 2);
	env_free(e);
}
END_TEST

START_TEST(test_disk_dma_edge_of_ram)
{
	struct env *e = env_with_disk(4);
	uint32_t mem = machine_mem_bytes(e->m);
	uint64_t due;

	wr(e, DISK(D_CTRL), 1);
	fill_ram(e, mem - 1024, 0x33, 1024);
	check_disk_error(e, 0, mem - 512, 2, 1);
	check_ram_fill(e, mem - 1024, 0x33, 1024); /* nothing moved */
	due = disk_cmd_until_due(e, 1, mem - 1024, 2, 1); /* the last two pages fit */
	advance_to(e, due);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_DONE);
	check_ram_blocks(e, mem - 1024, 1, 2);
	env_free(e);
}
END_TEST

START_TEST(test_disk_bad_command_and_busy)
{
	struct env *e = env_with_disk(4);
	uint64_t due;

	wr(e, DISK(D_CTRL), 1);
	wr(e, DISK(D_CMD), 3); /* not a command: ERROR at once */
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_ERROR);
	ck_assert(line(e, IRQ_DISK));
	wr(e, DISK(D_STATUS), D_ERROR);
	wr(e, DISK(D_CMD), 0);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_ERROR);
	wr(e, DISK(D_STATUS), D_ERROR);
	advance_to(e, 10000);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), 0); /* and nothing later */

	due = machine_cycles(e->m) + 5512;
	disk_cmd(e, 0, 0x8000, 1, 1);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_BUSY);
	advance_to(e, 10100);
	disk_cmd(e, 1, 0x9000, 1, 1); /* while BUSY: ERROR; the first goes on */
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_BUSY | D_ERROR);
	wr(e, DISK(D_STATUS), D_BUSY); /* BUSY is read-only */
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_BUSY | D_ERROR);
	advance_to(e, due - 1);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_BUSY | D_ERROR);
	advance_to(e, due);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_DONE | D_ERROR);
	check_ram_blocks(e, 0x8000, 0, 1); /* the first command's parameters */
	advance_to(e, due + 6000);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_DONE | D_ERROR);
	wr(e, DISK(D_STATUS), D_DONE | D_ERROR);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), 0);
	ck_assert(!line(e, IRQ_DISK));
	env_free(e);
}
END_TEST

START_TEST(test_disk_irq_enable)
{
	struct env *e = env_with_disk(2);
	uint64_t due = disk_cmd_until_due(e, 0, 0x8000, 1, 1);

	advance_to(e, due);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_DONE);
	ck_assert(!line(e, IRQ_DISK));
	wr(e, DISK(D_CTRL), 1);
	ck_assert(line(e, IRQ_DISK));
	wr(e, DISK(D_CTRL), 0);
	ck_assert(!line(e, IRQ_DISK));
	env_free(e);
}
END_TEST

START_TEST(test_disk_none)
{
	struct env *e = env_new();
	uint64_t due;

	ck_assert_uint_eq(rd(e, DISK(D_CAPACITY)), 0);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), 0);
	due = disk_cmd_until_due(e, 0, 0x8000, 1, 1);
	advance_to(e, due);
	ck_assert_uint_eq(rd(e, DISK(D_STATUS)), D_ERROR);
	env_free(e);
}
END_TEST

/* A file the simulator can only open read-only: reads work, writes end
 * in ERROR and leave the file alone.  Root ignores file modes, so the
 * check runs in a child that gives root up first. */
static int disk_read_only_child(void)
{
	struct env *e = calloc(1, sizeof *e);
	uint8_t file[512];
	uint32_t st;
	int fd;

	if (!e || (geteuid() == 0 && setuid(65534) != 0))
		return 10;
	make_disk(e, 2);
	if (chmod(e->disk, 0444) != 0)
		return 11;
	env_open(e, e->disk, 1, false);
	if (rd(e, DISK(D_CAPACITY)) != 2)
		return 12;
	fill_ram(e, 0x8000, 0xee, 512);
	disk_cmd(e, 1, 0x8000, 1, 2);
	advance_to(e, 5512);
	st = rd(e, DISK(D_STATUS));
	if (st != D_ERROR)
		return 13;
	fd = open(e->disk, O_RDONLY);
	if (fd < 0 || pread(fd, file, 512, 512) != 512 || file[0] != disk_byte(1, 0))
		return 14;
	close(fd);
	wr(e, DISK(D_STATUS), D_ERROR);
	disk_cmd(e, 1, 0x9000, 1, 1);
	advance_to(e, 2 * 5512);
	if (rd(e, DISK(D_STATUS)) != D_DONE)
		return 15;
	check_ram_blocks(e, 0x9000, 1, 1);
	env_free(e);
	return 0;
}

START_TEST(test_disk_read_only_file)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(disk_read_only_child());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "read-only disk child: status 0x%x", status);
}
END_TEST

/* machine_new must refuse a bad disk file with a message naming the file
 * and the reason. */
static void check_attach_error(const char *path, const char *reason)
{
	struct machine_config cfg;
	char err[512] = "";
	struct machine *m;

	machine_config_defaults(&cfg);
	cfg.disk_path = path;
	m = machine_new(&cfg, err, sizeof err);
	if (m)
		machine_free(m);
	ck_assert_msg(m == NULL, "machine_new accepted %s", path);
	ck_assert_msg(strstr(err, path) && strstr(err, reason),
		      "error for %s: \"%s\", expected it to say \"%s\"", path, err, reason);
	ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(test_disk_attach_errors)
{
	char path[] = "/tmp/check_dev_bad_XXXXXX";
	char dir[] = "/tmp/check_dev_dir_XXXXXX";
	uint8_t junk[1000] = { 0 };
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	check_attach_error(path, "size 0 is not a nonzero multiple of 512 bytes");
	ck_assert_int_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	close(fd);
	check_attach_error(path, "size 1000 is not a multiple of 512 bytes");
	unlink(path);
	check_attach_error(path, "No such file or directory");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	check_attach_error(dir, "not a regular file");
	rmdir(dir);
}
END_TEST

/* ---- power ------------------------------------------------------------ */

START_TEST(test_power_exit_code)
{
	struct env *e = env_new();
	const uint32_t prog[] = {
		enc(OP_lui, 1, 0, 0, 0xf000),           /* r1 = 0xf0000000 */
		enc(OP_addi, 2, 0, 0, 0x12b4),
		enc(OP_sw, 0, 1, 2, 0x4000),            /* EXIT = 0x12b4   */
		enc(OP_addi, 3, 0, 0, 1),               /* never runs      */
		enc(OP_j, 0, 0, 0, 0),
	};

	poke_words(e->m, LOOP_PC, prog, 5);
	ck_assert_int_eq(machine_run(e->m, 100), STOP_POWER_OFF);
	ck_assert_int_eq(machine_exit_code(e->m), 0xb4);
	ck_assert_uint_eq(machine_instret(e->m), 3);
	ck_assert_uint_eq(machine_reg(e->m, 3), 0);
	env_free(e);
}
END_TEST

START_TEST(test_power_host_write)
{
	struct env *e = env_new();

	wr(e, POWER(0x00), 0xffffff87u);
	ck_assert_int_eq(machine_run(e->m, 100), STOP_POWER_OFF);
	ck_assert_int_eq(machine_exit_code(e->m), 0x87);
	env_free(e);
}
END_TEST

/* ---- debug ------------------------------------------------------------ */

START_TEST(test_debug_callbacks)
{
	struct env *e = env_new();

	wr(e, DEBUG(0x00), 0xdeadbeefu);
	wr(e, DEBUG(0x04), 42);
	wr(e, DEBUG(0x04), 0xffffffffu);
	wr(e, DEBUG(0x0c), 2);
	wr(e, DEBUG(0x0c), 0);
	ck_assert_int_eq(e->rec.nprint, 3);
	ck_assert_uint_eq(e->rec.print[0], 0xdeadbeefu);
	ck_assert(e->rec.print_hex[0]);
	ck_assert_uint_eq(e->rec.print[1], 42);
	ck_assert(!e->rec.print_hex[1]);
	ck_assert_uint_eq(e->rec.print[2], 0xffffffffu);
	ck_assert(!e->rec.print_hex[2]);
	ck_assert_int_eq(e->rec.ntrace, 2);
	ck_assert(e->rec.trace[0]);
	ck_assert(!e->rec.trace[1]);
	ck_assert_uint_eq(e->rec.nout, 0);
	env_free(e);
}
END_TEST

START_TEST(test_debug_break)
{
	struct env *e = env_new();
	const uint32_t prog[] = {
		enc(OP_lui, 1, 0, 0, 0xf000),
		enc(OP_sw, 0, 1, 0, 0x5008),            /* BREAK           */
		enc(OP_addi, 3, 0, 0, 7),
		enc(OP_j, 0, 0, 0, 0),
	};

	poke_words(e->m, LOOP_PC, prog, 4);
	ck_assert_int_eq(machine_run(e->m, 100), STOP_DEBUG_BREAK);
	ck_assert_uint_eq(machine_instret(e->m), 2);
	ck_assert_uint_eq(machine_pc(e->m), LOOP_PC + 8);
	ck_assert_uint_eq(machine_reg(e->m, 3), 0);
	ck_assert_int_eq(machine_run(e->m, 1), STOP_LIMIT); /* and it goes on */
	ck_assert_uint_eq(machine_reg(e->m, 3), 7);
	env_free(e);
}
END_TEST

/* With no io callbacks, output is dropped and nothing breaks. */
START_TEST(test_null_io_callbacks)
{
	struct env *e = calloc(1, sizeof *e);

	ck_assert_ptr_nonnull(e);
	env_open(e, NULL, 1, true);
	wr(e, UART(U_DATA), 'x');
	wr(e, DEBUG(0x00), 1);
	wr(e, DEBUG(0x04), 2);
	wr(e, DEBUG(0x0c), 1);
	ck_assert_uint_eq(e->rec.nout, 0);
	ck_assert_int_eq(e->rec.nprint, 0);
	ck_assert_int_eq(e->rec.ntrace, 0);
	env_free(e);
}
END_TEST

/* ---- RNG -------------------------------------------------------------- */

/* Reference splitmix64 outputs (low 32 bits), computed independently. */
START_TEST(test_rng_default_seed)
{
	struct env *e = env_new(); /* seed 1, the default */

	ck_assert_uint_eq(rd(e, RNG(0x00)), 0x89025cc1u);
	ck_assert_uint_eq(rd(e, RNG(0x00)), 0x658eec67u);
	ck_assert_uint_eq(rd(e, RNG(0x00)), 0xfb32555eu);
	env_free(e);
}
END_TEST

START_TEST(test_rng_config_seed_and_reseed)
{
	struct env *e = calloc(1, sizeof *e);
	struct machine_config cfg;

	machine_config_defaults(&cfg);
	ck_assert_uint_eq(cfg.seed, 1);
	ck_assert_ptr_nonnull(e);
	env_open(e, NULL, 42, false);
	ck_assert_uint_eq(rd(e, RNG(0x00)), 0x2feb6e95u);
	ck_assert_uint_eq(rd(e, RNG(0x00)), 0xb266f103u);
	wr(e, RNG(0x04), 12345);
	ck_assert_uint_eq(rd(e, RNG(0x00)), 0xa9d111a0u);
	ck_assert_uint_eq(rd(e, RNG(0x00)), 0xf713f8edu);
	wr(e, RNG(0x04), 0);
	ck_assert_uint_eq(rd(e, RNG(0x00)), 0x7b1dcdafu);
	wr(e, RNG(0x04), 42); /* same seed, same sequence */
	ck_assert_uint_eq(rd(e, RNG(0x00)), 0x2feb6e95u);
	ck_assert_uint_eq(rd(e, RNG(0x00)), 0xb266f103u);
	ck_assert_uint_eq(rd(e, RNG(0x00)), 0x130f9f52u);
	env_free(e);
}
END_TEST

START_TEST(test_rng_two_machines_agree)
{
	struct env *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);

	ck_assert(a && b);
	env_open(a, NULL, 0x123456789abcdefull, false);
	env_open(b, NULL, 0x123456789abcdefull, false);
	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(rd(a, RNG(0x00)), rd(b, RNG(0x00)));
	env_free(a);
	env_free(b);
}
END_TEST

static Suite *dev_suite(void)
{
	Suite *s = suite_create("dev");
	TCase *tc;

	tc = tcase_create("access");
	tcase_add_loop_test(tc, test_access_rights, 0,
			    (int)(sizeof dev_pages / sizeof dev_pages[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("intc");
	tcase_add_test(tc, test_intc_reset);
	tcase_add_test(tc, test_intc_enable_rw);
	tcase_add_test(tc, test_intc_lines_claim);
	tcase_add_test(tc, test_intc_timer_interrupt_taken);
	suite_add_tcase(s, tc);

	tc = tcase_create("timer");
	tcase_add_test(tc, test_timer_reset);
	tcase_add_test(tc, test_timer_rw);
	tcase_add_test(tc, test_timer_oneshot);
	tcase_add_test(tc, test_timer_periodic);
	tcase_add_test(tc, test_timer_periodic_catch_up);
	tcase_add_test(tc, test_timer_periodic_long_jump);
	tcase_add_test(tc, test_timer_wakes_halt);
	tcase_add_test(tc, test_timer_disable_leaves_no_event);
	tcase_add_test(tc, test_timer_guest_reads_now);
	tcase_add_test(tc, test_timer_irq_enable_gates_line);
	tcase_add_test(tc, test_timer_disable_and_rearm);
	tcase_add_test(tc, test_timer_period_zero_is_one);
	tcase_add_test(tc, test_timer_now_latch);
	suite_add_tcase(s, tc);

	tc = tcase_create("uart");
	tcase_add_test(tc, test_uart_reset_rw);
	tcase_add_test(tc, test_uart_tx);
	tcase_add_test(tc, test_uart_rx_pacing);
	tcase_add_test(tc, test_uart_rx_queue_times);
	tcase_add_test(tc, test_uart_rx_eof_after_bytes);
	tcase_add_test(tc, test_uart_rx_irq);
	tcase_add_test(tc, test_uart_rx_tape_at_cycles);
	tcase_add_test(tc, test_uart_eof_raises_line_once);
	tcase_add_test(tc, test_sleep_limit_idle);
	tcase_add_test(tc, test_sleep_no_insn);
	tcase_add_test(tc, test_uart_tape_survives_restore);
	tcase_add_test(tc, test_uart_empty_queue_leaves_no_event);
	tcase_add_test(tc, test_uart_rx_long_input);
	suite_add_tcase(s, tc);

	tc = tcase_create("disk");
	tcase_add_test(tc, test_disk_reset_rw);
	tcase_add_test(tc, test_disk_read);
	tcase_add_test(tc, test_disk_write);
	tcase_add_test(tc, test_disk_errors);
	tcase_add_test(tc, test_disk_dma_edge_of_ram);
	tcase_add_test(tc, test_disk_bad_command_and_busy);
	tcase_add_test(tc, test_disk_irq_enable);
	tcase_add_test(tc, test_disk_none);
	tcase_add_test(tc, test_disk_read_only_file);
	tcase_add_test(tc, test_disk_attach_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("power-debug");
	tcase_add_test(tc, test_power_exit_code);
	tcase_add_test(tc, test_power_host_write);
	tcase_add_test(tc, test_debug_callbacks);
	tcase_add_test(tc, test_debug_break);
	tcase_add_test(tc, test_null_io_callbacks);
	suite_add_tcase(s, tc);

	tc = tcase_create("rng");
	tcase_add_test(tc, test_rng_default_seed);
	tcase_add_test(tc, test_rng_config_seed_and_reseed);
	tcase_add_test(tc, test_rng_two_machines_agree);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dev_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
