/*
 * lua_dbg.c -- Lua in `vmlab debug` (docs/lua.md, "From the debugger"):
 * `lua CHUNK` and `source FILE.lua` run in one Lua state per session, and
 * the global `dbg` is the session's debugger:
 *
 *   dbg.machine            the debugger's machine, as vmlab.machine{} gives
 *                          one, but borrowed (lborrow LB_DEBUG): the script
 *                          reads and changes it, the debugger runs it
 *   dbg.monitor            under --vmm: the monitor, as vmlab.monitor{}
 *                          gives one, borrowed the same way (dbg.machine
 *                          is its machine); nil on the bare machine
 *   dbg:breakpoint(where, opts) -> n      the core's `break`, numbered and
 *   dbg.breakpoints        listed with the ones typed at the prompt
 *   dbg:delete(n)
 *   dbg:command(line) -> output           any command, its output captured
 *
 * Everything goes through the core's command language (dbg_exec_nested):
 * one parser of locations and conditions, one numbering, the same
 * messages.  A command's output is captured by pointing the core's streams
 * at open_memstream buffers for its duration.
 *
 * When a script changes the machine (a register, memory, a device), the
 * debugger's recorded past no longer leads to the present: after the chunk
 * (or before a dbg:command) the core is told (dbg_machine_changed) and
 * restarts its reverse-execution history there, as `set` does.
 */
#include "ui/lua/lua_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/dbg/dbg.h"

#define T_DBG "vmlab.debugger"

struct ldbg {
	struct vlua *v;
	struct dbg *d;
	struct dbg_lang lang;
	struct lmachine *lm;   /* dbg.machine (under the monitor: the monitor's) */
	const struct vlua_monitor *mon; /* attach's: the monitor lent, or NULL */
};

static struct ldbg *check_dbg(lua_State *L)
{
	return *(struct ldbg **)luaL_checkudata(L, 1, T_DBG);
}

/* Tell the debugger what the script changed. */
static void sync(struct ldbg *ld)
{
	if (ld->lm && ld->lm->touched) {
		ld->lm->touched = false;
		dbg_machine_changed(ld->d);
	}
}

/* Commands that reach the host (files, processes) or define commands
 * that could: not for a sandboxed script. */
static bool sandbox_refuses(const char *line)
{
	static const char *const host[] = {
		"shell", "save", "load", "source", "add-symbol-file", "define", NULL,
	};
	const char *name = dbg_command_of(line);

	if (!name)
		return true; /* a user command, or no command at all */
	for (int i = 0; host[i]; i++)
		if (!strcmp(name, host[i]))
			return true;
	return false;
}

struct capture {
	char *out, *err;
	size_t nout, nerr;
	enum dbg_result r;
};

/* Run one command with its output and errors in c (free both after). */
static bool run_captured(lua_State *L, struct ldbg *ld, const char *line, struct capture *c)
{
	FILE *fo, *fe, *oo = dbg_out(ld->d), *oe = dbg_err(ld->d);
	lua_State *saved = ld->v->L_cur;

	memset(c, 0, sizeof *c);
	fo = open_memstream(&c->out, &c->nout);
	fe = open_memstream(&c->err, &c->nerr);
	if (!fo || !fe) {
		if (fo)
			fclose(fo);
		if (fe)
			fclose(fe);
		free(c->out);
		free(c->err);
		return false;
	}
	sync(ld);
	ld->v->L_cur = L; /* a nested `lua` runs on this thread */
	dbg_set_streams(ld->d, fo, fe);
	c->r = dbg_exec_nested(ld->d, line);
	dbg_set_streams(ld->d, oo, oe);
	ld->v->L_cur = saved;
	fclose(fo);
	fclose(fe);
	return true;
}

/* Raise the captured error as "what: message" (without a final newline). */
static int raise_captured(lua_State *L, const char *what, struct capture *c)
{
	size_t n = c->nerr;

	while (n && c->err[n - 1] == '\n')
		n--;
	lua_pushfstring(L, "%s: ", what);
	if (n)
		lua_pushlstring(L, c->err, n);
	else
		lua_pushliteral(L, "the command failed");
	lua_concat(L, 2);
	free(c->out);
	free(c->err);
	return lua_error(L);
}

/* The debugger's commands run the machine or change its breakpoints:
 * not from inside a handler, which runs inside a run. */
static struct ldbg *check_dbg_call(lua_State *L, const char *what)
{
	struct ldbg *ld = check_dbg(L);

