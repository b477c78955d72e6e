/*
 * vm_front.c -- run guests under the monitor and report what happened.
 */
#include "ui/cli/vm_front.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/image.h"
#include "ui/dbg/report.h"

/* Per-guest console sink: a file, or stdout with a label per line.  A
 * labelled guest's output is held until its line ends, so lines of
 * different guests never mix. */
struct console_sink {
	FILE *out;
	bool label;
	int id;
	char line[256];   /* the labelled line being built */
	size_t len;
};

static void sink_flush(struct console_sink *c)
{
	if (c->len) {
		fprintf(c->out, "[vm%d] %.*s", c->id, (int)c->len, c->line);
		c->len = 0;
	}
}

struct front_run {
	struct console_sink sinks[VM_FRONT_MAX];
};

static void vm_console_out(void *opaque, int vm, const uint8_t *bytes, size_t n)
{
	struct console_sink *c = &((struct front_run *)opaque)->sinks[vm];

	if (!c->label) {
		fwrite(bytes, 1, n, c->out);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		c->line[c->len++] = (char)bytes[i];
		if (bytes[i] == '\n' || c->len == sizeof c->line)
			sink_flush(c);
	}
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

static void stats_text(struct vmm *v, FILE *out)
{
	struct vmm_stats s;

	vmm_get_stats(v, -1, &s);
	fprintf(out, "--- monitor ---\n");
	fprintf(out, "vm exits       %llu\n", (unsigned long long)s.exits_total);
	for (int e = 0; e < EXIT_COUNT; e++)
		if (s.exits[e])
			fprintf(out, "  %-14s %llu\n", vmm_exit_name(e), (unsigned long long)s.exits[e]);
	fprintf(out, "injected irqs  %llu\n", (unsigned long long)s.injected_irqs);
	fprintf(out, "shadow tables  %llu built, %llu fills, %llu drops, %llu flushes\n",
		(unsigned long long)s.shadow_tables, (unsigned long long)s.shadow_fills,
		(unsigned long long)s.shadow_drops, (unsigned long long)s.shadow_flushes);
	fprintf(out, "vm switches    %llu\n", (unsigned long long)s.vm_switches);
	fprintf(out, "guest cycles   %llu (%llu instructions)\n", (unsigned long long)s.guest_cycles,
		(unsigned long long)s.guest_insns);
	fprintf(out, "monitor cycles %llu\n", (unsigned long long)s.monitor_cycles);
	fprintf(out, "idle cycles    %llu\n", (unsigned long long)s.idle_cycles);
	fprintf(out, "guest clocks   %llu cycles behind, ticks %llu late, %llu dropped\n",
		(unsigned long long)s.clock_behind, (unsigned long long)s.ticks_late,
		(unsigned long long)s.ticks_dropped);
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
		     "\"ticks_dropped\":%llu,\"protect_visits\":%llu}",
		(unsigned long long)s->injected_irqs, (unsigned long long)s->shadow_tables,
		(unsigned long long)s->shadow_fills, (unsigned long long)s->shadow_drops,
		(unsigned long long)s->shadow_flushes, (unsigned long long)s->vm_switches,
		(unsigned long long)s->guest_cycles, (unsigned long long)s->guest_insns,
		(unsigned long long)s->monitor_cycles, (unsigned long long)s->idle_cycles,
		(unsigned long long)s->clock_behind, (unsigned long long)s->ticks_late,
		(unsigned long long)s->ticks_dropped, (unsigned long long)s->protect_visits);
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

int vm_front_run(struct vm_front *f, struct session *s)
{
	struct image *imgs[VM_FRONT_MAX] = { 0 };
	uint8_t *inputs[VM_FRONT_MAX] = { 0 };
	char *owned[VM_FRONT_MAX * 4] = { 0 };
	struct vm_config vcs[VM_FRONT_MAX];
	struct front_run fr;
	struct machine *m = NULL;
	struct vmm *v = NULL;
	char err[512];
	int status = 0, nowned = 0;

	memset(&fr, 0, sizeof fr);
	for (int i = 0; i < f->nspecs && !status; i++) {
		struct vm_spec *sp = &f->specs[i];
		/* the spec's strings run to the end of the --vm argument */
		sp->image_path = owned[nowned++] = field_dup(sp->image_path);
		if (sp->console_in)
			sp->console_in = owned[nowned++] = field_dup(sp->console_in);
		if (sp->console_out)
			sp->console_out = owned[nowned++] = field_dup(sp->console_out);
		if (sp->disk_path)
			sp->disk_path = owned[nowned++] = field_dup(sp->disk_path);
		imgs[i] = session_load_image(s->cmd, sp->image_path, s->includes, &status);
		if (!imgs[i])
			break;
		vcs[i] = (struct vm_config){ .name = sp->image_path, .image = imgs[i],
					     .mem_bytes = sp->mem_bytes, .disk_path = sp->disk_path,
					     .seed = sp->seed };
		if (sp->console_in) {
			size_t len;
			inputs[i] = session_slurp(sp->console_in, &len, err, sizeof err);
			if (!inputs[i]) {
				fprintf(stderr, "vmlab %s: vm%d console-in: %s\n", s->cmd, i, err);
				status = 2;
				break;
			}
			vcs[i].console_in = inputs[i];
			vcs[i].console_in_len = len;
		}
		fr.sinks[i] = (struct console_sink){ .out = stdout, .label = f->nspecs > 1, .id = i };
		if (sp->console_out) {
			fr.sinks[i].out = fopen(sp->console_out, "w");
			fr.sinks[i].label = false;
			if (!fr.sinks[i].out) {
				fprintf(stderr, "vmlab %s: vm%d console-out: %s: %s\n", s->cmd, i,
					sp->console_out, strerror(errno));
				status = 2;
				break;
			}
		}
	}
	if (!status) {
		s->cfg.mem_bytes = vmm_ram_needed(vcs, f->nspecs);
		if (!s->cfg.mem_bytes) {
			fprintf(stderr, "vmlab %s: the guests need more than the machine's %u MiB of RAM\n",
				s->cmd, RAM_MAX >> 20);
			status = 2;
		}
	}
	if (!status) {
		s->cfg.io = (struct machine_io){ 0 };
		f->cfg.nvms = f->nspecs;
		f->cfg.io = (struct vmm_io){ .opaque = &fr, .console_out = vm_console_out,
					     .debug_print = vm_debug_print };
		m = machine_new(&s->cfg, err, sizeof err);
		v = m ? vmm_new(m, &f->cfg, err, sizeof err) : NULL;
		if (!v) {
			fprintf(stderr, "vmlab %s: %s\n", s->cmd, err);
			status = 2;
		}
		for (int i = 0; i < f->nspecs && !status; i++) {
			if (vmm_add_vm(v, &vcs[i], err, sizeof err) < 0) {
				fprintf(stderr, "vmlab %s: %s: %s\n", s->cmd, f->specs[i].image_path, err);
				status = 2;
			}
		}
	}
	if (!status) {
		enum vmm_stop why = vmm_run(v, f->max_insns);
		for (int i = 0; i < f->nspecs; i++) {
			if (fr.sinks[i].len) /* a last line without its newline */
				fr.sinks[i].line[fr.sinks[i].len++] = '\n';
			sink_flush(&fr.sinks[i]);
		}
		fflush(stdout);
		for (int i = 0; i < f->nspecs; i++) {
			struct vm_result r;
			vmm_vm_result(v, i, &r);
			if (r.state != VM_POWERED_OFF || f->nspecs > 1)
				report_vm(f, v, i, stderr);
			int vs = r.state == VM_POWERED_OFF ? (r.exit_code & 0xff) : 125;
			if (!status && vs)
				status = vs;
		}
		if (why == VMM_LIMIT) {
			fprintf(stderr, "vmlab %s: instruction budget of %llu exhausted\n", s->cmd,
				(unsigned long long)f->max_insns);
			status = 124;
		}
		if (f->stats) {
			report_stats_text(m, stderr);
			stats_text(v, stderr);
		}
		if (f->stats_json && !stats_json(v, m, f->stats_json))
			status = 2;
	}
	vmm_free(v);
	machine_free(m);
	for (int i = 0; i < f->nspecs; i++) {
		image_free(imgs[i]);
		free(inputs[i]);
		if (fr.sinks[i].out && fr.sinks[i].out != stdout)
			fclose(fr.sinks[i].out);
	}
	for (int i = 0; i < nowned; i++)
		free(owned[i]);
	return status;
}
