/*
 * check_vmm_time.c -- the monitor's time, progress and resource control
 * (docs/monitor.md, "Time" and "The monitor's own work"), with the guests
 * of tests/vmm (so run from the top of the tree, as make check does).
 *
 *   time      tick.s (a 5000-cycle tick whose handler's exits cost more
 *             than the period) finishes bare and under the default policy
 *             with the same ticks; merge and late livelock, drop finishes
 *             losing ticks; lateticks.s shows each policy's late ticks
 *   progress  a guest whose rfe returns to itself (exits, no instruction
 *             retired) still reaches the instruction budget, lets a
 *             neighbour run to its end, and stops on a stop request
 *   resource  manyas.s: the work of write protection stays proportional
 *             to the fills the guest caused (operation counts, not time)
 *   higher    equiv/higher.s, a kernel in the higher half editing its page
 *             tables there, equal bare and under the monitor (and clean
 *             under the sanitizer build)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/vmm_priv.h"
#include "sim/asm/asm.h"
#include "sim/image.h"
#include "tests/unit/helpers/guest.h"

#define MEM    (4u << 20)
#define CONMAX 4096

struct con {
	char text[CONMAX];
	size_t len;
};

static void con_add(struct con *c, const uint8_t *b, size_t n)
{
	ck_assert(c->len + n < CONMAX);
	memcpy(c->text + c->len, b, n);
	c->len += n;
	c->text[c->len] = '\0';
}

static void bare_out(void *opaque, const uint8_t *b, size_t n) { con_add(opaque, b, n); }
static void vm_out(void *opaque, int vm, const uint8_t *b, size_t n) { con_add((struct con *)opaque + vm, b, n); }

static struct image *load(const char *path)
{
	struct assembler *as = asm_new();
	struct image *img;

	if (!asm_assemble_file(as, path)) {
		const struct asm_diag *d = asm_diag_get(as, 0);
		ck_abort_msg("%s:%u: %s", path, d ? d->line : 0, d ? d->message : "?");
	}
	img = asm_take_image(as);
	asm_free(as);
	return img;
}

static uint32_t sym(const struct image *img, const char *name)
{
	const struct image_symbol *s = image_symbol_find(img, name);

	ck_assert_msg(s != NULL, "no symbol %s", name);
	return s->value;
}

/* One run on the bare strict machine; its exit status, or -1. */
static int run_bare(const struct image *img, struct con *c, uint64_t *cycles)
{
	struct machine_config cfg;
	struct machine *m;
	char err[256];
	int status;

	memset(c, 0, sizeof *c);
	machine_config_defaults(&cfg);
	cfg.variant = VARIANT_STRICT;
	cfg.mem_bytes = MEM;
	cfg.io = (struct machine_io){ .opaque = c, .console_out = bare_out };
	m = machine_new(&cfg, err, sizeof err);
	ck_assert_msg(m != NULL, "%s", err);
	ck_assert_msg(machine_load_image(m, img, err, sizeof err), "%s", err);
	status = machine_run(m, 50000000) == STOP_POWER_OFF ? machine_exit_code(m) : -1;
	if (cycles)
		*cycles = machine_cycles(m);
	machine_free(m);
	return status;
}

/* A monitor with n guests on the strict machine; the caller runs it. */
struct mon {
	struct machine *m;
	struct vmm *v;
	struct con con[2];
};

static void mon_new(struct mon *x, const struct image *const *imgs, int n, enum vmm_timer_policy p)
{
	struct vm_config vc[2];
	struct machine_config cfg;
	struct vmm_config vcfg;
	char err[256];

	ck_assert(n >= 1 && n <= 2);
	memset(x, 0, sizeof *x);
	for (int i = 0; i < n; i++)
		vc[i] = (struct vm_config){ .name = "guest", .image = imgs[i], .mem_bytes = MEM, .seed = 1 };
	machine_config_defaults(&cfg);
	cfg.variant = VARIANT_STRICT;
	cfg.mem_bytes = vmm_ram_needed(vc, n);
	x->m = machine_new(&cfg, err, sizeof err);
	ck_assert_msg(x->m != NULL, "%s", err);
	vmm_config_defaults(&vcfg);
	vcfg.nvms = n;
	vcfg.timer = p;
	vcfg.io = (struct vmm_io){ .opaque = x->con, .console_out = vm_out };
	x->v = vmm_new(x->m, &vcfg, err, sizeof err);
	ck_assert_msg(x->v != NULL, "%s", err);
	for (int i = 0; i < n; i++)
		ck_assert_msg(vmm_add_vm(x->v, &vc[i], err, sizeof err) == i, "%s", err);
}