	if (ld->v->handler_depth > 0)
		luaL_error(L, "%s: not inside an event handler (the machine is running)", what);
	return ld;
}

static void check_line(lua_State *L, int idx, const char *s)
{
	if (strpbrk(s, "\n\r"))
		luaL_argerror(L, idx, "one command line (no newline)");
}

/* ---- dbg:command ------------------------------------------------------------ */

static int l_command(lua_State *L)
{
	struct ldbg *ld = check_dbg_call(L, "dbg:command");
	const char *line = luaL_checkstring(L, 2);
	struct capture c;

	check_line(L, 2, line);
	if (ld->v->cfg.sandbox && sandbox_refuses(line))
		return luaL_error(L, "dbg:command: '%s' is not allowed in the sandbox\n(commands "
				     "that reach host files or processes, and user commands)", line);
	if (!run_captured(L, ld, line, &c))
		return luaL_error(L, "dbg:command: out of memory");
	if (c.r == DBG_QUIT) {
		free(c.out);
		free(c.err);
		return luaL_error(L, "dbg:command: quit ends the session, which a script cannot");
	}
	if (c.r == DBG_ERROR)
		return raise_captured(L, "dbg:command", &c);
	if (c.nerr) { /* messages of a command that did its job (a handler's
		       * error that stopped a run): shown, not returned */
		fwrite(c.err, 1, c.nerr, dbg_err(ld->d));
		fflush(dbg_err(ld->d));
	}
	lua_pushlstring(L, c.out ? c.out : "", c.nout);
	free(c.out);
	free(c.err);
	return 1;
}

/* ---- breakpoints ---------------------------------------------------------------- */

/* Run a command whose output the user sees (as typed at the prompt); an
 * error is raised as what: message. */
static void run_shown(lua_State *L, struct ldbg *ld, const char *what, const char *line)
{
	struct capture c;

	if (!run_captured(L, ld, line, &c))
		luaL_error(L, "%s: out of memory", what);
	if (c.r != DBG_OK)
		raise_captured(L, what, &c);
	fwrite(c.out, 1, c.nout, dbg_out(ld->d));
	fflush(dbg_out(ld->d));
	free(c.out);
	free(c.err);
}

static const char *const break_opts[] = {
	"cond", "temporary", "phys", "asid", "ignore", "enabled", NULL,
};

/* opts.NAME as a non-negative integer, or dflt. */
static lua_Integer opt_count(lua_State *L, const char *name, lua_Integer dflt)
{
	if (lua_getfield(L, 3, name) != LUA_TNIL) {
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
			luaL_argerror(L, 3, lua_pushfstring(L, "%s must be a non-negative integer",
							    name));
		dflt = lua_tointeger(L, -1);
	}
	lua_pop(L, 1);
	return dflt;
}

static bool opt_bool(lua_State *L, const char *name, bool dflt)
{
	if (lua_getfield(L, 3, name) != LUA_TNIL)
		dflt = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return dflt;
}

static int l_breakpoint(lua_State *L)
{
	struct ldbg *ld = check_dbg_call(L, "dbg:breakpoint");
	const char *where = NULL, *cond = NULL;
	char addr[16], line[1024], more[48];
	bool temporary = false, phys = false, enabled = true;
	lua_Integer asid = -1, ignore = 0;
	int n, len;

	lua_settop(L, 3);
	if (lua_isinteger(L, 2)) {
		snprintf(addr, sizeof addr, "*0x%08x", vl_checkaddr(L, 2));
		where = addr;
	} else if (lua_type(L, 2) == LUA_TSTRING) {
		where = lua_tostring(L, 2);
		check_line(L, 2, where);
	} else {
		return luaL_argerror(L, 2, "an address or a location (\"main\", \"prog.s:12\")");
	}
	if (!lua_isnil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		vl_check_keys(L, 3, break_opts, "dbg:breakpoint (cond, temporary, phys, asid, "
			      "ignore, enabled)");
		temporary = opt_bool(L, "temporary", false);
		phys = opt_bool(L, "phys", false);
		enabled = opt_bool(L, "enabled", true);
		asid = opt_count(L, "asid", -1);
		ignore = opt_count(L, "ignore", 0);
		if (lua_getfield(L, 3, "cond") != LUA_TNIL) { /* stays on the stack */
			if (lua_type(L, -1) != LUA_TSTRING)
				return luaL_argerror(L, 3, "cond must be a debugger expression (a string)");
			cond = lua_tostring(L, -1);
			check_line(L, 3, cond);
		}
	}
	if (asid >= 0)
		snprintf(more, sizeof more, " -asid %lld", (long long)asid);
	else
		more[0] = '\0';
	len = snprintf(line, sizeof line, "%s%s%s %s%s%s", temporary ? "tbreak" : "break",
		       phys ? " -p" : "", more, where, cond ? " if " : "", cond ? cond : "");
	if (len < 0 || (size_t)len >= sizeof line)
		return luaL_error(L, "dbg:breakpoint: the location and condition are too long");
	run_shown(L, ld, "dbg:breakpoint", line);
	n = dbg_bp_last(ld->d);
	if (ignore) {
		snprintf(line, sizeof line, "ignore %d %lld", n, (long long)ignore);
		run_shown(L, ld, "dbg:breakpoint", line);
	}
	if (!enabled) {
		snprintf(line, sizeof line, "disable %d", n);
		run_shown(L, ld, "dbg:breakpoint", line);
	}
	lua_pushinteger(L, n);
	return 1;
}

