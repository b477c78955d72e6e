/*
 * vm_front.c -- run guests under the monitor and report what happened.
 */
#include "ui/cli/vm_front.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/image.h"
#include "ui/cli/lua_front.h"
#include "ui/cli/vm_console.h"
#include "ui/dbg/report.h"
#include "ui/dbg/trace.h"

/* Per-guest console sink: a file, or stdout with a label per line.  A
 * labelled guest's output is held until its line ends, so lines of
 * different guests never mix. */
struct console_sink {
	FILE *out;
	bool label;
	int id;
	char line[256];   /* the labelled line being built */
	size_t len;
	bool open;        /* part of a line of ours is out (interactive) */
};

/* One run of the guests: what vm_front_start builds and vm_front_free
 * takes down. */
struct vm_run {
	struct console_sink sinks[VM_FRONT_MAX];
	struct image *imgs[VM_FRONT_MAX];
	uint8_t *inputs[VM_FRONT_MAX];
	char *owned[VM_FRONT_MAX * 4];
	int nowned, nvms;
	struct machine *m;
	struct vmm *v;
	struct trace *tr;
	int last;         /* the sink that printed last, or -1 */
	bool live;        /* the keyboard goes to a guest (vm_console.h) */
	/* a front end that shows the consoles itself (the TUI), or NULL */
	void (*tap)(void *opaque, int vm, const uint8_t *bytes, size_t n);
	void *tap_opaque;
	/* run --lua: the script's state, and what its last stop said */
	struct vlua *lua;
	enum vlua_next next;
};

/* Out with a sink's line so far.  A part of a line (an interactive
 * prompt) may be continued later without a second label, unless another
 * guest printed in between, whose line starts on a line of its own. */
static void sink_flush(struct vm_run *r, struct console_sink *c)
{
	struct console_sink *prev = r->last >= 0 ? &r->sinks[r->last] : NULL;

	if (!c->len)
		return;
	if (prev && prev != c && prev->open) {
		fputc('\n', prev->out);
		prev->open = false;
	}
	if (c->open && prev == c)
		fprintf(c->out, "%.*s", (int)c->len, c->line);
	else
		fprintf(c->out, "[vm%d] %.*s", c->id, (int)c->len, c->line);
	c->open = c->line[c->len - 1] != '\n';
	c->len = 0;
	r->last = c->id;
}

static void vm_console_out(void *opaque, int vm, const uint8_t *bytes, size_t n)
{
	struct vm_run *r = opaque;
	struct console_sink *c = &r->sinks[vm];

	if (r->tap) {
		r->tap(r->tap_opaque, vm, bytes, n);
		return;
	}
	if (!c->label) {
		fwrite(bytes, 1, n, c->out);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		c->line[c->len++] = (char)bytes[i];
		if (bytes[i] == '\n' || c->len == sizeof c->line)
			sink_flush(r, c);
	}
}

/* Interactive: every guest's line so far is shown now (vm_console.c). */
static void vm_flush_all(void *opaque)
{
	struct vm_run *r = opaque;

	for (int i = 0; i < r->nvms; i++)
		sink_flush(r, &r->sinks[i]);
	fflush(stdout);
}

static void vm_debug_print(void *opaque, int vm, uint32_t value, bool hex)
{
	(void)opaque;
	fflush(stdout);
	if (hex)
		fprintf(stderr, "debug [vm%d]: 0x%08x\n", vm, value);
	else
		fprintf(stderr, "debug [vm%d]: %u\n", vm, value);
}

void vm_front_init(struct vm_front *f)
{
	memset(f, 0, sizeof *f);
	vmm_config_defaults(&f->cfg);
	f->max_insns = UINT64_MAX;
	f->max_cycles = UINT64_MAX;
}

