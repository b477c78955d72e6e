/*
 * dbg.c -- a debugger for one machine: creation, the io wrapper, and the
 * small helpers every part of the core uses.
 *
 * The io wrapper.  The debugger puts itself between the machine and the
 * front end's io callbacks.  Guest output passes straight through, except
 * while the debugger replays execution the user has already seen (reverse
 * execution re-runs the past from a snapshot): then it is dropped, so the
 * console shows every byte once.  The guest's "tracing on/off" requests
 * (the debug device's TRACE register) switch the debugger's own tracer.
 */
#include "ui/dbg/dbg_priv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sim/number.h"
#include "ui/dbg/trace.h"

#define DEFAULT_INTERVAL (1ull << 20)         /* steps between snapshots */
#define DEFAULT_HISTORY_BYTES ((size_t)256 << 20)

static void io_console(void *opaque, const uint8_t *bytes, size_t n)
{
	struct dbg *d = opaque;

	if (!d->replaying && d->user_io.console_out && n) {
		d->user_io.console_out(d->user_io.opaque, bytes, n);
		d->console_midline = bytes[n - 1] != '\n';
	}
}

static void io_print(void *opaque, uint32_t value, bool hex)
{
	struct dbg *d = opaque;

	if (!d->replaying && d->user_io.debug_print) {
		fflush(d->out);
		d->user_io.debug_print(d->user_io.opaque, value, hex);
	}
}

static void io_trace(void *opaque, bool on)
{
	struct dbg *d = opaque;

	if (d->replaying)
		return;
	d->trace_cats = on ? d->trace_cats | TRACE_INSN : d->trace_cats & ~(unsigned)TRACE_INSN;
	dbg_trace_apply(d);
}

struct dbg *dbg_new(const struct dbg_config *cfg)
{
	struct dbg *d = calloc(1, sizeof *d);
	char err[256];

	if (!d) {
		fprintf(cfg->err, "out of memory\n");
		return NULL;
	}
	d->m = cfg->m;
	d->img = cfg->img;
	d->image_path = cfg->image_path;
	d->source_root = cfg->source_root;
	d->out = cfg->out;
	d->err = cfg->err;
	d->exact_interval = cfg->exact_interval;
	d->run_hook = cfg->run_hook;
	d->run_hook_opaque = cfg->run_hook_opaque;
	d->max_steps = cfg->max_steps;
	d->batch_safe = cfg->batch_safe;
	d->confirm = cfg->confirm;
	d->ask = cfg->ask;
	d->ask_ctx = cfg->ask_ctx;
	d->next_num = 1;
	d->next_disp = 1;
	d->defining = -1;
	d->loc_asid = -1;
	d->list_file = -1;
	d->xfmt = (struct dbg_xfmt){ 0, 'x', 4 }; /* count 0: x not used yet */
	for (int i = 0; i < EV_COUNT; i++)
		d->handle[i] = -1;
	d->user_io = *machine_io(d->m);
	machine_set_io(d->m, &(struct machine_io){ .opaque = d, .console_out = io_console,
						   .debug_print = io_print, .debug_trace = io_trace });
	d->tr = trace_new(d->m, d->img, d->out);
	d->trace_cats = cfg->trace_cats;
	if (!d->tr) {
		fprintf(cfg->err, "out of memory\n");
		dbg_free(d);
		return NULL;
	}
	if (cfg->vmm && !dbg_vm_attach(d, cfg->vmm)) {
		fprintf(cfg->err, "out of memory\n");
		dbg_free(d);
		return NULL;
	}
	dbg_trace_apply(d);
	d->last_ring = machine_psw(d->m) & PSW_RING_MASK;
	dbg_settle(d);
	d->reset = machine_state_save(d->m, err, sizeof err);
	/* under the monitor snapshots are never restored (dbg_vm.c): take none */
	if (!d->reset || !dbg_history_init(d, cfg->vmm ? UINT64_MAX / 2
					   : cfg->checkpoint_interval ? cfg->checkpoint_interval
					   : DEFAULT_INTERVAL,
					   cfg->history_bytes ? cfg->history_bytes : DEFAULT_HISTORY_BYTES)) {
		fprintf(cfg->err, "%s\n", d->reset ? "out of memory" : err);
		dbg_free(d);
		return NULL;
	}
	d->fresh = true;
	return d;
}

