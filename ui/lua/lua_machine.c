/*
 * lua_machine.c -- vmlab.machine{...} and what a machine does as a whole:
 * run, step, stop, console, snapshots, statistics, symbols, close.
 *
 * The run loop (vl_run) is the only caller of machine_run.  It runs in
 * chunks, and between chunks -- always at an instruction boundary -- it
 * applies the writes handlers made (pc, psw, registers, control
 * registers), so that they take effect at the next boundary and never in
 * the middle of an instruction:
 *
 *   loop:  limit / cycles / guest budget reached? -> return
 *          machine_run(chunk)
 *          apply pending writes ------------------------------+
 *          a handler failed?        -> raise its report       |
 *          the `until` event came?  -> return "event", ev     |
 *          stopped only to apply writes? -> loop  <-----------+
 *          x:stop()?  -> "stopped";  poweroff, fatal, debug break -> return
 */
#include "ui/lua/lua_priv.h"

#include <stdlib.h>
#include <string.h>

#include "sim/asm/asm.h"
#include "sim/hostfile.h"
#include "sim/image.h"
#include "ui/dbg/dbg.h"

/* ---- the machine's io: console into a buffer ------------------------------ */

void vl_out_add(struct vl_out *o, const uint8_t *bytes, size_t n)
{
	if (n > VLUA_MAX_CONSOLE - o->len) {
		o->dropped = true;
		n = VLUA_MAX_CONSOLE - o->len;
	}
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->len + n)
			cap *= 2;
		char *p = realloc(o->data, cap);
		if (!p) {
			o->dropped = true;
			return;
		}
		o->data = p;
		o->cap = cap;
	}
	memcpy(o->data + o->len, bytes, n);
	o->len += n;
}

static void console_out(void *opaque, const uint8_t *bytes, size_t n)
{
	vl_out_add(&((struct lmachine *)opaque)->out, bytes, n);
}

static void debug_print(void *opaque, uint32_t value, bool hex)
{
	struct lmachine *lm = opaque;

	fflush(stdout);
	fprintf(lm->v->cfg.err, hex ? "debug: 0x%08x\n" : "debug: %u\n", value);
}

/* ---- building ---------------------------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* Sizes as numbers or "64K", "16M", "1G". */
uint32_t vl_check_size(lua_State *L, int idx, const char *what, const char *field)
{
	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *s = lua_tostring(L, idx);
		char *end;
		unsigned long long v = strtoull(s, &end, 0);
		unsigned shift = 0;
		if (*end == 'K' || *end == 'k')
			shift = 10;
		else if (*end == 'M' || *end == 'm')
			shift = 20;
		else if (*end == 'G' || *end == 'g')
			shift = 30;
		if (end == s || (shift ? end[1] != '\0' : *end != '\0') || (v << shift) > 0xffffffffull)
			luaL_error(L, "%s: %s: '%s' is not a size (bytes, or with K, M, G)",
				   what, field, s);
		return (uint32_t)(v << shift);
	}
	if (!lua_isinteger(L, idx))
		luaL_error(L, "%s: %s must be a size (a number or a string such as \"16M\")",
			   what, field);
	lua_Integer v = lua_tointeger(L, idx);
	if (v < 0 || v > 0xffffffffll)
		luaL_error(L, "%s: %s: %I is out of range", what, field, v);
	return (uint32_t)v;
}

/* The assembler's errors as one message (first few). */
static void push_asm_errors(lua_State *L, struct assembler *as, const char *what)
{
	luaL_Buffer b;
	size_t shown = 0;

	luaL_buffinit(L, &b);
	luaL_addstring(&b, what);
	luaL_addstring(&b, ": the program does not assemble:");
	for (size_t i = 0; i < asm_diag_count(as) && shown < 10; i++) {
		const struct asm_diag *d = asm_diag_get(as, i);
		if (d->severity != ASM_ERROR)
			continue;
		lua_pushfstring(L, "\n%s:%d:%d: error: %s", d->file, (int)d->line, (int)d->col,
				d->message);
		luaL_addvalue(&b);
		shown++;
	}
	luaL_pushresult(&b);
}

