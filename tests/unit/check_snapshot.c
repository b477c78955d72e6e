/*
 * check_snapshot.c -- machine snapshots (sim/snapshot.c) and the
 * debugger's reverse execution built on them (ui/dbg/dbg_rev.c).
 *
 * Generated programs: a random mix of ALU, multiply/divide (with zero
 * divisors), loads and stores (some misaligned, some to a read-only page),
 * branches and calls, syscall/break/illegal traps, device reads and writes
 * (random numbers, the cycle counter, console output), halt, TLB
 * invalidation, under a periodic timer interrupt, with paging off or on.
 * A handler skips every trap and acknowledges the timer.  On those:
 *
 *   save, run M, restore, run M          -> the very same state
 *   reverse-stepi N, stepi N             -> the very same state
 *   stepi 1 a thousand times, stepi 1000 -> the very same state
 *
 * and checkpoint files: intact, damaged, truncated, foreign, of another
 * version or machine; the disk's contents going back and forth in time.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/helpers/guest.h"
#include "ui/dbg/dbg.h"

#define HANDLER  0x400u
#define BODY     (G_CODE + 0x40)
#define BODY_LEN 240
#define RO_PAGE  (G_DATA + PAGE_SIZE) /* read-only when paging is on */

/* ---- a generator of programs ---------------------------------------------- */

struct rng { uint64_t s; };

static uint32_t rnd(struct rng *r, uint32_t n)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 11) % n;
}

/* Registers the body may write: r1..r10 and ra.  r11 holds the MMIO base,
 * r14 the data page; r12, r13 belong to the handler. */
static unsigned dst(struct rng *r)
{
	unsigned n = rnd(r, 11);
	return n == 0 ? ISA_REG_RA : n;
}

static unsigned src(struct rng *r)
{
	static const unsigned s[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15 };
	return s[rnd(r, sizeof s / sizeof s[0])];
}

static uint32_t gen_insn(struct rng *r, unsigned i)
{
	static const enum isa_op rops[] = {
		OP_add, OP_sub, OP_and, OP_or, OP_xor, OP_sll, OP_srl, OP_sra, OP_slt, OP_sltu,
		OP_mul, OP_mulh, OP_mulhu, OP_div, OP_divu, OP_rem, OP_remu,
	};
	static const enum isa_op iops[] = { OP_addi, OP_slti, OP_sltiu };
	static const enum isa_op uops[] = { OP_andi, OP_ori, OP_xori };
	static const enum isa_op shops[] = { OP_slli, OP_srli, OP_srai };
	static const enum isa_op lops[] = { OP_lw, OP_lh, OP_lhu, OP_lb, OP_lbu };
	static const enum isa_op sops[] = { OP_sw, OP_sh, OP_sb };
	static const enum isa_op bops[] = { OP_beq, OP_bne, OP_blt, OP_bge, OP_bltu, OP_bgeu };
	unsigned left = BODY_LEN - i; /* forward jumps stay in the body */
	int32_t fwd = (int32_t)(1 + rnd(r, left < 8 ? left : 8));

	switch (rnd(r, 20)) {
	case 0: case 1: case 2: case 3:
		return g_r(rops[rnd(r, sizeof rops / sizeof rops[0])], dst(r), src(r), src(r));
	case 4: case 5:
		return g_i(iops[rnd(r, 3)], dst(r), src(r), (int32_t)rnd(r, 65536) - 32768);
	case 6:
		return g_i(uops[rnd(r, 3)], dst(r), src(r), (int32_t)rnd(r, 65536));
	case 7:
		return rnd(r, 2) ? g_i(shops[rnd(r, 3)], dst(r), src(r), (int32_t)rnd(r, 32))
				 : g_i(OP_lui, dst(r), 0, (int32_t)rnd(r, 65536));
	case 8: case 9: case 10:
		return g_i(lops[rnd(r, 5)], dst(r), 14, (int32_t)rnd(r, 2 * PAGE_SIZE));
	case 11: case 12:
		return g_s(sops[rnd(r, 3)], src(r), 14, (int32_t)rnd(r, 2 * PAGE_SIZE));
	case 13:
		return g_b(bops[rnd(r, 6)], src(r), src(r), fwd);
	case 14:
		return rnd(r, 3) ? g_j(OP_jal, fwd) : g_j(OP_j, fwd);
	case 15:
		switch (rnd(r, 4)) {
		case 0: return g_n(OP_syscall);
		case 1: return g_n(OP_break);
		case 2: return g_n(OP_hypercall);
		default: return g_rd(OP_rdcycle, dst(r));
		}
	case 16: /* devices: random numbers, the cycle counter, console output */
		switch (rnd(r, 3)) {
		case 0: return g_i(OP_lw, dst(r), 11, 0x6000);
		case 1: return g_i(OP_lw, dst(r), 11, 0x1010);
		default: return g_s(OP_sw, src(r), 11, 0x2000);
		}
	case 17:
		return rnd(r, 8) ? g_rd(OP_rdpsw, dst(r)) : g_n(OP_halt);
	case 18:
		return rnd(r, 2) ? g_rs(OP_tlbinv, 14) : g_n(OP_tlbflush);
	default:
		return g_i(OP_addi, dst(r), src(r), (int32_t)rnd(r, 64));
	}
}

