/*
 * lua_front.h -- the Lua options that `script`, `debug` and `run --lua`
 * share (one table, LUA_FRONT_OPT_SPECS):
 *
 *   --sandbox  --lua-mem SIZE  --lua-insns N
 *
 * and the state they configure (ui/lua/vlua.h).
 */
#ifndef VMLAB_LUA_FRONT_H
#define VMLAB_LUA_FRONT_H

#include <stdbool.h>

#include "ui/cli/options.h"
#include "ui/lua/vlua.h"

enum { LOPT_SANDBOX = 3000, LOPT_LUA_MEM, LOPT_LUA_INSNS };
#define LUA_FRONT_OPT_SPECS \
	{ "sandbox", 0, false, LOPT_SANDBOX }, { "lua-mem", 0, true, LOPT_LUA_MEM }, \
	{ "lua-insns", 0, true, LOPT_LUA_INSNS }
#define LUA_FRONT_OPT_HELP \
	"  --sandbox         untrusted Lua: no io, os, package, require, debug,\n" \
	"                    dofile, collectgarbage, string.dump; load takes text\n" \
	"                    only; a budget of 10^9 Lua instructions unless\n" \
	"                    --lua-insns says otherwise\n" \
	"  --lua-mem SIZE    cap on the Lua heap (default 256M)\n" \
	"  --lua-insns N     stop a script after N Lua instructions\n"

struct lua_front {
	struct vlua_config cfg;
	bool lua_insns_set;
	bool guest_insns_set;
};

void lua_front_init(struct lua_front *f);
/* Handle a Lua option: 1 done, 0 not one, -1 error (message printed). */
int lua_front_option(struct lua_front *f, const char *cmd, int id, const char *arg);
/* After the options: the sandbox's default budgets, then the state; NULL
 * after "vmlab CMD: why" on stderr. */
struct vlua *lua_front_new(struct lua_front *f, const char *cmd);

/* vmlab run --lua PATH, before the run is built: false after "vmlab CMD:
 * --lua: cannot open PATH: why" if the script cannot be read. */
bool lua_front_script_ok(const char *cmd, const char *path);
/* The state of a run's script: vmlab.session is the run's machine m
 * (program img) or, with mon, its monitor; the script has run and its
 * handlers fire from now on (vlua_session_stopped after each stop,
 * vlua_session_end when the run is over, vlua_free before m).  NULL with
 * *status 1 (the script failed: its report is out) or 2 (no Lua). */
struct vlua *lua_front_session(struct lua_front *f, const char *cmd, const char *path,
			       struct machine *m, const struct image *img,
			       const struct vlua_monitor *mon, int *status);

#endif
