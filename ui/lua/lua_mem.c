/*
 * lua_mem.c -- memory as a script sees it:
 *
 *   x.phys   physical RAM: read8/16/32, write8/16/32, read(pa, n), write(pa, s);
 *            outside RAM is an error naming the argument
 *   x.mem    virtual memory through the current translation (ring and page
 *            tables of the CPU now), by side-effect-free walks: no TLB fill,
 *            no A/D bits.  A fault is a returned value, nil and a fault table
 *   x.mmu    walk(va): each level with its bits, the verdict for every ring
 *            and access (ui/dbg/walk.c, shared with the debugger's `page`);
 *            the TLB entries; flush and invalidate
 *   x.dev    the devices on the bus, and their registers
 */
#include "ui/lua/lua_priv.h"

#include <string.h>

#include "ui/dbg/walk.h"

/* ---- x.phys, and a VM's guest-physical memory (vm.phys) ------------------
 * One set of methods for both: `struct ram` says which memory an object
 * reaches.  A VM's is changed through the monitor, which keeps its shadow
 * page tables right when a guest page table is written. */

struct ram {
	struct lmachine *lm;
	int vm;              /* -1: the machine's physical RAM */
};

static struct ram check_ram_obj(lua_State *L, int idx, bool write)
{
	struct ram r;

	if (luaL_testudata(L, idx, T_GPHYS)) {
		struct lvm *p = vl_checkvm(L, idx, T_GPHYS);
		if (write)
			vl_mon_writable(L, p->lm, "vm.phys");
		r = (struct ram){ p->lm, p->id };
	} else {
		r = (struct ram){ vl_checksub(L, idx, T_PHYS), -1 };
	}
	return r;
}

static uint32_t ram_size(struct ram r)
{
	struct vmm_vcpu_state st;

	if (r.vm < 0)
		return machine_mem_bytes(r.lm->m);
	vmm_vcpu(r.lm->mon->v, r.vm, &st);
	return st.mem_bytes;
}

static void ram_copy(struct ram r, uint32_t a, void *buf, uint32_t n, bool write)
{
	if (r.vm >= 0 && write)
		vmm_gpa_write(r.lm->mon->v, r.vm, a, buf, n);
	else if (r.vm >= 0)
		vmm_gpa_read(r.lm->mon->v, r.vm, a, buf, n);
	else if (write) {
		machine_phys_write(r.lm->m, a, buf, n);
		vl_touch(r.lm); /* a debugger's machine: its history restarts */
	} else
		machine_phys_read(r.lm->m, a, buf, n);
}

static void check_ram(lua_State *L, struct ram r, int idx, uint32_t pa, uint64_t len)
{
	uint32_t ram = ram_size(r);
	char hex[12];

	if (pa >= ram || len > ram - pa)
		luaL_argerror(L, idx, lua_pushfstring(L, "address %s (+%I bytes) is outside %s "
						      "(%I bytes)", vl_hex(hex, pa), (lua_Integer)len,
						      r.vm < 0 ? "RAM" : "the VM's RAM",
						      (lua_Integer)ram));
}

static int phys_readn(lua_State *L, unsigned size)
{
	struct ram r = check_ram_obj(L, 1, false);
	uint32_t pa = vl_checkaddr(L, 2), v = 0;

	check_ram(L, r, 2, pa, size);
	ram_copy(r, pa, &v, size, false); /* the host is little-endian too */
	lua_pushinteger(L, v);
	return 1;
}

static int phys_writen(lua_State *L, unsigned size)
{
	struct ram r = check_ram_obj(L, 1, true);
	uint32_t pa = vl_checkaddr(L, 2), v = vl_checkvalue(L, 3);

	check_ram(L, r, 2, pa, size);
	ram_copy(r, pa, &v, size, true);
	return 0;
}

static int phys_read8(lua_State *L) { return phys_readn(L, 1); }
static int phys_read16(lua_State *L) { return phys_readn(L, 2); }
static int phys_read32(lua_State *L) { return phys_readn(L, 4); }
static int phys_write8(lua_State *L) { return phys_writen(L, 1); }
static int phys_write16(lua_State *L) { return phys_writen(L, 2); }
static int phys_write32(lua_State *L) { return phys_writen(L, 4); }

