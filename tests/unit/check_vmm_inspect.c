/*
 * check_vmm_inspect.c -- the monitor seen from outside (monitor/vmm.h,
 * vmm_inspect.c): exit observers report every exit once, with the cause
 * the statistics count; the virtual CPU reads as the guest sees it; and
 * the guest walk beside the shadow walk gives the documented reason for
 * each kind of difference.
 *
 * The guest: identity-maps its first MiB (page tables at 0x10000..),
 * maps va 0x400000 -> gpa 0x50000 writable but never writes it, maps the
 * power device, turns paging on, reads 0x400000 and its own table page
 * 0x12000, then spins.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/vmm.h"
#include "sim/asm/asm.h"
#include "sim/image.h"

static const char guest_src[] =
	"        .equ PD, 0x10000\n"
	"        .equ PT0, 0x11000\n"
	"        .equ PT1, 0x12000\n"
	"        .equ PTD, 0x13000\n"
	"_start: li t0, PT0\n"
	"        li t1, 3\n"
	"        li t2, 0x100003\n"
	"        li t3, 0x1000\n"
	"1:      sw t1, 0(t0)\n"
	"        addi t0, t0, 4\n"
	"        add t1, t1, t3\n"
	"        bne t1, t2, 1b\n"
	"        li t0, PT1\n"
	"        li t1, 0x50003\n"
	"        sw t1, 0(t0)\n"
	"        li t0, PTD\n"
	"        li t1, 0xf0004003\n"
	"        sw t1, 16(t0)\n"
	"        li t0, PD\n"
	"        li t1, PT0 | 3\n"
	"        sw t1, 0(t0)\n"
	"        li t1, PT1 | 3\n"
	"        sw t1, 4(t0)\n"
	"        li t1, PTD | 3\n"
	"        sw t1, 0xf00(t0)\n"
	"        mtcr ptbr, t0\n"
	"        li t0, 1\n"
	"        mtcr mmu, t0\n"
	"        li t0, 0x400000\n"
	"        lw t1, 0(t0)\n"
	"        li t0, PT1\n"
	"        lw t1, 0(t0)\n"
	"        li s0, 77\n"
	"spin:   b spin\n";

struct counts {
	uint64_t n, by[EXIT_COUNT + 1], cost;
	unsigned bad_vm;
};

static void count_exit(void *opaque, const struct vmm_exit_info *e)
{
	struct counts *c = opaque;

	c->n++;
	c->by[e->cause <= EXIT_COUNT ? e->cause : EXIT_COUNT]++;
	c->cost += e->cost;
	c->bad_vm += e->vm != 0;
}

struct fixture {
	struct machine *m;
	struct vmm *v;
	struct image *img;
};

static void start(struct fixture *f, uint64_t insns)
{
	struct assembler *as = asm_new();
	struct machine_config mc;
	struct vmm_config vc;
	struct vm_config g;
	char err[256];

	ck_assert(as && asm_assemble_string(as, "guest.s", guest_src));
	f->img = asm_take_image(as);
	asm_free(as);
	g = (struct vm_config){ .name = "guest.s", .image = f->img, .mem_bytes = 1u << 20 };
	machine_config_defaults(&mc);
	mc.mem_bytes = vmm_ram_needed(&g, 1);
	f->m = machine_new(&mc, err, sizeof err);
	ck_assert_msg(f->m, "%s", err);
	vmm_config_defaults(&vc);
	f->v = vmm_new(f->m, &vc, err, sizeof err);
	ck_assert_msg(f->v, "%s", err);
	ck_assert_int_eq(vmm_add_vm(f->v, &g, err, sizeof err), 0);
	if (insns)
		ck_assert_int_eq(vmm_run(f->v, insns), VMM_LIMIT);
}

static void stop(struct fixture *f)
{
	vmm_free(f->v);
	machine_free(f->m);
	image_free(f->img);
}

START_TEST(test_observer_sees_every_exit)
{
	struct fixture f;
	struct counts c = { 0 }, all = { 0 };
	struct vmm_stats s;
	int h, h2;

	start(&f, 0);
	h = vmm_observe(f.v, &(struct vmm_observer){ .opaque = &c, .on_exit = count_exit });
	h2 = vmm_observe(f.v, &(struct vmm_observer){ .opaque = &all, .on_exit = count_exit });
	ck_assert(h >= 0 && h2 >= 0 && h != h2);
	/* a few instructions (the first exits), then one observer leaves */
	ck_assert_int_eq(vmm_run(f.v, 20), VMM_LIMIT);
	ck_assert_uint_gt(c.n, 0);
	ck_assert_uint_eq(c.n, all.n);
	vmm_unobserve(f.v, h);
	uint64_t left_at = c.n;
	ck_assert_int_eq(vmm_run(f.v, 20000), VMM_LIMIT);
	ck_assert_uint_eq(c.n, left_at);
	ck_assert_uint_gt(all.n, left_at);
	/* the one that stayed saw each exit once, under the cause counted */
	vmm_get_stats(f.v, 0, &s);
	ck_assert_uint_eq(all.n, s.exits_total);
	for (int e = 0; e < EXIT_COUNT; e++)
		ck_assert_msg(all.by[e] == s.exits[e], "%s: observed %llu, counted %llu",
			      vmm_exit_name(e), (unsigned long long)all.by[e],
			      (unsigned long long)s.exits[e]);
	ck_assert_uint_eq(all.by[EXIT_COUNT], 0);
	ck_assert_uint_eq(all.bad_vm, 0);
	ck_assert_uint_gt(all.by[EXIT_MTCR], 0);
	ck_assert_uint_gt(all.by[EXIT_HIDDEN_FAULT], 0);
	/* the exits' costs are the monitor's cycles but for the first switch
	 * onto the CPU, which no exit caused */
	ck_assert_uint_gt(all.cost, 0);
	ck_assert_uint_le(all.cost, s.monitor_cycles);
	stop(&f);
}
END_TEST

