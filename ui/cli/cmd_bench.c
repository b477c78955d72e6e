/*
 * cmd_bench.c -- `vmlab bench`: guest MIPS on fixed workloads.
 *
 * Speed is a benchmark, never a timed test: the machines are shared and
 * noisy, so each workload runs --repeat times and the best run counts, and
 * comparisons should be made as ratios within one run.  Host time is read
 * here, in ui/, and never reaches the guest.
 */
#include "ui/cli/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/asm/asm.h"
#include "sim/image.h"
#include "sim/machine.h"
#include "ui/cli/bench.h"
#include "ui/cli/options.h"

enum { OPT_HELP = 1, OPT_JSON, OPT_REPEAT, OPT_ONLY, OPT_LIST, OPT_VMM, OPT_OS, OPT_LUA, OPT_SCALE };

static const struct opt_spec bench_opts[] = {
	{ "help", 'h', false, OPT_HELP },
	{ "json", 0, false, OPT_JSON },
	{ "repeat", 0, true, OPT_REPEAT },
	{ "only", 0, true, OPT_ONLY },
	{ "list", 0, false, OPT_LIST },
	{ "vmm", 0, false, OPT_VMM },
	{ "os", 0, true, OPT_OS },
	{ "lua", 0, false, OPT_LUA },
	{ "scale-down", 0, true, OPT_SCALE },
	{ NULL, 0, false, 0 },
};

struct bench_result {
	uint64_t insns;
	uint64_t cycles;
	double seconds; /* best of the repeats */
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The workload's source with ITERS (its count divided by scale_down,
 * kept even and at least 2) and peers10's expected results defined in
 * front; NULL if out of memory. */
static char *workload_source(const struct bench_workload *w, uint32_t scale_down)
{
	uint32_t iters = w->iters / scale_down & ~1u, hash, sum;
	char head[192];
	char *src;

	if (iters < 2)
		iters = 2;
	bench_peers10_expect(iters, &hash, &sum);
	snprintf(head, sizeof head,
		 "        .equ  ITERS, %u\n        .equ  PEERS10_HASH, 0x%08x\n"
		 "        .equ  PEERS10_SUM, 0x%08x\n", iters, hash, sum);
	src = malloc(strlen(head) + strlen(w->source) + 1);
	if (src) {
		strcpy(src, head);
		strcat(src, w->source);
	}
	return src;
}

/* Assemble and run one workload `repeat` times; false with a message if
 * it does not assemble or does not finish correctly. */
static bool run_workload(const struct bench_workload *w, unsigned repeat, uint32_t scale_down,
			 struct bench_result *r)
{
	struct assembler *as = asm_new();
	char err[256];
	char *src = workload_source(w, scale_down);
	bool ok = as && src && asm_assemble_string(as, w->name, src);

	free(src);

	if (!ok) {
		fprintf(stderr, "vmlab bench: %s: does not assemble (%zu errors)\n", w->name,
			as ? asm_error_count(as) : 0);
		asm_free(as);
		return false;
	}
	r->seconds = 0;
	for (unsigned i = 0; i < repeat && ok; i++) {
		struct machine_config cfg;
		struct machine *m;
		machine_config_defaults(&cfg);
		m = machine_new(&cfg, err, sizeof err);
		if (!m || !machine_load_image(m, asm_image(as), err, sizeof err)) {
			fprintf(stderr, "vmlab bench: %s: %s\n", w->name, err);
			machine_free(m);
			ok = false;
			break;
		}
		double t0 = now_seconds();
		enum machine_stop why = machine_run(m, 10ull * 1000 * 1000 * 1000);
		double t = now_seconds() - t0;
		if (why != STOP_POWER_OFF || machine_exit_code(m) != 0) {
			fprintf(stderr, "vmlab bench: %s: wrong result (stop %d, exit %d): the simulator is broken\n",
				w->name, (int)why, machine_exit_code(m));
			ok = false;
		}
		r->insns = machine_instret(m);
		r->cycles = machine_cycles(m);
		if (i == 0 || t < r->seconds)
			r->seconds = t;
		machine_free(m);
	}
	asm_free(as);
	return ok;
}

/* The toyos image that goes with this vmlab: build/toyos.elf next to
 * build/vmlab, or PREFIX/share/vmlab/toyos.elf for PREFIX/bin/vmlab. */
static const char *find_toyos(char *buf, size_t len)
{
	static const char *const places[] = { "toyos.elf", "../share/vmlab/toyos.elf" };
	char dir[2048];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
	char *slash;

	dir[n > 0 ? n : 0] = '\0';
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
		int k = snprintf(buf, len, "%s/%s", slash ? dir : ".", places[i]);
		if (k > 0 && (size_t)k < len && access(buf, R_OK) == 0)
			return buf;
	}
	if (snprintf(buf, len, "%s/%s", slash ? dir : ".", places[0]) >= (int)len)
		snprintf(buf, len, "%s", places[0]);
	return buf; /* not found: the error names the first place */
}

