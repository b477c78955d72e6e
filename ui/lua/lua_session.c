/*
 * lua_session.c -- `vmlab run --lua FILE.lua`: the script runs first, with
 * the run's machine as vmlab.session (under --vmm: the run's monitor, a
 * monitor object as vmlab.monitor{} gives), and installs handlers,
 * policies, a scheduler; then the ordinary run (ui/cli/cmd_run.c or
 * vm_front.c, with its console, budgets and reports) runs the machine, and
 * they fire inside it.  When the run is over the script lets go
 * (vlua_session_end): the objects are closed before the front end frees
 * what they were over.
 *
 * The front end's run loop stands where vl_run stands for a machine of
 * the script's own: a handler that wrote pc or a register, or called
 * x:stop(), or failed, makes machine_run return STOP_REQUESTED at the end
 * of its instruction, and vlua_session_stopped then applies the writes --
 * at that instruction boundary, as everywhere (docs/lua.md) -- and tells
 * the loop whether to go on.
 *
 *   script ── vlua_session_begin ── loop: run ── vlua_session_stopped
 *                                          ^         GO_ON │ DONE, STOPPED, FAILED
 *                                          └───────────────┘   -> report, exit
 */
#include "ui/lua/lua_priv.h"

#include <stdlib.h>
#include <string.h>

static int attach(lua_State *L)
{
	struct vlua *v = vlua_of(L);
	struct machine *m = lua_touserdata(L, 1);
	const struct image *img = lua_touserdata(L, 2);
	const struct vlua_monitor *mon = lua_touserdata(L, 3);

	if (mon)
		v->session = vl_push_borrowed_monitor(L, mon->vmm, mon->m, mon->imgs, LB_RUN);
	else
		v->session = vl_push_borrowed(L, m, img, LB_RUN);
	lua_pushvalue(L, -1);
	v->session_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* never collected */
	lua_getglobal(L, "vmlab");
	lua_insert(L, -2);
	lua_setfield(L, -2, "session");
	return 0;
}

bool vlua_session_attach(struct vlua *v, struct machine *m, const struct image *img,
			 char *err, size_t errlen)
{
	if (vl_call(v, attach, m, (void *)img, NULL, err, errlen))
		return true;
	v->session = NULL;
	return false;
}

bool vlua_session_attach_monitor(struct vlua *v, const struct vlua_monitor *mon, char *err,
				 size_t errlen)
{
	if (vl_call(v, attach, NULL, NULL, (void *)mon, err, errlen))
		return true;
	v->session = NULL;
	return false;
}

void vlua_session_begin(struct vlua *v)
{
	struct lmachine *lm = v->session;

	if (!lm || !lm->m)
		return;
	/* handlers run on the main thread: nothing else runs on it now */
	lm->L_run = v->L;
	lm->running = true;
}

enum vlua_next vlua_session_stopped(struct vlua *v, enum machine_stop why)
{
	struct lmachine *lm = v->session;
	bool pending;

	if (!lm || !lm->m || !lm->running)
		return VLUA_DONE;
	pending = vl_apply_pending(lm);
	/* poweroff is the bare machine's; a monitor's guests end with vm_end */
	if (why == STOP_POWER_OFF && !lm->poweroff_seen && !lm->error && !lm->mon) {
		lm->poweroff_seen = true;
		vl_emit_poweroff(lm);
		vl_apply_pending(lm);
	}
	if (lm->error) {
		fflush(stdout);
		fprintf(v->cfg.err, "%s\n", lm->error);
		fflush(v->cfg.err);
		free(lm->error);
		lm->error = NULL;
		lm->running = false;
		return VLUA_FAILED;
	}
	if (lm->user_stop) {
		lm->user_stop = false;
		return VLUA_STOPPED;
	}
	return why == STOP_REQUESTED && pending ? VLUA_GO_ON : VLUA_DONE;
}

static int end_session(lua_State *L)
{
	struct vlua *v = vlua_of(L);

	vl_close_machine(L, v->session); /* borrowed: lets go */
	luaL_unref(L, LUA_REGISTRYINDEX, v->session_ref);
	v->session_ref = LUA_NOREF;
	return 0;
}

void vlua_session_end(struct vlua *v)
{
	char err[128];

	if (!v || !v->session)
		return;
	v->session->running = false;
	v->session->L_run = NULL;
	if (!vl_call(v, end_session, NULL, NULL, NULL, err, sizeof err)) {
		fflush(stdout);
		fprintf(v->cfg.err, "vmlab: %s\n", err);
	}
	v->session = NULL;
}