static struct image *assemble(lua_State *L, int opts, const char *path, const char *text,
			      const char *name, const char *what)
{
	struct assembler *as = asm_new();
	struct image *img;
	bool ok;

	if (!as)
		luaL_error(L, "%s: out of memory", what);
	if (lua_getfield(L, opts, "include") != LUA_TNIL) {
		luaL_checktype(L, -1, LUA_TTABLE);
		for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
			if (lua_type(L, -1) != LUA_TSTRING) {
				asm_free(as);
				luaL_error(L, "%s: include[%I] is not a directory name", what, i);
			}
			asm_add_include_dir(as, lua_tostring(L, -1));
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	ok = path ? asm_assemble_file(as, path) : asm_assemble_string(as, name, text);
	if (!ok) {
		push_asm_errors(L, as, what);
		asm_free(as);
		lua_error(L);
	}
	img = asm_take_image(as);
	asm_free(as);
	return img;
}

static const char *const machine_fields[] = {
	"variant", "mem", "tlb", "seed", "disk", "console_in", "image", "source", "name",
	"include", NULL,
};

static const char *opt_string(lua_State *L, int opts, const char *field)
{
	const char *s = NULL;

	if (lua_getfield(L, opts, field) != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "%s must be a string", field);
		s = lua_tostring(L, -1); /* stays referenced by the options table */
	}
	lua_pop(L, 1);
	return s;
}

struct lmachine *vl_new_machine_udata(lua_State *L, int nuv)
{
	struct lmachine *lm = lua_newuserdatauv(L, sizeof *lm, nuv);

	memset(lm, 0, sizeof *lm);
	lm->v = vlua_of(L);
	for (int i = 0; i < EV_COUNT; i++)
		lm->mhandle[i] = -1;
	luaL_setmetatable(L, T_MACHINE);
	return lm;
}

struct image *vl_load_program(lua_State *L, int opts, const char *what)
{
	const char *image, *source;
	struct image *img;
	char err[512];

	image = opt_string(L, opts, "image");
	source = opt_string(L, opts, "source");
	if (!image == !source)
		luaL_error(L, "%s: give image= or source=, not both\n"
			      "(image: an ELF or .s file; source: assembly text)", what);
	if (source) {
		const char *name = opt_string(L, opts, "name");
		return assemble(L, opts, NULL, source, name ? name : "source.s", what);
	}
	if (has_suffix(image, ".s") || has_suffix(image, ".S"))
		return assemble(L, opts, image, NULL, NULL, what);
	if (!(img = image_read_elf(image, err, sizeof err)))
		luaL_error(L, "%s: %s", what, err);
	return img;
}

static int l_machine_new(lua_State *L)
{
	struct vlua *v = vlua_of(L);
	struct machine_config cfg;
	const char *image, *source, *console_in, *variant;
	char err[512];

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	vl_check_keys(L, 1, machine_fields, "vmlab.machine");
	if (v->nmachines >= VLUA_MAX_MACHINES)
		lua_gc(L, LUA_GCCOLLECT); /* machines no longer referenced go */
	if (v->nmachines >= VLUA_MAX_MACHINES)
		return luaL_error(L, "vmlab.machine: more than %d machines at once\n"
				     "(x:close() the ones you are done with)", VLUA_MAX_MACHINES);
	machine_config_defaults(&cfg);
	variant = opt_string(L, 1, "variant");
	if (variant && !strcmp(variant, "strict"))
		cfg.variant = VARIANT_STRICT;
	else if (variant && strcmp(variant, "classic"))
		return luaL_error(L, "vmlab.machine: variant '%s' is not classic or strict", variant);
	if (lua_getfield(L, 1, "mem") != LUA_TNIL)
		cfg.mem_bytes = vl_check_size(L, -1, "vmlab.machine", "mem");
	if (lua_getfield(L, 1, "tlb") != LUA_TNIL)
		cfg.tlb_entries = (unsigned)vl_check_size(L, -1, "vmlab.machine", "tlb");
	if (lua_getfield(L, 1, "seed") != LUA_TNIL) {
		if (!lua_isinteger(L, -1))
			return luaL_error(L, "vmlab.machine: seed must be an integer");
		cfg.seed = (uint64_t)lua_tointeger(L, -1);
	}
	lua_settop(L, 1);
	cfg.disk_path = opt_string(L, 1, "disk");
	if (cfg.disk_path && v->cfg.sandbox)
		return luaL_error(L, "vmlab.machine: disk= is not allowed in the sandbox\n"
				     "(the disk writes a host file)");
	console_in = opt_string(L, 1, "console_in");

	/* the userdata first, so that an error below leaks nothing */
	struct lmachine *lm = vl_new_machine_udata(L, 7); /* sub-objects */
	int self = lua_gettop(L);

	lm->img = vl_load_program(L, 1, "vmlab.machine");
	image = opt_string(L, 1, "image");
	source = opt_string(L, 1, "source");
	cfg.io = (struct machine_io){ .opaque = lm, .console_out = console_out,
				      .debug_print = debug_print };
	lm->m = machine_new(&cfg, err, sizeof err);
	if (!lm->m)
		return luaL_error(L, "vmlab.machine: %s", err);
	v->nmachines++;
	if (!machine_load_image(lm->m, lm->img, err, sizeof err))
		return luaL_error(L, "vmlab.machine: %s: %s", source ? "source" : image, err);
	if (console_in) {
		size_t len;
		uint8_t *in = hostfile_read(console_in, VLUA_MAX_CONSOLE, "console input", &len,
					    err, sizeof err);
		if (!in)
			return luaL_error(L, "vmlab.machine: console_in: %s", err);
		machine_console_input(lm->m, in, len);
		machine_console_eof(lm->m);
		free(in);
	}
	lua_settop(L, self);
	return 1;
}

