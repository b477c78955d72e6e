/*
 * lua_monitor.c -- vmlab.monitor{...}: the trap-and-emulate monitor
 * (monitor/vmm.h) as a script sees it: its VMs, its cost model, its
 * events, policies that replace its handling of an exit cause, and a
 * scheduler.
 *
 * Object model.  A monitor runs on a machine of its own: the machine
 * userdata owns everything (struct lmon hangs off it and is freed with it,
 * the monitor before the machine), and the monitor object is a view of
 * it, as x.cpu is.  The machine keeps in its user values:
 *
 *   8  the monitor object          9  the table of VM objects (1-based)
 *
 * and a weak registry table finds the machine from C (vl_push_vm).  So a
 * VM object, an event or a handler's function keeps the whole monitor
 * alive, and nothing in the registry does: an unreferenced monitor is
 * collected like a machine.
 *
 * Running is the machine's run loop (lua_machine.c, vl_run), which calls
 * vl_mon_run for each stretch; monitor events are handlers on the same
 * machine (lua_event.c), fed by one monitor observer that exists only
 * while such a handler does.
 */
#include "ui/lua/lua_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/hostfile.h"
#include "sim/image.h"

#define UV_MONITOR 8
#define UV_VMS 9
#define MACHINE_UVS 9
static const char mons_key = 'm'; /* registry: lm (light) -> machine, weak */

/* ---- finding things ---------------------------------------------------------- */

/* Push the machine of lm (nil if it is gone); true if it is there. */
static bool push_machine(lua_State *L, struct lmachine *lm)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &mons_key);
	lua_rawgetp(L, -1, lm);
	lua_remove(L, -2);
	return !lua_isnil(L, -1);
}

bool vl_push_vm(lua_State *L, struct lmachine *lm, int id)
{
	if (!lm->mon || id < 0 || id >= lm->mon->nvms) {
		lua_pushnil(L);
		return false;
	}
	if (!push_machine(L, lm))
		return false;                 /* nil */
	lua_getiuservalue(L, -1, UV_VMS);     /* machine, vms */
	lua_rawgeti(L, -1, id + 1);           /* machine, vms, vm */
	lua_replace(L, -3);
	lua_pop(L, 1);
	return true;
}

static struct lmachine *check_mon(lua_State *L, int idx)
{
	struct lmachine *lm = *(struct lmachine **)luaL_checkudata(L, idx, T_MONITOR);

	if (!lm->m || !lm->mon)
		luaL_argerror(L, idx, vl_closed(lm, true));
	return lm;
}

int vl_vm_arg(lua_State *L, struct lmachine *lm, int idx)
{
	if (lua_isinteger(L, idx)) {
		lua_Integer n = lua_tointeger(L, idx);
		if (n < 0 || n >= lm->mon->nvms)
			luaL_argerror(L, idx, lua_pushfstring(L, "no VM %I (0..%d)", n,
							      lm->mon->nvms - 1));
		return (int)n;
	}
	struct lvm *p = luaL_testudata(L, idx, T_VM);
	if (!p)
		luaL_argerror(L, idx, lua_pushfstring(L, "a VM (mon.vms[i] or its number) "
						      "expected, got %s", luaL_typename(L, idx)));
	if (p->lm != lm)
		luaL_argerror(L, idx, "a VM of another monitor");
	return p->id;
}

void vl_mon_writable(lua_State *L, struct lmachine *lm, const char *what)
{
	if (lm->dispatching)
		luaL_error(L, "%s: a VM is read-only in an event handler\n(change it in a "
			      "policy, mon:handle, or in the script body)", what);
}

/* ---- console and debug output of the guests ------------------------------------- */

static void mon_console_out(void *opaque, int vm, const uint8_t *bytes, size_t n)
{
	struct lmachine *lm = opaque;

	vl_out_add(&lm->mon->con[vm], bytes, n);
}

static void mon_debug_print(void *opaque, int vm, uint32_t value, bool hex)
{
	struct lmachine *lm = opaque;

	fflush(stdout);
	fprintf(lm->v->cfg.err, hex ? "debug [vm%d]: 0x%08x\n" : "debug [vm%d]: %u\n", vm, value);
}

/* ---- building ------------------------------------------------------------------------ */

static const char *const mon_fields[] = {
	"mode", "variant", "costs", "slice", "timer", "vms", NULL,
};
static const char *const vm_fields[] = {
	"image", "source", "name", "include", "mem", "console_in", "disk", "seed", NULL,
};

static const char *opt_str(lua_State *L, int t, const char *field, const char *what)
{
	const char *s = NULL;

	if (lua_getfield(L, t, field) != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "%s: %s must be a string", what, field);
		s = lua_tostring(L, -1); /* stays referenced by the options table */
	}
	lua_pop(L, 1);
	return s;
}

/* Unknown cost names name the known ones. */
static void push_cost_names(lua_State *L)
{
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	for (int i = 0; vmm_cost_name(i); i++) {
		luaL_addstring(&b, i ? ", " : "");
		luaL_addstring(&b, vmm_cost_name(i));
	}
	luaL_pushresult(&b);
}

