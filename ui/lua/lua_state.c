/*
 * lua_state.c -- one Lua state for scripts: the allocator with its cap,
 * the Lua instruction budget, the sandbox, the script coroutine that
 * vmlab.wait() yields from, and the report of a script's error.
 *
 * Running a script (vlua_run_file):
 *
 *   lua_pcall(pmain) ── load FILE.lua as text ── new coroutine `script`
 *        │
 *        └─ loop: lua_resume(script)
 *               returned     -> done, status 0
 *               yielded by vmlab.wait(x, ev, filter)
 *                            -> run x here, on the main thread, until the
 *                               event (or a stop); resume with the result
 *               error        -> message + traceback of the coroutine
 *
 * Handlers installed with x:on() are called from inside the machine's run,
 * below a C call: they cannot yield, and say so clearly if they try.
 */
#include "ui/lua/lua_priv.h"

#include <lualib.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_EVERY 1000           /* Lua instructions between budget checks */
#define REPORT_RESERVE (4u << 20) /* heap allowed beyond the cap to report   */

void vlua_config_defaults(struct vlua_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->mem_limit = VLUA_DEFAULT_MEM;
	cfg->lua_insns = UINT64_MAX;
	cfg->guest_insns = UINT64_MAX;
	cfg->err = stderr;
}

/* ---- allocator and instruction budget ----------------------------------- */

static void *alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct vlua *v = ud;
	size_t old = ptr ? osize : 0;

	if (nsize == 0) {
		free(ptr);
		v->mem_used -= old;
		return NULL;
	}
	if (nsize > old && nsize - old > v->mem_limit - v->mem_used)
		return NULL; /* Lua raises "not enough memory" */
	void *p = realloc(ptr, nsize);
	if (p)
		v->mem_used = v->mem_used - old + nsize;
	return p;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct vlua *v = vlua_of(L);

	(void)ar;
	if (v->lua_left == UINT64_MAX)
		return;
	if (v->lua_left < HOOK_EVERY) {
		v->lua_left = 0;
		luaL_error(L, "Lua instruction budget of %I exhausted (--lua-insns)",
			   (lua_Integer)v->cfg.lua_insns);
	}
	v->lua_left -= HOOK_EVERY;
}

/* Ctrl-C: the hook vlua_interrupt sets raises an error at the next Lua
 * instruction, then puts the budget's hook back (as lua.c's laction). */
static void budget_hook(struct vlua *v, lua_State *L)
{
	v->interrupted = 0;
	if (v->cfg.lua_insns != UINT64_MAX)
		lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
	else
		lua_sethook(L, NULL, 0, 0);
}

static void stop_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	budget_hook(vlua_of(L), L);
	luaL_error(L, "interrupted (Ctrl-C)");
}