static void console_drop(void *opaque, const uint8_t *b, size_t n)
{
	(void)opaque;
	(void)b;
	(void)n;
}

/* A machine with a generated program ready to run at G_CODE. */
static struct machine *gen_machine(uint64_t seed, bool paging, const char *disk)
{
	struct machine_config cfg;
	struct rng r = { seed * 0x9e3779b97f4a7c15u + 1 };
	struct machine *m;

	machine_config_defaults(&cfg);
	cfg.seed = seed;
	cfg.disk_path = disk;
	cfg.io.console_out = console_drop;
	m = g_machine_cfg(&cfg);
	for (unsigned i = 0; i < TRAP_VECTOR_SLOTS; i++)
		g_poke(m, G_VEC + 4 * i, g_j(OP_j, (int32_t)(HANDLER - (G_VEC + 4 * i)) / 4));
	g_set_cr(m, CR_TVEC, G_VEC);
	/* skip every trap but syscall (epc is already past it); on an
	 * interrupt, acknowledge the timer */
	G_PROG(m, HANDLER,
	       g_mfcr(13, CR_CAUSE),
	       g_i(OP_andi, 13, 13, 0xff),
	       g_b(OP_beq, 13, 0, 7),
	       g_i(OP_addi, 12, 0, 1),
	       g_b(OP_beq, 13, 12, 8),
	       g_mfcr(13, CR_EPC),
	       g_i(OP_addi, 13, 13, 4),
	       g_mtcr(CR_EPC, 13),
	       g_j(OP_j, 4),
	       g_i(OP_lui, 13, 0, 0xf000),          /* irq: */
	       g_i(OP_addi, 12, 0, 1),
	       g_s(OP_sw, 12, 13, 0x1008),
	       g_n(OP_rfe));                         /* done: */
	uint32_t period = 40 + rnd(&r, 400);
	G_PROG(m, G_CODE,
	       g_i(OP_lui, 11, 0, 0xf000),
	       G_LI(14, G_DATA),
	       g_i(OP_addi, 1, 0, (int32_t)period),
	       g_s(OP_sw, 1, 11, 0x1004),
	       g_i(OP_addi, 1, 0, 7),
	       g_s(OP_sw, 1, 11, 0x1000),           /* timer: periodic, interrupting */
	       g_i(OP_addi, 1, 0, 1),
	       g_s(OP_sw, 1, 11, 0x0004),           /* intc: line 0 on */
	       g_i(OP_addi, 1, 0, PSW_IE),
	       g_rs(OP_wrpsw, 1),
	       g_j(OP_j, (int32_t)(BODY - (G_CODE + 40)) / 4));
	for (unsigned i = 0; i < BODY_LEN; i++)
		g_poke(m, BODY + 4 * i, gen_insn(&r, i));
	g_poke(m, BODY + 4 * BODY_LEN, g_j(OP_j, -BODY_LEN));
	for (uint32_t a = G_DATA; a < G_DATA + 2 * PAGE_SIZE; a += 4)
		g_poke(m, a, (uint32_t)rnd(&r, 0xffffffffu));
	if (paging) {
		struct g_pt pt;
		g_paging(&pt, m);
		for (uint32_t a = 0; a < G_DATA + 2 * PAGE_SIZE; a += PAGE_SIZE)
			g_map(&pt, a, a, PTE_P | (a == RO_PAGE ? 0 : PTE_W));
		for (uint32_t a = MMIO_BASE; a <= MMIO_RNG; a += PAGE_SIZE)
			g_map(&pt, a, a, PTE_P | PTE_W);
		g_set_cr(m, CR_MMU, MMU_PG);
	}
	machine_set_pc(m, G_CODE);
	return m;
}

