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

#include "sim/machine.h"

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

/* From a signal handler (Ctrl-C): the Lua code running now fails with
 * "interrupted (Ctrl-C)" at its next instruction (a C function it is in,
 * such as a machine run, ends first).  Nothing if no Lua runs. */
void vlua_interrupt(struct vlua *v);

/* A monitor a front end runs (--vmm), lent to a script: the machine it
 * runs on, the monitor, and each VM's program (symbols: imgs[i], VM i). */
struct dbg;
struct machine;
struct image;
struct vmm;
struct vlua_monitor {
	struct machine *m;
	struct vmm *vmm;
	const struct image *const *imgs;
};

/* ---- vmlab debug: `lua CHUNK`, `source FILE.lua`, the `dbg` object ----
 * Give the session's debugger this state: the global `dbg` is d, and
 * dbg.machine is m, a machine the script does not own.  Under the monitor
 * (mon not NULL) dbg.monitor is mon's monitor, as vmlab.monitor{} gives
 * one but borrowed, and dbg.machine its machine (mon->m).  Plugs the
 * runner into the core (dbg_set_lang).  Free the state before d, m and
 * the monitor.  false: err says why. */
bool vlua_attach_debugger(struct vlua *v, struct dbg *d, struct machine *m,
			  const struct image *img, const struct vlua_monitor *mon, char *err,
			  size_t errlen);

/* ---- vmlab run --lua FILE.lua ------------------------------------------
 * Before the script: vmlab.session is m, a machine the script does not own
 * and cannot run; its handlers (vmlab.session:on) fire while the front end
 * runs m.  Under --vmm (the _monitor call) vmlab.session is the monitor
 * object instead: handlers, policies (mon:handle) and the scheduler
 * (mon:schedule) fire while the front end runs the guests (vmm_run).
 * Free the state before m (and the monitor). */
bool vlua_session_attach(struct vlua *v, struct machine *m, const struct image *img,
			 char *err, size_t errlen);
bool vlua_session_attach_monitor(struct vlua *v, const struct vlua_monitor *mon, char *err,
				 size_t errlen);
/* After the script, before the run: handlers may fire from now on. */
void vlua_session_begin(struct vlua *v);
/* After each machine_run (or console_run) of the ordinary run: apply the
 * writes handlers made (at this instruction boundary), call the poweroff
 * handlers when it powered off, and say how to go on. */
enum vlua_next {
	VLUA_GO_ON,    /* the stop was only for the handlers: run again     */
	VLUA_DONE,     /* nothing of Lua's: the run's own stop              */
	VLUA_STOPPED,  /* a handler called x:stop()                          */
	VLUA_FAILED,   /* a handler failed; its report went to cfg.err       */
};
enum vlua_next vlua_session_stopped(struct vlua *v, enum machine_stop why);
/* The run is over (before its reports): no handler fires from now on, and
 * vmlab.session is closed (a script's finalizer that uses it gets an
 * error saying so, never a freed machine). */
void vlua_session_end(struct vlua *v);

#endif
