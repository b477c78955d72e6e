/*
 * check_image.c -- ELF images (sim/image.c): what is written is read back
 * the same; every damaged, truncated or foreign file is refused with a
 * one-line "PATH: reason" and never crashes the reader; the lookups.
 *
 * The images here are built by hand (no assembler), and damaged files
 * are made by patching a good one at offsets taken from its own headers.
 */
#include <check.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/image.h"
#include "sim/isa.h"
#include "tests/unit/helpers/bytes.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_image.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/prog.elf", dir);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *sdup(const char *s)
{
	return strcpy(malloc(strlen(s) + 1), s);
}

/* A small image: .text with 3 words, .data with 5 bytes, .bss of 64. */
static struct image *sample(void)
{
	struct image *img = calloc(1, sizeof *img);
	img->entry = 0x1004;
	img->nsegs = 3;
	img->segs = calloc(3, sizeof *img->segs);
	static const uint8_t text[12] = { 0x05, 0x00, 0x10, 0x20, 0, 0, 0, 0x20, 0, 0, 0x06, 0x38 };
	img->segs[0] = (struct image_segment){ sdup(".text"), 0x1000, 12, 12,
					       memcpy(malloc(12), text, 12), SEG_R | SEG_X, 0 };
	img->segs[1] = (struct image_segment){ sdup(".data"), 0x2000, 5, 5,
					       memcpy(malloc(5), "hello", 5), SEG_R | SEG_W, 0 };
	img->segs[2] = (struct image_segment){ sdup(".bss"), 0x2010, 64, 0, NULL, SEG_R | SEG_W, 0 };
	img->nsyms = 5;
	img->syms = calloc(5, sizeof *img->syms);
	img->syms[0] = (struct image_symbol){ sdup("loop"), 0x1000, 0, SYM_NOTYPE, false };
	img->syms[1] = (struct image_symbol){ sdup("_start"), 0x1004, 0, SYM_FUNC, true };
	img->syms[2] = (struct image_symbol){ sdup("msg"), 0x2000, 5, SYM_OBJECT, false };
	img->syms[3] = (struct image_symbol){ sdup("buf"), 0x2010, 0, SYM_OBJECT, true };
	img->syms[4] = (struct image_symbol){ sdup("UART"), 0xf0002000, 0, SYM_ABS, false };
	img->nfiles = 2;
	img->files = calloc(2, sizeof *img->files);
	img->files[0] = sdup("prog.s");
	img->files[1] = sdup("lib/inc.s");
	img->nlines = 3;
	img->lines = calloc(3, sizeof *img->lines);
	img->lines[0] = (struct image_line){ 0x1000, 0, 3 };
	img->lines[1] = (struct image_line){ 0x1004, 1, 10 };
	img->lines[2] = (struct image_line){ 0x2000, 0, 7 };
	return img;
}

static void write_sample(void)
{
	char err[256];
	struct image *img = sample();
	ck_assert_msg(image_write_elf(img, path, err, sizeof err), "%s", err);
	image_free(img);
}

static uint8_t *load(size_t *n)
{
	return g_file_read(path, n);
}

static void store(const uint8_t *p, size_t n)
{
	g_file_write(path, p, n);
}

#define rd32 g_rd32
#define wr32 g_wr32

/* The reader refuses the file at `path` with exactly "PATH: reason". */
static void refused(const char *reason)
{
	char err[256], want[256];
	struct image *img = image_read_elf(path, err, sizeof err);
	ck_assert_msg(img == NULL, "accepted; expected '%s'", reason);
	snprintf(want, sizeof want, "%s: %s", path, reason);
	ck_assert_str_eq(err, want);
}

/* ---- round trip ---- */