static struct machine_state *save(struct machine *m)
{
	char err[128];
	struct machine_state *s = machine_state_save(m, err, sizeof err);

	ck_assert_msg(s != NULL, "save: %s", err);
	return s;
}

static void restore(struct machine *m, const struct machine_state *s)
{
	char err[256];

	ck_assert_msg(machine_state_restore(m, s, err, sizeof err), "restore: %s", err);
}

static void assert_same(const struct machine_state *a, const struct machine_state *b, const char *what,
			uint64_t seed)
{
	char why[256];

	ck_assert_msg(machine_state_equal(a, b, why, sizeof why), "seed %llu: %s: %s",
		      (unsigned long long)seed, what, why);
}

static void run_steps(struct machine *m, uint64_t n)
{
	enum machine_stop s = machine_run(m, n);

	ck_assert_msg(s == STOP_LIMIT, "stopped with %d (%s)", (int)s,
		      machine_fatal_report(m) ? machine_fatal_report(m)->reason : "-");
}

/* ---- snapshots ------------------------------------------------------------ */

START_TEST(test_restore_replays_exactly)
{
	for (uint64_t seed = 1; seed <= 24; seed++) {
		struct rng r = { seed };
		struct machine *m = gen_machine(seed, seed & 1, NULL);
		run_steps(m, 50 + rnd(&r, 3000));
		struct machine_state *a = save(m);
		uint64_t more = 1 + rnd(&r, 3000);
		run_steps(m, more);
		struct machine_state *b = save(m);
		restore(m, a);
		struct machine_state *a2 = save(m);
		assert_same(a, a2, "restore gives back the saved state", seed);
		run_steps(m, more);
		struct machine_state *b2 = save(m);
		assert_same(b, b2, "running on from a restore", seed);
		machine_state_free(a);
		machine_state_free(a2);
		machine_state_free(b);
		machine_state_free(b2);
		machine_free(m);
	}
}
END_TEST

START_TEST(test_states_differ)
{
	struct machine *m = gen_machine(7, false, NULL);
	struct machine_state *a = save(m), *b;
	char why[256];

	run_steps(m, 100);
	b = save(m);
	ck_assert(!machine_state_equal(a, b, why, sizeof why));
	machine_state_free(a);
	machine_set_reg(m, 3, machine_reg(m, 3) ^ 1);
	a = save(m);
	ck_assert(!machine_state_equal(a, b, why, sizeof why));
	ck_assert_msg(!strncmp(why, "r3: ", 4), "%s", why);
	machine_state_free(b);
	b = save(m);
	ck_assert(machine_phys_write(m, G_DATA + 12, "x", 1));
	machine_state_free(a);
	a = save(m);
	ck_assert(!machine_state_equal(a, b, why, sizeof why));
	ck_assert_msg(strstr(why, "ram: byte at 0x0000800c") != NULL, "%s", why);
	machine_state_free(a);
	machine_state_free(b);
	machine_free(m);
}
END_TEST

