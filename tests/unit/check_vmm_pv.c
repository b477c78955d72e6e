/*
 * check_vmm_pv.c -- the paravirtual monitor (--vmm pv, docs/paravirt.md)
 * through its C interface: a system call delegated to the guest kernel
 * costs no exit, mmu_update validates each entry on its own, a shared
 * ring need only be 16-aligned, and the image marker decides which monitor
 * may run an image.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "monitor/vmm_priv.h"
#include "sim/image.h"
#include "tests/unit/helpers/equiv.h"
#include "tests/unit/helpers/guest.h"

/* A paravirtual kernel: shared page, trap table, then `body` in ring 1.
 * Vector 1 (system call) counts in `count` and returns; vector 2 (a
 * breakpoint) powers off with `count`; any other trap powers off 99. */
#define PV_HEAD \
	"        .equ POWER, 0xf0004000\n" \
	"        .data\n" \
	"__vmlab_paravirt: .word 1\n" \
	"count:  .word 0\n" \
	"        .bss\n" \
	"        .align 4096\n" \
	"shared: .space 4096\n" \
	"        .text\n" \
	"        .align 4\n" \
	"vectors: j   bad\n" \
	"        j    on_syscall\n" \
	"        j    on_break\n" \
	"        j    bad\n        j    bad\n        j    bad\n        j    bad\n" \
	"        j    bad\n        j    bad\n        j    bad\n        j    bad\n" \
	"        j    bad\n        j    bad\n        j    bad\n        j    bad\n" \
	"        j    bad\n" \
	"on_syscall:\n" \
	"        la   t3, count\n" \
	"        lw   t4, 0(t3)\n" \
	"        addi t4, t4, 1\n" \
	"        sw   t4, 0(t3)\n" \
	"        rfe\n" \
	"on_break:\n" \
	"        la   t3, count\n" \
	"        lw   t4, 0(t3)\n" \
	"        li   t3, POWER\n" \
	"        sw   t4, 0(t3)\n" \
	"bad:    li   t3, POWER\n" \
	"        li   t4, 99\n" \
	"        sw   t4, 0(t3)\n" \
	"_start: la   a0, shared\n" \
	"        li   t0, 0\n" \
	"        hypercall\n" \
	"        la   a0, vectors\n" \
	"        li   t0, 3\n" \
	"        hypercall\n"

static void run_pv(const struct image *img, struct out *o, struct vmm_result *r)
{
	struct guest_spec g = { .img = img, .mem = 1u << 20, .seed = 1 };
	struct vmm_config cfg;

	vmm_config_defaults(&cfg);
	cfg.pv = true;
	run_vmm_cfg(&g, 1, VARIANT_STRICT, &cfg, o, r);
}

/* User code makes n system calls, then `break`; -> the shared page. */
static uint32_t syscalls(unsigned n, struct out *o, struct vmm_result *r)
{
	uint32_t shared;
	struct image *img = assemble(PV_HEAD
		"        la   t0, user\n"
		"        mtcr epc1, t0\n"
		"        li   t0, 3\n"
		"        mtcr epsw1, t0\n"
		"        rfe\n"
		"user:   li   s0, %u\n"
		"1:      syscall\n"
		"        addi s0, s0, -1\n"
		"        bnez s0, 1b\n"
		"        break\n", n);
	shared = sym(img, "shared");
	run_pv(img, o, r);
	image_free(img);
	return shared;
}