void vlua_interrupt(struct vlua *v)
{
	/* only while Lua runs: a hook left on an idle thread would stop the
	 * next chunk before it starts.  lua_sethook is safe in a signal
	 * handler (the Lua manual; lua.c does this). */
	if (v && (v->run_depth > 0 || v->handler_depth > 0)) {
		v->interrupted = 1; /* for a machine run in C (vl_run) */
		lua_sethook(v->script ? v->script : v->L, stop_hook,
			    LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
	}
}

/* ---- helpers shared by the bindings --------------------------------------- */

void vl_newclass(lua_State *L, const char *tname, const luaL_Reg *methods,
		 lua_CFunction index, lua_CFunction newindex)
{
	luaL_newmetatable(L, tname);
	if (methods) {
		lua_newtable(L);
		luaL_setfuncs(L, methods, 0);
	} else {
		lua_pushnil(L);
	}
	if (index) {
		lua_pushcclosure(L, index, 1); /* methods table as upvalue 1 */
	}
	lua_setfield(L, -2, "__index");
	if (newindex) {
		lua_pushcfunction(L, newindex);
		lua_setfield(L, -2, "__newindex");
	}
	lua_pushstring(L, tname); /* getmetatable(obj) answers the type name */
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
}

void vl_metamethod(lua_State *L, const char *tname, const char *event, lua_CFunction f)
{
	luaL_getmetatable(L, tname);
	lua_pushcfunction(L, f);
	lua_setfield(L, -2, event);
	lua_pop(L, 1);
}

const char *vl_closed(const struct lmachine *lm, bool monitor)
{
	if (lm->borrowed == LB_RUN)
		return "the run is over: vmlab.session is closed";
	if (lm->borrowed == LB_DEBUG)
		return "the debugging session is over (its objects are closed)";
	return monitor ? "the monitor is closed" : "the machine is closed";
}

struct lmachine *vl_checkmachine(lua_State *L, int idx)
{
	struct lmachine *lm = luaL_checkudata(L, idx, T_MACHINE);

	if (!lm->m)
		luaL_argerror(L, idx, vl_closed(lm, false));
	return lm;
}

struct lmachine *vl_checksub(lua_State *L, int idx, const char *tname)
{
	struct lmachine **p = luaL_checkudata(L, idx, tname);

	if (!(*p)->m)
		luaL_argerror(L, idx, vl_closed(*p, false));
	return *p;
}

void vl_pushsub(lua_State *L, int machine_idx, struct lmachine *lm, const char *tname)
{
	machine_idx = lua_absindex(L, machine_idx);
	struct lmachine **p = lua_newuserdatauv(L, sizeof *p, 1);
	*p = lm;
	luaL_setmetatable(L, tname);
	lua_pushvalue(L, machine_idx);
	lua_setiuservalue(L, -2, 1); /* the machine lives while this does */
}

uint32_t vl_checkaddr(lua_State *L, int idx)
{
	lua_Integer a = luaL_checkinteger(L, idx);

	if (a < 0 || a > 0xffffffffll)
		luaL_argerror(L, idx, lua_pushfstring(L, "address %I is not 32-bit", a));
	return (uint32_t)a;
}

uint32_t vl_checkvalue(lua_State *L, int idx)
{
	lua_Integer a = luaL_checkinteger(L, idx);

	if (a < -0x80000000ll || a > 0xffffffffll)
		luaL_argerror(L, idx, lua_pushfstring(L, "value %I does not fit 32 bits", a));
	return (uint32_t)a;
}

void vl_check_keys(lua_State *L, int t, const char *const *known, const char *what)
{
	t = lua_absindex(L, t);
	for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1)) {
		bool ok = false;
		for (int i = 0; known[i]; i++)
			ok |= lua_type(L, -2) == LUA_TSTRING && !strcmp(lua_tostring(L, -2), known[i]);
		if (!ok)
			luaL_error(L, "%s: unknown field '%s'", what,
				   lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
	}
}

bool vl_call(struct vlua *v, lua_CFunction f, void *a, void *b, void *c, char *err,
	     size_t errlen)
{
	lua_pushcfunction(v->L, f);
	lua_pushlightuserdata(v->L, a);
	lua_pushlightuserdata(v->L, b);
	lua_pushlightuserdata(v->L, c);
	if (lua_pcall(v->L, 3, 0, 0) == LUA_OK)
		return true;
	snprintf(err, errlen, "cannot start Lua: %s", lua_tostring(v->L, -1));
	lua_pop(v->L, 1);
	return false;
}

void vl_not_in_handler(lua_State *L, const char *what)
{
	if (vlua_of(L)->handler_depth > 0)
		luaL_error(L, "%s: not allowed inside an event handler\n(handlers never "
			   "run, wait or restore: use vmlab.wait in the script body)", what);
}

/* ---- vmlab.wait ------------------------------------------------------------ */

static char wait_key; /* the first value a wait request yields */

int vl_wait(lua_State *L)
{
	struct vlua *v = vlua_of(L);

	vl_not_in_handler(L, "vmlab.wait");
	if (L != v->script)
		return luaL_error(L, "vmlab.wait: only the script's body can wait\n"
				     "(not a coroutine of its own, nor a handler)");
	if (luaL_testudata(L, 1, T_MONITOR)) { /* a monitor waits on its machine */
		lua_getiuservalue(L, 1, 1);
		lua_replace(L, 1);
	}
	vl_checkmachine(L, 1);
	luaL_checkstring(L, 2);
	lua_settop(L, 4);
	lua_pushlightuserdata(L, &wait_key);
	lua_insert(L, 1);
	return lua_yield(L, 5);
}