START_TEST(test_round_trip)
{
	char err[256];
	write_sample();
	struct image *a = sample(), *b = image_read_elf(path, err, sizeof err);
	ck_assert_msg(b != NULL, "%s", err);
	ck_assert_uint_eq(b->entry, a->entry);
	ck_assert_uint_eq(b->nsegs, a->nsegs);
	for (size_t i = 0; i < a->nsegs; i++) {
		ck_assert_str_eq(b->segs[i].name, a->segs[i].name);
		ck_assert_uint_eq(b->segs[i].addr, a->segs[i].addr);
		ck_assert_uint_eq(b->segs[i].memsz, a->segs[i].memsz);
		ck_assert_uint_eq(b->segs[i].filesz, a->segs[i].filesz);
		ck_assert_uint_eq(b->segs[i].flags, a->segs[i].flags);
		ck_assert_uint_eq(b->segs[i].run_offset, a->segs[i].run_offset);
		ck_assert(!a->segs[i].filesz || !memcmp(b->segs[i].data, a->segs[i].data, a->segs[i].filesz));
	}
	/* symbols come back sorted by value, then name */
	ck_assert_uint_eq(b->nsyms, 5);
	static const char *const order[] = { "loop", "_start", "msg", "buf", "UART" };
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(b->syms[i].name, order[i]);
	ck_assert_int_eq(b->syms[1].kind, SYM_FUNC);
	ck_assert(b->syms[1].global);
	ck_assert(!b->syms[0].global);
	ck_assert_int_eq(b->syms[2].kind, SYM_OBJECT);
	ck_assert_uint_eq(b->syms[2].size, 5);
	ck_assert_int_eq(b->syms[4].kind, SYM_ABS);
	ck_assert_uint_eq(b->syms[4].value, 0xf0002000);
	ck_assert_uint_eq(b->nfiles, 2);
	ck_assert_str_eq(b->files[1], "lib/inc.s");
	ck_assert_uint_eq(b->nlines, 3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(b->lines[i].addr, a->lines[i].addr);
		ck_assert_uint_eq(b->lines[i].file, a->lines[i].file);
		ck_assert_uint_eq(b->lines[i].line, a->lines[i].line);
	}
	image_free(a);
	image_free(b);
}
END_TEST

START_TEST(test_layout_is_standard)
{
	size_t n;
	write_sample();
	uint8_t *f = load(&n);
	ck_assert(!memcmp(f, ELFMAG, SELFMAG));
	ck_assert_uint_eq(f[EI_CLASS], ELFCLASS32);
	ck_assert_uint_eq(f[EI_DATA], ELFDATA2LSB);
	ck_assert_uint_eq(f[16] | f[17] << 8, ET_EXEC);
	ck_assert_uint_eq(f[18] | f[19] << 8, EM_VMLAB);
	/* one PT_LOAD per segment, offsets congruent to addresses mod 4 */
	unsigned phnum = (unsigned)(f[44] | f[45] << 8);
	ck_assert_uint_eq(phnum, 3);
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = f + rd32(f + 28) + 32 * i;
		ck_assert_uint_eq(rd32(ph), PT_LOAD);
		ck_assert_uint_eq(rd32(ph + 4) % 4, rd32(ph + 8) % 4);
		ck_assert_uint_eq(rd32(ph + 8), rd32(ph + 12)); /* vaddr = paddr */
	}
	ck_assert_uint_eq(rd32(f + 28 + 0) , 52);
	const uint8_t *bss = f + rd32(f + 28) + 64;
	ck_assert_uint_eq(rd32(bss + 16), 0);  /* filesz */
	ck_assert_uint_eq(rd32(bss + 20), 64); /* memsz */
	ck_assert_uint_eq(rd32(bss + 24), PF_R | PF_W);
	free(f);
}
END_TEST

START_TEST(test_empty_tables)
{
	char err[256];
	struct image img = { 0 };
	struct image_segment seg = { (char *)".text", 0x1000, 4, 4, (uint8_t *)"\0\0\0\x60",
				     SEG_R | SEG_X, 0 };
	img.segs = &seg;
	img.nsegs = 1;
	img.entry = 0x1000;
	ck_assert_msg(image_write_elf(&img, path, err, sizeof err), "%s", err);
	struct image *b = image_read_elf(path, err, sizeof err);
	ck_assert_msg(b != NULL, "%s", err);
	ck_assert_uint_eq(b->nsyms, 0);
	ck_assert_uint_eq(b->nlines, 0);
	ck_assert_ptr_null(image_symbol_near(b, 0x1000));
	ck_assert_ptr_null(image_line_at(b, 0x1000));
	image_free(b);
}
END_TEST

