/*
 * lua_event.c -- x:on(event, filter, fn): handlers over the machine's event
 * callbacks (sim/machine.h), handles, event objects, and the writes a
 * handler makes to the CPU.
 *
 * One machine listener per machine event kind, added with the first
 * handler of that kind and removed with the last: a machine nobody
 * watches pays nothing (an insn listener makes the machine step one
 * instruction at a time, so it exists only while an insn handler does).
 * Filters are tested in C, so a handler whose range does not match costs
 * no Lua call.
 *
 * Writes a handler makes to pc, psw, registers or control registers are
 * kept here (reads in the handler see them) and applied by the run loop at
 * the next instruction boundary: a handler may run in the middle of an
 * instruction (read, write, device, tlbfill), where a direct write would
 * be lost or half-applied.  The handler returns "stop" to the machine
 * when it wrote something, and the run loop applies the writes and goes
 * on.  Memory writes take effect at once.
 */
#include "ui/lua/lua_priv.h"

#include <stdlib.h>
#include <string.h>

#include "ui/dbg/dbg.h"

const char *const lev_names[LEV_COUNT] = {
	"insn", "read", "write", "trap", "irq", "tlbfill", "device", "break", "halt", "poweroff",
	"exit", "inject", "shadow_fill", "shadow_drop", "pt_write", "vm_switch", "vm_end",
};
static const enum machine_event lev_mev[LEV_COUNT] = {
	EV_INSN, EV_MEM, EV_MEM, EV_TRAP, EV_IRQ, EV_TLB_FILL, EV_DEVICE, EV_BREAK, EV_HALT,
	EV_COUNT, /* poweroff: the run loop */
	/* the monitor's: its observer (lua_monitor.c) */
	EV_COUNT, EV_COUNT, EV_COUNT, EV_COUNT, EV_COUNT, EV_COUNT, EV_COUNT,
};

int vl_cause_lookup(const char *name)
{
	for (unsigned c = 0; c < TRAP_NCAUSES; c++)
		if (isa_cause_name(c) && !strcmp(isa_cause_name(c), name))
			return (int)c;
	return -1;
}

/* ---- filters ---------------------------------------------------------------- */

void vl_filter_range(lua_State *L, const char *what, int f, uint32_t *lo, uint32_t *hi)
{
	if (lua_isinteger(L, f)) {
		lua_Integer a = lua_tointeger(L, f);
		if (a < 0 || a > 0xffffffffll)
			luaL_error(L, "%s: filter: address %I is not 32-bit", what, a);
		*lo = *hi = (uint32_t)a;
		return;
	}
	if (!lua_istable(L, f))
		luaL_error(L, "%s: filter must be an address or {lo, hi}, not %s", what,
			   luaL_typename(L, f));
	lua_rawgeti(L, f, 1);
	lua_rawgeti(L, f, 2);
	if (!lua_isinteger(L, -2) || !lua_isinteger(L, -1))
		luaL_error(L, "%s: filter {lo, hi} needs two integers", what);
	lua_Integer a = lua_tointeger(L, -2), b = lua_tointeger(L, -1);
	if (a < 0 || b > 0xffffffffll || a > b)
		luaL_error(L, "%s: filter {%I, %I} is not a range of 32-bit addresses", what, a, b);
	*lo = (uint32_t)a;
	*hi = (uint32_t)b;
	lua_pop(L, 2);
}

/* A read/write filter: an address or {lo, hi} (physical, as ever), or
 * {pa = a or {lo, hi}}, or {va = a or {lo, hi}} (virtual: *va set). */