START_TEST(test_observers_are_limited)
{
	struct fixture f;
	struct counts c = { 0 };
	int h;

	start(&f, 0);
	for (int i = 0; i < VMM_MAX_OBSERVERS; i++)
		ck_assert_int_ge(vmm_observe(f.v, &(struct vmm_observer){ .opaque = &c,
									  .on_exit = count_exit }), 0);
	h = vmm_observe(f.v, &(struct vmm_observer){ .opaque = &c, .on_exit = count_exit });
	ck_assert_int_eq(h, -1);
	stop(&f);
}
END_TEST

START_TEST(test_vcpu_as_the_guest_sees_it)
{
	struct fixture f;
	struct vmm_vcpu_state c;

	start(&f, 20000);
	ck_assert_int_eq(vmm_current(f.v), 0);
	ck_assert_str_eq(vmm_vm_name(f.v, 0), "guest.s");
	ck_assert(!vmm_vcpu(f.v, 1, &c)); /* there is one VM */
	ck_assert(vmm_vcpu(f.v, 0, &c));
	ck_assert(c.on_cpu);
	ck_assert_uint_eq(c.psw & PSW_RING_MASK, 0);   /* the guest's ring 0 ...   */
	ck_assert_uint_eq(c.real_ring, 2);             /* ... runs in real ring 2  */
	ck_assert_uint_eq(machine_psw(f.m) & PSW_RING_MASK, 2);
	ck_assert_uint_eq(c.cr[CR_PTBR], 0x10000);      /* its tables, not the shadow */
	ck_assert_uint_eq(c.cr[CR_MMU] & MMU_PG, MMU_PG);
	ck_assert_uint_eq(c.regs[10], 77);              /* s0 */
	ck_assert_uint_eq(c.mem_bytes, 1u << 20);
	uint32_t hpa;
	ck_assert(vmm_gpa_to_hpa(f.v, 0, 0x1000, &hpa));
	ck_assert_uint_eq(hpa, c.mem_base + 0x1000);
	ck_assert(!vmm_gpa_to_hpa(f.v, 0, 1u << 20, &hpa));
	stop(&f);
}
END_TEST

static enum vmm_shadow_why why_of(struct fixture *f, uint32_t va, struct vmm_gwalk *g,
				  struct vmm_swalk *s)
{
	ck_assert(vmm_walks(f->v, 0, va, g, s));
	return s->why;
}

START_TEST(test_walks_and_why_they_differ)
{
	struct fixture f;
	struct vmm_gwalk g;
	struct vmm_swalk s;
	struct vmm_vcpu_state c;

	start(&f, 20000);
	vmm_vcpu(f.v, 0, &c);
	/* read, never written: filled read-only until the guest's D is set */
	ck_assert_int_eq(why_of(&f, 0x400000, &g, &s), SHW_DIRTY);
	ck_assert(g.mapped && g.ram && g.gpa == 0x50000);
	ck_assert(s.exists && s.mapped && s.hpa == c.mem_base + 0x50000);
	ck_assert(!(s.spte & PTE_W) && (g.pte & PTE_W) && !(g.pte & PTE_D));
	/* its own page table, read through the identity map: traced */
	ck_assert_int_eq(why_of(&f, 0x12000, &g, &s), SHW_TRACED);
	ck_assert(s.mapped && !(s.spte & PTE_W));
	/* mapped, never touched */
	ck_assert_int_eq(why_of(&f, 0x80000, &g, &s), SHW_NOT_FILLED);
	ck_assert(g.mapped && !s.mapped);
	/* not mapped by the guest */
	ck_assert_int_eq(why_of(&f, 0x401000, &g, &s), SHW_GUEST_FAULT);
	ck_assert(!g.mapped);
	ck_assert_int_eq(why_of(&f, 0x800000, &g, &s), SHW_GUEST_FAULT);
	ck_assert(!(g.pde & PTE_P));
	/* the power device's page */
	ck_assert_int_eq(why_of(&f, 0xf0004000, &g, &s), SHW_DEVICE);
	ck_assert(g.mapped && g.device && !g.ram);
	/* the code it ran: written (the loader's copy is not the guest's) but
	 * with D clear too; a page it wrote through its tables is the same */
	why_of(&f, 0x1000, &g, &s);
	ck_assert(s.mapped && (s.why == SHW_DIRTY || s.why == SHW_SAME));
	ck_assert(vmm_shadow_why_text(SHW_DEVICE)[0] != '\0');
	ck_assert(!vmm_walks(f.v, 3, 0, &g, &s));
	stop(&f);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("vmm_inspect");
	TCase *tc = tcase_create("inspect");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_observer_sees_every_exit);
	tcase_add_test(tc, test_observers_are_limited);
	tcase_add_test(tc, test_vcpu_as_the_guest_sees_it);
	tcase_add_test(tc, test_walks_and_why_they_differ);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