static int phys_read(lua_State *L)
{
	struct ram r = check_ram_obj(L, 1, false);
	uint32_t pa = vl_checkaddr(L, 2);
	lua_Integer n = luaL_checkinteger(L, 3);
	luaL_Buffer b;

	if (n < 0)
		return luaL_argerror(L, 3, "a length must not be negative");
	check_ram(L, r, 2, pa, (uint64_t)n);
	char *p = luaL_buffinitsize(L, &b, (size_t)n);
	ram_copy(r, pa, p, (uint32_t)n, false);
	luaL_pushresultsize(&b, (size_t)n);
	return 1;
}

static int phys_write(lua_State *L)
{
	struct ram r = check_ram_obj(L, 1, true);
	uint32_t pa = vl_checkaddr(L, 2);
	size_t len;
	const char *s = luaL_checklstring(L, 3, &len);

	check_ram(L, r, 2, pa, len);
	ram_copy(r, pa, (void *)s, (uint32_t)len, true);
	return 0;
}

static int phys_index(lua_State *L)
{
	struct ram r = check_ram_obj(L, 1, false);
	const char *k = luaL_checkstring(L, 2);

	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	if (strcmp(k, "size"))
		return luaL_error(L, "phys.%s: no such method or field", k);
	lua_pushinteger(L, ram_size(r));
	return 1;
}

/* ---- x.mem: virtual ---------------------------------------------------------------- */

static const char *const acc_names[] = { "read", "write", "fetch" };

static void push_fault(lua_State *L, uint32_t va, uint32_t cause, enum mem_access acc,
		       unsigned ring, const char *reason)
{
	const char *name = isa_cause_name(CAUSE_CODE(cause));

	lua_createtable(L, 0, 7);
	lua_pushinteger(L, va);
	lua_setfield(L, -2, "va");
	lua_pushinteger(L, cause);
	lua_setfield(L, -2, "cause");
	lua_pushinteger(L, CAUSE_CODE(cause));
	lua_setfield(L, -2, "code");
	lua_pushstring(L, name ? name : "unknown");
	lua_setfield(L, -2, "name");
	lua_pushstring(L, acc_names[acc]);
	lua_setfield(L, -2, "access");
	lua_pushinteger(L, ring);
	lua_setfield(L, -2, "ring");
	lua_pushstring(L, reason);
	lua_setfield(L, -2, "reason");
}

/* The ring of an access: the optional argument, or the CPU's now. */
static unsigned access_ring(lua_State *L, struct lmachine *lm, int idx)
{
	lua_Integer r;

	if (lua_isnoneornil(L, idx))
		return vl_psw(lm) & PSW_RING_MASK;
	r = luaL_checkinteger(L, idx);
	if (r < 0 || r > 3)
		luaL_argerror(L, idx, "a ring is 0..3");
	return (unsigned)r;
}

/* Translate [va, va+len) page by page and copy to or from buf (nothing
 * copied if dry).  true, or false with nil and a fault table pushed. */
static bool vcopy(lua_State *L, struct lmachine *lm, uint32_t va, uint8_t *buf, uint32_t len,
		  enum mem_access acc, unsigned ring, bool dry)
{
	uint32_t ram = machine_mem_bytes(lm->m);

	for (uint32_t done = 0; done < len;) {
		uint32_t a = va + done, n = PAGE_SIZE - (a & PAGE_MASK);
		struct mmu_walk w;
		if (n > len - done)
			n = len - done;
		machine_walk(lm->m, a, acc, ring, &w);
		if (w.fault) {
			struct walk_verdict v[4][3];
			walk_verdicts(lm->m, a, v);
			lua_pushnil(L);
			push_fault(L, a, w.fault, acc, ring, v[ring][acc].reason);
			return false;
		}
		if (w.pa >= ram || n > ram - w.pa) {
			lua_pushnil(L);
			push_fault(L, a, CAUSE_MAKE(TRAP_BUS_ERROR, acc, 0, ring), acc, ring,
				   "not RAM (x.mem reaches RAM only; devices through x.dev)");
			return false;
		}
		if (!dry && acc == ACC_WRITE) { /* dry: only checking */
			machine_phys_write(lm->m, w.pa, buf + done, n);
			vl_touch(lm);
		} else if (!dry) {
			machine_phys_read(lm->m, w.pa, buf + done, n);
		}
		done += n;
	}
	return true;
}