static void mem_filter(lua_State *L, const char *what, int f, uint32_t *lo, uint32_t *hi,
		       bool *va)
{
	int tpa, tva;

	if (!lua_istable(L, f)) {
		vl_filter_range(L, what, f, lo, hi);
		return;
	}
	for (lua_pushnil(L); lua_next(L, f); lua_pop(L, 1)) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		if (key && strcmp(key, "pa") && strcmp(key, "va"))
			luaL_error(L, "%s: filter: unknown field '%s'\n(read and write take an "
				      "address, {lo, hi}, {pa = ...} or {va = ...})", what, key);
	}
	tpa = lua_getfield(L, f, "pa");
	tva = lua_getfield(L, f, "va");
	if (tpa == LUA_TNIL && tva == LUA_TNIL) {
		lua_pop(L, 2);
		vl_filter_range(L, what, f, lo, hi);
		return;
	}
	if (tpa != LUA_TNIL && tva != LUA_TNIL)
		luaL_error(L, "%s: filter: pa or va, not both", what);
	lua_rawgeti(L, f, 1);
	if (!lua_isnil(L, -1))
		luaL_error(L, "%s: filter: {%s = ...} or {lo, hi}, not both", what,
			   tva != LUA_TNIL ? "va" : "pa");
	lua_pop(L, 1);
	*va = tva != LUA_TNIL;
	vl_filter_range(L, what, *va ? lua_gettop(L) : lua_gettop(L) - 1, lo, hi);
	lua_pop(L, 2);
}

void vl_check_event(lua_State *L, const char *what, struct lmachine *lm, int idx, int fidx,
		    enum lev *kind, uint32_t *lo, uint32_t *hi, bool *va)
{
	const char *name = lua_tostring(L, idx);
	bool nofilter = fidx == 0 || lua_isnoneornil(L, fidx);
	char hex[12];
	int k;

	if (lua_type(L, idx) != LUA_TSTRING)
		luaL_error(L, "%s: the event must be a name\n(insn, read, write, trap, irq, "
			      "tlbfill, device, break, halt, poweroff%s)", what,
			   lm->mon ? ", exit, inject, shadow_fill, shadow_drop, pt_write, vm_switch, "
				     "vm_end" : "");
	for (k = 0; k < LEV_COUNT && strcmp(name, lev_names[k]); k++)
		continue;
	if (k == LEV_COUNT)
		luaL_error(L, "%s: unknown event '%s'\n(insn, read, write, trap, irq, "
			      "tlbfill, device, break, halt, poweroff%s)", what, name,
			   lm->mon ? ", exit, inject, shadow_fill, shadow_drop, pt_write, vm_switch, "
				     "vm_end" : "");
	*kind = (enum lev)k;
	*lo = 0;
	*hi = 0xffffffffu;
	*va = false;
	if (k >= LEV_FIRST_MONITOR) {
		if (!lm->mon)
			luaL_error(L, "%s: '%s' is an event of the monitor (vmlab.monitor)", what, name);
		vl_mon_filter(L, what, lm, *kind, nofilter ? 0 : fidx, lo, hi);
		return;
	}
	switch (*kind) {
	case LEV_HALT:
	case LEV_POWEROFF:
		if (!nofilter)
			luaL_error(L, "%s: the %s event takes no filter", what, name);
		return;
	case LEV_TRAP:
		if (!nofilter && lua_type(L, fidx) == LUA_TSTRING) {
			int c = vl_cause_lookup(lua_tostring(L, fidx));
			if (c < 0)
				luaL_error(L, "%s: filter: unknown trap cause '%s'", what,
					   lua_tostring(L, fidx));
			*lo = *hi = (uint32_t)c;
			return;
		}
		break;
	case LEV_DEVICE:
		if (!nofilter && lua_type(L, fidx) == LUA_TSTRING) {
			const char *dev = lua_tostring(L, fidx), *dn;
			uint32_t base, size;
			for (unsigned i = 0; machine_device_info(lm->m, i, &dn, &base, &size); i++)
				if (!strcmp(dn, dev)) {
					*lo = base;
					*hi = base + size - 1;
					return;
				}
			luaL_error(L, "%s: filter: no device '%s' on this machine", what, dev);
		}
		break;
	case LEV_BREAK:
		if (nofilter || !lua_isinteger(L, fidx))
			luaL_error(L, "%s: break needs the physical address of an instruction", what);
		vl_filter_range(L, what, fidx, lo, hi);
		if (*lo & 3 || *lo >= machine_mem_bytes(lm->m))
			luaL_error(L, "%s: break at %s: not an aligned address in RAM", what,
				   vl_hex(hex, *lo));
		return;
	case LEV_READ:
	case LEV_WRITE:
		if (!nofilter)
			mem_filter(L, what, fidx, lo, hi, va);
		if (*va)
			return;
		if (*lo >= machine_mem_bytes(lm->m))
			luaL_error(L, "%s: %s watches RAM, and %s is outside it\n(a virtual "
				      "address: {va = ...})", what, name, vl_hex(hex, *lo));
		if (*hi >= machine_mem_bytes(lm->m)) /* as the machine watches it */
			*hi = machine_mem_bytes(lm->m) - 1;
		return;
	default:
		break;
	}
	if (!nofilter)
		vl_filter_range(L, what, fidx, lo, hi);
}