/* A borrowed machine lets go: its handlers leave the machine, which
 * lives on with its owner. */
static void let_go(lua_State *L, struct lmachine *lm)
{
	if (!lm->m)
		return;
	while (lm->nh > 0 && !lm->dispatching)
		vl_remove_handler(L, lm, lm->h[0].id);
	free(lm->h);
	free(lm->error);
	lm->h = NULL;
	lm->nh = lm->caph = 0;
	lm->error = NULL;
	lm->m = NULL;
	lm->img = NULL;
	lm->v->nmachines--;
}

struct lmachine *vl_push_borrowed(lua_State *L, struct machine *m, const struct image *img,
				  enum lborrow how)
{
	struct lmachine *lm = vl_new_machine_udata(L, 7); /* sub-objects */

	lm->m = m;
	lm->img = (struct image *)img; /* never freed: lm->borrowed */
	lm->borrowed = how;
	lm->v->nmachines++;
	return lm;
}

const char *vl_borrowed_name(const struct lmachine *lm)
{
	if (lm->borrowed == LB_DEBUG)
		return lm->mon ? "dbg.monitor" : "dbg.machine";
	return lm->mon ? "vmlab.session (the monitor)" : "vmlab.session";
}

void vl_close_machine(lua_State *L, struct lmachine *lm)
{
	if (lm->borrowed) {
		if (lm->mon)
			vl_mon_free(L, lm); /* its policies leave the monitor first */
		let_go(L, lm);
		return;
	}
	image_free(lm->img); /* a half-built machine may have an image only */
	lm->img = NULL;
	if (lm->mon)
		vl_mon_free(L, lm); /* the monitor goes before its machine */
	if (!lm->m)
		return;
	for (int i = 0; i < lm->nh; i++)
		if (lm->h[i].ref != LUA_NOREF)
			luaL_unref(L, LUA_REGISTRYINDEX, lm->h[i].ref);
	if (lm->msgh_ref)
		luaL_unref(L, LUA_REGISTRYINDEX, lm->msgh_ref);
	lm->msgh_ref = 0;
	free(lm->h);
	lm->h = NULL;
	lm->nh = lm->caph = 0;
	machine_free(lm->m);
	free(lm->out.data);
	free(lm->error);
	lm->m = NULL;
	lm->out = (struct vl_out){ 0 };
	lm->error = NULL;
	lm->v->nmachines--;
}

static int l_gc(lua_State *L)
{
	vl_close_machine(L, luaL_checkudata(L, 1, T_MACHINE));
	return 0;
}

static int l_close(lua_State *L)
{
	struct lmachine *lm = luaL_checkudata(L, 1, T_MACHINE);

	if (lm->running)
		return luaL_error(L, "x:close: the machine is running");
	if (lm->borrowed && lm->m)
		return luaL_error(L, "x:close: %s is not the script's to close",
				  vl_borrowed_name(lm));
	vl_close_machine(L, lm);
	return 0;
}

/* ---- running --------------------------------------------------------------- */