static uint32_t check_cycles(lua_State *L, int idx, const char *what, const char *name)
{
	if (!lua_isinteger(L, idx) || lua_tointeger(L, idx) < 0 ||
	    lua_tointeger(L, idx) > 100000000)
		luaL_error(L, "%s: cost %s must be an integer of cycles, 0..100000000", what, name);
	return (uint32_t)lua_tointeger(L, idx);
}

static void parse_costs(lua_State *L, int t, struct vmm_costs *c, const char *what)
{
	luaL_checktype(L, t, LUA_TTABLE);
	for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1)) {
		const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
		uint32_t *f = vmm_cost_field(c, name);
		if (!f) {
			push_cost_names(L);
			luaL_error(L, "%s: unknown cost '%s' (%s)", what, name, lua_tostring(L, -1));
		}
		*f = check_cycles(L, -1, what, name);
	}
}

/* The VMs' options, read before the machine is sized for them. */
struct vm_opts {
	struct vm_config vc;
	const char *console_in;
};

static void read_vm(lua_State *L, int t, int i, struct vm_opts *o)
{
	char what[40];

	snprintf(what, sizeof what, "vmlab.monitor: vms[%d]", i + 1);
	if (!lua_istable(L, t))
		luaL_error(L, "%s must be a table {image= or source=, mem=, ...}", what);
	vl_check_keys(L, t, vm_fields, what);
	*o = (struct vm_opts){ .vc = { .mem_bytes = 16u << 20, .seed = 1 } };
	if (lua_getfield(L, t, "mem") != LUA_TNIL)
		o->vc.mem_bytes = vl_check_size(L, -1, what, "mem");
	if (lua_getfield(L, t, "seed") != LUA_TNIL) {
		if (!lua_isinteger(L, -1))
			luaL_error(L, "%s: seed must be an integer", what);
		o->vc.seed = (uint64_t)lua_tointeger(L, -1);
	}
	lua_pop(L, 2);
	o->vc.disk_path = opt_str(L, t, "disk", what);
	if (o->vc.disk_path && vlua_of(L)->cfg.sandbox)
		luaL_error(L, "%s: disk= is not allowed in the sandbox\n(the disk writes a host file)",
			   what);
	o->console_in = opt_str(L, t, "console_in", what);
	o->vc.console_open = !o->console_in; /* as a machine's: mon:send may add */
	o->vc.name = opt_str(L, t, "image", what);
	if (!o->vc.name)
		o->vc.name = opt_str(L, t, "name", what);
	if (!o->vc.name)
		o->vc.name = "source.s";
}

static void add_vm(lua_State *L, struct lmachine *lm, int t, int i, struct vm_opts *o)
{
	struct lmon *mon = lm->mon;
	char what[40], err[512];
	uint8_t *in = NULL;
	size_t len = 0;

	snprintf(what, sizeof what, "vmlab.monitor: vms[%d]", i + 1);
	mon->imgs[i] = vl_load_program(L, t, what);
	o->vc.image = mon->imgs[i];
	if (o->console_in) {
		in = hostfile_read(o->console_in, VLUA_MAX_CONSOLE, "console input", &len, err,
				   sizeof err);
		if (!in)
			luaL_error(L, "%s: console_in: %s", what, err);
	}
	o->vc.console_in = in;
	o->vc.console_in_len = len;
	int id = vmm_add_vm(mon->v, &o->vc, err, sizeof err);
	free(in); /* the virtual UART keeps its own copy */
	if (id < 0)
		luaL_error(L, "%s: %s", what, err);
	mon->nvms = id + 1;
}

/* lm's monitor data, empty; errors start with what. */
static void new_lmon(lua_State *L, struct lmachine *lm, const char *what)
{
	if (!(lm->mon = calloc(1, sizeof *lm->mon)))
		luaL_error(L, "%s: out of memory", what);
	lm->mon->obs = -1;
	lm->mon->in_policy = -1;
	lm->mon->vms_ref = lm->mon->self_ref = LUA_NOREF;
	lm->mon->sched_ref = lm->mon->insn_ref = LUA_NOREF;
	for (int i = 0; i <= VLUA_MAX_VMS; i++)
		for (int c = 0; c < EXIT_COUNT; c++)
			lm->mon->policy[i][c] = LUA_NOREF;
}

static void push_objects(lua_State *L, int self, struct lmachine *lm);

