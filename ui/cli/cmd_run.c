/*
 * cmd_run.c -- `vmlab run`: run a program on the bare machine until it
 * powers off, stops on a fatal trap, or exhausts its instruction budget.
 */
#include "ui/cli/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/dbg/report.h"
#include "ui/cli/session.h"
#include "ui/cli/vm_front.h"

enum { OPT_HELP = 1, OPT_MAX_INSNS, OPT_STATS, OPT_STATS_JSON, OPT_VMM, OPT_VM, OPT_SLICE,
       OPT_VMM_COST, OPT_VMM_TIMER };

static const struct opt_spec run_opts[] = {
	{ "help", 'h', false, OPT_HELP },
	{ "max-insns", 0, true, OPT_MAX_INSNS },
	{ "stats", 0, false, OPT_STATS },
	{ "stats-json", 0, true, OPT_STATS_JSON },
	{ "vmm", 0, true, OPT_VMM },
	{ "vm", 0, true, OPT_VM },
	{ "slice", 0, true, OPT_SLICE },
	{ "vmm-cost", 0, true, OPT_VMM_COST },
	{ "vmm-timer", 0, true, OPT_VMM_TIMER },
	SESSION_OPT_SPECS,
	{ NULL, 0, false, 0 },
};

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab run IMAGE|FILE.s [options]\n"
		"       vmlab run --vmm trap IMAGE [options]\n"
		"       vmlab run --vm IMAGE[,KEY=VALUE...] [--vm ...] [options]\n\n"
		"Run a program on the bare machine (a .s file is assembled first), or\n"
		"one or more guests under the trap-and-emulate monitor.  A guest's console\n"
		"is standard output; it stops when it writes the power device, whose\n"
		"value becomes vmlab's exit status.\n\n"
		"options:\n"
		SESSION_OPT_HELP
		"  --max-insns N     stop after N instructions (exit status 124)\n"
		"  --stats           print statistics on stderr at the end\n"
		"  --stats-json F    write statistics as JSON to F\n"
		"  -h, --help        this text\n\n"
		"the monitor (docs/monitor.md):\n"
		"  --vmm none|trap   run IMAGE bare (default) or as a guest of the monitor\n"
		"  --vm SPEC         add a guest: IMAGE[,mem=SIZE][,console-in=FILE]\n"
		"                    [,console-out=FILE][,disk=FILE][,seed=N]; repeatable\n"
		"  --slice N         cycles each guest runs before the next (default 200000)\n"
		"  --vmm-cost SPEC   cost model, e.g. exit=1200,entry=900 (keys: exit, entry,\n"
		"                    emulate, shadow_fill, pt_write, mmio, inject, switch_vm)\n"
		"  --vmm-timer P     late ticks and the guests' clocks: guest (default: the\n"
		"                    clock leaves out the monitor's work), merge, late, drop\n\n"
		"exit status: the guest's power-device value; 1 assembly errors;\n"
		"2 bad option, image or disk; 124 budget exhausted; 125 the machine\n"
		"stopped on a trap it could not handle (report on stderr).\n");
}