bool vm_front_parse(struct vm_front *f, const char *cmd, const char *arg,
		    const struct session *defaults)
{
	struct vm_spec *sp;
	char *copy, *field, *save = NULL;
	bool ok = true;

	if (f->nspecs == VM_FRONT_MAX) {
		fprintf(stderr, "vmlab %s: more than %d --vm\n", cmd, VM_FRONT_MAX);
		return false;
	}
	sp = &f->specs[f->nspecs];
	*sp = (struct vm_spec){ .mem_bytes = 16u << 20, .seed = defaults->cfg.seed };
	copy = strdup(arg);
	if (!copy)
		return false;
	for (field = strtok_r(copy, ",", &save); field && ok; field = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(field, '=');
		if (!sp->image_path && !eq) {
			sp->image_path = arg + (field - copy);
			continue;
		}
		if (!eq) {
			fprintf(stderr, "vmlab %s: --vm: '%s' is not KEY=VALUE\n", cmd, field);
			ok = false;
			break;
		}
		*eq = '\0';
		const char *val = arg + (eq + 1 - copy);
		if (!strcmp(field, "mem"))
			ok = opt_size(cmd, "--vm mem", eq + 1, &sp->mem_bytes);
		else if (!strcmp(field, "console-in"))
			sp->console_in = val;
		else if (!strcmp(field, "console-out"))
			sp->console_out = val;
		else if (!strcmp(field, "disk"))
			sp->disk_path = val;
		else if (!strcmp(field, "seed"))
			ok = opt_u64(cmd, "--vm seed", eq + 1, &sp->seed);
		else {
			fprintf(stderr, "vmlab %s: --vm: unknown key '%s' (mem, console-in, console-out, disk, seed)\n",
				cmd, field);
			ok = false;
		}
	}
	/* The values point into arg, which outlives the run; cut them at ','. */
	if (ok && !sp->image_path) {
		fprintf(stderr, "vmlab %s: --vm: no image in '%s'\n", cmd, arg);
		ok = false;
	}
	free(copy);
	if (ok)
		f->nspecs++;
	return ok;
}

int vm_front_option(struct vm_front *f, const char *cmd, int id, const char *arg,
		    const struct session *s)
{
	char err[256];

	switch (id) {
	case VOPT_VMM:
		if (strcmp(arg, "none") && strcmp(arg, "trap") && strcmp(arg, "pv")) {
			fprintf(stderr, "vmlab %s: --vmm: '%s' is not none, trap or pv\n", cmd, arg);
			return -1;
		}
		f->vmm = strcmp(arg, "none") != 0;
		f->cfg.pv = !strcmp(arg, "pv"); /* paravirtual guests (docs/paravirt.md) */
		return 1;
	case VOPT_VM:
		if (!vm_front_parse(f, cmd, arg, s))
			return -1;
		f->vmm = true;
		return 1;
	case VOPT_SLICE:
		f->vmm_only = "--slice";
		if (!opt_u64(cmd, "--slice", arg, &f->cfg.slice))
			return -1;
		if (f->cfg.slice == 0) {
			fprintf(stderr, "vmlab %s: --slice: must be at least 1 cycle\n", cmd);
			return -1;
		}
		return 1;
	case VOPT_VMM_TIMER:
		f->vmm_only = "--vmm-timer";
		if (!vmm_timer_policy_parse(arg, &f->cfg.timer)) {
			fprintf(stderr, "vmlab %s: --vmm-timer: '%s' is not guest, merge, late or drop\n",
				cmd, arg);
			return -1;
		}
		return 1;
	case VOPT_VMM_COST:
		f->vmm_only = "--vmm-cost";
		if (!vmm_costs_parse(&f->cfg.costs, arg, err, sizeof err)) {
			fprintf(stderr, "vmlab %s: --vmm-cost: %s\n", cmd, err);
			return -1;
		}
		return 1;
	case VOPT_CONSOLE_VM: {
		uint64_t cv;
		f->vmm_only = "--console-vm";
		if (!opt_u64(cmd, "--console-vm", arg, &cv))
			return -1;
		if (cv >= VM_FRONT_MAX) {
			fprintf(stderr, "vmlab %s: --console-vm: %s is not a VM\n", cmd, arg);
			return -1;
		}
		f->console_vm = (int)cv;
		return 1;
	}
	default:
		return 0;
	}
}

