/*
 * cmd_run.c -- `vmlab run`: run a program on the bare machine until it
 * powers off, stops on a fatal trap, or exhausts its instruction budget.
 */
#include "ui/cli/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/dbg/report.h"
#include "ui/cli/lua_front.h"
#include "ui/cli/session.h"
#include "ui/cli/tty.h"
#include "ui/cli/vm_front.h"
#include "ui/dbg/trace.h"

enum { OPT_HELP = 1, OPT_MAX_CYCLES, OPT_STATS, OPT_STATS_JSON, OPT_LUA };

static const struct opt_spec run_opts[] = {
	{ "help", 'h', false, OPT_HELP },
	{ "max-cycles", 0, true, OPT_MAX_CYCLES },
	{ "stats", 0, false, OPT_STATS },
	{ "stats-json", 0, true, OPT_STATS_JSON },
	{ "lua", 0, true, OPT_LUA },
	LUA_FRONT_OPT_SPECS,
	VM_FRONT_OPT_SPECS,
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
		"  --max-cycles N    stop once virtual time reaches N cycles (status 124);\n"
		"                    in a run, cycles spent halted count toward --max-insns\n"
		"  --stats           print statistics on stderr at the end\n"
		"  --stats-json F    write statistics as JSON to F\n"
		"  -h, --help        this text\n\n"
		"Lua (docs/lua.md, \"vmlab run --lua\"):\n"
		"  --lua FILE.lua    run the script first: it gets the run's machine as\n"
		"                    vmlab.session and installs handlers on it with\n"
		"                    vmlab.session:on(...); then the run goes on with\n"
		"                    them (a handler's error: status 1; x:stop(): 0).\n"
		"                    Under --vmm trap|pv vmlab.session is the monitor,\n"
		"                    as vmlab.monitor{} gives one: its VMs, its events\n"
		"                    (exit, vm_end, ...), policies (:handle) and a\n"
		"                    scheduler (:schedule) act on the run's guests\n"
		LUA_FRONT_OPT_HELP "\n"
		"the monitor (docs/monitor.md):\n"
		VM_FRONT_OPT_HELP "\n"
		"exit status: the guest's power-device value; 1 assembly errors;\n"
		"2 bad option, image or disk; 124 budget exhausted; 125 the machine\n"
		"stopped on a trap it could not handle (report on stderr); 130 stopped\n"
		"by Ctrl-C (or where a --replay recording was stopped).\n\n"
		"On a terminal, what you type goes to the guest (the guest echoes it);\n"
		"Ctrl-D ends the input, Ctrl-C stops the machine (docs/toyos.md).\n");
}

static int run_main(int argc, char **argv, struct vm_front *front)
{
	struct session s;
	struct opt_parser p;
	const char *arg, *stats_json = NULL, *lua_path = NULL;
	uint64_t max_cycles = UINT64_MAX;
	bool stats = false;
	int id, status, r;
	struct lua_front lf;
	struct vlua *lua = NULL;

	lua_front_init(&lf);
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
		case OPT_MAX_CYCLES:
			if (!opt_u64("run", "--max-cycles", arg, &max_cycles))
				return 2;
			break;
		case OPT_STATS:
			stats = true;
			break;
		case OPT_STATS_JSON:
			stats_json = arg;
			break;
		case OPT_LUA:
			lua_path = arg;
			break;
		default: /* the program, or a shared option */
			r = lua_front_option(&lf, "run", id, arg);
			if (r == 0)
				r = vm_front_option(front, "run", id, arg, &s);
			if (r < 0 || (r == 0 && session_argument(&s, id, arg) < 0))
				return 2;
			break;
		}
	}
	if (!vm_front_options_done(front, &s))
		return 2;
	if (front->vmm && (s.record || s.replay)) {
		fprintf(stderr, "vmlab run: --record and --replay are for the bare machine, "
			"not --vmm\n");
		return 2;
	}
	if (lua_path && !lua_front_script_ok("run", lua_path))
		return 2;
	if (front->vmm) {
		front->lua_path = lua_path; /* the script's vmlab.session: the monitor */
		front->lua = &lf;
		front->stats = stats;
		front->stats_json = stats_json;
		front->max_insns = s.max_insns;
		front->max_cycles = max_cycles;
		return vm_front_run(front, &s);
	}
	if (!s.image_path) {
		fprintf(stderr, "vmlab run: no program given (see vmlab run --help)\n");
		return 2;
	}
	s.interactive = true;
	tty_catch_interrupt(); /* Ctrl-C: stop the machine and report */
	status = session_start(&s);
	if (status) {
		session_end(&s);
		tty_release_interrupt();
		return status;
	}

	/* the script first: it installs its handlers */
	if (lua_path && !(lua = lua_front_session(&lf, "run", lua_path, s.m, s.img, NULL, &status))) {
		session_end(&s);
		tty_release_interrupt();
		return status;
	}

	uint64_t max_insns = s.max_insns, left = max_insns;
	enum machine_stop why;
	enum vlua_next next = VLUA_DONE;
	machine_set_budget(s.m, max_cycles, true); /* every run ends, halted or not */
	for (;;) {
		why = console_run(&s.con, left);
		if (lua && !(why == STOP_REQUESTED && s.con.stopped)) {
			next = vlua_session_stopped(lua, why);
			if (next == VLUA_STOPPED || next == VLUA_FAILED)
				break;
			if (next == VLUA_GO_ON) {
				if (max_insns != UINT64_MAX)
					left = max_insns - machine_instret(s.m);
				continue;
			}
		}
		if (why != STOP_DEBUG_BREAK)
			break;
		console_pause(&s.con);
		fprintf(stderr, "vmlab run: debug break at pc 0x%08x (no debugger here; continuing)\n",
			machine_pc(s.m));
		if (max_insns != UINT64_MAX)
			left = max_insns - machine_instret(s.m);
	}
	console_pause(&s.con); /* the terminal back before any report */
	vlua_session_end(lua); /* no handler fires from here on */
	if (next == VLUA_FAILED) {
		status = 1; /* the handler's report is out */
	} else if (next == VLUA_STOPPED) {
		fprintf(stderr, "vmlab run: stopped by the Lua script at pc 0x%08x\n",
			machine_pc(s.m));
		status = 0;
	} else switch (why) {
	case STOP_POWER_OFF:
		status = machine_exit_code(s.m) & 0xff;
		break;
	case STOP_LIMIT:
		budget_message(stderr, "run", s.m, true, max_insns, max_cycles);
		status = 124;
		break;
	case STOP_FATAL:
		report_fatal(s.m, s.img, stderr);
		status = 125;
		break;
	case STOP_REQUESTED:
		if (s.con.stopped) {
			console_report_stop(&s.con, s.img, stderr);
			status = 130;
			break;
		}
		/* fall through */
	default:
		fprintf(stderr, "vmlab run: stopped at pc 0x%08x\n", machine_pc(s.m));
		status = 125;
		break;
	}
	if (stats)
		report_stats_text(s.m, stderr);
	if (stats_json && !report_stats_json(s.m, "run", stats_json))
		status = 2;
	if (!console_output_ok(s.console, "run", "console output"))
		status = 2; /* lost output is an error, never a success */
	vlua_free(lua); /* before the machine it borrows */
	session_end(&s);
	tty_release_interrupt();
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