static int l_monitor_new(lua_State *L)
{
	struct vlua *v = vlua_of(L);
	struct vm_opts vms[VLUA_NEW_VMS];
	struct vm_config vcs[VLUA_NEW_VMS];
	struct machine_config mcfg;
	struct vmm_config cfg;
	const char *s;
	int n, self;
	char err[512];

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	vl_check_keys(L, 1, mon_fields, "vmlab.monitor");
	bool pv = false;
	if ((s = opt_str(L, 1, "mode", "vmlab.monitor")) && !(pv = !strcmp(s, "pv")) &&
	    strcmp(s, "trap"))
		return luaL_error(L, "vmlab.monitor: mode '%s' is not \"trap\" or \"pv\"", s);
	machine_config_defaults(&mcfg);
	if ((s = opt_str(L, 1, "variant", "vmlab.monitor")) && !strcmp(s, "strict"))
		mcfg.variant = VARIANT_STRICT;
	else if (s && strcmp(s, "classic"))
		return luaL_error(L, "vmlab.monitor: variant '%s' is not classic or strict", s);
	vmm_config_defaults(&cfg);
	cfg.pv = pv; /* paravirtual guests: docs/paravirt.md */
	if (lua_getfield(L, 1, "costs") != LUA_TNIL)
		parse_costs(L, 2, &cfg.costs, "vmlab.monitor: costs");
	lua_settop(L, 1);
	if (lua_getfield(L, 1, "slice") != LUA_TNIL) {
		if (!lua_isinteger(L, 2) || lua_tointeger(L, 2) < 1)
			return luaL_error(L, "vmlab.monitor: slice must be a number of cycles >= 1");
		cfg.slice = (uint64_t)lua_tointeger(L, 2);
	}
	lua_settop(L, 1);
	if ((s = opt_str(L, 1, "timer", "vmlab.monitor")) && !vmm_timer_policy_parse(s, &cfg.timer))
		return luaL_error(L, "vmlab.monitor: timer '%s' is not guest, merge, late or drop", s);
	if (lua_getfield(L, 1, "vms") != LUA_TTABLE || (n = (int)lua_rawlen(L, 2)) < 1)
		return luaL_error(L, "vmlab.monitor: vms must be a list of VMs {{image=...}, ...}");
	if (n > VLUA_NEW_VMS)
		return luaL_error(L, "vmlab.monitor: more than %d VMs", VLUA_NEW_VMS);
	for (int i = 0; i < n; i++) {
		lua_rawgeti(L, 2, i + 1);
		read_vm(L, 3, i, &vms[i]);
		vcs[i] = vms[i].vc;
		lua_pop(L, 1);
	}
	if (v->nmachines >= VLUA_MAX_MACHINES)
		lua_gc(L, LUA_GCCOLLECT);
	if (v->nmachines >= VLUA_MAX_MACHINES)
		return luaL_error(L, "vmlab.monitor: more than %d machines at once\n"
				     "(mon:close() the ones you are done with)", VLUA_MAX_MACHINES);

	/* the machine first: from here on its __gc frees what is built */
	struct lmachine *lm = vl_new_machine_udata(L, MACHINE_UVS);
	self = lua_gettop(L);
	new_lmon(L, lm, "vmlab.monitor");
	mcfg.mem_bytes = vmm_ram_needed(vcs, n);
	if (!mcfg.mem_bytes)
		return luaL_error(L, "vmlab.monitor: the VMs need more RAM than a machine has");
	lm->m = machine_new(&mcfg, err, sizeof err);
	if (!lm->m)
		return luaL_error(L, "vmlab.monitor: %s", err);
	v->nmachines++;
	cfg.nvms = n;
	cfg.io = (struct vmm_io){ .opaque = lm, .console_out = mon_console_out,
				  .debug_print = mon_debug_print };
	if (!(lm->mon->v = vmm_new(lm->m, &cfg, err, sizeof err)))
		return luaL_error(L, "vmlab.monitor: %s", err);
	for (int i = 0; i < n; i++) {
		lua_rawgeti(L, 2, i + 1);
		add_vm(L, lm, lua_gettop(L), i, &vms[i]);
		lua_pop(L, 1);
	}
	push_objects(L, self, lm);
	return 1;
}

/* The objects over lm's monitor (machine at self): the VMs, the monitor
 * view, and the way back from C; pushes the monitor object. */
static void push_objects(lua_State *L, int self, struct lmachine *lm)
{
	int n = lm->mon->nvms;

	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		vl_new_vm(L, self, lm, i);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setiuservalue(L, self, UV_VMS);
	lua_createtable(L, 0, 12); /* the table a policy gets, reused */
	lm->mon->insn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &mons_key);
	lua_pushvalue(L, self);
	lua_rawsetp(L, -2, lm);
	lua_pop(L, 1);
	vl_pushsub(L, self, lm, T_MONITOR);
	lua_pushvalue(L, -1);
	lua_setiuservalue(L, self, UV_MONITOR);
}

struct lmachine *vl_push_borrowed_monitor(lua_State *L, struct vmm *vmm, struct machine *m,
					  const struct image *const *imgs, enum lborrow how)
{
	struct lmachine *lm = vl_new_machine_udata(L, MACHINE_UVS);
	int self = lua_gettop(L), n = vmm_vm_count(vmm);

	lm->m = m; /* from here on its __gc lets go of what is set up */
	lm->borrowed = how;
	lm->v->nmachines++;
	if (n > VLUA_MAX_VMS)
		luaL_error(L, "the monitor has more than %d VMs, more than Lua can see", VLUA_MAX_VMS);
	new_lmon(L, lm, "the monitor");
	lm->mon->v = vmm;
	lm->mon->nvms = n;
	for (int i = 0; i < n; i++)
		lm->mon->imgs[i] = (struct image *)imgs[i]; /* never freed: borrowed */
	push_objects(L, self, lm);
	lua_remove(L, self); /* the monitor object holds its machine */
	return lm;
}