START_TEST(test_write_is_atomic)
{
	char err[256], bad[160];
	struct image *img = sample();
	snprintf(bad, sizeof bad, "%s/no/such/dir/x.elf", dir);
	ck_assert(!image_write_elf(img, bad, err, sizeof err));
	char want[256];
	snprintf(want, sizeof want, "%s: No such file or directory", bad);
	ck_assert_str_eq(err, want);
	/* overwriting leaves no temporary behind */
	ck_assert(image_write_elf(img, path, err, sizeof err));
	ck_assert(image_write_elf(img, path, err, sizeof err));
	image_free(img);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "test $(ls '%s' | wc -l) -eq 1", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- refusing bad files ---- */

START_TEST(test_not_elf)
{
	store((const uint8_t *)"hello, world\n", 13);
	refused("not an ELF file");
	store((const uint8_t *)"", 0);
	refused("not an ELF file");
	unlink(path);
	refused("No such file or directory");
	ck_assert_int_eq(mkdir(path, 0700), 0);
	refused("Is a directory");
	rmdir(path);
}
END_TEST

/* A copy of the good file f with `width` bytes (1, 2 or 4) at `off` set
 * to v, little-endian; the reader refuses it with `reason` (or, if
 * reason is NULL, with anything). */
static void refused_patched(const uint8_t *f, size_t n, size_t off, unsigned width, uint32_t v,
			    const char *reason)
{
	uint8_t *g = malloc(n);
	memcpy(g, f, n);
	for (unsigned k = 0; k < width; k++)
		g[off + k] = (uint8_t)(v >> (8 * k));
	store(g, n);
	free(g);
	if (reason) {
		refused(reason);
	} else {
		char err[256];
		ck_assert_ptr_null(image_read_elf(path, err, sizeof err));
	}
}

/* Offsets in the good file, from its own headers. */
static size_t shdr_off(const uint8_t *f, unsigned i)
{
	return rd32(f + 32) + 40 * i;
}

static size_t section_of_type(const uint8_t *f, uint32_t type)
{
	unsigned n = (unsigned)(f[48] | f[49] << 8);
	for (unsigned i = 1; i < n; i++)
		if (rd32(f + shdr_off(f, i) + 4) == type)
			return shdr_off(f, i);
	ck_abort_msg("no section of type %u", type);
	return 0;
}

START_TEST(test_foreign_elf)
{
	size_t n;
	write_sample();
	uint8_t *f = load(&n);

	/* an x86-64 program: other class, other machine; the machine is named */
	uint8_t x64[64] = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT };
	x64[16] = ET_EXEC;
	x64[18] = 0x3e;
	store(x64, sizeof x64);
	refused("not a vmlab image (e_machine 0x3e)");

	refused_patched(f, n, 18, 2, 0x28, "not a vmlab image (e_machine 0x28)"); /* ARM */
	refused_patched(f, n, EI_CLASS, 1, ELFCLASS64, "not a 32-bit ELF file (class 2)");
	/* big-endian, with EM_VMLAB written big-endian */
	uint8_t *g = malloc(n);
	memcpy(g, f, n);
	g[EI_DATA] = ELFDATA2MSB;
	refused_patched(g, n, 18, 2, 0x4d56, "not a little-endian ELF file");
	free(g);
	refused_patched(f, n, 16, 2, ET_REL, "not an executable ELF file (e_type 1)");
	refused_patched(f, n, 20, 4, 2, "unsupported ELF version 2");

	/* the reader's own host executable is foreign too */
	char err[256];
	ck_assert_ptr_null(image_read_elf("/proc/self/exe", err, sizeof err));
	ck_assert(strstr(err, ": not a vmlab image (e_machine 0x") != NULL);
	free(f);
}
END_TEST