static int mem_readn(lua_State *L, unsigned size)
{
	struct lmachine *lm = vl_checksub(L, 1, T_MEM);
	uint32_t va = vl_checkaddr(L, 2), v = 0;

	if (!vcopy(L, lm, va, (uint8_t *)&v, size, ACC_READ, access_ring(L, lm, 3), false))
		return 2;
	lua_pushinteger(L, v);
	return 1;
}

static int mem_writen(lua_State *L, unsigned size)
{
	struct lmachine *lm = vl_checksub(L, 1, T_MEM);
	uint32_t va = vl_checkaddr(L, 2), v = vl_checkvalue(L, 3);

	unsigned ring = access_ring(L, lm, 4);

	if (!vcopy(L, lm, va, (uint8_t *)&v, size, ACC_WRITE, ring, true) ||
	    !vcopy(L, lm, va, (uint8_t *)&v, size, ACC_WRITE, ring, false))
		return 2;
	lua_pushboolean(L, 1);
	return 1;
}

static int mem_read8(lua_State *L) { return mem_readn(L, 1); }
static int mem_read16(lua_State *L) { return mem_readn(L, 2); }
static int mem_read32(lua_State *L) { return mem_readn(L, 4); }
static int mem_write8(lua_State *L) { return mem_writen(L, 1); }
static int mem_write16(lua_State *L) { return mem_writen(L, 2); }
static int mem_write32(lua_State *L) { return mem_writen(L, 4); }

static int mem_read(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_MEM);
	uint32_t va = vl_checkaddr(L, 2);
	lua_Integer n = luaL_checkinteger(L, 3);
	unsigned ring = access_ring(L, lm, 4);
	luaL_Buffer b;

	if (n < 0 || n > machine_mem_bytes(lm->m))
		return luaL_argerror(L, 3, "a length from 0 to the size of RAM");
	lua_settop(L, 4);
	uint8_t *p = (uint8_t *)luaL_buffinitsize(L, &b, (size_t)n);
	if (!vcopy(L, lm, va, p, (uint32_t)n, ACC_READ, ring, false))
		return 2;
	luaL_pushresultsize(&b, (size_t)n);
	return 1;
}

static int mem_write(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_MEM);
	uint32_t va = vl_checkaddr(L, 2);
	size_t len;
	const char *s = luaL_checklstring(L, 3, &len);
	unsigned ring = access_ring(L, lm, 4);

	if (len > machine_mem_bytes(lm->m))
		return luaL_argerror(L, 3, "longer than RAM");
	/* every page first, so that a fault writes nothing */
	if (!vcopy(L, lm, va, (uint8_t *)s, (uint32_t)len, ACC_WRITE, ring, true) ||
	    !vcopy(L, lm, va, (uint8_t *)s, (uint32_t)len, ACC_WRITE, ring, false))
		return 2;
	lua_pushboolean(L, 1);
	return 1;
}

static int mem_translate(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_MEM);
	uint32_t va = vl_checkaddr(L, 2);
	const char *acc_s = luaL_optstring(L, 3, "read");
	unsigned ring = access_ring(L, lm, 4);
	int acc;
	struct walk_verdict v[4][3];

	for (acc = 0; acc < 3 && strcmp(acc_s, acc_names[acc]); acc++)
		continue;
	if (acc == 3)
		return luaL_argerror(L, 3, "an access is \"read\", \"write\" or \"fetch\"");
	walk_verdicts(lm->m, va, v);
	if (!v[ring][acc].ok) {
		lua_pushnil(L);
		push_fault(L, va, v[ring][acc].cause, (enum mem_access)acc, ring, v[ring][acc].reason);
		return 2;
	}
	lua_pushinteger(L, v[ring][acc].pa);
	return 1;
}