static int run_main(int argc, char **argv, struct vm_front *front)
{
	struct session s;
	struct opt_parser p;
	const char *arg, *stats_json = NULL;
	uint64_t max_insns = UINT64_MAX;
	bool stats = false, vmm = false;
	int id, status;
	char err[256];
	session_init(&s, "run");
	vm_front_init(front);
	opt_init(&p, "run", argc, argv);
	while ((id = opt_next(&p, run_opts, &arg)) != OPT_END) {
		switch (id) {
		case OPT_ERROR:
			return 2;
		case OPT_HELP:
			run_usage(stdout);
			return 0;
		case OPT_MAX_INSNS:
			if (!opt_u64("run", "--max-insns", arg, &max_insns))
				return 2;
			break;
		case OPT_STATS:
			stats = true;
			break;
		case OPT_STATS_JSON:
			stats_json = arg;
			break;
		case OPT_VMM:
			if (strcmp(arg, "none") && strcmp(arg, "trap")) {
				fprintf(stderr, "vmlab run: --vmm: '%s' is not none or trap\n", arg);
				return 2;
			}
			vmm = !strcmp(arg, "trap");
			break;
		case OPT_VM:
			if (!vm_front_parse(front, "run", arg, &s))
				return 2;
			vmm = true;
			break;
		case OPT_SLICE:
			if (!opt_u64("run", "--slice", arg, &front->cfg.slice))
				return 2;
			if (front->cfg.slice == 0) {
				fprintf(stderr, "vmlab run: --slice: must be at least 1 cycle\n");
				return 2;
			}
			break;
		case OPT_VMM_TIMER:
			if (!vmm_timer_policy_parse(arg, &front->cfg.timer)) {
				fprintf(stderr, "vmlab run: --vmm-timer: '%s' is not guest, merge, "
						"late or drop\n", arg);
				return 2;
			}
			break;
		case OPT_VMM_COST:
			if (!vmm_costs_parse(&front->cfg.costs, arg, err, sizeof err)) {
				fprintf(stderr, "vmlab run: --vmm-cost: %s\n", err);
				return 2;
			}
			break;
		default: /* the program, or a shared option */
			if (session_argument(&s, id, arg) < 0)
				return 2;
			break;
		}
	}
	if (vmm) {
		/* the positional image is one more guest, with the session's options */
		if (s.image_path) {
			struct vm_spec *sp = &front->specs[front->nspecs++];
			*sp = (struct vm_spec){ .image_path = s.image_path, .mem_bytes = s.cfg.mem_bytes,
						.console_in = s.console_in, .disk_path = s.cfg.disk_path,
						.seed = s.cfg.seed };
		}
		if (front->nspecs == 0) {
			fprintf(stderr, "vmlab run: --vmm trap needs a guest (an image or --vm)\n");
			return 2;
		}
		s.includes[s.nincludes] = NULL;
		front->stats = stats;
		front->stats_json = stats_json;
		front->max_insns = max_insns;
		return vm_front_run(front, &s);
	}
	if (!s.image_path) {
		fprintf(stderr, "vmlab run: no program given (see vmlab run --help)\n");
		return 2;
	}
	status = session_start(&s);
	if (status) {
		session_end(&s);
		return status;
	}

	uint64_t left = max_insns;
	enum machine_stop why;
	for (;;) {
		why = machine_run(s.m, left);
		if (why != STOP_DEBUG_BREAK)
			break;
		fflush(stdout);
		fprintf(stderr, "vmlab run: debug break at pc 0x%08x (no debugger here; continuing)\n",
			machine_pc(s.m));
		if (max_insns != UINT64_MAX)
			left = max_insns - machine_instret(s.m);
	}
	fflush(stdout);
	switch (why) {
	case STOP_POWER_OFF:
		status = machine_exit_code(s.m) & 0xff;
		break;
	case STOP_LIMIT:
		fprintf(stderr, "vmlab run: instruction budget of %llu exhausted at pc 0x%08x\n",
			(unsigned long long)max_insns, machine_pc(s.m));
		status = 124;
		break;
	case STOP_FATAL:
		report_fatal(s.m, s.img, stderr);
		status = 125;
		break;
	default:
		fprintf(stderr, "vmlab run: stopped at pc 0x%08x\n", machine_pc(s.m));
		status = 125;
		break;
	}
	if (stats)
		report_stats_text(s.m, stderr);
	if (stats_json && !report_stats_json(s.m, "run", stats_json))
		status = 2;
	session_end(&s);
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct vm_front *front = malloc(sizeof *front); /* large: off the stack */
	int status;

	if (!front) {
		fprintf(stderr, "vmlab run: out of memory\n");
		return 2;
	}
	status = run_main(argc, argv, front);
	free(front);
	return status;
}