void vl_mon_free(lua_State *L, struct lmachine *lm)
{
	struct lmon *mon = lm->mon;

	if (lm->borrowed) { /* the vmm lives on: take back what we set in it */
		for (int i = 0; i <= VLUA_MAX_VMS; i++)
			for (int c = 0; c < EXIT_COUNT; c++)
				if (mon->policy[i][c] != LUA_NOREF)
					vmm_set_policy(mon->v, (enum vmm_exit)c, i - 1, NULL, NULL);
		if (mon->sched_ref != LUA_NOREF)
			vmm_set_scheduler(mon->v, NULL, NULL);
		if (mon->obs >= 0)
			vmm_unobserve(mon->v, mon->obs);
		mon->obs = -1;
	} else {
		vmm_free(mon->v); /* before the machine: it unhooks itself */
		for (int i = 0; i < VLUA_MAX_VMS; i++) {
			image_free(mon->imgs[i]);
			free(mon->con[i].data);
		}
	}
	for (int i = 0; i <= VLUA_MAX_VMS; i++)
		for (int c = 0; c < EXIT_COUNT; c++)
			luaL_unref(L, LUA_REGISTRYINDEX, mon->policy[i][c]);
	luaL_unref(L, LUA_REGISTRYINDEX, mon->sched_ref);
	luaL_unref(L, LUA_REGISTRYINDEX, mon->insn_ref);
	free(mon);
	lm->mon = NULL;
}

/* ---- running: a stretch of the machine under the monitor ----------------------------- */

enum machine_stop vl_mon_run(struct lmachine *lm, uint64_t n)
{
	switch (vmm_run(lm->mon->v, n)) {
	case VMM_ALL_DONE: return STOP_POWER_OFF;
	case VMM_LIMIT: return STOP_LIMIT;
	default: return STOP_REQUESTED;
	}
}

