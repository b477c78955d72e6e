/*
 * bench_vmm.c -- `vmlab bench --vmm`: toyos workloads on the bare machine
 * under the trap-and-emulate monitor, and -- the paravirtual build of toyos
 * (toyos-pv.elf, beside the --os image) -- under the paravirtual one, on
 * the strict machine (where all three must agree), side by side.  Our version of Adams & Agesen's
 * nanobenchmark table (ASPLOS 2006): what each kind of kernel work costs
 * in exits, in guest cycles and in host time.
 *
 * Each workload is a console script for toyos's shell.  Both runs must
 * print the same console output: a benchmark of a wrong result is no
 * benchmark.
 */
#include "ui/cli/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monitor/vmm.h"
#include "sim/image.h"
#include "sim/machine.h"

struct vmm_workload {
	const char *name;
	const char *script;  /* toyos shell input */
	const char *what;
	bool disk;           /* needs a disk */
};

static const struct vmm_workload workloads[] = {
	{ "compute", "compute 1000000\n", "primes by trial division: user mode, almost no kernel work", false },
	{ "syscalls", "syscalls 150000\n", "getpid system calls", false },
	{ "forkwait", "forkwait 300\n", "fork a child (address-space copy), wait for it", false },
	{ "pagetouch", "pagetouch 2000\n", "demand-zero page faults", false },
	{ "pingpong", "pingpong 20000\n", "two processes yielding to each other", false },
	{ "disk", "disk 1024\n", "disk block reads (DMA, interrupts)", true },
	{ NULL, NULL, NULL, false },
};

struct sample {
	uint64_t insns, cycles, exits;
	double seconds;
	char *output;      /* console output, to compare */
	size_t output_len;
	int status;        /* exit status of the guest */
};

struct out_buf {
	char *data;
	size_t len, cap;
};

static void buf_add(struct out_buf *b, const uint8_t *bytes, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, bytes, n);
	b->len += n;
}

static void bare_out(void *opaque, const uint8_t *bytes, size_t n) { buf_add(opaque, bytes, n); }
static void vm_out(void *opaque, int vm, const uint8_t *bytes, size_t n) { (void)vm; buf_add(opaque, bytes, n); }

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define DISK_BYTES (1u << 20)

/* A fresh disk with the same contents for every run; "" if none needed. */
static bool make_disk(char *path, size_t n, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	uint8_t block[512];
	FILE *f;
	int fd;

	snprintf(path, n, "%s/vmlab-bench-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "wb"))) {
		snprintf(err, errlen, "cannot create a temporary disk in %s", dir ? dir : "/tmp");
		return false;
	}
	for (uint32_t b = 0; b < DISK_BYTES / sizeof block; b++) {
		for (uint32_t i = 0; i < sizeof block; i++)
			block[i] = (uint8_t)(b * 7 + i);
		fwrite(block, 1, sizeof block, f);
	}
	return fclose(f) == 0;
}

#define BENCH_BUDGET (20ull * 1000 * 1000 * 1000)
#define GUEST_MEM (16u << 20)

enum bench_mode { MODE_BARE, MODE_TRAP, MODE_PV, MODE_COUNT };
static const char *const mode_names[MODE_COUNT] = { "none", "trap", "pv" };

/* One run, bare or as the only guest of the monitor (trap or pv). */
static bool run_once(const struct image *os, const struct vmm_workload *w, enum bench_mode mode,
		     struct sample *s, char *err, size_t errlen)
{
	bool vmm = mode != MODE_BARE;
	struct machine_config cfg;
	struct out_buf out = { 0 };
	struct machine *m;
	struct vmm *v = NULL;
	bool ok = false;
	char disk[4096] = "";

	memset(s, 0, sizeof *s);
	if (w->disk && !make_disk(disk, sizeof disk, err, errlen))
		return false;
	machine_config_defaults(&cfg);
	cfg.variant = VARIANT_STRICT;
	cfg.mem_bytes = GUEST_MEM;
	cfg.disk_path = !vmm && *disk ? disk : NULL;
	if (!vmm) {
		cfg.io = (struct machine_io){ .opaque = &out, .console_out = bare_out };
	} else {
		struct vm_config vc = { .image = os, .mem_bytes = GUEST_MEM };
		cfg.mem_bytes = vmm_ram_needed(&vc, 1);
	}
	m = machine_new(&cfg, err, errlen);
	if (!m)
		goto done;
	if (!vmm) {
		if (!machine_load_image(m, os, err, errlen))
			goto done;
		machine_console_input(m, (const uint8_t *)w->script, strlen(w->script));
		machine_console_eof(m);
		double t0 = now_seconds();
		enum machine_stop why = machine_run(m, BENCH_BUDGET);
		s->seconds = now_seconds() - t0;
		s->status = why == STOP_POWER_OFF ? machine_exit_code(m) : -1;
	} else {
		struct vmm_config vcfg;
		struct vm_config vc = { .name = "toyos", .image = os, .mem_bytes = GUEST_MEM,
					.console_in = (const uint8_t *)w->script,
					.console_in_len = strlen(w->script), .seed = 1,
					.disk_path = *disk ? disk : NULL };
		struct vmm_stats st;
		struct vm_result r;
		vmm_config_defaults(&vcfg);
		vcfg.pv = mode == MODE_PV;
		vcfg.io = (struct vmm_io){ .opaque = &out, .console_out = vm_out };
		v = vmm_new(m, &vcfg, err, errlen);
		if (!v || vmm_add_vm(v, &vc, err, errlen) < 0)
			goto done;
		double t0 = now_seconds();
		enum vmm_stop why = vmm_run(v, BENCH_BUDGET);
		s->seconds = now_seconds() - t0;
		vmm_vm_result(v, 0, &r);
		s->status = why == VMM_ALL_DONE && r.state == VM_POWERED_OFF ? r.exit_code : -1;
		vmm_get_stats(v, -1, &st);
		s->exits = st.exits_total;
	}
	s->insns = machine_instret(m);
	s->cycles = machine_cycles(m);
	s->output = out.data;
	s->output_len = out.len;
	out.data = NULL;
	ok = true;
done:
	free(out.data);
	vmm_free(v);
	machine_free(m);
	if (*disk)
		remove(disk);
	return ok;
}

