/*
 * lua_vm.c -- one VM of a monitor (mon.vms[i]) as a script sees it: its
 * virtual CPU (vm.cpu: registers, pc, the guest's PSW and ring, virtual
 * control registers by name), its guest-physical memory (vm.phys, the
 * methods of x.phys), the guest walk beside the shadow walk (vm:walk),
 * its statistics and its state; and what a policy does in the guest's
 * stead (vm:inject, vm:halt, vm:tlbflush, vm:tlbinv, vm:charge).
 *
 *   vm ──uv1── machine (keeps the monitor alive)
 *    ├─uv2── vm.cpu ─uv2── vm.cpu.r     each a struct lvm: the machine's
 *    │               └uv3── vm.cpu.cr   lmachine and the VM's number
 *    └─uv3── vm.phys
 *
 * Every read and write goes through the monitor (monitor/vmm.h): while
 * the VM is on the CPU its registers are the real ones, and writing its
 * ptbr or mmu switches its shadow page tables.
 */
#include "ui/lua/lua_priv.h"

#include <string.h>

#include "sim/image.h"

/* ---- objects ------------------------------------------------------------------------ */

static void push_view(lua_State *L, int midx, struct lmachine *lm, int id, const char *tname,
		      int nuv)
{
	struct lvm *p = lua_newuserdatauv(L, sizeof *p, nuv);

	*p = (struct lvm){ lm, id };
	luaL_setmetatable(L, tname);
	lua_pushvalue(L, midx);
	lua_setiuservalue(L, -2, 1);
}

void vl_new_vm(lua_State *L, int midx, struct lmachine *lm, int id)
{
	midx = lua_absindex(L, midx);
	push_view(L, midx, lm, id, T_VM, 3);
	push_view(L, midx, lm, id, T_VCPU, 3);
	push_view(L, midx, lm, id, T_VREGS, 1);
	lua_setiuservalue(L, -2, 2);
	push_view(L, midx, lm, id, T_VCR, 1);
	lua_setiuservalue(L, -2, 3);
	lua_setiuservalue(L, -2, 2);
	push_view(L, midx, lm, id, T_GPHYS, 1);
	lua_setiuservalue(L, -2, 3);
}

struct lvm *vl_checkvm(lua_State *L, int idx, const char *tname)
{
	struct lvm *p = luaL_checkudata(L, idx, tname);

	if (!p->lm->m || !p->lm->mon)
		luaL_argerror(L, idx, vl_closed(p->lm, true));
	return p;
}

static struct vmm *vmm_of(const struct lvm *p)
{
	return p->lm->mon->v;
}

/* What only a policy of this VM may do (the VM is on the CPU then). */
static void need_policy(lua_State *L, const struct lvm *p, const char *what)
{
	if (p->lm->mon->in_policy != p->id)
		luaL_error(L, "%s: only in a policy of this VM (mon:handle), while it exits", what);
}

/* ---- vm.cpu ------------------------------------------------------------------------- */

static void set_reg(lua_State *L, const struct lvm *p, int r, int vidx)
{
	uint32_t x = vl_checkvalue(L, vidx);

	vl_mon_writable(L, p->lm, "vm.cpu");
	vmm_vcpu_set_reg(vmm_of(p), p->id, (unsigned)r, x);
}

/* obj[n] and obj[n] = v for vm.cpu:reg/set_reg and vm.cpu.r[n] alike. */
static int get_vreg(lua_State *L, const char *tname)
{
	struct lvm *p = vl_checkvm(L, 1, tname);

	lua_pushinteger(L, vmm_vcpu_reg(vmm_of(p), p->id, (unsigned)vl_check_reg(L, 2)));
	return 1;
}

static int put_vreg(lua_State *L, const char *tname)
{
	struct lvm *p = vl_checkvm(L, 1, tname);

	set_reg(L, p, vl_check_reg(L, 2), 3);
	return 0;
}

static int vcpu_reg(lua_State *L) { return get_vreg(L, T_VCPU); }
static int vcpu_set_reg(lua_State *L) { return put_vreg(L, T_VCPU); }