/* mon:run, mon:step, mon:stop, mon:on: the machine's, on the monitor's machine. */
static int forward(lua_State *L)
{
	check_mon(L, 1);
	lua_getiuservalue(L, 1, 1);
	lua_replace(L, 1);
	lua_getfield(L, 1, lua_tostring(L, lua_upvalueindex(1)));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static int l_console(lua_State *L)
{
	struct lmachine *lm = check_mon(L, 1);
	const struct vl_out *o = &lm->mon->con[vl_vm_arg(L, lm, 2)];

	if (lm->borrowed)
		return luaL_error(L, "mon:console: the guests' consoles are the run's\n"
				     "(standard output or console-out files; only "
				     "vmlab.monitor{} keeps them)");
	lua_pushlstring(L, o->data ? o->data : "", o->len);
	return 1;
}

static int l_send(lua_State *L)
{
	struct lmachine *lm = check_mon(L, 1);
	int vm = vl_vm_arg(L, lm, 2);
	size_t len;
	const char *s = luaL_checklstring(L, 3, &len);

	if (!vmm_console_input(lm->mon->v, vm, (const uint8_t *)s, len) ||
	    (lua_toboolean(L, 4) && !vmm_console_eof(lm->mon->v, vm)))
		return luaL_error(L, "mon:send: vm%d's console input has ended (at console_in's "
				     "end, or a send with eof)", vm);
	return 0;
}

static int l_close(lua_State *L)
{
	struct lmachine *lm = *(struct lmachine **)luaL_checkudata(L, 1, T_MONITOR);

	if (lm->borrowed && lm->m)
		return luaL_error(L, "mon:close: %s is not the script's to close",
				  vl_borrowed_name(lm));
	if (lm->running)
		return luaL_error(L, "mon:close: the monitor is running");
	vl_close_machine(L, lm);
	return 0;
}

/* ---- statistics ------------------------------------------------------------------- */

static void set_int(lua_State *L, const char *k, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

void vl_push_vmm_stats(lua_State *L, const struct vmm_stats *s)
{
	lua_createtable(L, 0, 16);
	lua_createtable(L, 0, EXIT_COUNT);
	for (int e = 0; e < EXIT_COUNT; e++)
		set_int(L, vmm_exit_name(e), s->exits[e]);
	lua_setfield(L, -2, "exits");
	set_int(L, "exits_total", s->exits_total);
	set_int(L, "injected_irqs", s->injected_irqs);
	set_int(L, "shadow_tables", s->shadow_tables);
	set_int(L, "shadow_fills", s->shadow_fills);
	set_int(L, "shadow_drops", s->shadow_drops);
	set_int(L, "shadow_flushes", s->shadow_flushes);
	set_int(L, "vm_switches", s->vm_switches);
	set_int(L, "monitor_cycles", s->monitor_cycles);
	set_int(L, "idle_cycles", s->idle_cycles);
	set_int(L, "guest_cycles", s->guest_cycles);
	set_int(L, "guest_insns", s->guest_insns);
	set_int(L, "ticks_late", s->ticks_late);
	set_int(L, "ticks_dropped", s->ticks_dropped);
	set_int(L, "clock_behind", s->clock_behind);
	set_int(L, "protect_visits", s->protect_visits);
}

static int l_stats(lua_State *L)
{
	struct lmachine *lm = check_mon(L, 1);
	struct vmm_stats s;

	vmm_get_stats(lm->mon->v, -1, &s);
	vl_push_vmm_stats(L, &s);
	return 1;
}

/* ---- the cost model: mon.costs ------------------------------------------------------ */

/* The cost named by the key at 2, in c (read from the monitor at 1). */
static uint32_t *cost_arg(lua_State *L, struct lmachine **lmp, struct vmm_costs *c)
{
	struct lmachine *lm = vl_checksub(L, 1, T_COSTS);
	const char *k = luaL_checkstring(L, 2);
	uint32_t *f;

	if (!lm->mon)
		luaL_argerror(L, 1, vl_closed(lm, true));
	vmm_get_costs(lm->mon->v, c);
	if (!(f = vmm_cost_field(c, k))) {
		push_cost_names(L);
		luaL_error(L, "mon.costs.%s: no such cost (%s)", k, lua_tostring(L, -1));
	}
	*lmp = lm;
	return f;
}

static int costs_index(lua_State *L)
{
	struct lmachine *lm;
	struct vmm_costs c;

	lua_pushinteger(L, *cost_arg(L, &lm, &c));
	return 1;
}

static int costs_newindex(lua_State *L)
{
	struct lmachine *lm;
	struct vmm_costs c;
	uint32_t *f = cost_arg(L, &lm, &c);

	if (lm->running)
		return luaL_error(L, "mon.costs.%s: the cost model changes between runs only",
				  lua_tostring(L, 2));
	*f = check_cycles(L, 3, "mon.costs", lua_tostring(L, 2));
	vmm_set_costs(lm->mon->v, &c);
	return 0;
}

static int costs_next(lua_State *L)
{
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(1));
	const char *name = vmm_cost_name((int)i);

	if (!name)
		return 0;
	lua_pushinteger(L, i + 1);
	lua_replace(L, lua_upvalueindex(1));
	lua_pushstring(L, name);
	lua_pushvalue(L, -1);
	lua_gettable(L, 1);
	return 2;
}

/* pairs(mon.costs): every cost by name */
static int costs_pairs(lua_State *L)
{
	vl_checksub(L, 1, T_COSTS);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, costs_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* ---- monitor events ------------------------------------------------------------------ */

static int exit_cause(const char *name)
{
	for (int c = 0; c < EXIT_COUNT; c++)
		if (!strcmp(vmm_exit_name(c), name))
			return c;
	return -1;
}

static void push_exit_names(lua_State *L)
{
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	for (int c = 0; c < EXIT_COUNT; c++) {
		luaL_addstring(&b, c ? ", " : "");
		luaL_addstring(&b, vmm_exit_name(c));
	}
	luaL_pushresult(&b);
}

static int check_exit_cause(lua_State *L, const char *what, int idx)
{
	int c;

	if (lua_type(L, idx) != LUA_TSTRING)
		luaL_error(L, "%s: an exit cause must be a name, not %s", what, luaL_typename(L, idx));
	if ((c = exit_cause(lua_tostring(L, idx))) < 0) {
		const char *name = lua_tostring(L, idx);
		push_exit_names(L);
		luaL_error(L, "%s: unknown exit cause '%s'\n(%s)", what, name, lua_tostring(L, -1));
	}
	return c;
}

void vl_mon_filter(lua_State *L, const char *what, struct lmachine *lm, enum lev kind, int fidx,
		   uint32_t *lo, uint32_t *hi)
{
	int c = -1;

	if (!fidx)
		return; /* everything */
	switch (kind) {
	case LEV_EXIT:
		*lo = *hi = (uint32_t)check_exit_cause(L, what, fidx);
		return;
	case LEV_INJECT:
		if (lua_type(L, fidx) != LUA_TSTRING || (c = vl_cause_lookup(lua_tostring(L, fidx))) < 0)
			luaL_error(L, "%s: filter: inject takes a trap cause name (\"syscall\", ...)",
				   what);
		*lo = *hi = (uint32_t)c;
		return;
	case LEV_VM_SWITCH:
	case LEV_VM_END:
		*lo = *hi = (uint32_t)vl_vm_arg(L, lm, fidx);
		return;
	default: /* shadow_fill, shadow_drop: guest va; pt_write: gpa */
		vl_filter_range(L, what, fidx, lo, hi);
		return;
	}
}

static void on_vmm_exit(void *opaque, const struct vmm_exit_info *x)
{
	struct lmachine *lm = opaque;
	struct levent proto = { .exit = *x, .ev = { .pc = x->pc } };

	if (vl_handler_thread(lm) && vl_dispatch(lm, LEV_EXIT, x->cause, x->cause, &proto.ev, &proto))
		machine_request_stop(lm->m);
}

static void on_vmm_event(void *opaque, const struct vmm_event *e)
{
	static const enum lev kinds[VMM_EV_COUNT] = {
		[VMM_EV_INJECT] = LEV_INJECT, [VMM_EV_SHADOW_FILL] = LEV_SHADOW_FILL,
		[VMM_EV_SHADOW_DROP] = LEV_SHADOW_DROP, [VMM_EV_PT_WRITE] = LEV_PT_WRITE,
		[VMM_EV_VM_SWITCH] = LEV_VM_SWITCH, [VMM_EV_VM_END] = LEV_VM_END,
	};
	struct lmachine *lm = opaque;
	struct levent proto = { .mon = *e };
	uint32_t key;

	if (!vl_handler_thread(lm) || (unsigned)e->kind >= VMM_EV_COUNT)
		return;
	switch (e->kind) {
	case VMM_EV_INJECT: key = CAUSE_CODE(e->cause); break;
	case VMM_EV_SHADOW_FILL:
	case VMM_EV_SHADOW_DROP: key = e->va; break;
	case VMM_EV_PT_WRITE: key = e->gpa; break;
	default: key = (uint32_t)e->vm; break;
	}
	proto.ev.pc = e->kind == VMM_EV_INJECT || e->kind == VMM_EV_PT_WRITE ? e->pc
									  : machine_pc(lm->m);
	if (vl_dispatch(lm, kinds[e->kind], key, key, &proto.ev, &proto))
		machine_request_stop(lm->m);
}

void vl_mon_observe(struct lmachine *lm)
{
	struct lmon *mon = lm->mon;
	bool want = false;

	if (!mon)
		return;
	for (int i = 0; i < lm->nh; i++)
		want |= !lm->h[i].removed && lm->h[i].kind >= LEV_FIRST_MONITOR;
	if (want && mon->obs < 0)
		mon->obs = vmm_observe(mon->v, &(struct vmm_observer){
			.opaque = lm, .on_exit = on_vmm_exit, .on_event = on_vmm_event });
	else if (!want && mon->obs >= 0) {
		vmm_unobserve(mon->v, mon->obs);
		mon->obs = -1;
	}
}


int vl_mon_event_index(lua_State *L, const struct levent *e, const char *k)
{
	const struct vmm_event *m = &e->mon;
	enum lev kd = e->kind;

	if (!strcmp(k, "vm"))
		lua_getiuservalue(L, 1, 1);
	else if (!strcmp(k, "pc"))
		lua_pushinteger(L, e->ev.pc);
	else if (kd == LEV_EXIT && !strcmp(k, "name"))
		lua_pushstring(L, vmm_exit_name(e->exit.cause));
	else if (kd == LEV_EXIT && !strcmp(k, "cause"))
		lua_pushinteger(L, e->exit.trap_cause);
	else if (kd == LEV_EXIT && !strcmp(k, "badva"))
		lua_pushinteger(L, e->exit.badva);
	else if (kd == LEV_EXIT && !strcmp(k, "ring"))
		lua_pushinteger(L, e->exit.vring);
	else if (kd == LEV_EXIT && !strcmp(k, "cost"))
		lua_pushinteger(L, e->exit.cost);
	else if (kd == LEV_INJECT && !strcmp(k, "name"))
		lua_pushstring(L, isa_cause_name(CAUSE_CODE(m->cause)));
	else if (kd == LEV_INJECT && !strcmp(k, "cause"))
		lua_pushinteger(L, m->cause);
	else if (kd == LEV_INJECT && !strcmp(k, "epc"))
		lua_pushinteger(L, m->epc);
	else if (kd == LEV_INJECT && !strcmp(k, "badva"))
		lua_pushinteger(L, m->badva);
	else if ((kd == LEV_SHADOW_FILL || kd == LEV_SHADOW_DROP) && !strcmp(k, "va"))
		lua_pushinteger(L, m->va);
	else if ((kd == LEV_SHADOW_FILL || kd == LEV_PT_WRITE) && !strcmp(k, "gpa"))
		lua_pushinteger(L, m->gpa);
	else if (kd == LEV_SHADOW_FILL && !strcmp(k, "hpa"))
		lua_pushinteger(L, m->hpa);
	else if (kd == LEV_SHADOW_FILL && !strcmp(k, "writable"))
		lua_pushboolean(L, m->flag);
	else if (kd == LEV_SHADOW_DROP && !strcmp(k, "table"))
		lua_pushboolean(L, m->flag);
	else if (kd == LEV_PT_WRITE && !strcmp(k, "value"))
		lua_pushinteger(L, m->value);
	else if (kd == LEV_PT_WRITE && !strcmp(k, "size"))
		lua_pushinteger(L, m->size);
	else if (kd == LEV_VM_SWITCH && !strcmp(k, "from"))
		lua_getiuservalue(L, 1, 2);
	else if (kd == LEV_VM_END && !strcmp(k, "state"))
		lua_pushstring(L, vl_vm_state_name(m->state));
	else if (kd == LEV_VM_END && !strcmp(k, "exit") && m->state == VM_POWERED_OFF)
		lua_pushinteger(L, m->exit_code);
	else if (kd == LEV_VM_END && !strcmp(k, "reason") && m->state == VM_CRASHED)
		lua_pushstring(L, m->reason);
	else
		lua_pushnil(L);
	return 1;
}

/* ---- policies: mon:handle(cause, fn [, vm]) ------------------------------------------ */

/* A policy's or scheduler's wrong answer, reported where the function
 * was defined; the run stops with it. */
static void bad_answer(lua_State *L, struct lmachine *lm, int ref, const char *msg)
{
	lua_Debug ar;

	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	lua_getinfo(L, ">S", &ar);
	lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.linedefined, msg);
	lm->error = strdup(lua_tostring(L, -1));
	machine_request_stop(lm->m);
}

static void set_field_int(lua_State *L, int t, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, t, k);
}