START_TEST(test_other_machine_refused)
{
	struct machine_config cfg;
	struct machine *m = gen_machine(3, false, NULL), *other;
	struct machine_state *s = save(m), *before;
	char err[256], why[256];

	machine_config_defaults(&cfg);
	cfg.mem_bytes = 32u << 20;
	other = g_machine_cfg(&cfg);
	before = save(other);
	ck_assert(!machine_state_restore(other, s, err, sizeof err));
	ck_assert_msg(strstr(err, "RAM") != NULL, "%s", err);
	machine_state_free(s);
	s = save(other);
	ck_assert_msg(machine_state_equal(before, s, why, sizeof why), "refused restore changed it: %s", why);
	machine_state_free(s);
	machine_state_free(before);
	machine_free(other);

	cfg.mem_bytes = 16u << 20;
	cfg.variant = VARIANT_STRICT;
	other = g_machine_cfg(&cfg);
	s = save(m);
	ck_assert(!machine_state_restore(other, s, err, sizeof err));
	ck_assert_msg(strstr(err, "classic") != NULL, "%s", err);
	machine_state_free(s);
	machine_free(other);
	machine_free(m);
}
END_TEST

/* ---- files ------------------------------------------------------------------- */

static char tmpdir[64];

static void tmp_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/vmlab-ckXXXXXX");
	ck_assert(mkdtemp(tmpdir) != NULL);
}

static void tmp_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void patch_file(const char *path, long off, const void *bytes, size_t n)
{
	FILE *f = fopen(path, "r+b");

	ck_assert(f != NULL);
	ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
	ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
	fclose(f);
}

static void expect_refused(const char *path, const char *message)
{
	char err[512];
	struct machine_state *s = machine_state_read_file(path, NULL, NULL, false, NULL, err, sizeof err);

	ck_assert_msg(s == NULL, "%s was accepted", path);
	ck_assert_msg(strstr(err, path) == err && strstr(err, message), "%s: got \"%s\"", message, err);
}

START_TEST(test_file_roundtrip_and_damage)
{
	struct machine *m = gen_machine(11, true, NULL);
	char path[128], err[512];
	struct machine_state *s, *back;

	run_steps(m, 2000);
	s = save(m);
	snprintf(path, sizeof path, "%s/ck", tmpdir);
	ck_assert_msg(machine_state_write_file(s, path, NULL, err, sizeof err), "%s", err);
	back = machine_state_read_file(path, NULL, NULL, false, NULL, err, sizeof err);
	ck_assert_msg(back != NULL, "%s", err);
	assert_same(s, back, "file round trip", 11);
	machine_state_free(back);

	patch_file(path, 200, "\x55", 1); /* a flipped byte in the payload */
	expect_refused(path, "checksum mismatch (damaged)");
	ck_assert(machine_state_write_file(s, path, NULL, err, sizeof err));
	ck_assert_int_eq(truncate(path, 1000), 0);
	expect_refused(path, "truncated (damaged)");
	ck_assert(machine_state_write_file(s, path, NULL, err, sizeof err));
	patch_file(path, 8, "\x07\x00\x00\x00", 4);
	expect_refused(path, "format version 7, this vmlab reads 2 (written by a newer vmlab)");
	patch_file(path, 8, "\x01\x00\x00\x00", 4);
	expect_refused(path, "format version 1, this vmlab reads 2 (written by an older vmlab)");
	patch_file(path, 0, "\x7f" "ELF", 4);
	expect_refused(path, "not a vmlab checkpoint");
	ck_assert_int_eq(truncate(path, 3), 0);
	expect_refused(path, "not a vmlab checkpoint");
	snprintf(path, sizeof path, "%s/missing", tmpdir);
	ck_assert(machine_state_read_file(path, NULL, NULL, false, NULL, err, sizeof err) == NULL);
	ck_assert_msg(strstr(err, "No such file") != NULL, "%s", err);
	machine_state_free(s);
	machine_free(m);
}
END_TEST

