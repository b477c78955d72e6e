/*
 * cmd_script.c -- `vmlab script FILE.lua [ARGS...]`: run a Lua script that
 * builds and drives machines (docs/lua.md).  The options come before the
 * file; everything after it is the script's (in `arg`).
 */
#include "ui/cli/commands.h"

#include <stdio.h>
#include <string.h>

#include "ui/cli/lua_front.h"

enum { OPT_HELP = 1, OPT_MAX_INSNS };

static const struct opt_spec script_opts[] = {
	{ "help", 'h', false, OPT_HELP },
	LUA_FRONT_OPT_SPECS,
	{ "max-insns", 0, true, OPT_MAX_INSNS },
	{ NULL, 0, false, 0 },
};

static void script_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab script [options] FILE.lua [ARGS...]\n\n"
		"Run a Lua 5.4 script that builds machines, runs them, watches their\n"
		"events and inspects their state (docs/lua.md).  ARGS are the script's:\n"
		"arg[1], arg[2], ... (arg[0] is FILE.lua).  The script is loaded as text\n"
		"only, never as precompiled bytecode.\n\n"
		"options:\n"
		"  --sandbox         untrusted script: no io, os, package, require, debug,\n"
		"                    dofile, collectgarbage, string.dump; load takes text\n"
		"                    only; budgets of %llu Lua instructions and\n"
		"                    %llu guest instructions unless set below\n"
		"  --lua-mem SIZE    cap on the Lua heap (default 256M)\n"
		"  --lua-insns N     stop the script after N Lua instructions\n"
		"  --max-insns N     stop after N guest instructions, all machines together\n"
		"  -h, --help        this text\n\n"
		"exit status: 0 when the script ends normally; 1 on a script error (its\n"
		"file:line, message and traceback on stderr); 2 bad options.\n",
		(unsigned long long)VLUA_SANDBOX_INSNS, (unsigned long long)VLUA_SANDBOX_GUEST);
}

int cmd_script(int argc, char **argv)
{
	struct lua_front lf;
	struct opt_parser p;
	const char *arg, *path = NULL;
	int id, r;

	lua_front_init(&lf);
	opt_init(&p, "script", argc, argv);
	while (!path && (id = opt_next(&p, script_opts, &arg)) != OPT_END) {
		switch (id) {
		case OPT_ERROR:
			return 2;
		case OPT_HELP:
			script_usage(stdout);
			return 0;
		case OPT_MAX_INSNS:
			if (!opt_u64("script", "--max-insns", arg, &lf.cfg.guest_insns))
				return 2;
			lf.guest_insns_set = true;
			break;
		case OPT_POSITIONAL:
			path = arg; /* the rest belongs to the script */
			break;
		default:
			r = lua_front_option(&lf, "script", id, arg);
			if (r <= 0)
				return 2;
			break;
		}
	}
	if (!path) {
		fprintf(stderr, "vmlab script: no script given (see vmlab script --help)\n");
		return 2;
	}
	struct vlua *v = lua_front_new(&lf, "script");
	if (!v)
		return 2;
	int status = vlua_run_file(v, path, argc - p.i, argv + p.i);
	vlua_free(v);
	fflush(stdout);
	return status;
}
