/*
 * vlua.h -- Lua 5.4 scripting of vmlab (docs/lua.md), as a front end uses
 * it: one struct vlua is one Lua state with the `vmlab` module, its budgets
 * and its sandbox.  It never prints except the report of a script error
 * (and what the script itself prints) to the streams it is given.
 *
 *	struct vlua_config cfg;
 *	vlua_config_defaults(&cfg);
 *	cfg.sandbox = true;
 *	struct vlua *v = vlua_new(&cfg, err, sizeof err);
 *	int status = vlua_run_file(v, "lab.lua", argc, argv);  // 0 or 1
 *	vlua_free(v);
 *
 * The layers: ui/cli -> ui/lua -> ui/dbg -> monitor -> sim.  Nothing below
 * knows Lua; the bindings use the machine's public calls (sim/machine.h)
 * and its event callbacks.
 */
#ifndef VMLAB_VLUA_H
#define VMLAB_VLUA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VLUA_DEFAULT_MEM (256u << 20)        /* bytes the Lua allocator may hold */
#define VLUA_SANDBOX_INSNS 1000000000ull     /* Lua instructions, --sandbox default */
#define VLUA_SANDBOX_GUEST 10000000000ull    /* guest steps, --sandbox default      */

struct vlua_config {
	bool sandbox;          /* curated _ENV: no io, os, package, debug...  */
	size_t mem_limit;      /* Lua heap cap in bytes (0: VLUA_DEFAULT_MEM)  */
	uint64_t lua_insns;    /* Lua instruction budget; UINT64_MAX: none     */
	uint64_t guest_insns;  /* guest instructions, all machines; MAX: none  */
	FILE *err;             /* where a script error is reported (stderr)    */
};
void vlua_config_defaults(struct vlua_config *cfg);

struct vlua;
/* NULL (reason in err) if Lua cannot start. */
struct vlua *vlua_new(const struct vlua_config *cfg, char *err, size_t errlen);
void vlua_free(struct vlua *v);

/* Load path as text (never bytecode), set the global `arg` (arg[0] = path,
 * arg[1..] = args), and run it as a coroutine that vmlab.wait() yields
 * from.  0 when it returns normally; 1 after printing
 * "path:LINE: message" and a traceback to cfg->err. */
int vlua_run_file(struct vlua *v, const char *path, int nargs, char **args);
/* The same for a script in memory (text, named `name` in messages). */
int vlua_run_string(struct vlua *v, const char *name, const char *text, int nargs, char **args);

/* For front ends that add their own Lua functions (ui/grade): the state,
 * and a fresh sandbox _ENV table (as --sandbox gives a script) pushed on
 * L's stack, for untrusted chunks loaded in a trusted state. */
struct lua_State;
struct lua_State *vlua_state(struct vlua *v);
void vlua_push_sandbox_env(struct lua_State *L);

#endif