bool vm_front_options_done(struct vm_front *f, struct session *s)
{
	/* an option that would do nothing here is a mistake worth saying */
	if (!f->vmm && f->vmm_only) {
		fprintf(stderr, "vmlab %s: %s needs the monitor (--vmm trap or --vm)\n", s->cmd,
			f->vmm_only);
		return false;
	}
	if (!f->vmm && (s->trace_cats & TRACE_EXIT) && s->trace_cats != TRACE_ALL) {
		fprintf(stderr, "vmlab %s: --trace exit needs the monitor (--vmm trap or --vm)\n", s->cmd);
		return false;
	}
	if (!f->vmm)
		return true;
	/* the positional image is one more guest, with the session's options */
	if (s->image_path) {
		if (f->nspecs == VM_FRONT_MAX) {
			fprintf(stderr, "vmlab %s: more than %d guests\n", s->cmd, VM_FRONT_MAX);
			return false;
		}
		f->specs[f->nspecs++] = (struct vm_spec){
			.image_path = s->image_path, .mem_bytes = s->cfg.mem_bytes,
			.console_in = s->console_in, .disk_path = s->cfg.disk_path, .seed = s->cfg.seed };
	}
	if (f->nspecs == 0) {
		fprintf(stderr, "vmlab %s: --vmm trap needs a guest (an image or --vm)\n", s->cmd);
		return false;
	}
	s->includes[s->nincludes] = NULL;
	return true;
}

/* "a,b" -> "a": the parsed values above still run to the end of arg. */
static char *field_dup(const char *s)
{
	return strndup(s, strcspn(s, ","));
}

static void report_vm(const struct vm_front *f, struct vmm *v, int i, FILE *out)
{
	struct vm_result r;

	vmm_vm_result(v, i, &r);
	switch (r.state) {
	case VM_POWERED_OFF:
		fprintf(out, "vmlab: vm%d (%s) powered off with status %d\n", i, f->specs[i].image_path,
			r.exit_code);
		break;
	case VM_CRASHED: {
		const char *name = isa_cause_name(CAUSE_CODE(r.cause));
		fprintf(out, "vmlab: vm%d (%s) crashed: %s\n", i, f->specs[i].image_path, r.reason);
		if (r.cause)
			fprintf(out, "  cause %s (0x%08x), pc 0x%08x, badva 0x%08x\n",
				name ? name : "?", r.cause, r.pc, r.badva);
		break;
	}
	default:
		fprintf(out, "vmlab: vm%d (%s) still running\n", i, f->specs[i].image_path);
		break;
	}
}

/* A path that fits the 80-column heading: its last part, "..." before. */
static const char *short_path(const char *p, size_t max)
{
	size_t n = strlen(p);

	return n <= max ? p : p + n - max;
}

/* --vmm pv: hypercalls by number, and the sizes of batched calls. */
static void pv_stats_block(const struct vmm_stats *s, FILE *out)
{
	static const char *const bucket[PV_BATCH_BUCKETS] = { "1", "2-3", "4-15", "16-63",
							       "64-255", "256+" };
	uint64_t total = 0;

	for (int h = 0; h < PV_HC_COUNT; h++)
		total += s->hypercalls[h];
	if (!total)
		return;
	fprintf(out, "hypercalls     %llu (a multicall's entries count too)\n",
		(unsigned long long)total);
	for (int h = 0; h < PV_HC_COUNT; h++)
		if (s->hypercalls[h])
			fprintf(out, "  %-14s %llu\n", pv_hcall_name((unsigned)h),
				(unsigned long long)s->hypercalls[h]);
	if (s->ring_chains || s->ring_kicks)
		fprintf(out, "rings          %llu kicks, %llu chains, %llu bytes\n",
			(unsigned long long)s->ring_kicks, (unsigned long long)s->ring_chains,
			(unsigned long long)s->ring_bytes);
	if (!s->batch_entries)
		return;
	fprintf(out, "batches        %llu entries, %llu refused; calls by size:\n",
		(unsigned long long)s->batch_entries, (unsigned long long)s->batch_failed);
	for (int b = 0; b < PV_BATCH_BUCKETS; b++)
		if (s->batches[b])
			fprintf(out, "  %-14s %llu\n", bucket[b], (unsigned long long)s->batches[b]);
}

