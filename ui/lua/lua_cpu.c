/*
 * lua_cpu.c -- x.cpu: registers by number (x.cpu.r[n], x.cpu:reg(n)) and by
 * name (x.cpu.a0, x.cpu.sp, x.cpu.r7), pc, psw, ring, cycles, instret,
 * and control registers by name or number (x.cpu.cr.ptbr, x.cpu.cr[6]).
 *
 * Inside one of the machine's own handlers a write is kept and applied at
 * the next instruction boundary (lua_event.c); reads see it at once.
 */
#include "ui/lua/lua_priv.h"

#include <string.h>

static bool deferred(const struct lmachine *lm)
{
	return lm->dispatching > 0;
}

uint32_t vl_reg(struct lmachine *lm, unsigned n)
{
	return lm->pregmask >> n & 1 ? lm->preg[n] : machine_reg(lm->m, n);
}

uint32_t vl_pc(struct lmachine *lm)
{
	return lm->has_pc ? lm->ppc : machine_pc(lm->m);
}

uint32_t vl_psw(struct lmachine *lm)
{
	return lm->has_psw ? lm->ppsw : machine_psw(lm->m);
}

static uint32_t cr_value(struct lmachine *lm, unsigned cr)
{
	uint32_t v = 0;

	if (lm->pcrmask >> cr & 1)
		return lm->pcr[cr];
	machine_cr(lm->m, cr, &v);
	return v;
}

static void set_reg(struct lmachine *lm, unsigned n, uint32_t v)
{
	if (n == 0)
		return; /* r0 ignores writes, as in the machine */
	if (deferred(lm)) {
		lm->preg[n] = v;
		lm->pregmask |= 1u << n;
	} else {
		machine_set_reg(lm->m, n, v);
		vl_touch(lm);
	}
}

static void set_pc(struct lmachine *lm, uint32_t v)
{
	if (deferred(lm)) {
		lm->ppc = v;
		lm->has_pc = true;
	} else {
		machine_set_pc(lm->m, v);
		vl_touch(lm);
	}
}

static void set_psw(struct lmachine *lm, uint32_t v)
{
	v &= PSW_WRITABLE;
	if (deferred(lm)) {
		lm->ppsw = v;
		lm->has_psw = true;
	} else {
		machine_set_psw(lm->m, v);
		vl_touch(lm);
	}
}

/* A register named by number 0..15 or by name ("a0", "r7"); -1 if neither. */
static int reg_number(lua_State *L, int idx)
{
	if (lua_isinteger(L, idx)) {
		lua_Integer n = lua_tointeger(L, idx);
		return n >= 0 && n < ISA_NREGS ? (int)n : -1;
	}
	if (lua_type(L, idx) == LUA_TSTRING)
		return isa_reg_lookup(lua_tostring(L, idx));
	return -1;
}

int vl_check_reg(lua_State *L, int idx)
{
	int n = reg_number(L, idx);

	if (n < 0)
		luaL_argerror(L, idx, lua_pushfstring(L, "unknown register '%s'\n(0..15, r0..r15, "
					"zero, a0-a3, t0-t4, s0-s3, sp, ra)", luaL_tolstring(L, idx, NULL)));
	return n;
}

int vl_check_cr(lua_State *L, int idx)
{
	int cr = -1;

	if (lua_isinteger(L, idx)) {
		lua_Integer n = lua_tointeger(L, idx);
		if (n >= 0 && n < CR_COUNT && isa_cr_name((unsigned)n))
			cr = (int)n;
	} else if (lua_type(L, idx) == LUA_TSTRING) {
		cr = isa_cr_lookup(lua_tostring(L, idx));
	}
	if (cr < 0)
		luaL_argerror(L, idx, lua_pushfstring(L, "unknown control register '%s'",
						      luaL_tolstring(L, idx, NULL)));
	return cr;
}

/* ---- x.cpu ------------------------------------------------------------------ */

/* obj[n] and obj[n] = v for cpu:reg/set_reg and cpu.r[n] alike. */
static int get_reg(lua_State *L, const char *tname)
{
	struct lmachine *lm = vl_checksub(L, 1, tname);

	lua_pushinteger(L, vl_reg(lm, (unsigned)vl_check_reg(L, 2)));
	return 1;
}

static int put_reg(lua_State *L, const char *tname)
{
	struct lmachine *lm = vl_checksub(L, 1, tname);
	int n = vl_check_reg(L, 2);

	set_reg(lm, (unsigned)n, vl_checkvalue(L, 3));
	return 0;
}