/* Best of `repeat` runs (the machines are shared and noisy). */
static bool run_best(const struct image *os, const struct vmm_workload *w, enum bench_mode vmm,
		     unsigned repeat, struct sample *best, char *err, size_t errlen)
{
	for (unsigned i = 0; i < repeat; i++) {
		struct sample s;
		if (!run_once(os, w, vmm, &s, err, errlen))
			return false;
		if (i == 0 || s.seconds < best->seconds) {
			if (i)
				free(best->output);
			*best = s;
		} else {
			free(s.output);
		}
	}
	return true;
}

int bench_vmm(const char *os_path, const char *only, bool json, unsigned repeat)
{
	char err[512];
	struct image *os = image_read_elf(os_path, err, sizeof err), *pv = NULL;
	bool ok = true, first = true;
	char pv_path[4096];
	size_t n = strlen(os_path);

	if (!os) {
		fprintf(stderr, "vmlab bench: --os: %s (build it with make)\n", err);
		return 2;
	}
	/* the paravirtual build beside it: X.elf -> X-pv.elf */
	snprintf(pv_path, sizeof pv_path, "%.*s-pv.elf",
		 (int)(n > 4 && !strcmp(os_path + n - 4, ".elf") ? n - 4 : n), os_path);
	pv = image_read_elf(pv_path, err, sizeof err);
	if (!pv) {
		fprintf(stderr, "vmlab bench: %s (build it with make)\n", err);
		image_free(os);
		return 2;
	}
	if (only) { /* a name that matches nothing would run nothing, silently */
		const struct vmm_workload *w = workloads;
		while (w->name && strcmp(only, w->name))
			w++;
		if (!w->name) {
			fprintf(stderr, "vmlab bench: --vmm: no workload named '%s' (", only);
			for (w = workloads; w->name; w++)
				fprintf(stderr, "%s%s", w == workloads ? "" : ", ", w->name);
			fprintf(stderr, ")\n");
			image_free(os);
			image_free(pv);
			return 2;
		}
	}
	if (json)
		printf("{\"workloads\":[");
	else
		/* 80 columns: the last two are the ratios to the bare run */
		printf("%-9s %-4s %11s %12s %9s %8s %7s %6s %6s\n", "workload", "vmm", "insns",
		       "cycles", "exits", "exits/1k", "seconds", "xtime", "xcycle");
	for (const struct vmm_workload *w = workloads; w->name; w++) {
		struct sample runs[MODE_COUNT];
		const struct sample *b = &runs[MODE_BARE];
		int done = 0;
		if (only && strcmp(only, w->name))
			continue;
		for (; done < MODE_COUNT; done++)
			if (!run_best(done == MODE_PV ? pv : os, w, (enum bench_mode)done, repeat,
				      &runs[done], err, sizeof err))
				break;
		if (done < MODE_COUNT) {
			fprintf(stderr, "vmlab bench: %s: %s\n", w->name, err);
			for (int k = 0; k < done; k++)
				free(runs[k].output);
			ok = false;
			continue;
		}
		for (int k = MODE_TRAP; k < MODE_COUNT; k++) {
			const struct sample *s = &runs[k];
			if (b->status != 0 || s->status != 0 || b->output_len != s->output_len ||
			    memcmp(b->output, s->output, b->output_len)) {
				fprintf(stderr, "vmlab bench: %s: bare and %s runs disagree "
						"(status %d and %d): the monitor is broken\n",
					w->name, mode_names[k], b->status, s->status);
				ok = false;
			}
		}
		for (int k = 0; k < MODE_COUNT; k++) {
			const struct sample *s = &runs[k];
			double per_k = s->insns ? 1000.0 * (double)s->exits / (double)s->insns : 0;
			if (json) {
				printf("%s{\"name\":\"%s\",\"vmm\":\"%s\",\"insns\":%llu,\"cycles\":%llu,"
				       "\"exits\":%llu,\"exits_per_1k_insns\":%.3f,\"seconds\":%.6f,"
				       "\"time_ratio\":%.3f,\"cycle_ratio\":%.3f}",
				       first ? "" : ",", w->name, mode_names[k],
				       (unsigned long long)s->insns, (unsigned long long)s->cycles,
				       (unsigned long long)s->exits, per_k, s->seconds,
				       b->seconds > 0 ? s->seconds / b->seconds : 0,
				       (double)s->cycles / (double)b->cycles);
				first = false;
			} else {
				printf("%-9s %-4s %11llu %12llu %9llu %8.2f %7.3f %6.2f %6.2f\n",
				       k ? "" : w->name, mode_names[k],
				       (unsigned long long)s->insns, (unsigned long long)s->cycles,
				       (unsigned long long)s->exits, per_k, s->seconds,
				       b->seconds > 0 ? s->seconds / b->seconds : 0,
				       (double)s->cycles / (double)b->cycles);
			}
		}
		fflush(stdout);
		for (int k = 0; k < MODE_COUNT; k++)
			free(runs[k].output);
	}
	if (json)
		printf("]}\n");
	image_free(os);
	image_free(pv);
	return ok ? 0 : 1;
}
