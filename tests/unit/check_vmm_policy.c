/*
 * check_vmm_policy.c -- the monitor's behaviour replaced from outside
 * (monitor/vmm_policy.c): a policy's verdicts (handled, reflect, default)
 * and how each is counted, a VM's own policy over every VM's, the timer
 * interrupt kept by the monitor, the vCPU calls a policy emulates with,
 * a scheduler's picks, and the monitor events observers get, counted as
 * the statistics count them.
 *
 * The guest: sets tvec, writes 5 to scratch (mtcr), reads it into s0
 * (mfcr), runs `hypercall` (reflected: illegal on this monitor), and
 * powers off with s0 + 100 * s2, where s2 counts the traps its vector took.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/vmm.h"
#include "sim/asm/asm.h"
#include "sim/image.h"

static const char guest_src[] =
	"_start: la    t0, vec\n"
	"        mtcr  tvec, t0\n"
	"        li    t1, 5\n"
	"        mtcr  scratch, t1\n"
	"        mfcr  s0, scratch\n"
	"        hypercall\n"
	"        li    t2, 100\n"
	"        mul   t2, t2, s2\n"
	"        add   a0, s0, t2\n"
	"        li    t0, 0xf0004000\n"
	"        sw    a0, 0(t0)\n"
	"vec:    addi  zero, zero, 0\n"  /* every cause's slot falls */
	"        addi  zero, zero, 0\n"      /* through to the count  */
	"        addi  zero, zero, 0\n"
	"        addi  zero, zero, 0\n"
	"        addi  zero, zero, 0\n"
	"        addi  zero, zero, 0\n"
	"        addi  zero, zero, 0\n"
	"        addi  zero, zero, 0\n"
	"        addi  zero, zero, 0\n"
	"        addi  s2, s2, 1\n"
	"        mfcr  t3, epc\n"
	"        addi  t3, t3, 4\n"
	"        mtcr  epc, t3\n"
	"        rfe\n";

struct fixture {
	struct machine *m;
	struct vmm *v;
	struct image *img;
};

static void start(struct fixture *f, int nvms)
{
	struct assembler *as = asm_new();
	struct machine_config mc;
	struct vmm_config vc;
	struct vm_config g[4];
	char err[256];

	ck_assert(as && asm_assemble_string(as, "guest.s", guest_src));
	f->img = asm_take_image(as);
	asm_free(as);
	for (int i = 0; i < nvms; i++)
		g[i] = (struct vm_config){ .name = "guest.s", .image = f->img, .mem_bytes = 1u << 16 };
	machine_config_defaults(&mc);
	mc.variant = VARIANT_STRICT;
	mc.mem_bytes = vmm_ram_needed(g, nvms);
	f->m = machine_new(&mc, err, sizeof err);
	ck_assert_msg(f->m, "%s", err);
	vmm_config_defaults(&vc);
	vc.nvms = nvms;
	f->v = vmm_new(f->m, &vc, err, sizeof err);
	ck_assert_msg(f->v, "%s", err);
	for (int i = 0; i < nvms; i++)
		ck_assert_int_eq(vmm_add_vm(f->v, &g[i], err, sizeof err), i);
}

static void stop(struct fixture *f)
{
	vmm_free(f->v);
	machine_free(f->m);
	image_free(f->img);
}

static int exit_code(struct fixture *f, int vm)
{
	struct vm_result r;

	vmm_vm_result(f->v, vm, &r);
	ck_assert_int_eq(r.state, VM_POWERED_OFF);
	return r.exit_code;
}

/* mtcr scratch: store twice the value, as the guest's own emulation. */
static int calls;
static enum vmm_verdict double_scratch(void *opaque, struct vmm *v, const struct vmm_exit_ctx *x)
{
	struct isa_insn in;

	(void)opaque;
	calls++;
	isa_decode(x->trap->insn, &in);
	ck_assert_int_eq(x->cause, EXIT_MTCR);
	ck_assert_int_eq(x->vring, 0);
	ck_assert_uint_eq(vmm_vcpu_pc(v, x->vm), x->trap->pc);
	if (in.imm != CR_SCRATCH)
		return VMM_DEFAULT;
	ck_assert(vmm_vcpu_set_cr(v, x->vm, CR_SCRATCH, 2 * vmm_vcpu_reg(v, x->vm, in.rs1)));
	ck_assert(vmm_vcpu_charge(v, x->vm, 7));
	vmm_vcpu_set_pc(v, x->vm, x->trap->pc + 4);
	return VMM_HANDLED;
}