/* Run a wait request on the main thread: [x, event, filter, opts]. */
static int wait_run(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);
	uint64_t max = UINT64_MAX;
	enum lev kind;
	uint32_t lo, hi;
	bool va;

	vl_check_event(L, "vmlab.wait", lm, 2, 3, &kind, &lo, &hi, &va);
	if (!lua_isnoneornil(L, 4)) {
		luaL_checktype(L, 4, LUA_TTABLE);
		if (lua_getfield(L, 4, "max_insns") != LUA_TNIL) {
			lua_Integer n = luaL_checkinteger(L, -1);
			if (n < 0)
				luaL_argerror(L, 4, "max_insns must not be negative");
			max = (uint64_t)n;
		}
		lua_pop(L, 1);
	}
	lua_settop(L, 1);
	vl_run(L, lm, max, UINT64_MAX, (int)kind, lo, hi, va);
	/* run pushed reason, details: an event gives the event alone */
	if (!strcmp(lua_tostring(L, -2), "event"))
		return 1;
	lua_pushnil(L);
	lua_insert(L, -3);
	return 3; /* nil, reason, details */
}

/* ---- the script ----------------------------------------------------------- */

static bool has_traceback(const char *msg)
{
	return msg && strstr(msg, "\nstack traceback:");
}

/* The error at the top of co (or L) as text with a traceback of co,
 * pushed on L. */
static void push_report(lua_State *L, lua_State *co, int status)
{
	struct vlua *v = vlua_of(L);
	const char *msg;

	v->mem_limit = v->mem_used + REPORT_RESERVE; /* room to write the report */
	if (status == LUA_ERRMEM)
		msg = lua_pushfstring(L, "not enough memory\n(the script's Lua heap is "
				      "capped at %I bytes; --lua-mem)", (lua_Integer)v->cfg.mem_limit);
	else if ((msg = lua_tostring(co, -1)) != NULL)
		lua_pushstring(L, msg);
	else if (luaL_callmeta(co, -1, "__tostring") && lua_type(co, -1) == LUA_TSTRING)
		msg = lua_pushstring(L, lua_tostring(co, -1));
	else
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(co, -1));
	if (!has_traceback(msg)) {
		luaL_traceback(L, co, msg, 0);
		lua_remove(L, -2);
	}
}