static int cpu_reg(lua_State *L) { return get_reg(L, T_CPU); }
static int cpu_set_reg(lua_State *L) { return put_reg(L, T_CPU); }

static int cpu_index(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_CPU);
	const char *k = luaL_checkstring(L, 2);
	int n;

	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	if (!strcmp(k, "r") || !strcmp(k, "cr")) {
		/* made once, kept as the machine's user value 6 or 7 */
		int slot = *k == 'r' ? 6 : 7;
		lua_getiuservalue(L, 1, 1);
		if (lua_getiuservalue(L, -1, slot) == LUA_TNIL) {
			lua_pop(L, 1);
			vl_pushsub(L, -1, lm, *k == 'r' ? T_REGS : T_CR);
			lua_pushvalue(L, -1);
			lua_setiuservalue(L, -3, slot);
		}
	} else if (!strcmp(k, "pc")) {
		lua_pushinteger(L, vl_pc(lm));
	} else if (!strcmp(k, "psw")) {
		lua_pushinteger(L, vl_psw(lm));
	} else if (!strcmp(k, "ring")) {
		lua_pushinteger(L, vl_psw(lm) & PSW_RING_MASK);
	} else if (!strcmp(k, "cycles")) {
		lua_pushinteger(L, (lua_Integer)machine_cycles(lm->m));
	} else if (!strcmp(k, "instret")) {
		lua_pushinteger(L, (lua_Integer)machine_instret(lm->m));
	} else if ((n = isa_reg_lookup(k)) >= 0) {
		lua_pushinteger(L, vl_reg(lm, (unsigned)n));
	} else {
		return luaL_error(L, "cpu.%s: no such register or field\n(registers by ABI "
				     "name or rN, pc, psw, ring, cycles, instret, r, cr)", k);
	}
	return 1;
}

static int cpu_newindex(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_CPU);
	const char *k = luaL_checkstring(L, 2);
	int n;

	if (!strcmp(k, "pc")) {
		set_pc(lm, vl_checkvalue(L, 3));
	} else if (!strcmp(k, "psw")) {
		set_psw(lm, vl_checkvalue(L, 3));
	} else if (!strcmp(k, "ring")) {
		lua_Integer r = luaL_checkinteger(L, 3);
		if (r < 0 || r > 3)
			return luaL_argerror(L, 3, "a ring is 0..3");
		set_psw(lm, (vl_psw(lm) & ~PSW_RING_MASK) | (uint32_t)r);
	} else if ((n = isa_reg_lookup(k)) >= 0) {
		set_reg(lm, (unsigned)n, vl_checkvalue(L, 3));
	} else if (!strcmp(k, "cycles") || !strcmp(k, "instret") || !strcmp(k, "r") ||
		   !strcmp(k, "cr")) {
		return luaL_error(L, "cpu.%s is read-only", k);
	} else {
		return luaL_error(L, "cpu.%s: no such register", k);
	}
	return 0;
}

/* ---- x.cpu.r ----------------------------------------------------------------- */

static int regs_index(lua_State *L) { return get_reg(L, T_REGS); }
static int regs_newindex(lua_State *L) { return put_reg(L, T_REGS); }

static int regs_len(lua_State *L)
{
	lua_pushinteger(L, ISA_NREGS - 1); /* r[1]..r[15]; r[0] exists too */
	return 1;
}

/* ---- x.cpu.cr ----------------------------------------------------------------- */

static int cr_index(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_CR);

	lua_pushinteger(L, cr_value(lm, (unsigned)vl_check_cr(L, 2)));
	return 1;
}

static int cr_newindex(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_CR);
	int cr = vl_check_cr(L, 2);
	uint32_t v = vl_checkvalue(L, 3);

	if (cr == CR_CPUID || cr == CR_MEMSIZE)
		return luaL_argerror(L, 2, lua_pushfstring(L, "%s is read-only", isa_cr_name(cr)));
	if (deferred(lm)) {
		lm->pcr[cr] = v;
		lm->pcrmask |= 1u << cr;
	} else {
		machine_set_cr(lm->m, (unsigned)cr, v);
		vl_touch(lm);
	}
	return 0;
}

void vl_open_cpu(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "reg", cpu_reg }, { "set_reg", cpu_set_reg }, { NULL, NULL },
	};

	vl_newclass(L, T_CPU, methods, cpu_index, cpu_newindex);
	vl_newclass(L, T_REGS, NULL, regs_index, regs_newindex);
	vl_metamethod(L, T_REGS, "__len", regs_len);
	vl_newclass(L, T_CR, NULL, cr_index, cr_newindex);
}