static void push_details(lua_State *L, struct lmachine *lm)
{
	lua_createtable(L, 0, 4);
	lua_pushinteger(L, machine_pc(lm->m));
	lua_setfield(L, -2, "pc");
	lua_pushinteger(L, (lua_Integer)machine_instret(lm->m));
	lua_setfield(L, -2, "instret");
	lua_pushinteger(L, (lua_Integer)machine_cycles(lm->m));
	lua_setfield(L, -2, "cycles");
}

static void push_fatal(lua_State *L, struct lmachine *lm)
{
	const struct machine_fatal *f = machine_fatal_report(lm->m);

	push_details(L, lm);
	lua_pushstring(L, f->reason);
	lua_setfield(L, -2, "reason");
	lua_pushinteger(L, f->pc);
	lua_setfield(L, -2, "pc");
	lua_pushinteger(L, f->ring);
	lua_setfield(L, -2, "ring");
	if (f->trap) {
		const char *name = isa_cause_name(CAUSE_CODE(f->cause));
		lua_pushinteger(L, f->cause);
		lua_setfield(L, -2, "cause");
		lua_pushstring(L, name ? name : "unknown");
		lua_setfield(L, -2, "name");
		lua_pushinteger(L, f->badva);
		lua_setfield(L, -2, "badva");
	}
}

int vl_run(lua_State *L, struct lmachine *lm, uint64_t max_steps, uint64_t max_cycles,
	   int until_kind, uint32_t until_lo, uint32_t until_hi, bool until_va)
{
	struct vlua *v = lm->v;
	struct machine *m = lm->m;
	uint64_t start = dbg_steps_of(m);
	uint64_t cyc_end = UINT64_MAX;
	const char *reason = NULL;
	int until_id = -1;

	vl_not_in_handler(L, "x:run");
	if (lm->borrowed == LB_DEBUG)
		return luaL_error(L, "x:run: the debugger runs %s\n(dbg:command(\"stepi 5\"), "
				     "dbg:command(\"continue\"))", vl_borrowed_name(lm));
	if (lm->borrowed == LB_RUN)
		return luaL_error(L, "x:run: vmlab run runs vmlab.session once the script has "
				     "ended\n(install handlers with vmlab.session:on)");
	if (lm->running)
		return luaL_error(L, "x:run: the machine is already running");
	if (max_cycles != UINT64_MAX)
		cyc_end = machine_cycles(m) + max_cycles < machine_cycles(m)
			  ? UINT64_MAX - 1 : machine_cycles(m) + max_cycles;
	if (until_kind >= 0) {
		until_id = vl_add_handler(L, lm, (enum lev)until_kind, until_lo, until_hi,
					  until_va, LUA_NOREF);
		/* "until the next insn at X" when at X already means the next
		 * time: the instruction here runs first (as gdb's until does) */
		struct lhandler *h = &lm->h[lm->nh - 1];
		h->seen = true;
		h->seen_step = dbg_steps_of(m) + 1;
		h->seen_pc = machine_pc(m);
	}
	lm->running = true;
	lm->L_run = L;
	lm->until_hit = false;
	for (;;) {
		uint64_t done = dbg_steps_of(m) - start, chunk, before;
		if (done >= max_steps) {
			reason = "limit";
			break;
		}
		chunk = max_steps - done;
		if (cyc_end != UINT64_MAX) {
			uint64_t now = machine_cycles(m);
			if (now >= cyc_end) {
				reason = "cycles";
				break;
			}
			if (cyc_end - now < chunk)
				chunk = cyc_end - now; /* at least a cycle per step */
		}
		if (v->interrupted) { /* Ctrl-C: the hook raises it in Lua */
			reason = "stopped";
			break;
		}
		if (chunk > VLUA_RUN_CHUNK)
			chunk = VLUA_RUN_CHUNK;
		if (v->guest_left != UINT64_MAX) {
			if (v->guest_left == 0) {
				reason = NULL;
				break;
			}
			if (v->guest_left < chunk)
				chunk = v->guest_left;
		}
		lm->user_stop = false;
		before = dbg_steps_of(m);
		enum machine_stop why = lm->mon ? vl_mon_run(lm, chunk) : machine_run(m, chunk);
		if (v->guest_left != UINT64_MAX) {
			uint64_t ran = dbg_steps_of(m) - before;
			v->guest_left -= ran < v->guest_left ? ran : v->guest_left;
		}
		bool pending = vl_apply_pending(lm);
		if (why == STOP_POWER_OFF && !lm->poweroff_seen && !lm->error && !lm->mon) {
			lm->poweroff_seen = true;
			vl_emit_poweroff(lm);
			vl_apply_pending(lm);
		}
		if (lm->error || lm->until_hit) {
			reason = lm->error ? "error" : "event";
			break;
		}
		if (why == STOP_LIMIT)
			continue;
		if (why == STOP_REQUESTED && !lm->user_stop && pending)
			continue; /* stopped only to apply a handler's writes */
		reason = why == STOP_REQUESTED ? "stopped"
			 : why == STOP_POWER_OFF ? (lm->mon ? "done" : "poweroff")
			 : why == STOP_FATAL ? "fatal" : "debug_break";
		break;
	}
	lm->running = false;
	lm->L_run = NULL;
	if (until_id >= 0)
		vl_remove_handler(L, lm, until_id);
	if (lm->error) {
		lua_pushstring(L, lm->error);
		free(lm->error);
		lm->error = NULL;
		return lua_error(L);
	}
	if (!reason)
		return luaL_error(L, "guest instruction budget of %I steps exhausted (--max-insns)",
				  (lua_Integer)v->cfg.guest_insns);
	lua_pushstring(L, reason);
	if (!strcmp(reason, "event")) {
		vl_push_event(L, &lm->until_ev);
	} else if (!strcmp(reason, "fatal")) {
		push_fatal(L, lm);
	} else {
		push_details(L, lm);
		if (!strcmp(reason, "poweroff")) {
			lua_pushinteger(L, machine_exit_code(m));
			lua_setfield(L, -2, "exit");
		}
	}
	return 2;
}