static void stats_block(const struct vmm_stats *s, FILE *out)
{
	fprintf(out, "vm exits       %llu\n", (unsigned long long)s->exits_total);
	for (int e = 0; e < EXIT_COUNT; e++)
		if (s->exits[e])
			fprintf(out, "  %-14s %llu\n", vmm_exit_name(e), (unsigned long long)s->exits[e]);
	pv_stats_block(s, out);
	fprintf(out, "injected irqs  %llu\n", (unsigned long long)s->injected_irqs);
	fprintf(out, "shadow tables  %llu built, %llu fills, %llu drops, %llu flushes\n",
		(unsigned long long)s->shadow_tables, (unsigned long long)s->shadow_fills,
		(unsigned long long)s->shadow_drops, (unsigned long long)s->shadow_flushes);
	fprintf(out, "vm switches    %llu\n", (unsigned long long)s->vm_switches);
	fprintf(out, "guest cycles   %llu (%llu instructions)\n", (unsigned long long)s->guest_cycles,
		(unsigned long long)s->guest_insns);
	fprintf(out, "monitor cycles %llu\n", (unsigned long long)s->monitor_cycles);
	fprintf(out, "idle cycles    %llu\n", (unsigned long long)s->idle_cycles);
	fprintf(out, "guest clocks   %llu cycles behind, ticks %llu late, %llu dropped\n",
		(unsigned long long)s->clock_behind, (unsigned long long)s->ticks_late,
		(unsigned long long)s->ticks_dropped);
}

/* One block per VM, naming its image, then (with several) the totals. */
static void stats_text(const struct vm_front *f, struct vmm *v, FILE *out)
{
	struct vmm_stats s;
	int n = vmm_vm_count(v);

	for (int i = 0; i < n; i++) {
		const char *path = f->specs[i].image_path;
		vmm_get_stats(v, i, &s);
		fprintf(out, "--- monitor: vm%d %s%s ---\n", i, strlen(path) > 56 ? "..." : "",
			short_path(path, 56));
		stats_block(&s, out);
	}
	if (n > 1) {
		vmm_get_stats(v, -1, &s);
		fprintf(out, "--- monitor: total of %d VMs ---\n", n);
		stats_block(&s, out);
	}
}

static void json_vmm_stats(FILE *out, const struct vmm_stats *s)
{
	fprintf(out, "{\"exits\":%llu,\"by_cause\":{", (unsigned long long)s->exits_total);
	for (int e = 0; e < EXIT_COUNT; e++)
		fprintf(out, "%s\"%s\":%llu", e ? "," : "", vmm_exit_name(e),
			(unsigned long long)s->exits[e]);
	fprintf(out, "},\"injected_irqs\":%llu,\"shadow_tables\":%llu,\"shadow_fills\":%llu,"
		     "\"shadow_drops\":%llu,\"shadow_flushes\":%llu,\"vm_switches\":%llu,"
		     "\"guest_cycles\":%llu,\"guest_insns\":%llu,\"monitor_cycles\":%llu,"
		     "\"idle_cycles\":%llu,\"clock_behind\":%llu,\"ticks_late\":%llu,"
		     "\"ticks_dropped\":%llu,\"protect_visits\":%llu",
		(unsigned long long)s->injected_irqs, (unsigned long long)s->shadow_tables,
		(unsigned long long)s->shadow_fills, (unsigned long long)s->shadow_drops,
		(unsigned long long)s->shadow_flushes, (unsigned long long)s->vm_switches,
		(unsigned long long)s->guest_cycles, (unsigned long long)s->guest_insns,
		(unsigned long long)s->monitor_cycles, (unsigned long long)s->idle_cycles,
		(unsigned long long)s->clock_behind, (unsigned long long)s->ticks_late,
		(unsigned long long)s->ticks_dropped, (unsigned long long)s->protect_visits);
	fprintf(out, ",\"hypercalls\":{"); /* --vmm pv */
	for (int h = 0; h < PV_HC_COUNT; h++)
		fprintf(out, "%s\"%s\":%llu", h ? "," : "", pv_hcall_name((unsigned)h),
			(unsigned long long)s->hypercalls[h]);
	fprintf(out, "},\"batches\":[");
	for (int b = 0; b < PV_BATCH_BUCKETS; b++)
		fprintf(out, "%s%llu", b ? "," : "", (unsigned long long)s->batches[b]);
	fprintf(out, "],\"batch_entries\":%llu,\"batch_failed\":%llu,\"ring_kicks\":%llu,"
		     "\"ring_chains\":%llu,\"ring_bytes\":%llu}",
		(unsigned long long)s->batch_entries, (unsigned long long)s->batch_failed,
		(unsigned long long)s->ring_kicks, (unsigned long long)s->ring_chains,
		(unsigned long long)s->ring_bytes);
}