/* The disk's file goes back and forth with the snapshots. */
START_TEST(test_disk_contents_follow_snapshots)
{
	char path[128], err[256];
	uint8_t block[512], orig[2048], now[2048];
	int fd;

	snprintf(path, sizeof path, "%s/disk", tmpdir);
	for (unsigned i = 0; i < sizeof orig; i++)
		orig[i] = (uint8_t)(i * 7);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	ck_assert(fd >= 0);
	ck_assert_int_eq(write(fd, orig, sizeof orig), (int)sizeof orig);
	close(fd);

	struct machine *m = gen_machine(5, false, path);
	G_PROG(m, G_CODE, g_j(OP_j, 0)); /* time passes in a loop */
	memset(block, 0xab, sizeof block);
	ck_assert(machine_phys_write(m, G_DATA, block, sizeof block));
	struct machine_state *s0 = save(m);
	ck_assert(machine_bus_write(m, MMIO_DISK + 0x00, 2));      /* BLOCK */
	ck_assert(machine_bus_write(m, MMIO_DISK + 0x04, G_DATA)); /* ADDR  */
	ck_assert(machine_bus_write(m, MMIO_DISK + 0x08, 1));      /* COUNT */
	ck_assert(machine_bus_write(m, MMIO_DISK + 0x0c, 2));      /* WRITE */
	struct machine_state *s1 = save(m);                        /* in flight */
	run_steps(m, 10000);
	struct machine_state *s2 = save(m);
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(read(fd, now, sizeof now), (int)sizeof now);
	ck_assert(!memcmp(now + 1024, block, 512));

	restore(m, s0);
	ck_assert_int_eq(pread(fd, now, sizeof now, 0), (int)sizeof now);
	ck_assert_msg(!memcmp(now, orig, sizeof orig), "restoring undoes the write");
	restore(m, s2);
	ck_assert_int_eq(pread(fd, now, sizeof now, 0), (int)sizeof now);
	ck_assert_msg(!memcmp(now + 1024, block, 512), "restoring redoes it");
	restore(m, s1);
	ck_assert_int_eq(pread(fd, now, sizeof now, 0), (int)sizeof now);
	ck_assert_msg(!memcmp(now, orig, sizeof orig), "in flight: not written yet");
	run_steps(m, 10000);
	struct machine_state *s3 = save(m);
	assert_same(s2, s3, "the command completes again the same way", 5);
	close(fd);
	machine_state_free(s0);
	machine_state_free(s1);
	machine_state_free(s2);
	machine_state_free(s3);
	machine_free(m);
	(void)err;
}
END_TEST

/* ---- reverse execution -------------------------------------------------------- */

static FILE *devnull(void)
{
	FILE *f = fopen("/dev/null", "w");

	ck_assert(f != NULL);
	return f;
}

static struct dbg *debugger(struct machine *m, FILE *out, uint64_t interval, size_t budget)
{
	struct dbg *d = dbg_new(&(struct dbg_config){ .m = m, .out = out, .err = out,
						      .checkpoint_interval = interval,
						      .exact_interval = interval != 0,
						      .history_bytes = budget });
	ck_assert(d != NULL);
	return d;
}

static void exec(struct dbg *d, const char *fmt, unsigned long long n)
{
	char line[64];

	snprintf(line, sizeof line, fmt, n);
	ck_assert_msg(dbg_exec(d, line) == DBG_OK, "%s failed", line);
}

START_TEST(test_reverse_stepi_then_stepi_is_exact)
{
	FILE *out = devnull();

	for (uint64_t seed = 1; seed <= 16; seed++) {
		struct rng r = { seed + 100 };
		struct machine *m = gen_machine(seed, seed % 3 == 0, NULL);
		/* small snapshots interval and budget: replays start from many
		 * places, and thinning happens */
		struct dbg *d = debugger(m, out, 64 + rnd(&r, 200), seed & 1 ? 256 << 10 : 0);
		exec(d, "stepi %llu", 500 + rnd(&r, 4000));
		for (int k = 0; k < 4; k++) {
			struct machine_state *a = save(m), *b;
			unsigned long long n = 1 + rnd(&r, k == 3 ? 3000 : 300);
			if (n > dbg_steps(d))
				n = dbg_steps(d);
			uint64_t before = dbg_steps(d);
			exec(d, "reverse-stepi %llu", n);
			ck_assert_uint_eq(dbg_steps(d) + n, before);
			exec(d, "stepi %llu", n);
			b = save(m);
			assert_same(a, b, "reverse-stepi N; stepi N", seed);
			machine_state_free(a);
			machine_state_free(b);
			exec(d, "stepi %llu", 1 + rnd(&r, 500));
		}
		dbg_free(d);
		machine_free(m);
	}
	fclose(out);
}
END_TEST

/* The history keeps several snapshots, thins them over budget, and
 * still replays exactly from them. */