static void mon_free(struct mon *x)
{
	vmm_free(x->v);
	machine_free(x->m);
}

/* Guest vm's status if it powered off, else -1. */
static int mon_status(const struct mon *x, int vm)
{
	struct vm_result r;

	vmm_vm_result(x->v, vm, &r);
	return r.state == VM_POWERED_OFF ? r.exit_code : -1;
}

static uint32_t guest32(const struct mon *x, int vm, uint32_t gpa)
{
	uint32_t w = 0;

	ck_assert(machine_phys_read(x->m, x->v->vms[vm]->base + gpa, &w, 4));
	return w;
}

/* "ticks N\nclock C\n" */
static void ticks_clock(const struct con *c, unsigned long *ticks, unsigned long *clock)
{
	ck_assert_msg(sscanf(c->text, "ticks %lu clock %lu", ticks, clock) == 2, "console: %s", c->text);
}

/* ---- time --------------------------------------------------------------- */

#define TICK_PERIOD 5000
#define TICK_LOOPS 150000

/* The default policy: the short-tick kernel finishes, seeing the ticks it
 * sees bare, while its clock falls behind the machine's by the monitor's
 * work. */
START_TEST(test_tick_guest)
{
	struct image *img = load("tests/vmm/tick.s");
	const struct image *imgs[1] = { img };
	unsigned long bt, bc, t, c;
	struct vmm_stats st;
	struct con bare;
	struct mon x;

	ck_assert_int_eq(run_bare(img, &bare, NULL), 0);
	ticks_clock(&bare, &bt, &bc);
	ck_assert_uint_eq(bt, bc / TICK_PERIOD);
	mon_new(&x, imgs, 1, VMM_TIMER_GUEST);
	ck_assert_int_eq(vmm_run(x.v, 20000000), VMM_ALL_DONE);
	ck_assert_int_eq(mon_status(&x, 0), 0);
	ticks_clock(&x.con[0], &t, &c);
	vmm_get_stats(x.v, 0, &st);
	ck_assert_msg(t + 1 >= bt && t <= bt + 1, "ticks %lu under the monitor, %lu bare", t, bt);
	ck_assert_msg(c * 100 >= bc * 99 && c * 100 <= bc * 101, "clock %lu, bare %lu", c, bc);
	ck_assert_uint_eq(t, c / TICK_PERIOD);        /* none lost */
	ck_assert(st.clock_behind > 0 && st.clock_behind == st.monitor_cycles);
	ck_assert_msg(machine_cycles(x.m) > 2 * c, "the monitor's work is real time");
	ck_assert_uint_eq(st.ticks_dropped, 0);
	mon_free(&x);
	image_free(img);
}
END_TEST

/* merge (the device's own rule in real time) and late: the handler's exits
 * outlast the period, a tick is always due, and the kernel's loop makes
 * next to no progress before the budget ends. */
static void tick_livelock(enum vmm_timer_policy p)
{
	struct image *img = load("tests/vmm/tick.s");
	const struct image *imgs[1] = { img };
	struct vmm_stats st;
	struct mon x;
	uint32_t count, ticks;

	mon_new(&x, imgs, 1, p);
	ck_assert_int_eq(vmm_run(x.v, 2000000), VMM_LIMIT);
	count = guest32(&x, 0, sym(img, "count"));
	ticks = guest32(&x, 0, sym(img, "ticks"));
	vmm_get_stats(x.v, 0, &st);
	ck_assert_msg(count < TICK_LOOPS / 100, "%s: the loop reached %u", vmm_timer_policy_name(p), count);
	ck_assert(ticks > 1000);
	ck_assert(st.ticks_late > 0);
	ck_assert_uint_eq(st.clock_behind, 0);
	if (p == VMM_TIMER_LATE) /* every expiry reached the guest (one may wait) */
		ck_assert_msg(st.injected_irqs + 1 >= st.ticks_late, "%llu injected, %llu late",
			      (unsigned long long)st.injected_irqs, (unsigned long long)st.ticks_late);
	else /* most merged */
		ck_assert_msg(machine_cycles(x.m) / TICK_PERIOD > 2 * (uint64_t)ticks,
			      "%u ticks in %llu cycles", ticks, (unsigned long long)machine_cycles(x.m));
	mon_free(&x);
	image_free(img);
}