static int vcpu_index(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VCPU);
	const char *k = luaL_checkstring(L, 2);
	struct vmm *v = vmm_of(p);
	struct vmm_vcpu_state st;
	int n;

	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	if (!strcmp(k, "r"))
		lua_getiuservalue(L, 1, 2);
	else if (!strcmp(k, "cr"))
		lua_getiuservalue(L, 1, 3);
	else if (!strcmp(k, "pc"))
		lua_pushinteger(L, vmm_vcpu_pc(v, p->id));
	else if (!strcmp(k, "psw"))
		lua_pushinteger(L, vmm_vcpu_psw(v, p->id));
	else if (!strcmp(k, "ring"))
		lua_pushinteger(L, vmm_vcpu_psw(v, p->id) & PSW_RING_MASK);
	else if (!strcmp(k, "ie"))
		lua_pushboolean(L, (vmm_vcpu_psw(v, p->id) & PSW_IE) != 0);
	else if ((n = isa_reg_lookup(k)) >= 0)
		lua_pushinteger(L, vmm_vcpu_reg(v, p->id, (unsigned)n));
	else if (vmm_vcpu(v, p->id, &st) && !strcmp(k, "halted"))
		lua_pushboolean(L, st.halted);
	else if (!strcmp(k, "on_cpu"))
		lua_pushboolean(L, st.on_cpu);
	else if (!strcmp(k, "real_ring"))
		lua_pushinteger(L, st.real_ring);
	else if (!strcmp(k, "pending"))
		lua_pushinteger(L, st.pending);
	else
		return luaL_error(L, "vm.cpu.%s: no such register or field\n(registers by ABI name "
				     "or rN, pc, psw, ring, ie, halted, on_cpu, real_ring, pending, "
				     "r, cr)", k);
	return 1;
}

static int vcpu_newindex(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VCPU);
	const char *k = luaL_checkstring(L, 2);
	struct vmm *v = vmm_of(p);
	int n;

	if ((n = isa_reg_lookup(k)) >= 0) {
		set_reg(L, p, n, 3);
		return 0;
	}
	if (!strcmp(k, "halted") || !strcmp(k, "on_cpu") || !strcmp(k, "real_ring") ||
	    !strcmp(k, "pending") || !strcmp(k, "r") || !strcmp(k, "cr"))
		return luaL_error(L, "vm.cpu.%s is read-only", k);
	if (strcmp(k, "pc") && strcmp(k, "psw") && strcmp(k, "ring") && strcmp(k, "ie"))
		return luaL_error(L, "vm.cpu.%s: no such register", k);
	vl_mon_writable(L, p->lm, "vm.cpu");
	uint32_t psw = vmm_vcpu_psw(v, p->id);
	if (!strcmp(k, "pc")) {
		vmm_vcpu_set_pc(v, p->id, vl_checkvalue(L, 3));
	} else if (!strcmp(k, "psw")) {
		vmm_vcpu_set_psw(v, p->id, vl_checkvalue(L, 3));
	} else if (!strcmp(k, "ie")) {
		luaL_checktype(L, 3, LUA_TBOOLEAN);
		vmm_vcpu_set_psw(v, p->id, lua_toboolean(L, 3) ? psw | PSW_IE : psw & ~PSW_IE);
	} else {
		lua_Integer r = luaL_checkinteger(L, 3);
		if (r < 0 || r > 3)
			return luaL_argerror(L, 3, "a ring is 0..3");
		vmm_vcpu_set_psw(v, p->id, (psw & ~PSW_RING_MASK) | (uint32_t)r);
	}
	return 0;
}

/* vm.cpu.r */
static int vregs_index(lua_State *L) { return get_vreg(L, T_VREGS); }
static int vregs_newindex(lua_State *L) { return put_vreg(L, T_VREGS); }

static int vregs_len(lua_State *L)
{
	lua_pushinteger(L, ISA_NREGS - 1);
	return 1;
}

/* vm.cpu.cr */
static int vcr_index(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VCR);

	lua_pushinteger(L, vmm_vcpu_cr(vmm_of(p), p->id, (unsigned)vl_check_cr(L, 2)));
	return 1;
}

static int vcr_newindex(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VCR);
	int cr = vl_check_cr(L, 2);
	uint32_t x = vl_checkvalue(L, 3);

	vl_mon_writable(L, p->lm, "vm.cpu.cr");
	if (!vmm_vcpu_set_cr(vmm_of(p), p->id, (unsigned)cr, x))
		return luaL_argerror(L, 2, lua_pushfstring(L, "%s is read-only", isa_cr_name(cr)));
	return 0;
}

