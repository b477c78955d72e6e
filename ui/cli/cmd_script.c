/*
 * cmd_script.c -- `vmlab script FILE.lua [ARGS...]`: run a Lua script that
 * builds and drives machines (docs/lua.md).  The options come before the
 * file; everything after it is the script's (in `arg`).
 */
#include "ui/cli/commands.h"

#include <stdio.h>
#include <string.h>

#include "ui/cli/options.h"
#include "ui/lua/vlua.h"

enum { OPT_HELP = 1, OPT_SANDBOX, OPT_LUA_MEM, OPT_LUA_INSNS, OPT_MAX_INSNS };

static const struct opt_spec script_opts[] = {
	{ "help", 'h', false, OPT_HELP },
	{ "sandbox", 0, false, OPT_SANDBOX },
	{ "lua-mem", 0, true, OPT_LUA_MEM },
	{ "lua-insns", 0, true, OPT_LUA_INSNS },
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
	struct vlua_config cfg;
	struct opt_parser p;
	const char *arg, *path = NULL;
	bool lua_insns_set = false, max_insns_set = false;
	uint32_t mem;
	int id;
	char err[256];

	vlua_config_defaults(&cfg);
	opt_init(&p, "script", argc, argv);
	while (!path && (id = opt_next(&p, script_opts, &arg)) != OPT_END) {
		switch (id) {
		case OPT_ERROR:
			return 2;
		case OPT_HELP:
			script_usage(stdout);
			return 0;
		case OPT_SANDBOX:
			cfg.sandbox = true;
			break;
		case OPT_LUA_MEM:
			if (!opt_size("script", "--lua-mem", arg, &mem))
				return 2;
			if (mem < (1u << 20)) {
				fprintf(stderr, "vmlab script: --lua-mem: at least 1M\n");
				return 2;
			}
			cfg.mem_limit = mem;
			break;
		case OPT_LUA_INSNS:
			if (!opt_u64("script", "--lua-insns", arg, &cfg.lua_insns))
				return 2;
			lua_insns_set = true;
			break;
		case OPT_MAX_INSNS:
			if (!opt_u64("script", "--max-insns", arg, &cfg.guest_insns))
				return 2;
			max_insns_set = true;
			break;
		case OPT_POSITIONAL:
			path = arg; /* the rest belongs to the script */
			break;
		default:
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "vmlab script: no script given (see vmlab script --help)\n");
		return 2;
	}
	if (cfg.sandbox && !lua_insns_set)
		cfg.lua_insns = VLUA_SANDBOX_INSNS;
	if (cfg.sandbox && !max_insns_set)
		cfg.guest_insns = VLUA_SANDBOX_GUEST;
	struct vlua *v = vlua_new(&cfg, err, sizeof err);
	if (!v) {
		fprintf(stderr, "vmlab script: %s\n", err);
		return 2;
	}
	int status = vlua_run_file(v, path, argc - p.i, argv + p.i);
	vlua_free(v);
	fflush(stdout);
	return status;
}