static void set_arg(lua_State *L, const char *path, int nargs, char **args)
{
	lua_createtable(L, nargs, 1);
	lua_pushstring(L, path);
	lua_rawseti(L, -2, 0);
	for (int i = 0; i < nargs; i++) {
		lua_pushstring(L, args[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

/* The sandbox's _ENV: the safe part of the base library, copies of the
 * safe libraries, and vmlab.  string.dump goes from the real string table
 * too, since ("").dump reaches it through the string metatable. */
static void push_sandbox_env(lua_State *L);

/* The environment scripts run in: _G, or the sandbox's, made once and
 * kept, so that a debugger session's chunks share their globals. */
static void push_env(lua_State *L, struct vlua *v)
{
	if (!v->cfg.sandbox) {
		lua_pushglobaltable(L);
		return;
	}
	if (v->env_ref == LUA_NOREF) {
		push_sandbox_env(L);
		v->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, v->env_ref);
}

struct run_req {
	const char *path;      /* a file, or NULL and:             */
	const char *chunk;     /* a chunk of text                  */
	const char *name;      /* ... its name in messages         */
	bool show;             /* print an expression's values     */
	int nargs;
	char **args;
};

/* Load the request's code as text; an expression chunk to show loads as
 * "return CHUNK" (as lua.c's prompt does). */
static int load_req(lua_State *L, const struct run_req *rq)
{
	if (rq->path)
		return luaL_loadfilex(L, rq->path, "t");
	if (rq->show) {
		const char *ret = lua_pushfstring(L, "return %s;", rq->chunk);
		int st = luaL_loadbufferx(L, ret, strlen(ret), rq->name, "t");
		lua_remove(L, -2);
		if (st == LUA_OK)
			return st;
		lua_pop(L, 1);
	}
	return luaL_loadbufferx(L, rq->chunk, strlen(rq->chunk), rq->name, "t");
}

static int pmain(lua_State *L)
{
	struct vlua *v = vlua_of(L);
	const struct run_req *rq = lua_touserdata(L, 1);
	int status, nres, narg;
	lua_State *co;

	lua_settop(L, 0);
	if (load_req(L, rq) != LUA_OK)
		return lua_error(L); /* "cannot open", syntax error with file:line */
	push_env(L, v);
	if (rq->path) {
		set_arg(L, rq->path, rq->nargs, rq->args);
		lua_setfield(L, -2, "arg");
	}
	lua_setupvalue(L, 1, 1); /* the chunk's _ENV */
	co = lua_newthread(L);           /* stack: chunk, co */
	lua_pushvalue(L, 1);
	lua_xmove(L, co, 1);
	for (int i = 0; i < rq->nargs; i++) /* ... holds the arguments too */
		lua_pushstring(co, rq->args[i]);
	narg = rq->nargs;
	v->script = co;
	for (;;) {
		status = lua_resume(co, L, narg, &nres);
		if (status == LUA_OK) {
			v->script = NULL;
			if (rq->show && nres > 0) { /* print(results) */
				push_env(L, v);
				lua_getfield(L, -1, "print");
				lua_xmove(co, L, nres);
				lua_call(L, nres, 0);
			}
			return 0;
		}
		if (status != LUA_YIELD) {
			push_report(L, co, status);
			v->script = NULL;
			return lua_error(L);
		}
		if (nres != 5 || lua_touserdata(co, -5) != &wait_key) {
			lua_pushstring(co, "the script yielded outside vmlab.wait "
					   "(only vmlab.wait may suspend the script's body)");
			push_report(L, co, LUA_ERRRUN);
			v->script = NULL;
			return lua_error(L);
		}
		int base = lua_gettop(L);
		lua_pushcfunction(L, wait_run);
		lua_xmove(co, L, 4);     /* x, event, filter, opts */
		lua_pop(co, 1);          /* the key */
		if (lua_pcall(L, 4, LUA_MULTRET, 0) != LUA_OK) {
			const char *msg = lua_tostring(L, -1);
			if (!has_traceback(msg)) {
				/* where the script waited, not where the C code noticed */
				luaL_traceback(L, co, msg ? msg : "error", 1);
				lua_remove(L, -2);
			}
			v->script = NULL;
			return lua_error(L);
		}
		narg = lua_gettop(L) - base;
		lua_xmove(L, co, narg);
	}
}

int vl_run_script(struct vlua *v, const char *path, const char *chunk, const char *name,
		  bool show, int nargs, char **args, FILE *err)
{
	/* a chunk may run inside another's dbg:command: then on the thread
	 * that is running (v->L_cur), and the outer script's coroutine is
	 * its again afterwards */
	lua_State *L = v->L_cur ? v->L_cur : v->L;
	struct run_req rq = { path, chunk, name, show, nargs, args };
	lua_State *saved = v->script, *saved_cur = v->L_cur;
	int top = lua_gettop(L), status;

	/* each script, or each chunk a debugger session runs, has the budgets
	 * afresh -- but not a nested one, or a loop of them would never end */
	if (v->run_depth++ == 0) {
		budget_hook(v, v->L); /* a Ctrl-C that came after the last Lua ran is over */
		v->lua_left = v->cfg.lua_insns;
		v->guest_left = v->cfg.guest_insns;
		v->mem_limit = v->cfg.mem_limit;
	}
	size_t limit = v->mem_limit;
	if (!lua_checkstack(L, 4)) {
		v->run_depth--;
		fprintf(err, "%s: Lua stack overflow\n", path ? path : name);
		return 1;
	}
	lua_pushcfunction(L, pmain);
	lua_pushlightuserdata(L, &rq);
	v->L_cur = NULL; /* the new chunk's own dbg:command sets it again */
	status = lua_pcall(L, 1, 0, 0);
	v->L_cur = saved_cur;
	v->run_depth--;
	v->script = saved;
	if (status != LUA_OK) {
		const char *msg;
		if (status == LUA_ERRMEM)
			msg = "not enough memory (the script's Lua heap is capped; --lua-mem)";
		else
			msg = lua_tostring(L, -1);
		fflush(stdout);
		fprintf(err, "%s\n", msg ? msg : "(error object is not a string)");
		fflush(err);
		lua_settop(L, top);
		v->mem_limit = limit; /* push_report raised it */
		return 1;
	}
	lua_settop(L, top);
	return 0;
}

int vlua_run_file(struct vlua *v, const char *path, int nargs, char **args)
{
	return vl_run_script(v, path, NULL, NULL, false, nargs, args, v->cfg.err);
}

int vlua_run_string(struct vlua *v, const char *name, const char *text, int nargs, char **args)
{
	return vl_run_script(v, NULL, text, name, false, nargs, args, v->cfg.err);
}

/* ---- the sandbox ------------------------------------------------------------ */

static int safe_load(lua_State *L)
{
	size_t len;
	const char *chunk = lua_tolstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, "=(load)");
	const char *mode = luaL_optstring(L, 3, "t");

	if (!chunk || lua_type(L, 1) != LUA_TSTRING)
		return luaL_argerror(L, 1, "the sandbox loads strings only");
	if (!strchr(mode, 't'))
		return luaL_argerror(L, 3, "the sandbox loads text chunks only (mode \"t\")");
	if (luaL_loadbufferx(L, chunk, len, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2; /* nil, message: as load does */
	}
	if (lua_isnoneornil(L, 4))
		lua_pushvalue(L, lua_upvalueindex(1)); /* the sandbox's own _ENV */
	else
		lua_pushvalue(L, 4);
	lua_setupvalue(L, -2, 1);
	return 1;
}

static void copy_fields(lua_State *L, const char *lib, const char *const *skip)
{
	lua_getglobal(L, lib);
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, -3)) {
		bool drop = false;
		for (int i = 0; skip && skip[i]; i++)
			if (lua_type(L, -2) == LUA_TSTRING && !strcmp(lua_tostring(L, -2), skip[i]))
				drop = true;
		if (drop) {
			lua_pop(L, 1);
			continue;
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
	lua_remove(L, -2);
}

static void push_sandbox_env(lua_State *L)
{
	static const char *const base[] = {
		"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
		"print", "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable",
		"tonumber", "tostring", "type", "xpcall", "_VERSION", "vmlab", "dbg", NULL,
	};
	static const char *const libs[] = { "coroutine", "math", "table", "utf8", "string", NULL };
	static const char *const no_dump[] = { "dump", NULL };

	lua_newtable(L);
	for (int i = 0; base[i]; i++) {
		lua_getglobal(L, base[i]);
		lua_setfield(L, -2, base[i]);
	}
	for (int i = 0; libs[i]; i++) {
		copy_fields(L, libs[i], no_dump);
		lua_setfield(L, -2, libs[i]);
	}
	lua_getglobal(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	lua_pushliteral(L, ""); /* lock the string metatable */
	if (lua_getmetatable(L, -1)) {
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_pushvalue(L, -1);
	lua_pushcclosure(L, safe_load, 1);
	lua_setfield(L, -2, "load");
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
}

void vlua_push_sandbox_env(lua_State *L)
{
	push_sandbox_env(L);
}

lua_State *vlua_state(struct vlua *v)
{
	return v->L;
}

/* ---- the state ------------------------------------------------------------- */

static int open_vmlab(lua_State *L)
{
	lua_newtable(L);
	vl_open_event(L);
	vl_open_cpu(L);
	vl_open_mem(L);
	vl_open_machine(L);
	vl_open_vm(L);
	vl_open_monitor(L);
	lua_pushcfunction(L, vl_wait);
	lua_setfield(L, -2, "wait");
	lua_pushliteral(L, "vmlab 1 (Lua bindings: bare machine)");
	lua_setfield(L, -2, "version");
	return 1;
}

static int setup(lua_State *L)
{
	luaL_openlibs(L);
	luaL_requiref(L, "vmlab", open_vmlab, 1);
	lua_pop(L, 1);
	return 0;
}

struct vlua *vlua_new(const struct vlua_config *cfg, char *err, size_t errlen)
{
	struct vlua *v = calloc(1, sizeof *v);

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v->cfg = *cfg;
	if (!v->cfg.mem_limit)
		v->cfg.mem_limit = VLUA_DEFAULT_MEM;
	if (!v->cfg.err)
		v->cfg.err = stderr;
	v->mem_limit = v->cfg.mem_limit;
	v->lua_left = v->cfg.lua_insns;
	v->guest_left = v->cfg.guest_insns;
	v->env_ref = LUA_NOREF;
	v->session_ref = LUA_NOREF;
	v->L = lua_newstate(alloc, v);
	if (!v->L) {
		snprintf(err, errlen, "cannot create a Lua state (memory cap too small?)");
		free(v);
		return NULL;
	}
	*(struct vlua **)lua_getextraspace(v->L) = v;
	lua_pushcfunction(v->L, setup);
	if (lua_pcall(v->L, 0, 0, 0) != LUA_OK) {
		snprintf(err, errlen, "cannot start Lua: %s", lua_tostring(v->L, -1));
		lua_close(v->L);
		free(v);
		return NULL;
	}
	if (v->cfg.lua_insns != UINT64_MAX) /* threads inherit the hook */
		lua_sethook(v->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
	return v;
}

void vlua_free(struct vlua *v)
{
	if (!v)
		return;
	v->mem_limit = SIZE_MAX; /* closing may allocate nothing, but never fail */
	vl_detach_debugger(v);
	lua_close(v->L);
	free(v->dbg);
	free(v);
}