START_TEST(test_history_thins_and_replays)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct machine *m = gen_machine(9, true, NULL);
	struct dbg *d = debugger(m, out, 100, 200 << 10);
	unsigned long long nck, spacing;

	exec(d, "stepi %llu", 20000);
	struct machine_state *a = save(m);
	exec(d, "info checkpoints", 0);
	fflush(out);
	const char *line = strstr(text, "Reverse-execution history: ");
	ck_assert_msg(line && sscanf(line, "Reverse-execution history: %llu snapshots from step 0 to step %*u, "
				     "spaced %llu", &nck, &spacing) == 2, "%s", text);
	ck_assert_msg(nck > 2 && spacing > 100, "%llu snapshots spaced %llu", nck, spacing);
	exec(d, "reverse-stepi %llu", 19999);
	exec(d, "stepi %llu", 19999);
	struct machine_state *b = save(m);
	assert_same(a, b, "replay across thinned history", 9);
	machine_state_free(a);
	machine_state_free(b);
	dbg_free(d);
	machine_free(m);
	fclose(out);
	free(text);
}
END_TEST

/* Stopping anywhere does not change where the machine goes. */
START_TEST(test_single_steps_equal_one_run)
{
	FILE *out = devnull();

	for (uint64_t seed = 30; seed < 36; seed++) {
		struct machine *m1 = gen_machine(seed, seed & 1, NULL), *m2 = gen_machine(seed, seed & 1, NULL);
		struct dbg *d1 = debugger(m1, out, 0, 0), *d2 = debugger(m2, out, 0, 0);
		exec(d1, "stepi %llu", 1500);
		for (int i = 0; i < 1500; i++)
			exec(d2, "stepi", 0);
		struct machine_state *a = save(m1), *b = save(m2);
		assert_same(a, b, "stepi 1500 vs 1500 x stepi", seed);
		machine_state_free(a);
		machine_state_free(b);
		dbg_free(d1);
		dbg_free(d2);
		machine_free(m1);
		machine_free(m2);
	}
	fclose(out);
}
END_TEST

/* reverse-continue lands where a forward continue stopped before. */
START_TEST(test_reverse_continue_finds_last_hit)
{
	FILE *out = devnull();
	struct machine *m = gen_machine(42, false, NULL);
	struct dbg *d = debugger(m, out, 100, 0);
	struct machine_state *hits[4];

	exec(d, "break *0x%llx", BODY + 4 * 17);
	for (int i = 0; i < 4; i++) {
		exec(d, "continue", 0);
		ck_assert_uint_eq(machine_pc(m), BODY + 4 * 17);
		hits[i] = save(m);
	}
	exec(d, "stepi %llu", 37);
	for (int i = 3; i >= 0; i--) {
		exec(d, "reverse-continue", 0);
		struct machine_state *s = save(m);
		assert_same(hits[i], s, "reverse-continue", 42);
		machine_state_free(s);
		machine_state_free(hits[i]);
	}
	exec(d, "reverse-continue", 0);
	ck_assert_uint_eq(dbg_steps(d), 0);
	dbg_free(d);
	machine_free(m);
	fclose(out);
}
END_TEST

static Suite *snapshot_suite(void)
{
	Suite *s = suite_create("snapshot");
	TCase *t = g_tcase(s, "snapshots");

	tcase_add_test(t, test_restore_replays_exactly);
	tcase_add_test(t, test_states_differ);
	tcase_add_test(t, test_other_machine_refused);
	t = g_tcase(s, "files");
	tcase_add_checked_fixture(t, tmp_setup, tmp_teardown);
	tcase_add_test(t, test_file_roundtrip_and_damage);
	tcase_add_test(t, test_disk_contents_follow_snapshots);
	t = g_tcase(s, "reverse");
	tcase_add_test(t, test_reverse_stepi_then_stepi_is_exact);
	tcase_add_test(t, test_history_thins_and_replays);
	tcase_add_test(t, test_single_steps_equal_one_run);
	tcase_add_test(t, test_reverse_continue_finds_last_hit);
	return s;
}

int main(void)
{
	return g_main(snapshot_suite());
}