/* {"cycles":..,"instructions":..,"vms":[{...},...],"total":{...}} */
static bool stats_json(struct vmm *v, struct machine *m, const char *path)
{
	FILE *out = fopen(path, "w");
	struct vmm_stats s;

	if (!out) {
		fprintf(stderr, "vmlab run: --stats-json: %s: %s\n", path, strerror(errno));
		return false;
	}
	fprintf(out, "{\"cycles\":%llu,\"instructions\":%llu,\"vms\":[",
		(unsigned long long)machine_cycles(m), (unsigned long long)machine_instret(m));
	for (int i = 0; i < vmm_vm_count(v); i++) {
		vmm_get_stats(v, i, &s);
		fprintf(out, "%s", i ? "," : "");
		json_vmm_stats(out, &s);
	}
	vmm_get_stats(v, -1, &s);
	fprintf(out, "],\"total\":");
	json_vmm_stats(out, &s);
	fprintf(out, "}\n");
	return fclose(out) == 0;
}

struct vm_run *vm_front_start(struct vm_front *f, struct session *s, int *status)
{
	struct vm_config vcs[VM_FRONT_MAX];
	struct vm_run *r = calloc(1, sizeof *r);
	char err[512];

	*status = 0;
	if (!r) {
		fprintf(stderr, "vmlab %s: out of memory\n", s->cmd);
		*status = 2;
		return NULL;
	}
	r->nvms = f->nspecs;
	r->last = -1;
	/* interactive: a run (not the debugger) on a terminal, when the
	 * keyboard's VM has no input file */
	r->live = vm_console_interactive(f->console_vm, f->nspecs, s->cmd, status) &&
		  f->interactive && !f->specs[f->console_vm].console_in;
	for (int i = 0; i < f->nspecs && !*status; i++) {
		struct vm_spec *sp = &f->specs[i];
		/* the spec's strings run to the end of the --vm argument */
		sp->image_path = r->owned[r->nowned++] = field_dup(sp->image_path);
		if (sp->console_in)
			sp->console_in = r->owned[r->nowned++] = field_dup(sp->console_in);
		if (sp->console_out)
			sp->console_out = r->owned[r->nowned++] = field_dup(sp->console_out);
		if (sp->disk_path)
			sp->disk_path = r->owned[r->nowned++] = field_dup(sp->disk_path);
		r->imgs[i] = session_load_image(s->cmd, sp->image_path, s->includes, status);
		if (!r->imgs[i])
			break;
		vcs[i] = (struct vm_config){ .name = sp->image_path, .image = r->imgs[i],
					     .mem_bytes = sp->mem_bytes, .disk_path = sp->disk_path,
					     .seed = sp->seed,
					     .console_open = r->live && !sp->console_in };
		if (sp->console_in) {
			size_t len;
			r->inputs[i] = session_slurp(sp->console_in, &len, err, sizeof err);
			if (!r->inputs[i]) {
				fprintf(stderr, "vmlab %s: vm%d console-in: %s\n", s->cmd, i, err);
				*status = 2;
				break;
			}
			vcs[i].console_in = r->inputs[i];
			vcs[i].console_in_len = len;
		}
		r->sinks[i] = (struct console_sink){ .out = stdout, .label = f->nspecs > 1, .id = i };
		if (sp->console_out) {
			r->sinks[i].out = fopen(sp->console_out, "w");
			r->sinks[i].label = false;
			if (!r->sinks[i].out) {
				fprintf(stderr, "vmlab %s: vm%d console-out: %s: %s\n", s->cmd, i,
					sp->console_out, strerror(errno));
				*status = 2;
				break;
			}
		}
	}
	if (!*status) {
		s->cfg.mem_bytes = vmm_ram_needed(vcs, f->nspecs);
		if (!s->cfg.mem_bytes) {
			fprintf(stderr, "vmlab %s: the guests need more than the machine's %u MiB of RAM\n",
				s->cmd, RAM_MAX >> 20);
			*status = 2;
		}
	}
	if (!*status) {
		s->cfg.io = (struct machine_io){ 0 };
		f->cfg.nvms = f->nspecs;
		f->cfg.io = (struct vmm_io){ .opaque = r, .console_out = vm_console_out,
					     .debug_print = vm_debug_print };
		r->m = machine_new(&s->cfg, err, sizeof err);
		r->v = r->m ? vmm_new(r->m, &f->cfg, err, sizeof err) : NULL;
		if (!r->v) {
			fprintf(stderr, "vmlab %s: %s\n", s->cmd, err);
			*status = 2;
		}
		for (int i = 0; i < f->nspecs && !*status; i++) {
			if (vmm_add_vm(r->v, &vcs[i], err, sizeof err) < 0) {
				fprintf(stderr, "vmlab %s: %s: %s\n", s->cmd, f->specs[i].image_path, err);
				*status = 2;
			}
		}
	}
	if (!*status && s->trace_cats) {
		/* the guests run on the machine: trace it, and the monitor's exits */
		r->tr = trace_new(r->m, r->imgs[0], stderr);
		if (!r->tr || !trace_attach_vmm(r->tr, r->v)) {
			fprintf(stderr, "vmlab %s: out of memory\n", s->cmd);
			*status = 2;
		} else {
			trace_set(r->tr, s->trace_cats);
		}
	}
	if (*status) {
		vm_front_free(r);
		return NULL;
	}
	return r;
}