/* ---- handlers ------------------------------------------------------------------ */

static bool same_watch(const struct lhandler *a, const struct lhandler *b)
{
	bool mem_a = a->kind == LEV_READ || a->kind == LEV_WRITE;
	bool mem_b = b->kind == LEV_READ || b->kind == LEV_WRITE;

	if (mem_a || mem_b)
		return mem_a && mem_b && a->va == b->va && a->lo == b->lo && a->hi == b->hi;
	return a->kind == b->kind && a->lo == b->lo;
}

/* Another live handler needs the same watch (read/write range) or
 * breakpoint (break address), or the same machine listener. */
static bool shared(const struct lmachine *lm, const struct lhandler *h, bool listener)
{
	for (int i = 0; i < lm->nh; i++) {
		const struct lhandler *o = &lm->h[i];
		if (o == h || o->removed)
			continue;
		if (listener ? lev_mev[o->kind] == lev_mev[h->kind] : same_watch(o, h))
			return true;
	}
	return false;
}

static bool on_event(void *opaque, struct machine *m, const struct machine_event_info *ev);

int vl_add_handler(lua_State *L, struct lmachine *lm, enum lev kind, uint32_t lo, uint32_t hi,
		   bool va, int ref)
{
	enum machine_event mev = lev_mev[kind];
	const char *fail = NULL;
	struct lhandler *h;

	if (lm->nh == lm->caph) {
		int cap = lm->caph ? 2 * lm->caph : 8;
		struct lhandler *p = realloc(lm->h, (size_t)cap * sizeof *p);
		if (!p) {
			luaL_unref(L, LUA_REGISTRYINDEX, ref);
			luaL_error(L, "x:on: out of memory");
		}
		lm->h = p;
		lm->caph = cap;
	}
	h = &lm->h[lm->nh];
	*h = (struct lhandler){ .id = ++lm->next_id, .kind = kind, .lo = lo, .hi = hi,
				.va = va, .ref = ref };
	if ((kind == LEV_READ || kind == LEV_WRITE) && !shared(lm, h, false) &&
	    !(va ? machine_watch_va : machine_watch)(lm->m, lo, hi))
		fail = va ? "too many watched virtual ranges (at most 32 different ones)"
			  : "too many watched ranges (at most 32 different ones)";
	else if (kind == LEV_BREAK && !shared(lm, h, false) && !machine_break_insert(lm->m, lo))
		fail = "too many breakpoints (at most 64)";
	else if (mev != EV_COUNT && lm->mhandle[mev] < 0 &&
		 (lm->mhandle[mev] = machine_on(lm->m, mev, on_event, lm)) < 0)
		fail = "the machine has no listener slot left";
	if (fail) {
		if (ref != LUA_NOREF)
			luaL_unref(L, LUA_REGISTRYINDEX, ref);
		luaL_error(L, "x:on: %s", fail);
	}
	lm->nh++;
	if (kind >= LEV_FIRST_MONITOR)
		vl_mon_observe(lm);
	return h->id;
}

