/*
 * check_ckfile.c -- checkpoint files as untrusted input (sim/snapshot.c):
 * the image a file belongs to, pages stored by reference or run-length
 * coded, and every field checked against what the machine can reach.
 *
 * The field tests write a real checkpoint, change one field in it, put
 * the checksum right again (so only the field check can catch it) and
 * expect the load to be refused with a message naming the field.  The
 * offsets come from the layout in docs/debugger.md §8 and machine.h.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/image.h"
#include "tests/unit/helpers/bytes.h"
#include "tests/unit/helpers/guest.h"

static char tmpdir[64];
static char path[128];

static void tmp_setup(void)
{
	g_setup();
	snprintf(tmpdir, sizeof tmpdir, "/tmp/vmlab-ckfXXXXXX");
	ck_assert(mkdtemp(tmpdir) != NULL);
	snprintf(path, sizeof path, "%s/ck", tmpdir);
}

static void tmp_teardown(void)
{
	unlink(path);
	rmdir(tmpdir);
	g_teardown();
}

static uint8_t *slurp(size_t *n)
{
	return g_file_read(path, n);
}

static void spill(const uint8_t *buf, size_t n)
{
	g_file_write(path, buf, n);
}

#define rd32 g_rd32
#define wr32 g_wr32

/* The header's checksum over the body, as the writer computes it. */
static void fix_checksum(uint8_t *buf, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 28; i < n; i++) {
		h ^= buf[i];
		h *= 0x100000001b3u;
	}
	wr32(buf + 20, (uint32_t)h);
	wr32(buf + 24, (uint32_t)(h >> 32));
}

/* Offsets of the parts of a file written without an image. */
struct layout { size_t cpu, machine, tlb; };

static struct layout layout_of(const uint8_t *buf)
{
	struct layout l;
	size_t p = 28 + 8;

	p += 4 + rd32(buf + p);                      /* image path */
	p += 16;                                     /* variant, mem, tlb, ndevices */
	for (unsigned i = 0; i < machine_device_count(gm); i++)
		p += 4 + rd32(buf + p);              /* device names */
	l.cpu = p;
	p += 16 * 4 + 4 + 4 + CR_COUNT * 4 + 3 * 8 + 1 + 5 * 4 + 1;
	l.machine = p;
	uint32_t ntimers = rd32(buf + p + 8);
	p += 12 + 9 * (size_t)ntimers + 4 + 1 + 1 + 4 + 1 + 16 + 1;
	p += 4 + rd32(buf + p);                      /* fatal reason */
	p += 8 + 8 + TRAP_NCAUSES * 8 + 5 * 8;
	l.tlb = p;
	return l;
}

/* The TLB size is in the configuration: variant, mem, tlb. */
static size_t tlb_entries(const uint8_t *buf)
{
	size_t p = 28 + 8;
	p += 4 + rd32(buf + p);
	return rd32(buf + p + 8);
}

/* Where device `name`'s saved state starts. */
static size_t device_at(const uint8_t *buf, const char *name)
{
	struct layout l = layout_of(buf);
	size_t p = l.tlb + 11 * tlb_entries(buf);
	uint32_t npages = rd32(buf + p);

	p += 4;
	for (uint32_t i = 0; i < npages; i++) {
		uint8_t kind = buf[p + 4];
		p += 5;
		p += kind == 0 ? 4096 : kind == 1 ? 2 + (buf[p] | buf[p + 1] << 8) : 0;
	}
	for (unsigned i = 0; i < machine_device_count(gm); i++) {
		const char *dn;
		uint32_t base, size;
		ck_assert(machine_device_info(gm, i, &dn, &base, &size));
		if (!strcmp(dn, name))
			return p + 4;
		p += 4 + rd32(buf + p);
	}
	ck_abort_msg("no device %s", name);
	return 0;
}

static void save_file(void)
{
	char err[256];
	struct machine_state *s = machine_state_save(gm, err, sizeof err);

	ck_assert_msg(s, "%s", err);
	ck_assert_msg(machine_state_write_file(s, path, NULL, err, sizeof err), "%s", err);
	machine_state_free(s);
}

/* Load the file into gm: NULL if accepted, else the message.  A refused
 * device state may leave a partial restore (machine.h): gm goes back to
 * what it was, as the debugger's load does. */
static const char *load_file(void)
{
	static char err[512];
	char err2[256];
	struct machine_state *s = machine_state_read_file(path, gm, NULL, false, NULL, err,
							  sizeof err);
	struct machine_state *backup = machine_state_save(gm, err2, sizeof err2);
	bool ok;

	ck_assert(backup);
	if (!s) {
		machine_state_free(backup);
		return err;
	}
	ok = machine_state_restore(gm, s, err, sizeof err);
	if (!ok)
		ck_assert_msg(machine_state_restore(gm, backup, err2, sizeof err2), "%s", err2);
	machine_state_free(s);
	machine_state_free(backup);
	return ok ? NULL : err;
}