/* ---- x.mmu ------------------------------------------------------------------------- */

static void push_entry(lua_State *L, const char *level, uint32_t pa, uint32_t e, bool ok)
{
	static const struct { const char *name; uint32_t bit; } bits[] = {
		{ "P", PTE_P }, { "W", PTE_W }, { "U", PTE_U }, { "G", PTE_G }, { "A", PTE_A },
		{ "D", PTE_D },
	};

	lua_createtable(L, 0, 10);
	lua_pushstring(L, level);
	lua_setfield(L, -2, "level");
	lua_pushinteger(L, pa);
	lua_setfield(L, -2, "pa");
	lua_pushboolean(L, ok);
	lua_setfield(L, -2, "in_ram");
	if (!ok)
		return;
	lua_pushinteger(L, e);
	lua_setfield(L, -2, "entry");
	lua_pushinteger(L, PTE_FRAME(e));
	lua_setfield(L, -2, "frame");
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		lua_pushboolean(L, (e & bits[i].bit) != 0);
		lua_setfield(L, -2, bits[i].name);
	}
	lua_pushinteger(L, (e & PTE_SW_MASK) >> 6);
	lua_setfield(L, -2, "sw");
}

static int mmu_walk(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_MMU);
	uint32_t va = vl_checkaddr(L, 2), ptbr = 0, asid = 0;
	struct walk_verdict v[4][3];
	struct mmu_walk w;

	machine_walk(lm->m, va, ACC_READ, 0, &w);
	walk_verdicts(lm->m, va, v);
	machine_cr(lm->m, CR_PTBR, &ptbr);
	machine_cr(lm->m, CR_ASID, &asid);
	lua_createtable(L, 0, 10);
	lua_pushinteger(L, va);
	lua_setfield(L, -2, "va");
	lua_pushboolean(L, w.paging);
	lua_setfield(L, -2, "paging");
	lua_pushinteger(L, ptbr);
	lua_setfield(L, -2, "ptbr");
	lua_pushinteger(L, asid);
	lua_setfield(L, -2, "asid");
	lua_pushinteger(L, VA_DIR(va));
	lua_setfield(L, -2, "dir_index");
	lua_pushinteger(L, VA_TABLE(va));
	lua_setfield(L, -2, "table_index");
	lua_pushinteger(L, va & PAGE_MASK);
	lua_setfield(L, -2, "offset");
	lua_newtable(L); /* levels */
	if (w.paging) {
		push_entry(L, "directory", w.pde_pa, w.pde, w.pde_ok);
		lua_rawseti(L, -2, 1);
		if (w.pde_ok && (w.pde & PTE_P)) {
			push_entry(L, "table", w.pte_pa, w.pte, w.pte_ok);
			lua_rawseti(L, -2, 2);
		}
	}
	lua_setfield(L, -2, "levels");
	if (!w.fault) {
		lua_pushinteger(L, w.pa);
		lua_setfield(L, -2, "pa");
	}
	lua_createtable(L, 0, 4); /* verdicts[ring][access] */
	for (unsigned ring = 0; ring < 4; ring++) {
		lua_createtable(L, 0, 3);
		for (unsigned a = 0; a < 3; a++) {
			lua_createtable(L, 0, 4);
			lua_pushboolean(L, v[ring][a].ok);
			lua_setfield(L, -2, "ok");
			lua_pushstring(L, v[ring][a].reason);
			lua_setfield(L, -2, "reason");
			if (v[ring][a].ok) {
				lua_pushinteger(L, v[ring][a].pa);
				lua_setfield(L, -2, "pa");
			} else {
				lua_pushinteger(L, v[ring][a].cause);
				lua_setfield(L, -2, "cause");
			}
			lua_setfield(L, -2, acc_names[a]);
		}
		lua_rawseti(L, -2, (lua_Integer)ring);
	}
	lua_setfield(L, -2, "verdicts");
	return 1;
}