/* ---- the VM --------------------------------------------------------------------------- */

const char *vl_vm_state_name(enum vm_state s)
{
	static const char *const names[] = {
		[VM_RUNNING] = "running", [VM_HALTED] = "halted", [VM_POWERED_OFF] = "poweroff",
		[VM_CRASHED] = "crashed",
	};
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static const char *const why_names[] = {
	[SHW_SAME] = "same", [SHW_GUEST_FAULT] = "guest-fault", [SHW_NO_SHADOW] = "no-shadow",
	[SHW_NOT_FILLED] = "not-filled", [SHW_TRACED] = "traced", [SHW_DIRTY] = "dirty",
	[SHW_DEVICE] = "device", [SHW_NOT_RAM] = "not-ram", [SHW_OTHER] = "other",
};

static void set_u32(lua_State *L, const char *k, uint32_t x)
{
	lua_pushinteger(L, x);
	lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, bool b)
{
	lua_pushboolean(L, b);
	lua_setfield(L, -2, k);
}

/* vm:walk(va): {guest = {...}, shadow = {...}, why = "...", text = "..."} */
static int vm_walk(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VM);
	uint32_t va = vl_checkaddr(L, 2);
	struct vmm_gwalk g;
	struct vmm_swalk s;

	vmm_walks(vmm_of(p), p->id, va, &g, &s);
	lua_createtable(L, 0, 4);
	lua_createtable(L, 0, 10);
	set_bool(L, "paging", g.paging);
	set_u32(L, "pde_gpa", g.pde_gpa);
	set_u32(L, "pde", g.pde);
	set_u32(L, "pte_gpa", g.pte_gpa);
	set_u32(L, "pte", g.pte);
	set_bool(L, "mapped", g.mapped);
	if (g.mapped)
		set_u32(L, "gpa", g.gpa);
	set_bool(L, "ram", g.ram);
	set_bool(L, "device", g.device);
	lua_setfield(L, -2, "guest");
	lua_createtable(L, 0, 10);
	set_bool(L, "exists", s.exists);
	set_u32(L, "spd", s.spd);
	set_u32(L, "asid", s.asid);
	set_u32(L, "spde_pa", s.spde_pa);
	set_u32(L, "spde", s.spde);
	set_u32(L, "spte_pa", s.spte_pa);
	set_u32(L, "spte", s.spte);
	set_bool(L, "mapped", s.mapped);
	if (s.mapped)
		set_u32(L, "hpa", s.hpa);
	lua_setfield(L, -2, "shadow");
	lua_pushstring(L, why_names[s.why]);
	lua_setfield(L, -2, "why");
	lua_pushstring(L, vmm_shadow_why_text(s.why));
	lua_setfield(L, -2, "text");
	return 1;
}

static int vm_stats(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VM);
	struct vmm_stats s;

	vmm_get_stats(vmm_of(p), p->id, &s);
	vl_push_vmm_stats(L, &s);
	return 1;
}

static int vm_symbol(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VM);
	const char *name = luaL_checkstring(L, 2);
	const struct image_symbol *s = image_symbol_find(p->lm->mon->imgs[p->id], name);

	if (!s)
		return luaL_argerror(L, 2, lua_pushfstring(L, "no symbol '%s' in the VM's program",
							   name));
	lua_pushinteger(L, s->value);
	return 1;
}

/* vm:where(pc): "symbol+off" of the VM's program, or nil */
static int vm_where(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VM);
	uint32_t a = vl_checkaddr(L, 2);
	const struct image_symbol *s = image_symbol_near(p->lm->mon->imgs[p->id], a);

	if (!s)
		lua_pushnil(L);
	else if (s->value == a)
		lua_pushstring(L, s->name);
	else
		lua_pushfstring(L, "%s+%d", s->name, (int)(a - s->value));
	return 1;
}

static int vm_inject(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VM);
	const char *name = luaL_checkstring(L, 2);
	uint32_t badva = lua_isnoneornil(L, 3) ? 0 : vl_checkaddr(L, 3);
	int code = vl_cause_lookup(name);

	need_policy(L, p, "vm:inject");
	if (code < 0)
		return luaL_argerror(L, 2, lua_pushfstring(L, "unknown trap cause '%s'", name));
	vmm_vcpu_inject(vmm_of(p), p->id, (unsigned)code, vmm_vcpu_pc(vmm_of(p), p->id), badva);
	return 0;
}