/* Patch 4 bytes at off (from f(buf)), fix the checksum, expect refusal. */
static void expect_field_refused(size_t off, uint32_t value, const char *field)
{
	size_t n;
	uint8_t *buf = slurp(&n);
	const char *why;

	ck_assert_uint_lt(off + 4, n);
	wr32(buf + off, value);
	fix_checksum(buf, n);
	spill(buf, n);
	free(buf);
	why = load_file();
	ck_assert_msg(why && strstr(why, "unreachable state") && strstr(why, field),
		      "%s: got \"%s\"", field, why ? why : "accepted");
}

START_TEST(test_fields_checked)
{
	struct layout l;
	size_t n;
	uint8_t *buf;

	save_file();
	ck_assert_msg(load_file() == NULL, "an intact file loads: %s", load_file());
	buf = slurp(&n);
	l = layout_of(buf);
	free(buf);
	expect_field_refused(l.cpu, 1, "r0");
	save_file();
	expect_field_refused(l.cpu + 68, 0x80000000u, "psw");
	save_file();
	expect_field_refused(l.cpu + 72 + 4 * CR_ASID, 0x1234, "asid");
	save_file();
	expect_field_refused(l.cpu + 72 + 4 * CR_MEMSIZE, 0x1000, "memsize");
	save_file();
	expect_field_refused(l.cpu + 72 + 4 * 12, 5, "control register 12");
	save_file();
	expect_field_refused(l.cpu + 72 + 4 * CR_COUNT + 4, 0x40000000u, "instret");
	save_file();
	expect_field_refused(l.tlb + 4, 0x00100000u, "tlb entry 0");      /* frame past 4 GiB */
	save_file();
	buf = slurp(&n);
	buf[l.tlb + 10] = 1;                                                /* valid ... */
	spill(buf, n);
	free(buf);
	expect_field_refused(l.tlb, 3, "tlb entry 0 holds page 0x3");      /* ... in slot 3's place */
}
END_TEST

/* Device registers against their event timers and interrupt lines. */
START_TEST(test_device_states_checked)
{
	save_file();
	size_t n;
	uint8_t *buf = slurp(&n);
	size_t timer = device_at(buf, "timer"), disk = device_at(buf, "disk");
	free(buf);
	expect_field_refused(timer, 0x80, "timer CTRL");
	save_file();
	expect_field_refused(timer, 0x1, "timer ENABLE");      /* enabled, no timer armed */
	save_file();
	save_file();
	buf = slurp(&n);
	wr32(buf + timer, 0x4);                                     /* IRQ_ENABLE, EXPIRED, line down */
	spill(buf, n);
	free(buf);
	expect_field_refused(timer + 8, 0x1, "irq line 0");
	save_file();
	expect_field_refused(disk + 16, 0x1, "disk BUSY");  /* busy, no completion timer */
	save_file();
	expect_field_refused(disk + 16, 0x10, "disk STATUS");
}
END_TEST

/* A state with the periodic timer armed loads and runs on identically. */
START_TEST(test_armed_timer_loads)
{
	char err[256], why[256];

	ck_assert(machine_bus_write(gm, MMIO_TIMER + 0x04, 1000));
	ck_assert(machine_bus_write(gm, MMIO_TIMER + 0x00, 0x7));
	G_PROG(gm, G_CODE, g_j(OP_j, 0));
	machine_run(gm, 5000);
	save_file();
	struct machine_state *a = machine_state_save(gm, err, sizeof err);
	ck_assert_msg(load_file() == NULL, "%s", load_file());
	struct machine_state *b = machine_state_save(gm, err, sizeof err);
	ck_assert_msg(machine_state_equal(a, b, why, sizeof why), "%s", why);
	machine_state_free(a);
	machine_state_free(b);
}
END_TEST

/* An image of two segments, one page of code-like bytes and some data. */
static struct image *make_image(uint8_t fill)
{
	struct image *img = calloc(1, sizeof *img);
	static const uint32_t addr[2] = { G_CODE, G_DATA };

	img->segs = calloc(2, sizeof *img->segs);
	img->nsegs = 2;
	img->entry = G_CODE;
	for (int i = 0; i < 2; i++) {
		struct image_segment *g = &img->segs[i];
		g->addr = addr[i];
		g->memsz = g->filesz = 3000;
		g->data = malloc(g->filesz);
		for (uint32_t k = 0; k < g->filesz; k++)
			g->data[k] = (uint8_t)(k * 13 + fill + i);
		g->flags = SEG_R | (i ? SEG_W : SEG_X);
	}
	return img;
}

