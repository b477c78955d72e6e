/*
 * session.c -- from shared options to a loaded, running-ready machine.
 */
#include "ui/cli/session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/hostfile.h"
#include "sim/image.h"
#include "ui/cli/asm_front.h"
#include "ui/dbg/trace.h"

static void console_out(void *opaque, const uint8_t *bytes, size_t n)
{
	struct session *s = opaque;

	fwrite(bytes, 1, n, s->console);
}

static void debug_print(void *opaque, uint32_t value, bool hex)
{
	struct session *s = opaque;

	fflush(s->console); /* keep the guest's output and ours in order */
	if (hex)
		fprintf(stderr, "debug: 0x%08x\n", value);
	else
		fprintf(stderr, "debug: %u\n", value);
}

static void debug_trace(void *opaque, bool on)
{
	struct session *s = opaque;

	if (s->tr)
		trace_set(s->tr, on ? s->trace_cats | TRACE_INSN : s->trace_cats & ~TRACE_INSN);
}

void session_init(struct session *s, const char *cmd)
{
	memset(s, 0, sizeof *s);
	s->cmd = cmd;
	s->console = stdout;
	s->max_insns = UINT64_MAX;
	machine_config_defaults(&s->cfg);
}

int session_option(struct session *s, int id, const char *arg)
{
	uint64_t v;
	const char *bad;
	size_t badlen;

	switch (id) {
	case SOPT_MACHINE:
		if (!strcmp(arg, "classic")) {
			s->cfg.variant = VARIANT_CLASSIC;
		} else if (!strcmp(arg, "strict")) {
			s->cfg.variant = VARIANT_STRICT;
		} else {
			fprintf(stderr, "vmlab %s: --machine: '%s' is not classic or strict\n", s->cmd, arg);
			return -1;
		}
		return 1;
	case SOPT_MEM:
		return opt_size(s->cmd, "--mem", arg, &s->cfg.mem_bytes) ? 1 : -1;
	case SOPT_TLB:
		if (!opt_u64(s->cmd, "--tlb", arg, &v))
			return -1;
		if (v == 0 || v > 4096 || (v & (v - 1))) {
			fprintf(stderr, "vmlab %s: --tlb: %s is not a power of two from 1 to 4096\n", s->cmd, arg);
			return -1;
		}
		s->cfg.tlb_entries = (unsigned)v;
		return 1;
	case SOPT_SEED:
		return opt_u64(s->cmd, "--seed", arg, &s->cfg.seed) ? 1 : -1;
	case SOPT_CONSOLE_IN:
		s->console_in = arg;
		return 1;
	case SOPT_RECORD:
		s->record = arg;
		return 1;
	case SOPT_REPLAY:
		s->replay = arg;
		return 1;
	case SOPT_DISK:
		s->cfg.disk_path = arg;
		return 1;
	case SOPT_TRACE:
		if (!trace_parse(arg, &s->trace_cats, &bad, &badlen)) {
			fprintf(stderr, "vmlab %s: --trace: unknown category '%.*s' (insn, trap, mmu, irq, dev, exit, all)\n",
				s->cmd, (int)badlen, bad);
			return -1;
		}
		return 1;
	case SOPT_MAX_INSNS:
		return opt_u64(s->cmd, "--max-insns", arg, &s->max_insns) ? 1 : -1;
	case SOPT_INCLUDE:
		if (s->nincludes == SESSION_MAX_INCLUDES) {
			fprintf(stderr, "vmlab %s: more than %d -I directories\n", s->cmd, SESSION_MAX_INCLUDES);
			return -1;
		}
		s->includes[s->nincludes++] = arg;
		return 1;
	default:
		return 0;
	}
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

struct image *session_load_image(const char *cmd, const char *path,
				 const char *const *includes, int *status)
{
	char err[512];
	struct image *img;

	if (has_suffix(path, ".s") || has_suffix(path, ".S")) {
		img = asm_front_assemble(path, includes, stderr);
		*status = img ? 0 : 1;
		return img;
	}
	img = image_read_elf(path, err, sizeof err);
	if (!img) {
		fprintf(stderr, "vmlab %s: %s\n", cmd, err);
		*status = 2;
	}
	return img;
}

/* Read a whole file (or standard input for "-") into memory. */
uint8_t *session_slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	return hostfile_read(path, HOSTFILE_MAX_CONSOLE_IN, "console input", len, err, errlen);
}

int session_start(struct session *s)
{
	char err[512];
	int status = 0;

	s->includes[s->nincludes] = NULL;
	s->img = session_load_image(s->cmd, s->image_path, s->includes, &status);
	if (!s->img)
		return status;
	s->cfg.io = (struct machine_io){
		.opaque = s, .console_out = console_out,
		.debug_print = debug_print, .debug_trace = debug_trace,
	};
	s->m = machine_new(&s->cfg, err, sizeof err);
	if (!s->m || !machine_load_image(s->m, s->img, err, sizeof err)) {
		fprintf(stderr, "vmlab %s: %s: %s\n", s->cmd, s->image_path, err);
		return 2;
	}
	status = console_open(&s->con, s->cmd, s->m, s->console, s->console_in, s->record,
			      s->replay, s->interactive);
	if (status)
		return status;
	s->tr = trace_new(s->m, s->img, stderr);
	if (!s->tr) {
		fprintf(stderr, "vmlab %s: out of memory\n", s->cmd);
		return 2;
	}
	trace_set(s->tr, s->trace_cats);
	return 0;
}

void session_end(struct session *s)
{
	if (s->con.m)
		console_close(&s->con);
	fflush(s->console);
	trace_free(s->tr);
	machine_free(s->m);
	image_free(s->img);
	s->tr = NULL;
	s->m = NULL;
	s->img = NULL;
}

int session_argument(struct session *s, int id, const char *arg)
{
	if (id != OPT_POSITIONAL)
		return session_option(s, id, arg);
	if (s->image_path) {
		fprintf(stderr, "vmlab %s: more than one program ('%s' and '%s')\n", s->cmd,
			s->image_path, arg);
		return -1;
	}
	s->image_path = arg;
	return 1;
}