START_TEST(test_pv_syscalls_cost_no_exit)
{
	struct out a, b;
	struct vmm_result ra, rb;

	uint32_t sh;

	syscalls(10, &a, &ra);
	sh = syscalls(200, &b, &rb);
	ck_assert_int_eq(a.end, END_POWER);
	ck_assert_int_eq(a.code, 10);
	ck_assert_int_eq(b.end, END_POWER);
	ck_assert_int_eq(b.code, 200);
	/* 190 more system calls, not one more exit: the hardware delegates
	 * them to the guest kernel in ring 1 */
	ck_assert_uint_eq(ra.st.exits_total, rb.st.exits_total);
	ck_assert_uint_eq(rb.st.exits[EXIT_REFLECT], 1); /* the break */
	ck_assert_uint_eq(rb.st.exits[EXIT_HYPERCALL], 2);
	ck_assert_uint_eq(rb.st.hypercalls[PV_HC_INIT], 1);
	ck_assert_uint_eq(rb.st.hypercalls[PV_HC_SET_TRAP_TABLE], 1);
	/* the shared page's start information */
	ck_assert_uint_eq(ram32(&b, sh + PV_SH_MAGIC), PV_MAGIC);
	ck_assert_uint_eq(ram32(&b, sh + PV_SH_MEM_BYTES), 1u << 20);
	ck_assert_uint_eq(ram32(&b, sh + PV_SH_CPUID) & 1, 1);
	out_free(&a, 1);
	out_free(&b, 1);
}
END_TEST

START_TEST(test_pv_mmu_update_each_entry)
{
	/* three entries: a frame of its own, a frame beyond its 1 MiB, a
	 * pointer beyond it; then the result and the statuses are kept */
	struct image *img = assemble(PV_HEAD
		"        la   a0, batch\n"
		"        li   a1, 3\n"
		"        li   t0, 1\n"
		"        hypercall\n"
		"        la   t1, result\n"
		"        sw   t0, 0(t1)\n"
		"        la   a0, batch\n"
		"        li   a1, -7\n"
		"        li   t0, 1\n"
		"        hypercall\n"
		"        sw   t0, 4(t1)\n"
		"        li   t0, POWER\n"
		"        sw   zero, 0(t0)\n"
		"        .data\n"
		"        .align 4\n"
		"result: .word 0, 0\n"
		"table:  .word 0, 0, 0\n"
		"batch:  .word table, 0x5001, 7\n"
		"        .word table + 4, 0x100001, 7\n"
		"        .word 0x100000, 0x5001, 7\n");
	uint32_t batch = sym(img, "batch"), table = sym(img, "table"), result = sym(img, "result");
	struct out o;
	struct vmm_result r;

	run_pv(img, &o, &r);
	ck_assert_int_eq(o.end, END_POWER);
	ck_assert_int_eq((int32_t)ram32(&o, result), 2);        /* two refused */
	ck_assert_int_eq((int32_t)ram32(&o, result + 4), PV_EINVAL); /* count < 0 */
	ck_assert_uint_eq(ram32(&o, batch + 8), 0);
	ck_assert_int_eq((int32_t)ram32(&o, batch + 20), PV_EPERM);
	ck_assert_int_eq((int32_t)ram32(&o, batch + 32), PV_EFAULT);
	ck_assert_uint_eq(ram32(&o, table), 0x5001);            /* applied */
	ck_assert_uint_eq(ram32(&o, table + 4), 0);             /* refused */
	ck_assert_uint_eq(r.st.batch_entries, 3);
	ck_assert_uint_eq(r.st.batch_failed, 2);
	ck_assert_uint_eq(r.st.batches[1], 1);                  /* size 2-3 */
	ck_assert_uint_eq(r.st.hypercalls[PV_HC_MMU_UPDATE], 2);
	out_free(&o, 1);
	image_free(img);
}
END_TEST

/* A console ring need only be 16-aligned (virtio 1.0's descriptor table),
 * so a kernel can keep it among its data: at 4 or 8 past a 16-byte
 * boundary queue_init refuses it; 16 past a page boundary it works. */