START_TEST(test_damaged_headers)
{
	size_t n;
	write_sample();
	uint8_t *f = load(&n);
	size_t ph = 52; /* program headers follow the ELF header */

	refused_patched(f, n, 28, 4, (uint32_t)n - 10, /* e_phoff near the end */
			"program header table is corrupt or outside the file");
	refused_patched(f, n, 42, 2, 33, /* e_phentsize */
			"program header table is corrupt or outside the file");
	refused_patched(f, n, 32, 4, 0xfffffff0, /* e_shoff */
			"section header table is corrupt or outside the file");
	refused_patched(f, n, 50, 2, 99, "section name table index 99 is out of range");
	refused_patched(f, n, ph + 4, 4, 0xffffff00, /* .text's p_offset */
			"segment 0: contents lie outside the file");
	refused_patched(f, n, ph + 16, 4, 0x100, /* p_filesz > p_memsz */
			"segment 0: file size 0x100 exceeds memory size 0xc");
	refused_patched(f, n, ph + 8, 4, 0xfffffffc, /* p_vaddr + p_memsz wraps */
			"segment 0: runs past the end of the address space");
	refused_patched(f, n, ph + 32 + 12, 4, 0x1008, /* .data loaded (p_paddr) onto .text */
			"segment 1 overlaps an earlier segment at 0x1000");
	refused_patched(f, n, shdr_off(f, 1) + 16, 4, 0x7ffffff0, /* a section's offset */
			"section 1 lies outside the file");
	uint8_t *g = malloc(n);
	memcpy(g, f, n);
	wr32(g + ph, PT_NOTE);
	wr32(g + ph + 32, PT_NOTE);
	refused_patched(g, n, ph + 64, 4, PT_NOTE, "no loadable segment");
	free(g);
	free(f);
}
END_TEST

START_TEST(test_damaged_tables)
{
	size_t n;
	write_sample();
	uint8_t *f = load(&n);
	size_t st = section_of_type(f, SHT_SYMTAB);

	refused_patched(f, n, st + 36, 4, 12, /* sh_entsize */
			"symbol table has entries of 12 bytes, not 16");
	refused_patched(f, n, st + 24, 4, 0, /* sh_link */
			"symbol table does not link to a string table");
	refused_patched(f, n, rd32(f + st + 16) + 16, 4, 0x7fffffff, /* symbol 1's name */
			"symbol 1: name lies outside the string table");

	/* the line table: find it by its magic */
	size_t at = 0;
	while (at + 4 <= n && memcmp(f + at, "VLN1", 4) != 0)
		at++;
	ck_assert_uint_lt(at + 4, n);
	uint32_t entries = (16 + 8 + rd32(f + at + 12) + 3) & ~3u; /* 2 files */
	refused_patched(f, n, at + 3, 1, '2', "line table: bad header");
	refused_patched(f, n, at + 8, 4, 0x10000000, NULL);  /* nlines */
	refused_patched(f, n, at + 4, 4, 0xffffffff, NULL);  /* nfiles: 4 * n overflows 32 bits */
	refused_patched(f, n, at + 16, 4, 1000, /* file 0's name offset */
			"line table: file name 0 lies outside its name block");
	refused_patched(f, n, at + entries + 4, 4, 7, /* entry 0's file */
			"line table: entry 0 names file 7 of 2");
	free(f);
}
END_TEST

/* Every truncation and every single-byte corruption: refused or read,
 * never a crash or an out-of-bounds access (ASan checks the latter). */