/* The decoded instruction (and the exit) a policy gets; one table, refilled. */
static void push_insn(lua_State *L, struct lmachine *lm, const struct vmm_exit_ctx *x)
{
	const struct trap_event *t = x->trap;
	struct isa_insn in;
	int tab;

	lua_rawgeti(L, LUA_REGISTRYINDEX, lm->mon->insn_ref);
	tab = lua_gettop(L);
	isa_decode(t->insn, &in);
	lua_pushstring(L, vmm_exit_name(x->cause));
	lua_setfield(L, tab, "cause");
	if (in.op != OP_INVALID)
		lua_pushstring(L, isa_info(in.op)->name);
	else
		lua_pushnil(L);
	lua_setfield(L, tab, "op");
	set_field_int(L, tab, "rd", in.rd);
	set_field_int(L, tab, "rs1", in.rs1);
	set_field_int(L, tab, "rs2", in.rs2);
	set_field_int(L, tab, "imm", in.imm);
	set_field_int(L, tab, "word", t->insn);
	set_field_int(L, tab, "pc", t->pc);
	set_field_int(L, tab, "trap", t->cause);
	set_field_int(L, tab, "badva", t->badva);
	set_field_int(L, tab, "ring", x->vring);
	if ((in.op == OP_mfcr || in.op == OP_mtcr) && (unsigned)in.imm < CR_COUNT &&
	    isa_cr_name((unsigned)in.imm))
		lua_pushstring(L, isa_cr_name((unsigned)in.imm));
	else
		lua_pushnil(L);
	lua_setfield(L, tab, "cr");
}