START_TEST(test_pv_ring_16_aligned)
{
	struct image *img = assemble(PV_HEAD
		"        la   t1, result\n"
		"        li   s0, 4\n"                /* ring + 4, + 8: refused */
		"1:      li   a0, 0\n"
		"        la   a1, ring\n"
		"        add  a1, a1, s0\n"
		"        li   a2, 2\n"
		"        li   a3, 0\n"
		"        li   t0, 13\n"
		"        hypercall\n"
		"        sw   t0, 0(t1)\n"
		"        addi t1, t1, 4\n"
		"        addi s0, s0, 4\n"
		"        li   t0, 12\n"
		"        bne  s0, t0, 1b\n"
		"        li   a0, 0\n"                /* ring: accepted */
		"        la   a1, ring\n"
		"        li   a2, 2\n"
		"        li   t0, 13\n"
		"        hypercall\n"
		"        sw   t0, 0(t1)\n"
		"        la   t2, ring\n"             /* desc 0 = msg, 3 bytes */
		"        la   t3, msg\n"
		"        sw   t3, 0(t2)\n"
		"        li   t3, 3\n"
		"        sw   t3, 8(t2)\n"
		"        li   t3, 1\n"                /* avail (at 16Q = 32): */
		"        sh   t3, 34(t2)\n"           /* ring[0] = 0, idx = 1 */
		"        li   a0, 0\n"
		"        li   t0, 11\n"
		"        hypercall\n"
		"        sw   t0, 4(t1)\n"
		"        li   t0, POWER\n"
		"        sw   zero, 0(t0)\n"
		"        .data\n"
		"        .align 4\n"
		"result: .word 0, 0, 0, 0\n"
		"msg:    .ascii \"hi\\n\"\n"
		"        .align 4096\n"
		"        .space 16\n"
		"ring:   .space 128\n");
	uint32_t result = sym(img, "result"), ring = sym(img, "ring");
	struct out o;
	struct vmm_result r;

	ck_assert_uint_eq(ring & 0xfff, 16);
	run_pv(img, &o, &r);
	ck_assert_int_eq(o.end, END_POWER);
	ck_assert_int_eq((int32_t)ram32(&o, result), PV_EINVAL);     /* ring + 4 */
	ck_assert_int_eq((int32_t)ram32(&o, result + 4), PV_EINVAL); /* ring + 8 */
	ck_assert_int_eq((int32_t)ram32(&o, result + 8), PV_EOK);
	ck_assert_int_eq((int32_t)ram32(&o, result + 12), 1);        /* one chain */
	ck_assert_uint_eq(o.conlen, 3);
	ck_assert(memcmp(o.con, "hi\n", 3) == 0);
	/* the used ring (at 44 for Q = 2): idx 1, {id 0, len 3} */
	ck_assert_uint_eq(ram32(&o, ring + 44) >> 16, 1);
	ck_assert_uint_eq(ram32(&o, ring + 48), 0);
	ck_assert_uint_eq(ram32(&o, ring + 52), 3);
	ck_assert_uint_eq(r.st.ring_bytes, 3);
	out_free(&o, 1);
	image_free(img);
}
END_TEST

/* The marker symbol decides: a pv image only under --vmm pv, and back. */
START_TEST(test_pv_image_marker)
{
	struct image *pv = assemble(PV_HEAD "        j    .\n");
	struct image *plain = assemble("        .text\n_start: j .\n");
	struct machine_config mc;
	struct vmm_config cfg;
	char err[256];

	for (int mode = 0; mode < 2; mode++) {
		struct vm_config vc = { .name = "x", .image = mode ? pv : plain, .mem_bytes = 1u << 20 };
		machine_config_defaults(&mc);
		mc.mem_bytes = vmm_ram_needed(&vc, 1);
		struct machine *m = machine_new(&mc, err, sizeof err);
		ck_assert_ptr_nonnull(m);
		vmm_config_defaults(&cfg);
		cfg.pv = mode == 0; /* the wrong monitor for each image */
		struct vmm *v = vmm_new(m, &cfg, err, sizeof err);
		ck_assert_ptr_nonnull(v);
		ck_assert_int_eq(vmm_add_vm(v, &vc, err, sizeof err), -1);
		ck_assert_str_eq(err, mode ? "a paravirtual image: run it with --vmm pv"
					   : "not a paravirtual image: run it with --vmm trap");
		vmm_free(v);
		machine_free(m);
	}
	image_free(pv);
	image_free(plain);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vmm_pv");
	TCase *tc = tcase_create("pv");

	tcase_add_test(tc, test_pv_syscalls_cost_no_exit);
	tcase_add_test(tc, test_pv_mmu_update_each_entry);
	tcase_add_test(tc, test_pv_ring_16_aligned);
	tcase_add_test(tc, test_pv_image_marker);
	suite_add_tcase(s, tc);
	return g_main(s);
}