START_TEST(test_tick_merge) { tick_livelock(VMM_TIMER_MERGE); }
END_TEST
START_TEST(test_tick_late) { tick_livelock(VMM_TIMER_LATE); }
END_TEST

/* drop: ticks due while the handler runs (interrupts off) are dropped, so
 * the kernel finishes, its clock in real time, with most ticks lost. */
START_TEST(test_tick_drop)
{
	struct image *img = load("tests/vmm/tick.s");
	const struct image *imgs[1] = { img };
	struct vmm_stats st;
	unsigned long t, c;
	struct mon x;

	mon_new(&x, imgs, 1, VMM_TIMER_DROP);
	ck_assert_int_eq(vmm_run(x.v, 20000000), VMM_ALL_DONE);
	ck_assert_int_eq(mon_status(&x, 0), 0);
	ticks_clock(&x.con[0], &t, &c);
	vmm_get_stats(x.v, 0, &st);
	ck_assert(st.ticks_dropped > 0);
	ck_assert_uint_eq(st.clock_behind, 0);
	ck_assert_msg(c + 100000 > machine_cycles(x.m), "clock %lu is real time", c);
	ck_assert_msg(t < c / TICK_PERIOD / 2, "%lu ticks in a clock of %lu", t, c);
	mon_free(&x);
	image_free(img);
}
END_TEST

/* lateticks.s: ten ticks fall due with interrupts off; how many arrive
 * right after they are back on. */
static unsigned long late_ticks(enum vmm_timer_policy p, bool bare)
{
	struct image *img = load("tests/vmm/lateticks.s");
	const struct image *imgs[1] = { img };
	unsigned long n = 0;
	struct con c;
	struct mon x;

	if (bare) {
		ck_assert_int_eq(run_bare(img, &c, NULL), 0);
	} else {
		mon_new(&x, imgs, 1, p);
		ck_assert_int_eq(vmm_run(x.v, 20000000), VMM_ALL_DONE);
		ck_assert_int_eq(mon_status(&x, 0), 0);
		c = x.con[0];
		mon_free(&x);
	}
	ck_assert_msg(sscanf(c.text, "late ticks %lu", &n) == 1, "console: %s", c.text);
	image_free(img);
	return n;
}

START_TEST(test_late_ticks)
{
	ck_assert_uint_eq(late_ticks(VMM_TIMER_GUEST, true), 1);   /* bare: merged */
	ck_assert_uint_eq(late_ticks(VMM_TIMER_GUEST, false), 1);
	ck_assert_uint_eq(late_ticks(VMM_TIMER_MERGE, false), 1);
	ck_assert_uint_ge(late_ticks(VMM_TIMER_LATE, false), 10);
	ck_assert_uint_eq(late_ticks(VMM_TIMER_DROP, false), 0);
}
END_TEST

START_TEST(test_policy_names)
{
	enum vmm_timer_policy p;
	struct vmm_config cfg;

	vmm_config_defaults(&cfg);
	ck_assert_int_eq(cfg.timer, VMM_TIMER_GUEST);
	for (int i = VMM_TIMER_GUEST; i <= VMM_TIMER_DROP; i++) {
		ck_assert(vmm_timer_policy_parse(vmm_timer_policy_name(i), &p));
		ck_assert_int_eq(p, i);
	}
	ck_assert(!vmm_timer_policy_parse("fast", &p));
	ck_assert(!vmm_timer_policy_parse("", &p));
}
END_TEST

/* ---- progress --------------------------------------------------------- */

static struct image *rfe_loop(void)
{
	static const char src[] =
		"_start: la    t0, spin\n"
		"        mtcr  epc, t0\n"
		"        mtcr  epsw, zero\n" /* ring 0 */
		"spin:   rfe\n";         /* back to itself: an exit, nothing retired */
	struct assembler *as = asm_new();
	struct image *img;

	ck_assert(asm_assemble_string(as, "rfeloop.s", src));
	img = asm_take_image(as);
	asm_free(as);
	return img;
}

/* The budget counts the monitor's work: exits end a run that retires
 * nothing. */
START_TEST(test_progress_budget)
{
	struct image *img = rfe_loop();
	const struct image *imgs[1] = { img };
	struct vmm_stats st;
	struct mon x;

	mon_new(&x, imgs, 1, VMM_TIMER_GUEST);
	ck_assert_int_eq(vmm_run(x.v, 100000), VMM_LIMIT);
	vmm_get_stats(x.v, 0, &st);
	ck_assert(st.exits[EXIT_RFE] > 90000 && st.exits[EXIT_RFE] <= 100000);
	ck_assert_int_eq(mon_status(&x, 0), -1);
	mon_free(&x);
	image_free(img);
}
END_TEST