/* Reflect the mfcr into s0 (and mtcr scratch, for the tests of which
 * policy wins): the guest's vector gets it, as if the hardware trapped. */
static enum vmm_verdict reflect(void *opaque, struct vmm *v, const struct vmm_exit_ctx *x)
{
	struct isa_insn in;

	(void)opaque;
	(void)v;
	calls++;
	isa_decode(x->trap->insn, &in);
	ck_assert_int_eq(CAUSE_CODE(x->guest_cause), TRAP_PRIVILEGED);
	return in.rd == 10 || in.imm == CR_SCRATCH ? VMM_REFLECT : VMM_DEFAULT;
}

START_TEST(test_verdicts)
{
	struct fixture f;
	struct vmm_stats s;

	/* no policy: the C path (5, the hypercall reflected: one trap) */
	start(&f, 1);
	ck_assert_int_eq(vmm_run(f.v, 100000), VMM_ALL_DONE);
	ck_assert_int_eq(exit_code(&f, 0), 105);
	stop(&f);

	/* handled: the policy's emulation, counted under mtcr */
	start(&f, 1);
	calls = 0;
	ck_assert(vmm_set_policy(f.v, EXIT_MTCR, -1, double_scratch, NULL));
	ck_assert_int_eq(vmm_run(f.v, 100000), VMM_ALL_DONE);
	ck_assert_int_eq(exit_code(&f, 0), 110);
	vmm_get_stats(f.v, 0, &s);
	ck_assert_int_eq(calls, 3); /* tvec and epc went the default way */
	ck_assert_int_eq(s.exits[EXIT_MTCR], 3);
	stop(&f);

	/* reflect: the guest's vector gets the mfcr (s0 stays 0, two traps);
	 * default: the vector's own mfcr epc, by the C path */
	start(&f, 1);
	calls = 0;
	ck_assert(vmm_set_policy(f.v, EXIT_MFCR, -1, reflect, NULL));
	ck_assert_int_eq(vmm_run(f.v, 100000), VMM_ALL_DONE);
	ck_assert_int_eq(exit_code(&f, 0), 200);
	vmm_get_stats(f.v, 0, &s);
	ck_assert_int_eq(calls, 3);
	ck_assert_int_eq(s.exits[EXIT_MFCR], 2);
	ck_assert_int_eq(s.exits[EXIT_REFLECT], 2); /* the mfcr, the hypercall */
	stop(&f);
}
END_TEST

START_TEST(test_own_policy_wins_and_interrupt_is_kept)
{
	struct fixture f;

	start(&f, 2);
	calls = 0;
	ck_assert(!vmm_set_policy(f.v, EXIT_INTERRUPT, -1, reflect, NULL));
	ck_assert(!vmm_set_policy(f.v, EXIT_MTCR, 2, reflect, NULL));
	ck_assert(vmm_set_policy(f.v, EXIT_MTCR, -1, reflect, NULL));
	ck_assert(vmm_set_policy(f.v, EXIT_MTCR, 1, double_scratch, NULL));
	ck_assert(vmm_set_policy(f.v, EXIT_MTCR, -1, NULL, NULL)); /* all's removed */
	ck_assert_int_eq(vmm_run(f.v, 1000000), VMM_ALL_DONE);
	ck_assert_int_eq(exit_code(&f, 0), 105);
	ck_assert_int_eq(exit_code(&f, 1), 110);
	stop(&f);
}
END_TEST

/* A scheduler that always picks the last ready VM. */
static int picks[64], npicks;
static int last_ready(void *opaque, struct vmm *v, int current, const int *ready, int n)
{
	(void)opaque;
	(void)v;
	(void)current;
	if (npicks < 64)
		picks[npicks++] = ready[n - 1];
	return ready[n - 1];
}

/* Monitor events, counted. */
struct seen {
	uint64_t n[VMM_EV_COUNT];
	int first_switch_to;
	int ended[4], nended;
};
static void on_event(void *opaque, const struct vmm_event *e)
{
	struct seen *s = opaque;

	s->n[e->kind]++;
	if (e->kind == VMM_EV_VM_SWITCH && s->n[e->kind] == 1)
		s->first_switch_to = e->vm;
	if (e->kind == VMM_EV_VM_END && s->nended < 4)
		s->ended[s->nended++] = e->vm;
}