START_TEST(test_truncated_and_fuzzed)
{
	size_t n;
	char err[256];
	write_sample();
	uint8_t *f = load(&n), *g = malloc(n);

	for (size_t len = 0; len < n; len++) {
		store(f, len);
		struct image *img = image_read_elf(path, err, sizeof err);
		ck_assert_msg(img == NULL, "truncated to %zu bytes but accepted", len);
		ck_assert(strncmp(err, path, strlen(path)) == 0);
	}
	static const uint8_t flips[] = { 0xff, 0x80, 0x01 };
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof flips; k++) {
			memcpy(g, f, n);
			g[i] ^= flips[k];
			store(g, n);
			struct image *img = image_read_elf(path, err, sizeof err);
			if (img) {
				/* what is accepted must be usable */
				for (size_t s = 0; s < img->nsegs; s++)
					ck_assert_uint_le(img->segs[s].filesz, img->segs[s].memsz);
				for (size_t l = 0; l < img->nlines; l++)
					ck_assert_uint_lt(img->lines[l].file, img->nfiles);
				image_free(img);
			}
		}
	free(g);
	free(f);
}
END_TEST

/* ---- lookups ---- */

START_TEST(test_lookups)
{
	struct image *img = sample();
	/* image_symbol_near needs syms sorted by value: sample() is */
	ck_assert_str_eq(image_symbol_find(img, "msg")->name, "msg");
	ck_assert_ptr_null(image_symbol_find(img, "nope"));
	ck_assert_ptr_null(image_symbol_near(img, 0xfff));
	ck_assert_str_eq(image_symbol_near(img, 0x1000)->name, "loop");
	ck_assert_str_eq(image_symbol_near(img, 0x1003)->name, "loop");
	ck_assert_str_eq(image_symbol_near(img, 0x1008)->name, "_start");
	ck_assert_str_eq(image_symbol_near(img, 0x2004)->name, "msg");
	/* constants are never "near": the last label wins */
	ck_assert_str_eq(image_symbol_near(img, 0xf0002004)->name, "buf");

	ck_assert_ptr_null(image_line_at(img, 0xfff));
	ck_assert_uint_eq(image_line_at(img, 0x1000)->line, 3);
	ck_assert_uint_eq(image_line_at(img, 0x1008)->line, 10);
	ck_assert_uint_eq(image_line_at(img, 0x2003)->line, 7);
	uint32_t a = 0;
	ck_assert(image_line_addr(img, "prog.s", 7, &a));
	ck_assert_uint_eq(a, 0x2000);
	ck_assert(image_line_addr(img, "inc.s", 10, &a)); /* by its last component */
	ck_assert_uint_eq(a, 0x1004);
	ck_assert(image_line_addr(img, "lib/inc.s", 10, &a));
	ck_assert(!image_line_addr(img, "other/inc.s", 10, &a));
	ck_assert(!image_line_addr(img, "prog.s", 8, &a));
	image_free(img);
}
END_TEST

START_TEST(test_near_prefers_global)
{
	struct image img = { 0 };
	struct image_symbol syms[] = {
		{ (char *)"a_local", 0x1000, 0, SYM_NOTYPE, false },
		{ (char *)"b_global", 0x1000, 0, SYM_FUNC, true },
		{ (char *)"c_local", 0x1000, 0, SYM_NOTYPE, false },
		{ (char *)"K", 0x1004, 0, SYM_ABS, false },
	};
	img.syms = syms;
	img.nsyms = 4;
	ck_assert_str_eq(image_symbol_near(&img, 0x1008)->name, "b_global");
	syms[1].global = false;
	ck_assert_str_eq(image_symbol_near(&img, 0x1008)->name, "a_local");
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("write-read");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_layout_is_standard);
	tcase_add_test(tc, test_empty_tables);
	tcase_add_test(tc, test_write_is_atomic);
	suite_add_tcase(s, tc);

	tc = tcase_create("refuse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_not_elf);
	tcase_add_test(tc, test_foreign_elf);
	tcase_add_test(tc, test_damaged_headers);
	tcase_add_test(tc, test_damaged_tables);
	tcase_add_test(tc, test_truncated_and_fuzzed);
	suite_add_tcase(s, tc);

	tc = tcase_create("lookup");
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_near_prefers_global);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(image_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