void vl_remove_handler(lua_State *L, struct lmachine *lm, int id)
{
	struct lhandler *h = NULL;
	enum machine_event mev;

	for (int i = 0; i < lm->nh; i++)
		if (lm->h[i].id == id && !lm->h[i].removed)
			h = &lm->h[i];
	if (!h)
		return;
	h->removed = true;
	if (h->ref != LUA_NOREF)
		luaL_unref(L, LUA_REGISTRYINDEX, h->ref);
	h->ref = LUA_NOREF;
	mev = lev_mev[h->kind];
	if ((h->kind == LEV_READ || h->kind == LEV_WRITE) && !shared(lm, h, false))
		(h->va ? machine_unwatch_va : machine_unwatch)(lm->m, h->lo, h->hi);
	if (h->kind == LEV_BREAK && !shared(lm, h, false))
		machine_break_remove(lm->m, h->lo);
	if (mev != EV_COUNT && lm->mhandle[mev] >= 0 && !shared(lm, h, true)) {
		machine_off(lm->m, lm->mhandle[mev]);
		lm->mhandle[mev] = -1;
	}
	if (h->kind >= LEV_FIRST_MONITOR)
		vl_mon_observe(lm);
	if (lm->dispatching)
		return; /* the dispatcher walks the array: compact later */
	int n = 0;
	for (int i = 0; i < lm->nh; i++)
		if (!lm->h[i].removed)
			lm->h[n++] = lm->h[i];
	lm->nh = n;
}

/* ---- dispatch ------------------------------------------------------------------- */

static bool has_pending(const struct lmachine *lm)
{
	return lm->pregmask || lm->pcrmask || lm->has_pc || lm->has_psw;
}

bool vl_apply_pending(struct lmachine *lm)
{
	if (!has_pending(lm))
		return false;
	for (unsigned r = 1; r < ISA_NREGS; r++)
		if (lm->pregmask >> r & 1)
			machine_set_reg(lm->m, r, lm->preg[r]);
	for (unsigned c = 0; c < CR_COUNT; c++)
		if (lm->pcrmask >> c & 1)
			machine_set_cr(lm->m, c, lm->pcr[c]);
	if (lm->has_psw)
		machine_set_psw(lm->m, lm->ppsw);
	if (lm->has_pc)
		machine_set_pc(lm->m, lm->ppc);
	vl_touch(lm);
	lm->pregmask = lm->pcrmask = 0;
	lm->has_pc = lm->has_psw = false;
	return true;
}

/* Message handler of a handler's pcall: the report with a traceback. */
static int handler_msgh(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	if (strstr(msg, "attempt to yield"))
		msg = lua_pushfstring(L, "%s\n(event handlers never yield, nor do policies: "
				      "wait with vmlab.wait in the script's body)", msg);
	const struct vl_label *lb = lua_touserdata(L, lua_upvalueindex(1));
	msg = lua_pushfstring(L, "%s\n(in ", msg);
	lua_pushfstring(L, lb->fmt, lb->arg);
	lua_pushliteral(L, ")");
	lua_concat(L, 3);
	msg = lua_tostring(L, -1);
	luaL_traceback(L, L, msg, 1);
	return 1;
}

bool vl_call_handler(struct lmachine *lm, const struct vl_label *label, int nargs, int nres)
{
	lua_State *L = lm->L_run;
	int base = lua_gettop(L) - nargs, st; /* the function's slot */

	/* one message handler per machine, told the label: no allocation
	 * per call (a policy may be called a million times a second) */
	if (!lm->msgh_ref) {
		lua_pushnil(L);
		lua_pushcclosure(L, handler_msgh, 1);
		lm->msgh_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, lm->msgh_ref);
	lua_pushlightuserdata(L, (void *)label);
	lua_setupvalue(L, -2, 1);
	lua_insert(L, base);
	st = lua_pcall(L, nargs, nres, base);
	lua_remove(L, base);
	if (st == LUA_OK)
		return true;
	const char *msg = lua_tostring(L, -1);
	if (st == LUA_ERRMEM || !msg)
		msg = "not enough memory in an event handler (the Lua heap is capped; --lua-mem)";
	lm->error = strdup(msg);
	if (!lm->error)
		lm->error = strdup("error in an event handler");
	lua_pop(L, 1);
	return false;
}