static enum vmm_verdict policy_fn(void *opaque, struct vmm *v, const struct vmm_exit_ctx *x)
{
	static const char *const verdicts[] = { "default", "handled", "reflect", NULL };
	struct lmachine *lm = opaque;
	struct lmon *mon = lm->mon;
	lua_State *L = vl_handler_thread(lm);
	int ref = mon->policy[x->vm + 1][x->cause], top, i;
	struct vl_label label = { "the '%s' policy", vmm_exit_name(x->cause) };
	bool ok;

	(void)v;
	if (!L || lm->error || !lua_checkstack(L, 8))
		return VMM_DEFAULT;
	if (ref == LUA_NOREF)
		ref = mon->policy[0][x->cause];
	top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	vl_push_vm(L, lm, x->vm);
	lua_getiuservalue(L, -1, 2); /* its cpu */
	push_insn(L, lm, x);
	mon->in_policy = x->vm;
	lm->v->handler_depth++;
	ok = vl_call_handler(lm, &label, 3, 1);
	lm->v->handler_depth--;
	mon->in_policy = -1;
	if (!ok || lm->user_stop)
		machine_request_stop(lm->m); /* mon:stop(): after this exit */
	if (!ok)
		return VMM_DEFAULT; /* the C path completes the exit: the VM stays sound */
	const char *r = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	for (i = 0; r && verdicts[i] && strcmp(r, verdicts[i]); i++)
		continue;
	if (!r || !verdicts[i]) {
		bad_answer(L, lm, ref, lua_pushfstring(L, "mon:handle: %s returned %s%s%s\n(want "
						       "\"handled\", \"reflect\" or \"default\")",
						       lua_pushfstring(L, label.fmt, label.arg),
						       r ? "'" : "",
						       r ? r : luaL_typename(L, -1), r ? "'" : ""));
		i = 0;
	}
	lua_settop(L, top);
	return (enum vmm_verdict)(i == 1 ? VMM_HANDLED : i == 2 ? VMM_REFLECT : VMM_DEFAULT);
}

static int l_handle(lua_State *L)
{
	struct lmachine *lm = check_mon(L, 1);
	struct lmon *mon = lm->mon;
	int cause = check_exit_cause(L, "mon:handle", 2), vm = -1, *slot;

	if (!lua_isnil(L, 3))
		luaL_checktype(L, 3, LUA_TFUNCTION);
	if (!lua_isnoneornil(L, 4))
		vm = vl_vm_arg(L, lm, 4);
	if (cause == EXIT_INTERRUPT)
		return luaL_argerror(L, 2, "the monitor's own timer interrupt has no policy "
					   "(it is how the monitor keeps the CPU)");
	slot = &mon->policy[vm + 1][cause];
	luaL_unref(L, LUA_REGISTRYINDEX, *slot);
	*slot = LUA_NOREF;
	if (!lua_isnil(L, 3)) {
		lua_pushvalue(L, 3);
		*slot = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	vmm_set_policy(mon->v, (enum vmm_exit)cause, vm, *slot == LUA_NOREF ? NULL : policy_fn, lm);
	return 0;
}

/* ---- the scheduler: mon:schedule(fn) ------------------------------------------------- */

static int sched_fn(void *opaque, struct vmm *v, int current, const int *ready, int n)
{
	struct lmachine *lm = opaque;
	lua_State *L = vl_handler_thread(lm);
	int top, pick = -1;

	(void)v;
	if (!L || lm->error || !lua_checkstack(L, 8))
		return -1;
	top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, lm->mon->sched_ref);
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		vl_push_vm(L, lm, ready[i]);
		lua_rawseti(L, -2, i + 1);
	}
	vl_push_vm(L, lm, current);
	lm->v->handler_depth++;
	lm->mon->in_sched = true;
	static const struct vl_label label = { "the %s", "scheduler" };
	bool ok = vl_call_handler(lm, &label, 2, 1);
	lm->mon->in_sched = false;
	lm->v->handler_depth--;
	if (!ok || lm->user_stop)
		machine_request_stop(lm->m);
	if (!ok)
		return -1;
	struct lvm *p = luaL_testudata(L, -1, T_VM);
	if (p && p->lm == lm) {
		for (int i = 0; i < n; i++)
			if (ready[i] == p->id)
				pick = p->id;
		if (pick < 0)
			bad_answer(L, lm, lm->mon->sched_ref,
				   "mon:schedule: the scheduler picked a VM that is not ready "
				   "(halted or ended)\n(pick one of the list it is given)");
	} else if (!lua_isnil(L, -1)) {
		bad_answer(L, lm, lm->mon->sched_ref, "mon:schedule: the scheduler must return a VM "
			   "of the list it is given, or nil (round robin)");
	}
	lua_settop(L, top);
	return pick;
}

