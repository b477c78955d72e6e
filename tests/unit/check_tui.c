/*
 * check_tui.c -- the TUI's renderer (ui/tui/render.h), a pure function
 * from model to character grid, against golden grids made from real
 * machine state: toyos (build/toyos.elf) stopped at the first instruction
 * of its hello program, bare and under the trap-and-emulate monitor, a
 * few instructions stepped so that registers change.  Each layout is
 * rendered at 80x24 (ASCII line drawing) and 120x40 (Unicode) and
 * compared with tests/unit/tui/LAYOUT-VARIANT-COLSxROWS.txt.
 *
 * TUI_GOLDEN_UPDATE=1 writes the goldens instead (then read them: they
 * are the documentation's screenshots too, docs/tui.md).
 */
#include <check.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/vmm.h"
#include "sim/hostfile.h"
#include "sim/image.h"
#include "ui/dbg/dbg.h"
#include "ui/tui/gather.h"
#include "ui/tui/render_priv.h"

struct text {
	char buf[16384];
	size_t len;
};

static void text_add(struct text *t, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n && t->len + 1 < sizeof t->buf; i++)
		t->buf[t->len++] = (char)b[i];
	t->buf[t->len] = '\0';
}

struct fix {
	struct machine *m;
	struct vmm *v;
	struct image *img;
	struct dbg *d;
	FILE *out;
	char *outbuf;
	size_t outlen;
	struct text con;
	struct tui_exitlog log;
	struct tui_model model;
};

static void bare_console(void *opaque, const uint8_t *b, size_t n)
{
	text_add(&((struct fix *)opaque)->con, b, n);
}

static void vm_console(void *opaque, int vm, const uint8_t *b, size_t n)
{
	(void)vm;
	text_add(&((struct fix *)opaque)->con, b, n);
}

static const char *toyos_path(void)
{
	static char path[1024];
	const char *vmlab = getenv("VMLAB");
	char copy[900];

	snprintf(copy, sizeof copy, "%s", vmlab ? vmlab : "build/vmlab");
	snprintf(path, sizeof path, "%s/toyos.elf", dirname(copy));
	return path;
}

static void exec(struct fix *f, const char *line)
{
	ck_assert_msg(dbg_exec(f->d, line) == DBG_OK, "%s failed", line);
}

/* toyos at prog_hello's first instruction, then three instructions on. */
static void start(struct fix *f, bool vmm)
{
	static const uint8_t input[] = "hello\n";
	char err[256];
	struct machine_config mc;

	memset(f, 0, sizeof *f);
	f->img = image_read_elf(toyos_path(), err, sizeof err);
	ck_assert_msg(f->img, "%s (build toyos first: make)", err);
	machine_config_defaults(&mc);
	if (vmm) {
		struct vmm_config vc;
		struct vm_config g = { .name = "build/toyos.elf", .image = f->img,
				       .mem_bytes = 4u << 20, .console_in = input,
				       .console_in_len = sizeof input - 1 };
		mc.mem_bytes = vmm_ram_needed(&g, 1);
		f->m = machine_new(&mc, err, sizeof err);
		ck_assert_msg(f->m, "%s", err);
		vmm_config_defaults(&vc);
		vc.io = (struct vmm_io){ .opaque = f, .console_out = vm_console };
		f->v = vmm_new(f->m, &vc, err, sizeof err);
		ck_assert_msg(f->v, "%s", err);
		ck_assert_int_eq(vmm_add_vm(f->v, &g, err, sizeof err), 0);
		ck_assert(vmm_start(f->v));
	} else {
		mc.io = (struct machine_io){ .opaque = f, .console_out = bare_console };
		f->m = machine_new(&mc, err, sizeof err);
		ck_assert_msg(f->m, "%s", err);
		ck_assert(machine_load_image(f->m, f->img, err, sizeof err));
		machine_console_input(f->m, input, sizeof input - 1);
		machine_console_eof(f->m);
	}
	f->out = open_memstream(&f->outbuf, &f->outlen);
	ck_assert(f->out);
	f->d = dbg_new(&(struct dbg_config){ .m = f->m, .img = f->img, .image_path = toyos_path(),
					     .out = f->out, .err = f->out, .vmm = f->v });
	ck_assert(f->d);
	tui_exitlog_attach(&f->log, f->v);
	exec(f, "break prog_hello");
	exec(f, "continue");
	tui_gather(&f->model, f->d, &f->log);
	tui_model_mark(&f->model);
	exec(f, "stepi 3");
	fflush(f->out);

	struct tui_model *m = &f->model;
	m->focus = TP_CMD;
	m->mmu_va = m->pc;
	m->mem_addr = m->pc & ~0xffu;
	snprintf(m->status, sizeof m->status, "stepped");
	snprintf(m->input, sizeof m->input, "info regs");
	m->cursor = strlen(m->input);
	tui_gather(m, f->d, &f->log);
	m->cmd_text = f->outbuf;
	m->cmd_len = f->outlen;
	m->con_text = f->con.buf;
	m->con_len = f->con.len;
	m->ncons = 1;
}