static uint64_t opt_count(lua_State *L, int t, const char *field)
{
	uint64_t n = UINT64_MAX;

	if (lua_getfield(L, t, field) != LUA_TNIL) {
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
			luaL_error(L, "x:run: %s must be a non-negative integer", field);
		n = (uint64_t)lua_tointeger(L, -1);
	}
	lua_pop(L, 1);
	return n;
}

static int l_run(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);
	uint64_t max_steps = UINT64_MAX, max_cycles = UINT64_MAX;
	enum lev kind = LEV_COUNT;
	uint32_t lo = 0, hi = 0;
	bool va = false;

	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		for (lua_pushnil(L); lua_next(L, 2); lua_pop(L, 1)) {
			const char *o = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
			if (strcmp(o, "max_insns") && strcmp(o, "max_cycles") && strcmp(o, "until") &&
			    strcmp(o, "stop_at"))
				return luaL_error(L, "x:run: unknown option '%s' (max_insns, "
						     "max_cycles, stop_at)", o);
		}
		max_steps = opt_count(L, 2, "max_insns");
		max_cycles = opt_count(L, 2, "max_cycles");
		/* `until` is a Lua keyword: {["until"] = ...} or stop_at = ... */
		int t = lua_getfield(L, 2, "until");
		if (t == LUA_TNIL) {
			lua_pop(L, 1);
			t = lua_getfield(L, 2, "stop_at");
		}
		if (t == LUA_TSTRING) {
			vl_check_event(L, "x:run{stop_at=}", lm, lua_gettop(L), 0, &kind, &lo, &hi, &va);
		} else if (t == LUA_TTABLE) {
			int u = lua_gettop(L);
			lua_rawgeti(L, u, 1);
			lua_rawgeti(L, u, 2);
			vl_check_event(L, "x:run{stop_at=}", lm, u + 1, u + 2, &kind, &lo, &hi, &va);
		} else if (t != LUA_TNIL) {
			return luaL_error(L, "x:run: stop_at must be an event name or {event, filter}");
		}
	}
	return vl_run(L, lm, max_steps, max_cycles, kind == LEV_COUNT ? -1 : (int)kind, lo, hi,
		      va);
}

static int l_step(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);
	lua_Integer n = luaL_optinteger(L, 2, 1);

	if (n < 0)
		return luaL_argerror(L, 2, "the number of steps must not be negative");
	return vl_run(L, lm, (uint64_t)n, UINT64_MAX, -1, 0, 0, false);
}