struct machine *vm_run_machine(const struct vm_run *r) { return r->m; }
struct vmm *vm_run_vmm(const struct vm_run *r) { return r->v; }
const struct image *vm_run_image(const struct vm_run *r, int i) { return r->imgs[i]; }

void vm_front_flush(struct vm_run *r)
{
	for (int i = 0; i < r->nvms; i++) {
		if (r->sinks[i].len) /* a last line without its newline */
			r->sinks[i].line[r->sinks[i].len++] = '\n';
		sink_flush(r, &r->sinks[i]);
		if (r->sinks[i].open) { /* (interactive) its end is out already */
			fputc('\n', r->sinks[i].out);
			r->sinks[i].open = false;
		}
	}
	fflush(stdout);
}

int vm_front_finish(struct vm_front *f, struct vm_run *r, struct session *s, enum vmm_stop why)
{
	int status = 0;

	vm_front_flush(r);
	for (int i = 0; i < f->nspecs; i++) {
		struct vm_result res;
		vmm_vm_result(r->v, i, &res);
		if (res.state != VM_POWERED_OFF || f->nspecs > 1)
			report_vm(f, r->v, i, stderr);
		int vs = res.state == VM_POWERED_OFF ? (res.exit_code & 0xff) : 125;
		if (!status && vs)
			status = vs;
	}
	if (why == VMM_LIMIT) {
		budget_message(stderr, s->cmd, r->m, false, f->max_insns, f->max_cycles);
		status = 124;
	}
	if (f->stats) {
		report_stats_text(r->m, stderr);
		stats_text(f, r->v, stderr);
	}
	if (f->stats_json && !stats_json(r->v, r->m, f->stats_json))
		status = 2;
	for (int i = 0; i < f->nspecs; i++) {
		char what[64];
		snprintf(what, sizeof what, "vm%d's console output", i);
		if (!console_output_ok(r->sinks[i].out, s->cmd, what))
			status = 2; /* lost output is an error, never a success */
	}
	return status;
}

void vm_front_free(struct vm_run *r)
{
	if (!r)
		return;
	vlua_free(r->lua); /* before what it borrows */
	trace_free(r->tr);
	vmm_free(r->v);
	machine_free(r->m);
	for (int i = 0; i < r->nvms; i++) {
		image_free(r->imgs[i]);
		free(r->inputs[i]);
		if (r->sinks[i].out && r->sinks[i].out != stdout)
			fclose(r->sinks[i].out);
	}
	for (int i = 0; i < r->nowned; i++)
		free(r->owned[i]);
	free(r);
}

void vm_front_console_tap(struct vm_run *r, void (*tap)(void *opaque, int vm, const uint8_t *bytes,
							size_t n), void *opaque)
{
	r->tap = tap;
	r->tap_opaque = opaque;
}

/* A stretch of the run ended other than by its budget: a script's
 * handler may have stopped it only to apply its writes (run on), or by
 * x:stop() or an error (the run ends). */