static void stop(struct fix *f)
{
	tui_exitlog_detach(&f->log);
	dbg_free(f->d);
	fclose(f->out);
	free(f->outbuf);
	vmm_free(f->v);
	machine_free(f->m);
	image_free(f->img);
}

/* Render m in layout l at cols x rows and compare with its golden. */
static void golden(struct tui_model *m, enum tui_layout l, const char *variant, int cols, int rows)
{
	const char *dir = getenv("TUI_GOLDEN_DIR") ? getenv("TUI_GOLDEN_DIR") : "tests/unit/tui";
	char path[512];
	struct tui_grid g;

	snprintf(path, sizeof path, "%s/%s-%s-%dx%d.txt", dir, tui_layout_name(l), variant, cols, rows);
	m->layout = l;
	ck_assert(tui_grid_init(&g, cols, rows, cols == 80));
	tui_render(m, &g);
	char *got = tui_grid_text(&g);
	ck_assert(got);
	if (getenv("TUI_GOLDEN_UPDATE")) {
		FILE *fp = fopen(path, "w");
		ck_assert_msg(fp, "cannot write %s", path);
		fputs(got, fp);
		fclose(fp);
	} else {
		size_t len;
		char why[256];
		char *want = (char *)hostfile_read(path, 1u << 20, "golden", &len, why, sizeof why);
		ck_assert_msg(want, "%s (TUI_GOLDEN_UPDATE=1 makes it)", why);
		want[len] = '\0'; /* the spare byte after the data */
		if (strcmp(got, want)) {
			fprintf(stderr, "%s differs; got:\n%s", path, got);
			ck_abort_msg("%s differs from the rendered grid", path);
		}
		free(want);
	}
	/* every row fits: no cell past the grid, ASCII grids hold only ASCII */
	for (int i = 0; i < cols * rows; i++)
		if (cols == 80)
			ck_assert_uint_lt(g.cells[i].ch, 0x80);
	free(got);
	tui_grid_free(&g);
}

START_TEST(test_bare_goldens)
{
	static const enum tui_layout ls[] = { TL_SRC, TL_ASM, TL_SPLIT, TL_REGS, TL_MEM, TL_MMU, TL_CON };
	struct fix f;

	start(&f, false);
	ck_assert(!f.model.vmm);
	ck_assert_uint_ge(f.model.pc, 0x40000000u); /* a user program, in ring 3 */
	ck_assert_uint_eq(f.model.psw & 3, 3);
	for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++) {
		golden(&f.model, ls[i], "bare", 80, 24);
		golden(&f.model, ls[i], "bare", 120, 40);
	}
	stop(&f);
}
END_TEST