static void push_tlb(lua_State *L, const struct tlb_view *t, unsigned slot)
{
	lua_createtable(L, 0, 9);
	lua_pushinteger(L, slot);
	lua_setfield(L, -2, "slot");
	lua_pushinteger(L, t->vpn << PAGE_SHIFT);
	lua_setfield(L, -2, "va");
	lua_pushinteger(L, t->pfn << PAGE_SHIFT);
	lua_setfield(L, -2, "pa");
	lua_pushinteger(L, t->asid);
	lua_setfield(L, -2, "asid");
	lua_pushboolean(L, (t->flags & PTE_W) != 0);
	lua_setfield(L, -2, "W");
	lua_pushboolean(L, (t->flags & PTE_U) != 0);
	lua_setfield(L, -2, "U");
	lua_pushboolean(L, (t->flags & PTE_G) != 0);
	lua_setfield(L, -2, "G");
	lua_pushboolean(L, (t->flags & PTE_D) != 0);
	lua_setfield(L, -2, "D");
}

static int mmu_tlb(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_MMU);
	unsigned n = machine_tlb_size(lm->m);
	struct tlb_view t;

	if (!lua_isnoneornil(L, 2)) {
		lua_Integer i = luaL_checkinteger(L, 2);
		if (i < 0 || i >= n)
			return luaL_argerror(L, 2, lua_pushfstring(L, "a TLB slot is 0..%d", (int)n - 1));
		machine_tlb_entry(lm->m, (unsigned)i, &t);
		if (t.valid)
			push_tlb(L, &t, (unsigned)i);
		else
			lua_pushnil(L);
		return 1;
	}
	lua_newtable(L);
	for (unsigned i = 0, k = 1; i < n; i++) {
		machine_tlb_entry(lm->m, i, &t);
		if (!t.valid)
			continue;
		push_tlb(L, &t, i);
		lua_rawseti(L, -2, k++);
	}
	return 1;
}

static int mmu_flush(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_MMU);

	if (lm->dispatching)
		return luaL_error(L, "mmu:flush: not inside the machine's own handler");
	machine_tlb_flush(lm->m);
	vl_touch(lm);
	return 0;
}

static int mmu_invalidate(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_MMU);
	uint32_t va = vl_checkaddr(L, 2);

	if (lm->dispatching)
		return luaL_error(L, "mmu:invalidate: not inside the machine's own handler");
	machine_tlb_invalidate(lm->m, va);
	vl_touch(lm);
	return 0;
}

static int mmu_index(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_MMU);
	const char *k = luaL_checkstring(L, 2);

	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	if (strcmp(k, "size"))
		return luaL_error(L, "mmu.%s: no such method or field", k);
	lua_pushinteger(L, machine_tlb_size(lm->m));
	return 1;
}

/* ---- x.dev ------------------------------------------------------------------------------ */

struct ldevice {
	struct lmachine *lm;
	unsigned index;
};

static int devs_index(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_DEVS);
	const char *name;
	uint32_t base, size;
	int found = -1;

	if (lua_isinteger(L, 2)) {
		lua_Integer i = lua_tointeger(L, 2);
		if (i >= 1 && i <= machine_device_count(lm->m))
			found = (int)i - 1;
	} else {
		const char *k = luaL_checkstring(L, 2);
		for (unsigned i = 0; machine_device_info(lm->m, i, &name, &base, &size); i++)
			if (!strcmp(name, k))
				found = (int)i;
		if (found < 0)
			return luaL_error(L, "dev.%s: no such device", k);
	}
	if (found < 0) {
		lua_pushnil(L); /* past the end: ipairs stops here */
		return 1;
	}
	struct ldevice *d = lua_newuserdatauv(L, sizeof *d, 1);
	*d = (struct ldevice){ lm, (unsigned)found };
	luaL_setmetatable(L, T_DEVICE);
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);
	return 1;
}

static int devs_len(lua_State *L)
{
	struct lmachine *lm = vl_checksub(L, 1, T_DEVS);

	lua_pushinteger(L, machine_device_count(lm->m));
	return 1;
}