static int l_delete(lua_State *L)
{
	struct ldbg *ld = check_dbg_call(L, "dbg:delete");
	lua_Integer n = luaL_checkinteger(L, 2);
	char line[40];

	if (n <= 0)
		return luaL_argerror(L, 2, "a breakpoint number");
	snprintf(line, sizeof line, "delete %lld", (long long)n);
	run_shown(L, ld, "dbg:delete", line);
	return 0;
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	if (!v)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static void push_breakpoints(lua_State *L, struct ldbg *ld)
{
	size_t n = dbg_bp_count(ld->d);

	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		struct dbg_bp_info b;
		dbg_bp_get(ld->d, i, &b);
		lua_createtable(L, 0, 11);
		lua_pushinteger(L, b.num);
		lua_setfield(L, -2, "number");
		set_str(L, "type", b.type);
		set_str(L, "what", b.what);
		set_str(L, "cond", b.cond);
		lua_pushboolean(L, b.enabled);
		lua_setfield(L, -2, "enabled");
		lua_pushboolean(L, b.temporary);
		lua_setfield(L, -2, "temporary");
		if (strcmp(b.type, "catchpoint")) {
			lua_pushinteger(L, b.addr);
			lua_setfield(L, -2, "addr");
			lua_pushboolean(L, b.phys);
			lua_setfield(L, -2, "phys");
		}
		if (b.asid >= 0) {
			lua_pushinteger(L, b.asid);
			lua_setfield(L, -2, "asid");
		}
		lua_pushinteger(L, b.hits);
		lua_setfield(L, -2, "hits");
		lua_pushinteger(L, b.ignore);
		lua_setfield(L, -2, "ignore");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* ---- the object ------------------------------------------------------------------ */

static int dbg_index(lua_State *L)
{
	struct ldbg *ld = check_dbg(L);
	const char *k = luaL_checkstring(L, 2);

	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1; /* a method */
	if (!strcmp(k, "machine"))
		lua_getiuservalue(L, 1, 1);
	else if (!strcmp(k, "monitor"))
		lua_getiuservalue(L, 1, 2); /* nil on the bare machine */
	else if (!strcmp(k, "breakpoints"))
		push_breakpoints(L, ld);
	else
		return luaL_error(L, "dbg.%s: the debugger has machine, monitor, breakpoints, "
				     "breakpoint(), delete() and command()", k);
	return 1;
}

static int dbg_tostring(lua_State *L)
{
	lua_pushliteral(L, "vmlab.debugger");
	return 1;
}

static int dbg_newindex(lua_State *L)
{
	return luaL_error(L, "dbg.%s: the debugger's fields are read-only",
			  luaL_checkstring(L, 2));
}

/* print(...) as Lua's, to the debugger's output stream: in order with its
 * results, and captured with them by dbg:command. */
static int l_print(lua_State *L)
{
	struct ldbg *ld = lua_touserdata(L, lua_upvalueindex(1));
	FILE *out = dbg_out(ld->d);
	int n = lua_gettop(L);

	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s = luaL_tolstring(L, i, &len);
		if (i > 1)
			fputc('\t', out);
		fwrite(s, 1, len, out);
		lua_pop(L, 1);
	}
	fputc('\n', out);
	fflush(out);
	return 0;
}

/* ---- the language, as the core calls it ------------------------------------------ */

static enum dbg_result run_chunk(void *ctx, const char *chunk)
{
	struct ldbg *ld = ctx;
	int st = vl_run_script(ld->v, NULL, chunk, "=[string]", true, 0, NULL, dbg_err(ld->d));

	sync(ld);
	return st ? DBG_ERROR : DBG_OK;
}

static enum dbg_result run_file(void *ctx, const char *path)
{
	struct ldbg *ld = ctx;
	int st = vl_run_script(ld->v, path, NULL, NULL, false, 0, NULL, dbg_err(ld->d));

	sync(ld);
	return st ? DBG_ERROR : DBG_OK;
}

/* The debugger ran the machine a stretch (dbg_lang.after_run): apply
 * what handlers wrote, at this boundary; poweroff handlers; x:stop() and
 * a handler's error stop the debugger's run (the error reported here). */
static unsigned after_run(void *ctx, enum machine_stop why)
{
	struct ldbg *ld = ctx;
	struct lmachine *lm = ld->lm;
	unsigned f = 0;

	if (!lm || !lm->m || (lm->nh == 0 && !lm->error && !lm->user_stop))
		return 0;
	if (vl_apply_pending(lm))
		f |= DBG_LANG_CHANGED;
	/* the core never runs a dead machine: STOP_POWER_OFF is a new power
	 * off (again after `run` or a reverse command); under the monitor
	 * the guests end with vm_end instead */
	if (why == STOP_POWER_OFF && !lm->error && !lm->mon) {
		vl_emit_poweroff(lm);
		if (vl_apply_pending(lm))
			f |= DBG_LANG_CHANGED;
	}
	if (lm->error) {
		fflush(dbg_out(ld->d));
		fprintf(dbg_err(ld->d), "%s\n", lm->error);
		fflush(dbg_err(ld->d));
		free(lm->error);
		lm->error = NULL;
		f |= DBG_LANG_STOP;
	}
	if (lm->user_stop) {
		lm->user_stop = false;
		f |= DBG_LANG_STOP;
	}
	lm->touched = false; /* told by the flags, not by sync() */
	return f;
}

static int attach(lua_State *L)
{
	struct ldbg *ld = lua_touserdata(L, 1);
	struct machine *m = lua_touserdata(L, 2);
	const struct image *img = lua_touserdata(L, 3);
	const struct vlua_monitor *mon = ld->mon;
	static const luaL_Reg methods[] = {
		{ "breakpoint", l_breakpoint }, { "delete", l_delete }, { "command", l_command },
		{ NULL, NULL },
	};

	vl_newclass(L, T_DBG, methods, dbg_index, dbg_newindex);
	vl_metamethod(L, T_DBG, "__tostring", dbg_tostring);
	*(struct ldbg **)lua_newuserdatauv(L, sizeof ld, 2) = ld;
	luaL_setmetatable(L, T_DBG);
	if (mon) { /* dbg.monitor, and its machine as dbg.machine */
		ld->lm = vl_push_borrowed_monitor(L, mon->vmm, mon->m, mon->imgs, LB_DEBUG);
		ld->lm->dbg = ld->d;
		lua_getiuservalue(L, -1, 1);
		lua_setiuservalue(L, -3, 1);
		lua_setiuservalue(L, -2, 2);
	} else if (m) {
		ld->lm = vl_push_borrowed(L, m, img, LB_DEBUG);
		ld->lm->dbg = ld->d;
		lua_setiuservalue(L, -2, 1);
	}
	lua_setglobal(L, "dbg");
	lua_pushlightuserdata(L, ld);
	lua_pushcclosure(L, l_print, 1);
	lua_setglobal(L, "print");
	return 0;
}

bool vlua_attach_debugger(struct vlua *v, struct dbg *d, struct machine *m,
			  const struct image *img, const struct vlua_monitor *mon, char *err,
			  size_t errlen)
{
	struct ldbg *ld = calloc(1, sizeof *ld);

	if (!ld) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	ld->v = v;
	ld->d = d;
	ld->mon = mon;
	ld->lang = (struct dbg_lang){ .name = "Lua", .suffix = ".lua", .run_chunk = run_chunk,
				      .run_file = run_file, .after_run = after_run, .ctx = ld };
	bool ok = vl_call(v, attach, ld, m, (void *)img, err, errlen);
	ld->mon = NULL; /* the caller's, read by attach only */
	if (!ok) {
		free(ld);
		return false;
	}
	v->dbg = ld;
	dbg_set_lang(d, &ld->lang);
	return true;
}

void vl_detach_debugger(struct vlua *v)
{
	struct ldbg *ld = v->dbg;

	if (!ld)
		return;
	dbg_set_lang(ld->d, NULL);
}