START_TEST(test_monitor_goldens)
{
	static const enum tui_layout ls[] = { TL_MMU, TL_VMS, TL_REGS };
	struct fix f;

	start(&f, true);
	ck_assert(f.model.vmm);
	/* the guest maps the page; the shadow maps the same frame, read-only
	 * until the first write (dirty-bit emulation) */
	ck_assert(f.model.gw.mapped && f.model.sw.exists);
	ck_assert_uint_eq(f.model.sw.hpa, f.model.vm_base + f.model.gw.gpa);
	ck_assert_int_eq(f.model.sw.why, SHW_DIRTY);
	ck_assert_int_gt(f.model.nexitlog, 0);
	for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++) {
		golden(&f.model, ls[i], "vmm", 80, 24);
		golden(&f.model, ls[i], "vmm", 120, 40);
	}
	stop(&f);
}
END_TEST

/* The registers the step changed, and only those, are highlighted. */
START_TEST(test_changed_registers_highlighted)
{
	struct fix f;
	struct tui_grid g;
	int changed = 0, cells = 0;

	start(&f, false);
	for (int i = 0; i < ISA_NREGS; i++)
		changed += f.model.regs[i] != f.model.prev_regs[i];
	ck_assert_int_gt(changed, 0);
	f.model.layout = TL_REGS;
	ck_assert(tui_grid_init(&g, 80, 24, true));
	tui_render(&f.model, &g);
	for (int i = 0; i < 80 * 24; i++)
		cells += g.cells[i].attr == TA_CHANGED;
	/* 8 hex digits per register, 10 for the pc (it moved), the psw did not */
	ck_assert_uint_eq(f.model.psw, f.model.prev_psw);
	ck_assert_int_eq(cells, 8 * changed + 10);
	tui_grid_free(&g);
	stop(&f);
}
END_TEST

START_TEST(test_too_small_and_help)
{
	struct tui_model m;
	struct tui_grid g;

	memset(&m, 0, sizeof m);
	ck_assert(tui_grid_init(&g, 79, 24, true));
	tui_render(&m, &g);
	char *t = tui_grid_text(&g);
	ck_assert_ptr_nonnull(strstr(t, "needs 80x24 (this is 79x24)"));
	free(t);
	tui_grid_free(&g);
	m.help = true;
	ck_assert(tui_grid_init(&g, 80, 24, false));
	tui_render(&m, &g);
	t = tui_grid_text(&g);
	ck_assert_ptr_nonnull(strstr(t, "reverse continue"));
	ck_assert_ptr_nonnull(strstr(t, "\u250c help"));
	free(t);
	tui_grid_free(&g);
}
END_TEST

/* Running text shows its end, wrapped, and scrolls back by rows. */
START_TEST(test_text_tail_wraps_and_scrolls)
{
	static const char text[] = "one\ntwo\nthree is a long line\nfour\n";
	struct tui_grid g;
	char *t;

	ck_assert(tui_grid_init(&g, 10, 3, true));
	tui_text_tail(&g, (struct tui_rect){ 0, 0, 10, 3 }, text, strlen(text), 0, TA_NORMAL);
	t = tui_grid_text(&g);
	ck_assert_str_eq(t, "three is a\n long line\nfour\n");
	free(t);
	tui_grid_clear(&g);
	tui_text_tail(&g, (struct tui_rect){ 0, 0, 10, 3 }, text, strlen(text), 2, TA_NORMAL);
	t = tui_grid_text(&g);
	ck_assert_str_eq(t, "one\ntwo\nthree is a\n");
	free(t);
	tui_grid_free(&g);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tui");
	TCase *tc = tcase_create("render");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_bare_goldens);
	tcase_add_test(tc, test_monitor_goldens);
	tcase_add_test(tc, test_changed_registers_highlighted);
	tcase_add_test(tc, test_too_small_and_help);
	tcase_add_test(tc, test_text_tail_wraps_and_scrolls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