static bool lua_again(void *opaque, enum vmm_stop why)
{
	struct vm_run *r = opaque;

	if (!r->lua)
		return false;
	r->next = vlua_session_stopped(r->lua, why == VMM_ALL_DONE ? STOP_POWER_OFF
					       : why == VMM_LIMIT ? STOP_LIMIT : STOP_REQUESTED);
	return r->next == VLUA_GO_ON;
}

/* Every guest to its end, the budget or a stop (no keyboard). */
static enum vmm_stop run_guests(struct vm_front *f, struct vm_run *r)
{
	uint64_t start = machine_instret(r->m), done;
	enum vmm_stop why;

	do {
		done = machine_instret(r->m) - start;
		if (f->max_insns != UINT64_MAX && done >= f->max_insns)
			return VMM_LIMIT;
		why = vmm_run(r->v, f->max_insns == UINT64_MAX ? UINT64_MAX : f->max_insns - done);
	} while (why != VMM_LIMIT && lua_again(r, why));
	return why;
}

int vm_front_run(struct vm_front *f, struct session *s)
{
	int status;
	bool stopped = false;
	enum vmm_stop why;
	struct vm_run *r;
	const struct image *imgs[VM_FRONT_MAX];

	f->interactive = true;
	r = vm_front_start(f, s, &status);
	if (!r)
		return status;
	if (f->lua_path) { /* the script first: vmlab.session is the monitor */
		for (int i = 0; i < r->nvms; i++)
			imgs[i] = r->imgs[i];
		struct vlua_monitor mon = { .m = r->m, .vmm = r->v, .imgs = imgs };
		r->lua = lua_front_session(f->lua, s->cmd, f->lua_path, NULL, NULL, &mon, &status);
		if (!r->lua) {
			vm_front_free(r);
			return status;
		}
	}
	r->next = VLUA_DONE;
	machine_set_budget(r->m, f->max_cycles, true); /* every run ends, halted or not */
	why = r->live ? vm_console_run(r->v, r->m, f->console_vm, f->max_insns, vm_flush_all,
				       lua_again, r, &stopped)
		      : run_guests(f, r);
	if (r->lua && (why == VMM_LIMIT || stopped)) /* a handler's error at the end */
		lua_again(r, stopped ? VMM_STOPPED : VMM_LIMIT);
	vlua_session_end(r->lua); /* no handler fires from here on */
	if (stopped) {
		vm_front_flush(r);
		fprintf(stderr, "vmlab %s: stopped (Ctrl-C) at cycle %llu\n", s->cmd,
			(unsigned long long)machine_cycles(r->m));
	} else if (r->next == VLUA_STOPPED) {
		vm_front_flush(r);
		fprintf(stderr, "vmlab %s: stopped by the Lua script at cycle %llu\n", s->cmd,
			(unsigned long long)machine_cycles(r->m));
	}
	status = vm_front_finish(f, r, s, why);
	if (stopped)
		status = 130;
	else if (r->next == VLUA_FAILED)
		status = 1; /* the handler's report is out */
	else if (r->next == VLUA_STOPPED && status != 2)
		status = 0;
	vlua_free(r->lua); /* before the monitor and the machine it borrows */
	r->lua = NULL;
	vm_front_free(r);
	return status;
}

void budget_message(FILE *out, const char *cmd, const struct machine *m, bool with_pc,
		    uint64_t max_insns, uint64_t max_cycles)
{
	bool cycles = max_cycles != UINT64_MAX && machine_cycles(m) >= max_cycles;
	char at[32] = "";

	if (with_pc)
		snprintf(at, sizeof at, " at pc 0x%08x", machine_pc(m));
	fprintf(out, "vmlab %s: %s budget of %llu exhausted%s\n", cmd,
		cycles ? "cycle" : "instruction",
		(unsigned long long)(cycles ? max_cycles : max_insns), at);
}

bool console_output_ok(FILE *f, const char *cmd, const char *what)
{
	if (!f || (fflush(f) == 0 && !ferror(f)))
		return true;
	fprintf(stderr, "vmlab %s: %s could not be written: %s\n", cmd, what,
		errno ? strerror(errno) : "write error");
	clearerr(f); /* said once */
	return false;
}