static struct ldevice *check_device(lua_State *L, uint32_t *base, uint32_t *size,
				    const char **name)
{
	struct ldevice *d = luaL_checkudata(L, 1, T_DEVICE);

	if (!d->lm->m)
		luaL_argerror(L, 1, vl_closed(d->lm, false));
	machine_device_info(d->lm->m, d->index, name, base, size);
	return d;
}

static uint32_t check_offset(lua_State *L, uint32_t size)
{
	lua_Integer off = luaL_checkinteger(L, 2);

	if (off < 0 || off >= size || (off & 3))
		luaL_argerror(L, 2, lua_pushfstring(L, "offset %I: registers are 32-bit, at aligned "
						    "offsets below %I", off, (lua_Integer)size));
	return (uint32_t)off;
}

static int dev_read(lua_State *L)
{
	uint32_t base, size, v;
	const char *name;
	struct ldevice *d = check_device(L, &base, &size, &name);
	uint32_t off = check_offset(L, size);

	if (d->lm->dispatching)
		return luaL_error(L, "device:read: not inside the machine's own handler");
	vl_touch(d->lm); /* a read may change the device (the UART's data) */
	if (!machine_bus_read(d->lm->m, base + off, &v))
		return luaL_error(L, "%s: register at offset %I does not answer a read", name,
				  (lua_Integer)off);
	lua_pushinteger(L, v);
	return 1;
}

static int dev_write(lua_State *L)
{
	uint32_t base, size;
	const char *name;
	struct ldevice *d = check_device(L, &base, &size, &name);
	uint32_t off = check_offset(L, size), v = vl_checkvalue(L, 3);

	if (d->lm->dispatching)
		return luaL_error(L, "device:write: not inside the machine's own handler");
	vl_touch(d->lm);
	if (!machine_bus_write(d->lm->m, base + off, v))
		return luaL_error(L, "%s: register at offset %I does not accept a write", name,
				  (lua_Integer)off);
	return 0;
}

static int dev_index(lua_State *L)
{
	uint32_t base, size;
	const char *name;
	const char *k = luaL_checkstring(L, 2);

	check_device(L, &base, &size, &name);
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	if (!strcmp(k, "name"))
		lua_pushstring(L, name);
	else if (!strcmp(k, "base"))
		lua_pushinteger(L, base);
	else if (!strcmp(k, "size"))
		lua_pushinteger(L, size);
	else
		return luaL_error(L, "device.%s: a device has name, base, size, read, write", k);
	return 1;
}

static int readonly(lua_State *L)
{
	return luaL_error(L, "%s: this object's fields are read-only", luaL_tolstring(L, 2, NULL));
}

void vl_open_mem(lua_State *L)
{
	static const luaL_Reg phys[] = {
		{ "read8", phys_read8 }, { "read16", phys_read16 }, { "read32", phys_read32 },
		{ "write8", phys_write8 }, { "write16", phys_write16 }, { "write32", phys_write32 },
		{ "read", phys_read }, { "write", phys_write }, { NULL, NULL },
	};
	static const luaL_Reg mem[] = {
		{ "read8", mem_read8 }, { "read16", mem_read16 }, { "read32", mem_read32 },
		{ "write8", mem_write8 }, { "write16", mem_write16 }, { "write32", mem_write32 },
		{ "read", mem_read }, { "write", mem_write }, { "translate", mem_translate },
		{ NULL, NULL },
	};
	static const luaL_Reg mmu[] = {
		{ "walk", mmu_walk }, { "tlb", mmu_tlb }, { "flush", mmu_flush },
		{ "invalidate", mmu_invalidate }, { NULL, NULL },
	};
	static const luaL_Reg dev[] = { { "read", dev_read }, { "write", dev_write }, { NULL, NULL } };

	vl_newclass(L, T_PHYS, phys, phys_index, readonly);
	vl_newclass(L, T_GPHYS, phys, phys_index, readonly);
	vl_newclass(L, T_MEM, mem, NULL, readonly);
	vl_newclass(L, T_MMU, mmu, mmu_index, readonly);
	vl_newclass(L, T_DEVS, NULL, devs_index, readonly);
	vl_metamethod(L, T_DEVS, "__len", devs_len);
	vl_newclass(L, T_DEVICE, dev, dev_index, readonly);
}