static int l_schedule(lua_State *L)
{
	struct lmachine *lm = check_mon(L, 1);

	if (!lua_isnil(L, 2))
		luaL_checktype(L, 2, LUA_TFUNCTION);
	luaL_unref(L, LUA_REGISTRYINDEX, lm->mon->sched_ref);
	lm->mon->sched_ref = LUA_NOREF;
	if (!lua_isnil(L, 2)) {
		lua_pushvalue(L, 2);
		lm->mon->sched_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	vmm_set_scheduler(lm->mon->v, lm->mon->sched_ref == LUA_NOREF ? NULL : sched_fn, lm);
	return 0;
}

/* ---- fields ---------------------------------------------------------------------------- */

static int mon_index(lua_State *L)
{
	struct lmachine *lm = *(struct lmachine **)luaL_checkudata(L, 1, T_MONITOR);
	const char *k = luaL_checkstring(L, 2);

	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1; /* a method */
	if (!strcmp(k, "machine")) {
		lua_getiuservalue(L, 1, 1);
		return 1;
	}
	if (!lm->m || !lm->mon)
		return luaL_error(L, "mon.%s: %s", k, vl_closed(lm, true));
	if (!strcmp(k, "vms")) {
		lua_getiuservalue(L, 1, 1);
		lua_getiuservalue(L, -1, UV_VMS);
	} else if (!strcmp(k, "costs")) {
		lua_getiuservalue(L, 1, 1);
		vl_pushsub(L, -1, lm, T_COSTS);
	} else if (!strcmp(k, "current")) {
		vl_push_vm(L, lm, vmm_current(lm->mon->v));
	} else if (!strcmp(k, "variant")) {
		lua_pushstring(L, machine_variant(lm->m) == VARIANT_STRICT ? "strict" : "classic");
	} else {
		return luaL_error(L, "mon.%s: a monitor has no field '%s'", k, k);
	}
	return 1;
}

static int mon_newindex(lua_State *L)
{
	return luaL_error(L, "mon.%s: monitor fields are read-only (the costs are in mon.costs)",
			  luaL_checkstring(L, 2));
}

static int mon_tostring(lua_State *L)
{
	struct lmachine *lm = *(struct lmachine **)luaL_checkudata(L, 1, T_MONITOR);

	if (!lm->m || !lm->mon)
		lua_pushliteral(L, "vmlab.monitor (closed)");
	else
		lua_pushfstring(L, "vmlab.monitor (%d VMs)", lm->mon->nvms);
	return 1;
}

void vl_open_monitor(lua_State *L)
{
	static const char *const forwarded[] = { "run", "step", "stop", "on", NULL };
	static const luaL_Reg methods[] = {
		{ "console", l_console }, { "send", l_send }, { "stats", l_stats },
		{ "handle", l_handle }, { "schedule", l_schedule }, { "close", l_close },
		{ NULL, NULL },
	};

	lua_newtable(L); /* lm -> machine, weak: it never keeps a monitor alive */
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "v");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &mons_key);

	vl_newclass(L, T_MONITOR, methods, mon_index, mon_newindex);
	vl_metamethod(L, T_MONITOR, "__tostring", mon_tostring);
	/* the forwarded methods join the methods table (the index's upvalue) */
	luaL_getmetatable(L, T_MONITOR);
	lua_getfield(L, -1, "__index");
	lua_getupvalue(L, -1, 1);
	for (int i = 0; forwarded[i]; i++) {
		lua_pushstring(L, forwarded[i]);
		lua_pushcclosure(L, forward, 1);
		lua_setfield(L, -2, forwarded[i]);
	}
	lua_pop(L, 3);
	vl_newclass(L, T_COSTS, NULL, costs_index, costs_newindex);
	vl_metamethod(L, T_COSTS, "__pairs", costs_pairs);
	lua_pushcfunction(L, l_monitor_new);
	lua_setfield(L, -2, "monitor");
}
