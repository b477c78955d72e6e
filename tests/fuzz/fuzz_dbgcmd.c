/*
 * fuzz_dbgcmd.c -- the debugger's command parser and everything behind it
 * on arbitrary command lines (one per input line), over a small program
 * with a timer interrupt: a result or a one-line error, never a crash.
 *
 * Not fuzzed: `save` and `load` (they write and read host files named by
 * the input).  A command that runs the machine for long (`set $pc` into a
 * loop, then `continue`) is stopped after 0.2 s of host time with
 * dbg_interrupt, as Ctrl-C stops it.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "sim/asm/asm.h"
#include "sim/image.h"
#include "sim/machine.h"
#include "tests/fuzz/fuzz.h"
#include "ui/dbg/dbg.h"

static const char prog[] =
	"        .equ TIMER, 0xf0001000\n"
	"_start: la    t0, handler\n"
	"        mtcr  tvec, t0\n"
	"        li    s0, TIMER\n"
	"        li    t0, 500\n"
	"        sw    t0, 4(s0)\n"
	"        li    t0, 7\n"
	"        sw    t0, 0(s0)\n"
	"        li    t1, 0\n"
	"loop:   addi  t1, t1, 1\n"
	"        la    t2, buf\n"
	"        sw    t1, 0(t2)\n"
	"        li    t3, 2000\n"
	"        blt   t1, t3, loop\n"
	"        li    t0, 0xf0004000\n"
	"        sw    zero, 0(t0)\n"
	"spin:   j     spin\n"
	"handler: li   t0, 1\n"
	"        sw    t0, 8(s0)\n"
	"        rfe\n"
	"        .data\n"
	"buf:    .space 64\n";

static struct image *img;
static struct dbg *volatile current;

static void on_alarm(int sig)
{
	(void)sig;
	if (current)
		dbg_interrupt(current);
}

/* save/load and their abbreviations touch host files: skip them. */
static bool touches_files(const char *line)
{
	size_t n;

	while (isspace((unsigned char)*line))
		line++;
	n = strcspn(line, " \t/");
	return n >= 2 && (!strncasecmp(line, "save", n < 4 ? n : 4) ||
			  !strncasecmp(line, "load", n < 4 ? n : 4));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	char err[256];
	struct machine_config cfg;
	struct machine *m;
	struct dbg *d;
	char *text, *save = NULL;

	if (!img) {
		struct assembler *as = asm_new();
		if (!asm_assemble_string(as, "fuzz.s", prog))
			abort();
		img = asm_take_image(as);
		asm_free(as);
		null = fopen("/dev/null", "w");
		signal(SIGALRM, on_alarm);
	}
	if (size > 4096)
		return 0; /* a few dozen commands are enough per input */
	machine_config_defaults(&cfg);
	cfg.mem_bytes = 1u << 20;
	m = machine_new(&cfg, err, sizeof err);
	if (!m || !machine_load_image(m, img, err, sizeof err))
		abort();
	d = dbg_new(&(struct dbg_config){ .m = m, .img = img, .image_path = "/nonexistent/fuzz.s",
					  .source_root = "/nonexistent", .out = null, .err = null,
					  .history_bytes = 8u << 20 });
	text = fuzz_cstring(data, size);
	current = d;
	for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line && d;
	     line = strtok_r(NULL, "\n", &save)) {
		if (touches_files(line))
			continue;
		struct itimerval t = { .it_value = { 0, 200000 } };
		setitimer(ITIMER_REAL, &t, NULL);
		enum dbg_result r = dbg_exec(d, line);
		struct itimerval off = { 0 };
		setitimer(ITIMER_REAL, &off, NULL);
		if (r == DBG_QUIT)
			break;
	}
	current = NULL;
	free(text);
	dbg_free(d);
	machine_free(m);
	return 0;
}