/* Beside it, a guest sleeping on its timer still gets its ticks and ends
 * (its device events used to be put off at every exit of the looping one). */
START_TEST(test_progress_neighbour)
{
	struct image *loop = rfe_loop(), *good = load("tests/vmm/good.s");
	const struct image *imgs[2] = { loop, good };
	struct mon x;

	mon_new(&x, imgs, 2, VMM_TIMER_GUEST);
	ck_assert_int_eq(vmm_run(x.v, 20000000), VMM_LIMIT);
	ck_assert_int_eq(mon_status(&x, 1), 0);
	ck_assert_msg(strstr(x.con[1].text, "good: tick 10\ngood: words changed: 0\n") != NULL,
		      "good printed: %s", x.con[1].text);
	mon_free(&x);
	image_free(loop);
	image_free(good);
}
END_TEST

static bool stop_on_irq(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	(void)m;
	(void)ev;
	++*(int *)opaque;
	return true;
}

/* A stop request (a tool's, or Ctrl-C's) ends the run while the guest
 * loops in exits: here, the monitor's own timer line rising. */
START_TEST(test_progress_stop)
{
	struct image *img = rfe_loop(), *good = load("tests/vmm/good.s");
	const struct image *imgs[2] = { img, good };
	struct mon x;
	int calls = 0;

	mon_new(&x, imgs, 2, VMM_TIMER_GUEST);
	ck_assert(machine_on(x.m, EV_IRQ, stop_on_irq, &calls) >= 0);
	ck_assert_int_eq(vmm_run(x.v, UINT64_MAX), VMM_STOPPED);
	ck_assert_int_ge(calls, 1);
	mon_free(&x);
	image_free(img);
	image_free(good);
}
END_TEST

/* ---- resource control ---------------------------------------------------- */

/* path, bare and as the only guest (default policy): both print `expect`
 * and exit 0; the monitor's statistics for it. */
static void equal_run(const char *path, const char *expect, struct vmm_stats *st)
{
	struct image *img = load(path);
	const struct image *imgs[1] = { img };
	struct con bare;
	struct mon x;

	ck_assert_int_eq(run_bare(img, &bare, NULL), 0);
	ck_assert_str_eq(bare.text, expect);
	mon_new(&x, imgs, 1, VMM_TIMER_GUEST);
	ck_assert_int_eq(vmm_run(x.v, 50000000), VMM_ALL_DONE);
	ck_assert_int_eq(mon_status(&x, 0), 0);
	ck_assert_str_eq(x.con[0].text, expect);
	vmm_get_stats(x.v, 0, st);
	mon_free(&x);
	image_free(img);
}

/* Write protection looks at the shadow entries filled for the frame, not
 * at every shadow table: its work is bounded by the fills. */
START_TEST(test_rmap_proportional)
{
	struct vmm_stats st;

	equal_run("tests/vmm/manyas.s", "manyas: 5600 loads\n", &st);
	ck_assert(st.shadow_tables > 5000);      /* it did build many tables */
	ck_assert(st.protect_visits > 0);
	ck_assert_msg(st.protect_visits <= st.shadow_fills,
		      "%llu entries examined for %llu fills",
		      (unsigned long long)st.protect_visits, (unsigned long long)st.shadow_fills);
	ck_assert_uint_eq(st.shadow_flushes, 0);
}
END_TEST

/* ---- a higher-half kernel ------------------------------------------------ */

START_TEST(test_higher_half)
{
	struct vmm_stats st;

	equal_run("tests/vmm/equiv/higher.s", "higher: aaaa0001 bbbb0002 12345678\n", &st);
	ck_assert(st.exits[EXIT_PT_WRITE] >= 2); /* stores into the table of slot 513 */
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("vmm_time");
	TCase *t = tcase_create("time");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_tick_guest);
	tcase_add_test(t, test_tick_merge);
	tcase_add_test(t, test_tick_late);
	tcase_add_test(t, test_tick_drop);
	tcase_add_test(t, test_late_ticks);
	tcase_add_test(t, test_policy_names);
	suite_add_tcase(s, t);
	t = tcase_create("progress");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_progress_budget);
	tcase_add_test(t, test_progress_neighbour);
	tcase_add_test(t, test_progress_stop);
	suite_add_tcase(s, t);
	t = tcase_create("resource");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_rmap_proportional);
	tcase_add_test(t, test_higher_half);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return g_main(suite());
}