START_TEST(test_image_pages_and_identity)
{
	char err[512], why[256];
	struct image *img = make_image(1), *other = make_image(2);
	struct machine_image_id id = { "prog.elf", img }, id2 = { "other.elf", other };
	bool differs;
	struct stat st;

	ck_assert_msg(machine_load_image(gm, img, err, sizeof err), "%s", err);
	/* a kernel that touches every page with a word, as toyos's free list */
	for (uint32_t pa = 0x10000; pa < 0x400000; pa += PAGE_SIZE)
		g_poke(gm, pa, pa | 1);
	struct machine_state *s = machine_state_save(gm, err, sizeof err);
	ck_assert(s);
	ck_assert(machine_state_write_file(s, path, &id, err, sizeof err));
	ck_assert_int_eq(stat(path, &st), 0);
	/* 1008 touched pages: 4 MiB in memory, a few bytes each in the file */
	ck_assert_uint_gt(machine_state_bytes(s), 4000000);
	ck_assert_msg(st.st_size < 20000, "file of %lld bytes", (long long)st.st_size);

	struct machine_state *back = machine_state_read_file(path, gm, &id, false, &differs, err,
							     sizeof err);
	ck_assert_msg(back && !differs, "%s", err);
	ck_assert_msg(machine_state_equal(s, back, why, sizeof why), "%s", why);
	machine_state_free(back);

	/* another image: refused, with the image the file names */
	back = machine_state_read_file(path, gm, &id2, false, &differs, err, sizeof err);
	ck_assert(back == NULL && differs);
	ck_assert_msg(strstr(err, "made with another image (prog.elf)"), "%s", err);
	/* force: the image's pages come from this session's image */
	back = machine_state_read_file(path, gm, &id2, true, &differs, err, sizeof err);
	ck_assert_msg(back != NULL, "%s", err);
	ck_assert_msg(machine_state_restore(gm, back, err, sizeof err), "%s", err);
	ck_assert_uint_eq(g_peek(gm, G_DATA) & 0xff, (uint8_t)(2 + 1));
	ck_assert_uint_eq(g_peek(gm, 0x20000), 0x20001);
	machine_state_free(back);
	/* no image in this session: the file's image pages cannot be had */
	back = machine_state_read_file(path, gm, NULL, false, NULL, err, sizeof err);
	ck_assert(back == NULL);
	ck_assert_msg(strstr(err, "pages stored as its image"), "%s", err);
	machine_state_free(s);
	image_free(img);
	image_free(other);
}
END_TEST

/* Pages that compress and pages that do not survive the round trip. */
START_TEST(test_page_coding_roundtrip)
{
	char err[512], why[256];
	uint32_t x = 12345;

	for (uint32_t pa = 0x20000; pa < 0x28000; pa += 4) {  /* random: raw */
		x = x * 1103515245u + 12345u;
		g_poke(gm, pa, x);
	}
	for (uint32_t pa = 0x30000; pa < 0x31000; pa += 4)    /* runs and literals */
		g_poke(gm, pa, pa % 64 < 32 ? 0xffffffffu : pa);
	g_poke(gm, 0x31ffc, 7);                                /* a run to the end */
	struct machine_state *s = machine_state_save(gm, err, sizeof err);
	ck_assert(machine_state_write_file(s, path, NULL, err, sizeof err));
	struct machine_state *back = machine_state_read_file(path, gm, NULL, false, NULL, err,
							     sizeof err);
	ck_assert_msg(back, "%s", err);
	ck_assert_msg(machine_state_equal(s, back, why, sizeof why), "%s", why);
	machine_state_free(back);

	/* a damaged run length (checksum fixed): refused, never a crash */
	size_t n;
	uint8_t *buf = slurp(&n);
	for (size_t i = 28; i + 8 < n; i++)
		if (buf[i] == 0x30 && buf[i + 1] == 0 && buf[i + 4] == 1) { /* frame 0x30, RLE */
			buf[i + 7] ^= 0x40;
			break;
		}
	fix_checksum(buf, n);
	spill(buf, n);
	free(buf);
	back = machine_state_read_file(path, gm, NULL, false, NULL, err, sizeof err);
	ck_assert_msg(back == NULL && strstr(err, "malformed (ram section)"), "%s",
		      back ? "accepted" : err);
	machine_state_free(s);
}
END_TEST

static Suite *ckfile_suite(void)
{
	Suite *s = suite_create("ckfile");
	TCase *t = tcase_create("ckfile");

	tcase_add_checked_fixture(t, tmp_setup, tmp_teardown);
	tcase_add_test(t, test_fields_checked);
	tcase_add_test(t, test_device_states_checked);
	tcase_add_test(t, test_armed_timer_loads);
	tcase_add_test(t, test_image_pages_and_identity);
	tcase_add_test(t, test_page_coding_roundtrip);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return g_main(ckfile_suite());
}