static void call_handler(struct lmachine *lm, int ref, const struct levent *e)
{
	lua_State *L = lm->L_run;
	int top = lua_gettop(L);
	struct vl_label label = { "a '%s' handler", lev_names[e->kind] };

	if (!lua_checkstack(L, 5)) {
		lm->error = strdup("Lua stack overflow in an event handler");
		return;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	vl_push_event(L, e);
	vl_call_handler(lm, &label, 1, 0);
	lua_settop(L, top);
}

lua_State *vl_handler_thread(struct lmachine *lm)
{
	if (lm->borrowed == LB_DEBUG) {
		/* the debugger runs it: from its prompt (no Lua runs), or from a
		 * dbg:command (on that thread).  Not while it replays the past,
		 * nor when the script itself touches a device: no run then. */
		struct vlua *v = lm->v;
		if ((lm->dbg && dbg_replaying(lm->dbg)) || (v->run_depth > 0 && !v->L_cur))
			return NULL;
		lm->L_run = v->L_cur ? v->L_cur : v->L;
	}
	return lm->L_run;
}

bool vl_dispatch(struct lmachine *lm, enum lev kind, uint32_t key, uint32_t keyhi,
		 const struct machine_event_info *ev, const struct levent *proto)
{
	struct levent e;
	bool made = false;
	uint64_t instret = machine_instret(lm->m), step = 0;

	if (lm->borrowed == LB_DEBUG && !vl_handler_thread(lm))
		return false;
	if (lm->error || !lm->L_run)
		return true;
	lm->dispatching++;
	lm->v->handler_depth++;
	for (int i = 0; i < lm->nh && !lm->error; i++) {
		struct lhandler *h = &lm->h[i];
		uint32_t k = key, khi = keyhi;
		if (h->va) /* a read/write by virtual address */
			k = ev->va, khi = ev->va + ev->size - 1;
		if (h->removed || h->kind != kind || khi < h->lo || k > h->hi)
			continue;
		if (kind == LEV_INSN) { /* once per boundary, however often the run re-enters */
			if (!step)
				step = dbg_steps_of(lm->m) + 1; /* +1: never 0 */
			if (h->seen && h->seen_step == step && h->seen_pc == ev->pc)
				continue;
			h->seen = true;
			h->seen_step = step;
			h->seen_pc = ev->pc;
		}
		if (!made) {
			if (proto)
				e = *proto;
			else
				e = (struct levent){ .ev = *ev };
			e.kind = kind;
			e.lm = lm;
			e.instret = instret;
			e.cycles = machine_cycles(lm->m);
			if (kind == LEV_DEVICE) {
				const char *dn;
				uint32_t base, size;
				for (unsigned d = 0; machine_device_info(lm->m, d, &dn, &base, &size); d++)
					if (ev->addr - base < size)
						e.device = dn;
			}
			made = true;
		}
		if (h->ref == LUA_NOREF) {
			lm->until_ev = e;
			lm->until_hit = true;
			continue;
		}
		call_handler(lm, h->ref, &e);
	}
	lm->v->handler_depth--;
	if (--lm->dispatching == 0) { /* drop what handlers removed meanwhile */
		int n = 0;
		for (int i = 0; i < lm->nh; i++)
			if (!lm->h[i].removed)
				lm->h[n++] = lm->h[i];
		lm->nh = n;
	}
	return lm->error || lm->until_hit || lm->user_stop || has_pending(lm);
}

static bool on_event(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct lmachine *lm = opaque;
	uint32_t key = ev->addr, keyhi;
	enum lev kind;

	(void)m;
	switch (ev->kind) {
	case EV_INSN: kind = LEV_INSN; key = ev->pc; break;
	case EV_MEM: kind = ev->write ? LEV_WRITE : LEV_READ; break;
	case EV_TRAP: kind = LEV_TRAP; key = CAUSE_CODE(ev->word); break;
	case EV_IRQ: kind = LEV_IRQ; break;
	case EV_TLB_FILL: kind = LEV_TLBFILL; break;
	case EV_DEVICE: kind = LEV_DEVICE; break;
	case EV_BREAK: kind = LEV_BREAK; break;
	case EV_HALT: kind = LEV_HALT; key = ev->pc; break;
	default: return false;
	}
	keyhi = kind == LEV_READ || kind == LEV_WRITE ? key + (ev->size ? ev->size : 1) - 1 : key;
	return vl_dispatch(lm, kind, key, keyhi, ev, NULL);
}

void vl_emit_poweroff(struct lmachine *lm)
{
	struct machine_event_info ev = {
		.kind = EV_COUNT, .pc = machine_pc(lm->m), .value = (uint32_t)machine_exit_code(lm->m),
	};
	vl_dispatch(lm, LEV_POWEROFF, 0, 0, &ev, NULL);
}

/* ---- event objects ----------------------------------------------------------------- */

void vl_push_event(lua_State *L, const struct levent *e)
{
	struct levent *p = lua_newuserdatauv(L, sizeof *p, 2);
	*p = *e;
	luaL_setmetatable(L, T_EVENT);
	if (e->kind < LEV_FIRST_MONITOR)
		return;
	/* a monitor event holds its VMs: ev.vm (and ev.from) outlive it */
	vl_push_vm(L, e->lm, e->kind == LEV_EXIT ? e->exit.vm : e->mon.vm);
	lua_setiuservalue(L, -2, 1);
	if (e->kind == LEV_VM_SWITCH) {
		vl_push_vm(L, e->lm, e->mon.from);
		lua_setiuservalue(L, -2, 2);
	}
}

static int event_index(lua_State *L)
{
	const struct levent *e = luaL_checkudata(L, 1, T_EVENT);
	const char *k = luaL_checkstring(L, 2);
	const struct machine_event_info *ev = &e->ev;
	enum lev kd = e->kind;
	bool mem = kd == LEV_READ || kd == LEV_WRITE || kd == LEV_DEVICE;

	if (kd >= LEV_FIRST_MONITOR && strcmp(k, "event") && strcmp(k, "instret") &&
	    strcmp(k, "cycles"))
		return vl_mon_event_index(L, e, k);
	if (!strcmp(k, "event"))
		lua_pushstring(L, lev_names[kd]);
	else if (!strcmp(k, "pc"))
		lua_pushinteger(L, ev->pc);
	else if (!strcmp(k, "instret"))
		lua_pushinteger(L, (lua_Integer)e->instret);
	else if (!strcmp(k, "cycles"))
		lua_pushinteger(L, (lua_Integer)e->cycles);
	else if (!strcmp(k, "word") && kd == LEV_INSN)
		lua_pushinteger(L, ev->word);
	else if (!strcmp(k, "pa") && (mem || kd == LEV_BREAK))
		lua_pushinteger(L, ev->addr);
	else if (!strcmp(k, "pa") && kd == LEV_TLBFILL)
		lua_pushinteger(L, ev->value);
	else if (!strcmp(k, "va") && kd == LEV_TLBFILL)
		lua_pushinteger(L, ev->addr);
	else if (!strcmp(k, "va") && (kd == LEV_READ || kd == LEV_WRITE))
		lua_pushinteger(L, ev->va);
	else if (!strcmp(k, "write") && (kd == LEV_TLBFILL || kd == LEV_DEVICE))
		lua_pushboolean(L, ev->write);
	else if (!strcmp(k, "value") && mem)
		lua_pushinteger(L, ev->value);
	else if (!strcmp(k, "size") && mem)
		lua_pushinteger(L, ev->size);
	else if (!strcmp(k, "device") && kd == LEV_DEVICE)
		lua_pushstring(L, e->device);
	else if (!strcmp(k, "cause") && kd == LEV_TRAP)
		lua_pushinteger(L, ev->word);
	else if (!strcmp(k, "code") && kd == LEV_TRAP)
		lua_pushinteger(L, CAUSE_CODE(ev->word));
	else if (!strcmp(k, "name") && kd == LEV_TRAP)
		lua_pushstring(L, isa_cause_name(CAUSE_CODE(ev->word)));
	else if (!strcmp(k, "badva") && kd == LEV_TRAP)
		lua_pushinteger(L, ev->addr);
	else if (!strcmp(k, "ring") && kd == LEV_TRAP)
		lua_pushinteger(L, ev->value);
	else if (!strcmp(k, "line") && kd == LEV_IRQ)
		lua_pushinteger(L, ev->addr);
	else if (!strcmp(k, "level") && kd == LEV_IRQ)
		lua_pushboolean(L, ev->value != 0);
	else if (!strcmp(k, "exit") && kd == LEV_POWEROFF)
		lua_pushinteger(L, (int32_t)ev->value);
	else
		lua_pushnil(L);
	return 1;
}

static int event_newindex(lua_State *L)
{
	return luaL_error(L, "event.%s: events are read-only", luaL_checkstring(L, 2));
}

static int event_tostring(lua_State *L)
{
	const struct levent *e = luaL_checkudata(L, 1, T_EVENT);

	char hex[12];

	lua_pushfstring(L, "event %s at pc %s", lev_names[e->kind], vl_hex(hex, e->ev.pc));
	return 1;
}

/* ---- x:on and handles --------------------------------------------------------------- */

struct lhandle {
	struct lmachine *lm;
	int id;
	enum lev kind;
};

int vl_on(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);
	enum lev kind;
	uint32_t lo, hi;
	bool va;
	int ref, id;

	if (lua_gettop(L) == 3 && lua_isfunction(L, 3)) { /* x:on(event, fn) */
		lua_pushnil(L);
		lua_insert(L, 3);
	}
	vl_check_event(L, "x:on", lm, 2, 3, &kind, &lo, &hi, &va);
	luaL_checktype(L, 4, LUA_TFUNCTION);
	lua_pushvalue(L, 4);
	ref = luaL_ref(L, LUA_REGISTRYINDEX);
	id = vl_add_handler(L, lm, kind, lo, hi, va, ref);
	struct lhandle *h = lua_newuserdatauv(L, sizeof *h, 1);
	*h = (struct lhandle){ lm, id, kind };
	luaL_setmetatable(L, T_HANDLE);
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);
	return 1;
}