START_TEST(test_scheduler_and_events)
{
	struct fixture f;
	struct seen seen = { 0 };
	struct vmm_stats s;

	start(&f, 3);
	npicks = 0;
	vmm_set_scheduler(f.v, last_ready, NULL);
	ck_assert_int_ge(vmm_observe(f.v, &(struct vmm_observer){ .opaque = &seen,
								  .on_event = on_event }), 0);
	ck_assert_int_eq(vmm_run(f.v, 1000000), VMM_ALL_DONE);
	ck_assert_int_eq(picks[0], 2); /* the last VM went first */
	ck_assert_int_eq(seen.first_switch_to, 2);
	ck_assert_int_eq(seen.nended, 3);
	ck_assert_int_eq(seen.ended[0], 2);
	vmm_get_stats(f.v, -1, &s);
	ck_assert_uint_eq(seen.n[VMM_EV_VM_SWITCH], s.vm_switches);
	ck_assert_uint_eq(seen.n[VMM_EV_SHADOW_FILL], s.shadow_fills);
	ck_assert_uint_eq(seen.n[VMM_EV_SHADOW_DROP], s.shadow_drops);
	ck_assert_uint_eq(seen.n[VMM_EV_INJECT], 3); /* one hypercall each */
	ck_assert_uint_eq(seen.n[VMM_EV_PT_WRITE], s.exits[EXIT_PT_WRITE]);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(exit_code(&f, i), 105);
	stop(&f);
}
END_TEST

START_TEST(test_vcpu_calls)
{
	struct fixture f;
	uint8_t buf[4] = { 1, 2, 3, 4 }, back[4];

	start(&f, 2);
	/* off the CPU: the saved state; the policy-only calls refuse */
	vmm_vcpu_set_reg(f.v, 1, 5, 77);
	ck_assert_uint_eq(vmm_vcpu_reg(f.v, 1, 5), 77);
	ck_assert_uint_eq(vmm_vcpu_reg(f.v, 1, 0), 0);
	vmm_vcpu_set_psw(f.v, 1, 1 | PSW_IE);
	ck_assert_uint_eq(vmm_vcpu_psw(f.v, 1) & (PSW_RING_MASK | PSW_IE), 1 | PSW_IE);
	ck_assert(!vmm_vcpu_set_cr(f.v, 1, CR_CPUID, 1));
	ck_assert(vmm_vcpu_set_cr(f.v, 1, CR_SCRATCH, 9));
	ck_assert_uint_eq(vmm_vcpu_cr(f.v, 1, CR_SCRATCH), 9);
	ck_assert(!vmm_vcpu_halt(f.v, 1) && !vmm_vcpu_inject(f.v, 1, TRAP_SYSCALL, 0, 0));
	ck_assert(!vmm_vcpu_charge(f.v, 1, 1) && !vmm_vcpu_tlbflush(f.v, 1));
	/* guest-physical memory, inside the VM's RAM only */
	ck_assert(vmm_gpa_write(f.v, 1, 0x8000, buf, 4));
	ck_assert(vmm_gpa_read(f.v, 1, 0x8000, back, 4) && !memcmp(buf, back, 4));
	ck_assert(!vmm_gpa_read(f.v, 0, 0x8000, back, 4) || memcmp(buf, back, 4));
	ck_assert(!vmm_gpa_write(f.v, 1, 0xfffe, buf, 4) && !vmm_gpa_read(f.v, 2, 0, back, 1));
	/* the cost model by name */
	struct vmm_costs c;
	vmm_get_costs(f.v, &c);
	ck_assert_ptr_eq(vmm_cost_field(&c, "shadow_fill"), &c.shadow_fill);
	ck_assert_ptr_null(vmm_cost_field(&c, "shadow"));
	*vmm_cost_field(&c, "exit") = 5;
	vmm_set_costs(f.v, &c);
	vmm_get_costs(f.v, &c);
	ck_assert_uint_eq(c.exit, 5);
	ck_assert_str_eq(vmm_cost_name(0), "exit");
	ck_assert_str_eq(vmm_cost_name(9), "pv_update"); /* the last: --vmm pv's */
	ck_assert_ptr_null(vmm_cost_name(10));
	stop(&f);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("vmm_policy");
	TCase *tc = tcase_create("policy");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_verdicts);
	tcase_add_test(tc, test_own_policy_wins_and_interrupt_is_kept);
	tcase_add_test(tc, test_scheduler_and_events);
	tcase_add_test(tc, test_vcpu_calls);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