static int vm_halt(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VM);

	need_policy(L, p, "vm:halt");
	vmm_vcpu_halt(vmm_of(p), p->id);
	return 0;
}

static int vm_tlbflush(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VM);

	need_policy(L, p, "vm:tlbflush");
	vmm_vcpu_tlbflush(vmm_of(p), p->id);
	return 0;
}

static int vm_tlbinv(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VM);
	uint32_t va = vl_checkaddr(L, 2);

	need_policy(L, p, "vm:tlbinv");
	vmm_vcpu_tlbinv(vmm_of(p), p->id, va);
	return 0;
}

static int vm_charge(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VM);
	lua_Integer n = luaL_checkinteger(L, 2);

	need_policy(L, p, "vm:charge");
	if (n < 0 || n > 100000000)
		return luaL_argerror(L, 2, "cycles from 0 to 100000000");
	vmm_vcpu_charge(vmm_of(p), p->id, (uint32_t)n);
	return 0;
}

static int vm_index(lua_State *L)
{
	struct lvm *p = vl_checkvm(L, 1, T_VM);
	const char *k = luaL_checkstring(L, 2);
	struct vm_result r;

	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	vmm_vm_result(vmm_of(p), p->id, &r);
	if (!strcmp(k, "id"))
		lua_pushinteger(L, p->id);
	else if (!strcmp(k, "name"))
		lua_pushstring(L, vmm_vm_name(vmm_of(p), p->id));
	else if (!strcmp(k, "cpu"))
		lua_getiuservalue(L, 1, 2);
	else if (!strcmp(k, "phys"))
		lua_getiuservalue(L, 1, 3);
	else if (!strcmp(k, "state"))
		lua_pushstring(L, vl_vm_state_name(r.state));
	else if (!strcmp(k, "exit_code") && r.state == VM_POWERED_OFF)
		lua_pushinteger(L, r.exit_code);
	else if (!strcmp(k, "reason") && r.state == VM_CRASHED)
		lua_pushstring(L, r.reason);
	else if (!strcmp(k, "clock"))
		lua_pushinteger(L, (lua_Integer)vmm_vcpu_clock(vmm_of(p), p->id));
	else if (strcmp(k, "exit_code") && strcmp(k, "reason"))
		return luaL_error(L, "vm.%s: a VM has no field '%s'", k, k);
	else
		lua_pushnil(L);
	return 1;
}

static int vm_readonly(lua_State *L)
{
	return luaL_error(L, "vm.%s: read-only (registers are in vm.cpu, memory in vm.phys)",
			  luaL_checkstring(L, 2));
}

static int vm_tostring(lua_State *L)
{
	struct lvm *p = luaL_checkudata(L, 1, T_VM);

	lua_pushfstring(L, "vmlab.vm %d", p->id);
	return 1;
}

static int vm_eq(lua_State *L)
{
	struct lvm *a = luaL_checkudata(L, 1, T_VM), *b = luaL_checkudata(L, 2, T_VM);

	lua_pushboolean(L, a->lm == b->lm && a->id == b->id);
	return 1;
}

void vl_open_vm(lua_State *L)
{
	static const luaL_Reg vm_methods[] = {
		{ "walk", vm_walk }, { "stats", vm_stats }, { "symbol", vm_symbol },
		{ "where", vm_where }, { "inject", vm_inject }, { "halt", vm_halt },
		{ "tlbflush", vm_tlbflush }, { "tlbinv", vm_tlbinv }, { "charge", vm_charge },
		{ NULL, NULL },
	};
	static const luaL_Reg cpu_methods[] = {
		{ "reg", vcpu_reg }, { "set_reg", vcpu_set_reg }, { NULL, NULL },
	};

	vl_newclass(L, T_VM, vm_methods, vm_index, vm_readonly);
	vl_metamethod(L, T_VM, "__tostring", vm_tostring);
	vl_metamethod(L, T_VM, "__eq", vm_eq);
	vl_newclass(L, T_VCPU, cpu_methods, vcpu_index, vcpu_newindex);
	vl_newclass(L, T_VREGS, NULL, vregs_index, vregs_newindex);
	vl_metamethod(L, T_VREGS, "__len", vregs_len);
	vl_newclass(L, T_VCR, NULL, vcr_index, vcr_newindex);
}