static bool handle_active(const struct lhandle *h)
{
	if (!h->lm->m)
		return false;
	for (int i = 0; i < h->lm->nh; i++)
		if (h->lm->h[i].id == h->id && !h->lm->h[i].removed)
			return true;
	return false;
}

static int h_remove(lua_State *L)
{
	struct lhandle *h = luaL_checkudata(L, 1, T_HANDLE);
	bool was = handle_active(h);

	if (was)
		vl_remove_handler(L, h->lm, h->id);
	lua_pushboolean(L, was);
	return 1;
}

static int handle_index(lua_State *L)
{
	struct lhandle *h = luaL_checkudata(L, 1, T_HANDLE);
	const char *k = luaL_checkstring(L, 2);

	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	if (!strcmp(k, "active"))
		lua_pushboolean(L, handle_active(h));
	else if (!strcmp(k, "event"))
		lua_pushstring(L, lev_names[h->kind]);
	else
		return luaL_error(L, "h.%s: a handle has remove(), active and event", k);
	return 1;
}

/* Printed without an address, so that transcripts stay the same. */
static int handle_tostring(lua_State *L)
{
	struct lhandle *h = luaL_checkudata(L, 1, T_HANDLE);

	lua_pushfstring(L, "vmlab.handle (%s, %s)", lev_names[h->kind],
			handle_active(h) ? "active" : "removed");
	return 1;
}

void vl_open_event(lua_State *L)
{
	static const luaL_Reg handle_methods[] = { { "remove", h_remove }, { NULL, NULL } };

	vl_newclass(L, T_EVENT, NULL, event_index, event_newindex);
	vl_metamethod(L, T_EVENT, "__tostring", event_tostring);
	vl_newclass(L, T_HANDLE, handle_methods, handle_index, event_newindex);
	vl_metamethod(L, T_HANDLE, "__tostring", handle_tostring);
}