static int l_stop(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);

	/* dispatching, a policy, the scheduler: inside a run of the front end's */
	bool running = lm->running || lm->dispatching ||
		       (lm->mon && (lm->mon->in_policy >= 0 || lm->mon->in_sched));

	if (running)
		lm->user_stop = true;
	lua_pushboolean(L, running);
	return 1;
}

/* ---- console, snapshots, statistics ------------------------------------------ */

static int l_console(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);

	if (lm->borrowed)
		return luaL_error(L, "x:console: this machine's console is the terminal's "
				     "(only vmlab.machine{} keeps its output)");
	lua_pushlstring(L, lm->out.data ? lm->out.data : "", lm->out.len);
	return 1;
}

static int l_send(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);
	size_t len;
	const char *s = luaL_checklstring(L, 2, &len);

	machine_console_input(lm->m, (const uint8_t *)s, len);
	if (lua_toboolean(L, 3))
		machine_console_eof(lm->m);
	vl_touch(lm);
	return 0;
}

static int l_snapshot(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);
	struct machine_state **s = lua_newuserdatauv(L, sizeof *s, 0);
	char err[256];

	*s = NULL;
	luaL_setmetatable(L, T_SNAPSHOT);
	if (lm->mon)
		return luaL_error(L, "x:snapshot: not of a monitor's machine\n"
				     "(the monitor's own state is not in it)");
	if (lm->dispatching)
		return luaL_error(L, "x:snapshot: not inside the machine's own handler\n"
				     "(the instruction is half done)");
	vl_apply_pending(lm);
	*s = machine_state_save(lm->m, err, sizeof err);
	if (!*s)
		return luaL_error(L, "x:snapshot: %s", err);
	return 1;
}

static int l_restore(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);
	struct machine_state **s = luaL_checkudata(L, 2, T_SNAPSHOT);
	char err[256];

	vl_not_in_handler(L, "x:restore");
	if (lm->mon)
		return luaL_error(L, "x:restore: not of a monitor's machine\n"
				     "(the monitor's own state is not in it)");
	if (!*s)
		return luaL_argerror(L, 2, "an empty snapshot");
	if (!machine_state_restore(lm->m, *s, err, sizeof err))
		return luaL_error(L, "x:restore: %s", err);
	lm->poweroff_seen = false;
	vl_touch(lm);
	for (int i = 0; i < lm->nh; i++)
		lm->h[i].seen = false;
	return 0;
}

static int snap_gc(lua_State *L)
{
	struct machine_state **s = luaL_checkudata(L, 1, T_SNAPSHOT);

	machine_state_free(*s);
	*s = NULL;
	return 0;
}

static int snap_eq(lua_State *L)
{
	struct machine_state **a = luaL_checkudata(L, 1, T_SNAPSHOT);
	struct machine_state **b = luaL_checkudata(L, 2, T_SNAPSHOT);
	char why[128];

	lua_pushboolean(L, *a && *b && machine_state_equal(*a, *b, why, sizeof why));
	return 1;
}

static int snap_bytes(lua_State *L)
{
	struct machine_state **s = luaL_checkudata(L, 1, T_SNAPSHOT);

	lua_pushinteger(L, *s ? (lua_Integer)machine_state_bytes(*s) : 0);
	return 1;
}

static int snap_diff(lua_State *L)
{
	struct machine_state **a = luaL_checkudata(L, 1, T_SNAPSHOT);
	struct machine_state **b = luaL_checkudata(L, 2, T_SNAPSHOT);
	char why[256];

	if (*a && *b && machine_state_equal(*a, *b, why, sizeof why))
		lua_pushnil(L);
	else
		lua_pushstring(L, *a && *b ? why : "an empty snapshot");
	return 1;
}

static void set_u64(lua_State *L, const char *k, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

static int l_stats(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);
	struct machine_stats s;

	machine_get_stats(lm->m, &s);
	lua_createtable(L, 0, 10);
	set_u64(L, "instret", s.instret);
	set_u64(L, "cycles", s.cycles);
	set_u64(L, "tlb_misses", s.tlb_misses);
	set_u64(L, "tlb_flushes", s.tlb_flushes);
	set_u64(L, "mmio_reads", s.mmio_reads);
	set_u64(L, "mmio_writes", s.mmio_writes);
	set_u64(L, "irqs_taken", s.irqs_taken);
	set_u64(L, "decoded", s.decoded);
	set_u64(L, "code_writes", s.code_writes);
	lua_createtable(L, 0, TRAP_NCAUSES);
	for (unsigned c = 0; c < TRAP_NCAUSES; c++) {
		lua_pushinteger(L, (lua_Integer)s.traps[c]);
		lua_setfield(L, -2, isa_cause_name(c));
	}
	lua_setfield(L, -2, "traps");
	return 1;
}