void dbg_free(struct dbg *d)
{
	if (!d)
		return;
	dbg_temp_clear(d);
	dbg_bp_free_all(d);
	d->insn_mode = INSN_NONE;
	d->collect_notes = false;
	dbg_listen_sync(d);
	dbg_vm_detach(d);
	trace_free(d->tr);
	machine_set_io(d->m, &d->user_io);
	dbg_history_free(d);
	machine_state_free(d->reset);
	dbg_vals_free(d);
	dbg_displays_free(d);
	dbg_sources_free(d);
	dbg_script_free(d);
	dbg_frames_forget(d);
	dbg_symfiles_free(d);
	free(d);
}

FILE *dbg_out(const struct dbg *d)
{
	return d->out;
}

FILE *dbg_err(const struct dbg *d)
{
	return d->err;
}

void dbg_set_streams(struct dbg *d, FILE *out, FILE *err)
{
	fflush(d->out);
	fflush(d->err);
	d->out = out;
	d->err = err;
	trace_set_out(d->tr, out);
}

void dbg_set_lang(struct dbg *d, const struct dbg_lang *lang)
{
	d->lang = lang;
}

void dbg_machine_changed(struct dbg *d)
{
	dbg_history_restart(d);
	dbg_bp_refresh(d);
	d->fresh = false;
}

bool dbg_replaying(const struct dbg *d)
{
	return d->replaying;
}

void dbg_interrupt(struct dbg *d)
{
	d->interrupted = 1;
}

/* ---- output ------------------------------------------------------------- */

void dbg_printf(struct dbg *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
}

enum dbg_result dbg_error(struct dbg *d, const char *fmt, ...)
{
	va_list ap;

	fflush(d->out); /* keep results and errors in order on a terminal */
	va_start(ap, fmt);
	vfprintf(d->err, fmt, ap);
	va_end(ap);
	fputc('\n', d->err);
	fflush(d->err);
	return DBG_ERROR;
}

void dbg_mute(struct dbg *d, bool on)
{
	d->replaying = on;
	dbg_trace_apply(d);
	dbg_listen_sync(d);
}

/* ---- small parsers ---------------------------------------------------------- */

const char *dbg_skip_ws(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return s;
}

bool dbg_is_blank(const char *s)
{
	return *dbg_skip_ws(s) == '\0';
}

bool dbg_next_word(const char **p, char *buf, size_t cap)
{
	const char *s = dbg_skip_ws(*p);
	size_t n = 0;

	if (!*s)
		return false;
	while (*s && !isspace((unsigned char)*s)) {
		if (n + 1 < cap)
			buf[n++] = *s;
		s++;
	}
	buf[n] = '\0';
	*p = s;
	return true;
}

bool dbg_parse_count(const char *s, uint64_t *v)
{
	size_t n;

	s = dbg_skip_ws(s);
	n = strcspn(s, " \t\r\n");
	return num_parse_u64(s, n, UINT64_MAX, v) == NUM_OK && dbg_is_blank(s + n);
}

char *dbg_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

const char *dbg_cause_text(uint32_t cause, char *buf, size_t len)
{
	unsigned code = CAUSE_CODE(cause), acc = CAUSE_ACCESS(cause);
	const char *name = isa_cause_name(code);
	const char *access = acc == ACC_WRITE ? "write" : acc == ACC_FETCH ? "fetch" : "read";

	if (!name)
		snprintf(buf, len, "cause %u", code);
	else if (code == TRAP_PAGE_FAULT)
		snprintf(buf, len, "%s (%s, %s)", name, access,
			 CAUSE_PROT(cause) ? "protection" : "not present");
	else if (code == TRAP_ALIGN || code == TRAP_BUS_ERROR)
		snprintf(buf, len, "%s (%s)", name, access);
	else
		snprintf(buf, len, "%s", name);
	return buf;
}

const char *dbg_device_name_at(struct dbg *d, uint32_t pa)
{
	const char *name;
	uint32_t base, size;

	for (unsigned i = 0; machine_device_info(d->m, i, &name, &base, &size); i++)
		if (pa - base < size)
			return name;
	return NULL;
}