static void bench_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab bench [--json] [--repeat N] [--only NAME] [--list]\n"
		"                   [--scale-down N]\n"
		"       vmlab bench --vmm [--os IMAGE] [--json] [--repeat N] [--only NAME]\n"
		"       vmlab bench --lua [--repeat N]\n\n"
		"Run fixed guest workloads and report guest instructions, seconds and\n"
		"MIPS (millions of guest instructions per host second) for each.\n"
		"Each workload checks its own result; a wrong result is an error.\n\n"
		"With --vmm: toyos's compute, syscalls, forkwait, pagetouch, pingpong and\n"
		"disk workloads, bare, under --vmm trap and (toyos-pv.elf, beside the\n"
		"image) under --vmm pv, on the strict machine, with guest cycles, VM\n"
		"exits, exits per 1000 instructions, seconds, and the ratios to bare\n"
		"(--os: the toyos image; default: toyos.elf beside vmlab, or\n"
		"PREFIX/share/vmlab/toyos.elf when installed).\n\n"
		"With --lua: what Lua scripting costs: a machine's loop with no handler,\n"
		"with an insn handler that counts (calls per second), and a guest whose\n"
		"loop is one mtcr exit, under the monitor's C emulation and under a Lua\n"
		"policy (mon:handle) that emulates mtcr (exits per second).\n\n"
		"  --json        {\"workloads\":[{\"name\":...,\"paging\":...,\"insns\":...,\n"
		"                \"seconds\":...,\"mips\":...}]}\n"
		"  --repeat N    run each workload N times, report the fastest (default 3)\n"
		"  --only NAME   run one workload\n"
		"  --list        list the workloads\n"
		"  --scale-down N  run 1/N of each workload's iterations (for\n"
		"                slow hosts such as callgrind: scripts/bench-host.sh)\n");
}

int cmd_bench(int argc, char **argv)
{
	struct opt_parser p;
	const char *arg, *only = NULL;
	uint64_t repeat = 3, scale_down = 1;
	bool json = false, found = false, ok = true, vmm = false, lua = false;
	const char *os = NULL;
	char os_default[4096];
	int id;

	opt_init(&p, "bench", argc, argv);
	while ((id = opt_next(&p, bench_opts, &arg)) != OPT_END) {
		switch (id) {
		case OPT_HELP:
			bench_usage(stdout);
			return 0;
		case OPT_JSON:
			json = true;
			break;
		case OPT_REPEAT:
			if (!opt_u64("bench", "--repeat", arg, &repeat))
				return 2;
			if (repeat == 0 || repeat > 1000) {
				fprintf(stderr, "vmlab bench: --repeat: %s is not between 1 and 1000\n", arg);
				return 2;
			}
			break;
		case OPT_ONLY:
			only = arg;
			break;
		case OPT_SCALE:
			if (!opt_u64("bench", "--scale-down", arg, &scale_down))
				return 2;
			if (scale_down == 0 || scale_down > 1000000) {
				fprintf(stderr, "vmlab bench: --scale-down: %s is not between 1 and 1000000\n",
					arg);
				return 2;
			}
			break;
		case OPT_LIST:
			for (const struct bench_workload *w = bench_workloads; w->name; w++)
				printf("%-14s %s\n", w->name, w->summary);
			return 0;
		case OPT_VMM:
			vmm = true;
			break;
		case OPT_OS:
			os = arg;
			break;
		case OPT_LUA:
			lua = true;
			break;
		case OPT_POSITIONAL:
			fprintf(stderr, "vmlab bench: unexpected argument '%s'\n", arg);
			return 2;
		default:
			return 2;
		}
	}

	if (os && !vmm) { /* the machine's own loops run no OS: --os would do nothing */
		fprintf(stderr, "vmlab bench: --os needs --vmm (the toyos workloads)\n");
		return 2;
	}
	if (lua && (vmm || json || only)) {
		fprintf(stderr, "vmlab bench: --lua takes only --repeat\n");
		return 2;
	}
	if (lua)
		return bench_lua((unsigned)repeat, 20000000ull);
	if (vmm) {
		if (!os) /* beside vmlab (build/), or installed in ../share/vmlab */
			os = find_toyos(os_default, sizeof os_default);
		return bench_vmm(os, only, json, (unsigned)repeat);
	}
	if (json)
		printf("{\"workloads\":[");
	else
		printf("%-14s %-6s %14s %14s %9s %8s\n", "workload", "paging", "instructions",
		       "cycles", "seconds", "MIPS");
	for (const struct bench_workload *w = bench_workloads; w->name; w++) {
		struct bench_result r = { 0 };
		if (only && strcmp(only, w->name))
			continue;
		if (!run_workload(w, (unsigned)repeat, (uint32_t)scale_down, &r)) {
			ok = false;
			continue;
		}
		double mips = r.seconds > 0 ? (double)r.insns / r.seconds / 1e6 : 0;
		if (json)
			printf("%s{\"name\":\"%s\",\"paging\":%s,\"insns\":%llu,\"cycles\":%llu,"
			       "\"seconds\":%.6f,\"mips\":%.1f}",
			       found ? "," : "", w->name, w->paging ? "true" : "false",
			       (unsigned long long)r.insns, (unsigned long long)r.cycles, r.seconds, mips);
		else
			printf("%-14s %-6s %14llu %14llu %9.3f %8.1f\n", w->name, w->paging ? "on" : "off",
			       (unsigned long long)r.insns, (unsigned long long)r.cycles, r.seconds, mips);
		fflush(stdout);
		found = true;
	}
	if (json)
		printf("]}\n");
	if (only && !found && ok) {
		fprintf(stderr, "vmlab bench: no workload named '%s' (see --list)\n", only);
		return 2;
	}
	return ok ? 0 : 1;
}