static int l_symbol(lua_State *L)
{
	struct lmachine *lm = vl_checkmachine(L, 1);
	const char *name = luaL_checkstring(L, 2);
	const struct image_symbol *s = lm->img ? image_symbol_find(lm->img, name) : NULL;

	if (!s)
		return luaL_argerror(L, 2, lua_pushfstring(L, "no symbol '%s' in the program", name));
	lua_pushinteger(L, s->value);
	return 1;
}

/* x.cpu, x.phys, ... made once and kept as user values; other fields. */
static int machine_index(lua_State *L)
{
	static const char *const subs[] = { "cpu", "phys", "mem", "mmu", "dev", NULL };
	static const char *const types[] = { T_CPU, T_PHYS, T_MEM, T_MMU, T_DEVS };
	struct lmachine *lm = luaL_checkudata(L, 1, T_MACHINE);
	const char *k = luaL_checkstring(L, 2);

	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1; /* a method */
	if (!lm->m)
		return luaL_error(L, "x.%s: %s", k, vl_closed(lm, false));
	for (int i = 0; subs[i]; i++) {
		if (strcmp(k, subs[i]))
			continue;
		if (lua_getiuservalue(L, 1, i + 1) == LUA_TNIL) {
			vl_pushsub(L, 1, lm, types[i]);
			lua_pushvalue(L, -1);
			lua_setiuservalue(L, 1, i + 1);
		}
		return 1;
	}
	if (!strcmp(k, "variant"))
		lua_pushstring(L, machine_variant(lm->m) == VARIANT_STRICT ? "strict" : "classic");
	else if (!strcmp(k, "ram_bytes"))
		lua_pushinteger(L, machine_mem_bytes(lm->m));
	else if (!strcmp(k, "exit_code") && machine_dead(lm->m) && !machine_fatal_report(lm->m))
		lua_pushinteger(L, machine_exit_code(lm->m));
	else if (!strcmp(k, "exit_code"))
		lua_pushnil(L);
	else
		return luaL_error(L, "x.%s: a machine has no field '%s'", k, k);
	return 1;
}

static int machine_newindex(lua_State *L)
{
	return luaL_error(L, "x.%s: machine fields are read-only (see docs/lua.md)",
			  luaL_checkstring(L, 2));
}

static int machine_tostring(lua_State *L)
{
	struct lmachine *lm = luaL_checkudata(L, 1, T_MACHINE);
	char hex[12];

	if (!lm->m)
		lua_pushliteral(L, "vmlab.machine (closed)");
	else
		lua_pushfstring(L, "vmlab.machine (%s, pc %s)",
				machine_variant(lm->m) == VARIANT_STRICT ? "strict" : "classic",
				vl_hex(hex, machine_pc(lm->m)));
	return 1;
}

void vl_open_machine(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "run", l_run }, { "step", l_step }, { "stop", l_stop },
		{ "console", l_console }, { "send", l_send },
		{ "snapshot", l_snapshot }, { "restore", l_restore },
		{ "on", vl_on }, { "stats", l_stats }, { "symbol", l_symbol },
		{ "close", l_close }, { NULL, NULL },
	};
	static const luaL_Reg snap_methods[] = {
		{ "bytes", snap_bytes }, { "diff", snap_diff }, { NULL, NULL },
	};

	vl_newclass(L, T_MACHINE, methods, machine_index, machine_newindex);
	vl_metamethod(L, T_MACHINE, "__gc", l_gc);
	vl_metamethod(L, T_MACHINE, "__close", l_gc);
	vl_metamethod(L, T_MACHINE, "__tostring", machine_tostring);
	vl_newclass(L, T_SNAPSHOT, snap_methods, NULL, NULL);
	vl_metamethod(L, T_SNAPSHOT, "__gc", snap_gc);
	vl_metamethod(L, T_SNAPSHOT, "__eq", snap_eq);
	lua_pushcfunction(L, l_machine_new);
	lua_setfield(L, -2, "machine");
}
