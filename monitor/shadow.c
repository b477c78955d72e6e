/*
 * shadow.c -- shadow page tables.
 *
 * The guest keeps its own page tables in its own memory and believes the
 * MMU walks them.  The real MMU walks the shadow instead: tables the monitor
 * builds from the guest's, in host memory, mapping guest virtual addresses
 * straight to host frames.  They start empty and fill on demand:
 *
 *   real page fault ──► walk the guest's tables (as the hardware would, for
 *   the guest's virtual ring, setting the guest's A/D bits)
 *      guest says fault ──────────────► true fault: inject it into the guest
 *      guest maps RAM, write to a traced page-table page ──► emulate the store
 *      guest maps RAM ─────────────────► hidden fault: fill the shadow entry
 *      guest maps a device page ───────► emulate the device access
 *
 * Guest page-table pages are traced: read-only in every shadow, so each write
 * to one traps and the monitor drops the shadow entries built from it.  A
 * shadow entry is writable only once the guest entry is dirty, so the first
 * write to a page faults and sets D, as the hardware would.
 */
#include "monitor/vmm_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPDE_FLAGS (PTE_P | PTE_W | PTE_U) /* the leaf decides        */
#define NO_DIR 0xffffffffu /* make_room: no slot to keep */

static const uint8_t zero_page[PAGE_SIZE];

bool shadow_init(struct vmm *v, uint32_t pool_frames, char *err, size_t errlen)
{
	v->free_frames = malloc(pool_frames * sizeof *v->free_frames);
	if (!v->free_frames) {
		snprintf(err, errlen, "out of memory for the shadow pool");
		return false;
	}
	v->pool_frames = pool_frames;
	for (uint32_t i = 0; i < pool_frames; i++) /* hand out low frames first */
		v->free_frames[i] = POOL_BASE + (pool_frames - 1 - i) * PAGE_SIZE;
	v->nfree = pool_frames;
	v->asid_gen = 1;
	v->next_asid = 1;
	return true;
}

bool gpa_is_ram(const struct vm *vm, uint32_t gpa, uint32_t len)
{
	return gpa < vm->mem && len <= vm->mem - gpa;
}

/* ---- frames and real-TLB housekeeping ---- */

/* A zeroed pool frame for one of vm's shadows, or 0 if the pool is dry. */
static uint32_t frame_get(struct vmm *v, struct vm *vm)
{
	uint32_t pa;

	if (v->nfree == 0)
		return 0;
	pa = v->free_frames[--v->nfree];
	machine_phys_write(v->m, pa, zero_page, PAGE_SIZE);
	if (++vm->shadow_frames > vm->stats.shadow_frames)
		vm->stats.shadow_frames = vm->shadow_frames;
	return pa;
}

static void frame_put(struct vmm *v, struct vm *vm, uint32_t pa)
{
	v->free_frames[v->nfree++] = pa;
	vm->shadow_frames--;
}

/* Invalidate va in the real TLB under the shadow's ASID, as ring-0 code
 * would: switch to that ASID, tlbinv, switch back. */
static void real_tlbinv(struct vmm *v, const struct shadow_as *as, uint32_t va)
{
	uint32_t old;

	if (as->asid_gen != v->asid_gen)
		return; /* its ASID was retired: no live entries */
	machine_cr(v->m, CR_ASID, &old);
	if (old != as->asid)
		machine_set_cr(v->m, CR_ASID, as->asid);
	machine_tlb_invalidate(v->m, va);
	if (old != as->asid)
		machine_set_cr(v->m, CR_ASID, old);
}

/* ---- the reverse map: where a guest frame is mapped writable ----
 *
 * When a guest frame becomes a page table, every writable shadow entry
 * that maps it must lose W.  Scanning every shadow table for them costs
 * 1024 entries per table, for every new page table: a guest with many
 * address spaces would make the monitor's cost grow with the product of
 * the two.  So each guest frame keeps the virtual pages it was filled
 * writable at, in any of the VM's address spaces:
 *
 *   vm->rmap[gpa >> 12]: two slots, each 0 or RMAP_SLOT(va) = va >> 12 | 1<<31
 *                        (some shadow of this VM may map va's page to it),
 *                        or RMAP_SCAN: more than two: look everywhere
 *
 * A kernel maps its memory at the same address in every process, so one
 * slot covers all of them; a user page seen by the kernel too takes the
 * second.  8 bytes per guest frame: a list per frame took 16 for its head
 * and 16 more for the list (docs/monitor.md, "What a VM costs").
 *
 * A slot is not cleared when its entries are dropped or their tables
 * freed: it is a superset, checked against each shadow before use
 * (rmap_live), and a stale slot is reused.  Both slots are emptied when
 * the frame is write-protected (a traced frame is never filled
 * writable).  A frame with a third page falls back to scanning the VM's
 * shadows, at most SHADOW_FRAMES x 1024 entries (make_room bounds them).
 */
#define RMAP_SLOT(va) ((va) >> PAGE_SHIFT | 0x80000000u)
#define RMAP_VA(e)    (((e) & 0xfffffu) << PAGE_SHIFT)
#define RMAP_SCAN     0xffffffffu

/* The host pa of as's shadow table for directory slot dir, or 0: the
 * shadow directory entry is the one record of it. */
static uint32_t spt_of(struct vmm *v, const struct shadow_as *as, uint32_t dir)
{
	uint32_t spde = 0;

	machine_phys_read(v->m, as->spd + 4 * dir, &spde, 4);
	return (spde & PTE_P) ? PTE_FRAME(spde) : 0;
}

/* Does as's shadow entry for va map host_frame writable now? */
static bool rmap_live(struct vmm *v, struct vm *vm, const struct shadow_as *as, uint32_t va,
		      uint32_t host_frame, uint32_t *spte_pa)
{
	uint32_t pte = 0, spt;

	if (!as->used || !(spt = spt_of(v, as, VA_DIR(va))))
		return false;
	vm->stats.protect_visits++; /* a shadow entry examined */
	*spte_pa = spt + 4 * VA_TABLE(va);
	machine_phys_read(v->m, *spte_pa, &pte, 4);
	return (pte & (PTE_P | PTE_W)) == (PTE_P | PTE_W) && PTE_FRAME(pte) == host_frame;
}

/* Does any of vm's shadows map va's page to host_frame writable? */
static bool rmap_slot_live(struct vmm *v, struct vm *vm, uint32_t slot, uint32_t host_frame)
{
	uint32_t spte_pa;

	for (int i = 0; i < SHADOW_AS_PER_VM; i++) {
		if (rmap_live(v, vm, &vm->as[i], RMAP_VA(slot), host_frame, &spte_pa))
			return true;
	}
	return false;
}

static void rmap_add(struct vmm *v, struct vm *vm, uint32_t gpa, uint32_t va)
{
	uint32_t host_frame = vm->base + (gpa & ~PAGE_MASK), slot = RMAP_SLOT(va), *r;

	if (vm->rmap_lost)
		return;
	if (!vm->rmap && !(vm->rmap = calloc(vm->mem >> PAGE_SHIFT, sizeof *vm->rmap))) {
		vm->rmap_lost = true;
		return;
	}
	r = vm->rmap[gpa >> PAGE_SHIFT];
	if (r[0] == RMAP_SCAN || r[0] == slot || r[1] == slot)
		return;
	for (int i = 0; i < 2; i++)
		if (!r[i] || !rmap_slot_live(v, vm, r[i], host_frame)) {
			r[i] = slot;
			return;
		}
	r[0] = r[1] = RMAP_SCAN;
}

void shadow_free_rmap(struct vm *vm)
{
	for (int i = 0; i < SHADOW_AS_PER_VM; i++) {
		free(vm->as[i].pt);
		vm->as[i].pt = NULL;
		vm->as[i].cap = 0;
		vm->as[i].nactive = 0;
	}
	free(vm->rmap);
	vm->rmap = NULL;
}

/* Without a reverse map (host memory ran out, or a frame mapped at more
 * than two pages): look at every entry. */
static void write_protect_scan(struct vmm *v, struct vm *vm, uint32_t host_frame)
{
	uint32_t table[1024];

	for (int i = 0; i < SHADOW_AS_PER_VM; i++) {
		struct shadow_as *as = &vm->as[i];
		if (!as->used)
			continue;
		for (uint16_t k = 0; k < as->nactive; k++) {
			uint32_t dir = as->pt[k].dir;
			machine_phys_read(v->m, as->pt[k].spt, table, sizeof table);
			vm->stats.protect_visits += 1024;
			for (uint32_t e = 0; e < 1024; e++) {
				if ((table[e] & (PTE_P | PTE_W)) == (PTE_P | PTE_W) &&
				    PTE_FRAME(table[e]) == host_frame) {
					uint32_t ro = table[e] & ~PTE_W;
					machine_phys_write(v->m, as->pt[k].spt + 4 * e, &ro, 4);
					real_tlbinv(v, as, dir << 22 | e << 12);
				}
			}
		}
	}
}

/* A guest frame just became a page-table page: no shadow may still map it
 * writable (say, through the guest kernel's own mapping of all memory), or
 * the guest's writes to it would bypass the monitor. */
static void write_protect(struct vmm *v, struct vm *vm, uint32_t gpa)
{
	uint32_t host_frame = vm->base + (gpa & ~PAGE_MASK), spte_pa, pte, *r;

	if (vm->rmap_lost) {
		write_protect_scan(v, vm, host_frame);
		return;
	}
	if (!vm->rmap)
		return; /* nothing was ever filled writable */
	r = vm->rmap[gpa >> PAGE_SHIFT];
	if (r[0] == RMAP_SCAN) {
		write_protect_scan(v, vm, host_frame);
	} else {
		for (int k = 0; k < 2; k++) {
			if (!r[k])
				continue;
			for (int i = 0; i < SHADOW_AS_PER_VM; i++) {
				struct shadow_as *as = &vm->as[i];
				if (!rmap_live(v, vm, as, RMAP_VA(r[k]), host_frame, &spte_pa))
					continue;
				machine_phys_read(v->m, spte_pa, &pte, 4);
				pte &= ~PTE_W;
				machine_phys_write(v->m, spte_pa, &pte, 4);
				real_tlbinv(v, as, RMAP_VA(r[k]));
			}
		}
	}
	r[0] = r[1] = 0; /* traced now: no writable entry for it until it is not */
}

static void trace(struct vmm *v, struct vm *vm, uint32_t gpa, int delta)
{
	uint16_t *n;

	if (gpa >= vm->mem)
		return;
	n = &vm->traced[gpa >> PAGE_SHIFT];
	*n = (uint16_t)(*n + delta);
	if (delta > 0 && *n == 1)
		write_protect(v, vm, gpa);
}

/* ---- building and dropping shadows ---- */

static void drop_table(struct vmm *v, struct vm *vm, struct shadow_as *as, uint16_t k)
{
	const struct shadow_pt t = as->pt[k];
	uint32_t zero = 0;

	machine_phys_write(v->m, as->spd + 4u * t.dir, &zero, 4);
	frame_put(v, vm, t.spt);
	if (t.guest_pt != NO_FRAME)
		trace(v, vm, t.guest_pt, -1);
	as->pt[k] = as->pt[--as->nactive];
	vm->stats.shadow_drops++;
	if (v->nobs)
		vmm_emit(v, &(struct vmm_event){ .kind = VMM_EV_SHADOW_DROP, .vm = vm->id,
						 .va = (uint32_t)t.dir << 22, .flag = true });
}

static void drop_as(struct vmm *v, struct vm *vm, struct shadow_as *as)
{
	while (as->nactive)
		drop_table(v, vm, as, (uint16_t)(as->nactive - 1));
	if (as->key != PHYS_MODE_KEY)
		trace(v, vm, as->key, -1);
	frame_put(v, vm, as->spd);
	as->used = false;
	if (vm->cur == as)
		vm->cur = NULL;
}

void shadow_free_vm(struct vmm *v, struct vm *vm)
{
	for (int i = 0; i < SHADOW_AS_PER_VM; i++)
		if (vm->as[i].used)
			drop_as(v, vm, &vm->as[i]);
	machine_tlb_flush(v->m);
}

/* The pool ran dry: throw away every shadow (they refill on demand). */
static void flush_all(struct vmm *v)
{
	for (int i = 0; i < v->nvms; i++) {
		shadow_free_vm(v, v->vms[i]);
		v->vms[i]->stats.shadow_flushes++;
	}
}

static uint8_t take_asid(struct vmm *v)
{
	if (v->next_asid > ASID_MASK) { /* all used: new generation */
		v->asid_gen++;
		v->next_asid = 1;
		machine_tlb_flush(v->m);
	}
	return (uint8_t)v->next_asid++;
}

/* Keep vm's shadows within its share of the pool (SHADOW_FRAMES_PER_VM):
 * before taking another frame, give one back.  First whole address
 * spaces, least recently used first, never the current one; then, if the
 * current one alone holds them all, its tables other than slot keep_dir
 * (the one being filled).  A dropped shadow refills on demand, as after a
 * pool flush: the bound costs hidden faults, never correctness. */
static void make_room(struct vmm *v, struct vm *vm, uint32_t keep_dir)
{
	while (vm->shadow_frames >= v->frames_per_vm) {
		struct shadow_as *lru = NULL;
		for (int i = 0; i < SHADOW_AS_PER_VM; i++) {
			struct shadow_as *a = &vm->as[i];
			if (a->used && a != vm->cur && (!lru || a->last_used < lru->last_used))
				lru = a;
		}
		if (lru) {
			drop_as(v, vm, lru); /* its ASID is never reused unflushed */
			continue;
		}
		struct shadow_as *as = vm->cur;
		uint16_t k = 0;
		while (as && k < as->nactive && as->pt[k].dir == keep_dir)
			k++;
		if (!as || k == as->nactive)
			return; /* nothing left to give: take one more */
		drop_table(v, vm, as, k);
		machine_tlb_flush(v->m); /* its entries are live under this ASID */
	}
}

static struct shadow_as *find_or_make_as(struct vmm *v, struct vm *vm, uint32_t key)
{
	struct shadow_as *as = NULL, *lru = NULL;

	for (int i = 0; i < SHADOW_AS_PER_VM; i++) {
		struct shadow_as *a = &vm->as[i];
		if (a->used && a->key == key)
			return a;
	}
	make_room(v, vm, NO_DIR);
	for (int i = 0; i < SHADOW_AS_PER_VM; i++) {
		struct shadow_as *a = &vm->as[i];
		if (!a->used && !as)
			as = a;
		if (a->used && a != vm->cur && (!lru || a->last_used < lru->last_used))
			lru = a;
	}
	if (!as) {
		as = lru;
		drop_as(v, vm, as);
	}
	uint32_t spd = frame_get(v, vm);
	if (!spd) {
		flush_all(v);
		spd = frame_get(v, vm);
	}
	if (!spd)
		return NULL;
	struct shadow_pt *pt = as->pt; /* its list's memory is kept */
	uint16_t cap = as->cap;
	memset(as, 0, sizeof *as);
	as->pt = pt;
	as->cap = cap;
	as->used = true;
	as->key = key;
	as->spd = spd;
	if (key != PHYS_MODE_KEY)
		trace(v, vm, key, +1);
	vm->stats.shadow_tables++;
	return as;
}

void shadow_activate(struct vmm *v, struct vm *vm)
{
	struct vcpu *c = &vm->cpu;
	uint32_t key = (c->vcr[CR_MMU] & MMU_PG) ? (c->vcr[CR_PTBR] & ~PAGE_MASK) : PHYS_MODE_KEY;
	struct shadow_as *as = vm->cur;

	if (!as || !as->used || as->key != key)
		as = find_or_make_as(v, vm, key);
	if (!as) {
		vmm_crash(v, vm, "monitor out of shadow page-table memory", 0, c->pc, 0);
		return;
	}
	vm->cur = as;
	as->last_used = ++v->use_clock;
	if (as->asid_gen != v->asid_gen) {
		as->asid = take_asid(v);
		as->asid_gen = v->asid_gen;
	}
	machine_set_cr(v->m, CR_PTBR, as->spd);
	machine_set_cr(v->m, CR_ASID, as->asid);
	machine_set_cr(v->m, CR_MMU, MMU_PG);
}

/* ---- the guest's tables, walked as the hardware would: shadow_fill.c ---- */

/* Install the shadow entry for va -> the host frame of guest frame gpa. */
static bool shadow_map(struct vmm *v, struct vm *vm, uint32_t va, uint32_t gpa, uint32_t gflags,
		       uint32_t pt_gpa)
{
	struct shadow_as *as = vm->cur;
	uint32_t dir = VA_DIR(va), spte;
	uint32_t spt = spt_of(v, as, dir);

	if (!spt) {
		make_room(v, vm, dir);
		as = vm->cur;
		spt = frame_get(v, vm);
		if (!spt) {
			flush_all(v);
			shadow_activate(v, vm);
			as = vm->cur;
			if (!as || !(spt = frame_get(v, vm)))
				return false;
		}
		if (as->nactive == as->cap) { /* at most 1024: one per slot */
			uint16_t cap = as->cap ? (uint16_t)(2 * as->cap) : 4;
			struct shadow_pt *pt = realloc(as->pt, cap * sizeof *pt);
			if (!pt) {
				frame_put(v, vm, spt);
				return false;
			}
			as->pt = pt;
			as->cap = cap;
		}
		uint32_t spde = spt | SPDE_FLAGS;
		machine_phys_write(v->m, as->spd + 4 * dir, &spde, 4);
		as->pt[as->nactive++] = (struct shadow_pt){ spt, pt_gpa, (uint16_t)dir };
		if (pt_gpa != NO_FRAME)
			trace(v, vm, pt_gpa, +1);
		vm->stats.shadow_tables++;
	}
	spte = shadow_pte(vm, gpa, gflags); /* after tracing: a table may map itself */
	machine_phys_write(v->m, spt + 4 * VA_TABLE(va), &spte, 4);
	if (spte & PTE_W)
		rmap_add(v, vm, gpa, va);
	vm->stats.shadow_fills++;
	if (v->nobs)
		vmm_emit(v, &(struct vmm_event){ .kind = VMM_EV_SHADOW_FILL, .vm = vm->id,
						 .va = va & ~PAGE_MASK, .gpa = gpa & ~PAGE_MASK,
						 .hpa = (vm->base + gpa) & ~PAGE_MASK,
						 .flag = (spte & PTE_W) != 0 });
	return true;
}

/* A traced frame written again and again while no shadow built from it is
 * used is most likely not a page table any more (the guest freed it and
 * reuses it as data: zeroing it, copying into it).  Stop tracing it: drop
 * the shadows built from it, so its writes run directly again.  (KVM calls
 * this write-flood detection.)  The current address space's directory is
 * kept: its shadow is in use by definition. */
static void unshadow(struct vmm *v, struct vm *vm, uint32_t gpa)
{
	uint32_t frame = gpa & ~PAGE_MASK;

	for (int i = 0; i < SHADOW_AS_PER_VM; i++) {
		struct shadow_as *as = &vm->as[i];
		if (!as->used)
			continue;
		if (as->key == frame && as != vm->cur) {
			drop_as(v, vm, as);
			continue;
		}
		for (uint16_t k = 0; k < as->nactive;) {
			if (as->pt[k].guest_pt == frame)
				drop_table(v, vm, as, k);
			else
				k++;
		}
	}
	machine_tlb_flush(v->m);
	vm->flood[frame >> PAGE_SHIFT] = 0;
}

/* Emulate the store that hit a traced page-table page. */
static void emulate_pt_store(struct vmm *v, struct vm *vm, const struct trap_event *t, uint32_t gpa)
{
	uint32_t value = 0;
	unsigned size = pt_store(v, vm, t, gpa, &value);

	if (size == 0) { /* not a store: cannot happen */
		vcpu_inject(v, vm, TRAP_PAGE_FAULT, ACC_WRITE, 1, t->pc, t->badva);
		return;
	}
	if (v->nobs)
		vmm_emit(v, &(struct vmm_event){ .kind = VMM_EV_PT_WRITE, .vm = vm->id, .pc = t->pc,
						 .gpa = gpa,
						 .value = value & (size == 4 ? ~0u : (1u << 8 * size) - 1),
						 .size = size });
	shadow_guest_wrote(v, vm, gpa, size);
	if (++vm->flood[gpa >> PAGE_SHIFT] > FLOOD_LIMIT && gpa_traced(vm, gpa))
		unshadow(v, vm, gpa);
	vcpu_next(v, vm, t);
}

void shadow_fault(struct vmm *v, struct vm *vm, const struct trap_event *t)
{
	enum mem_access acc = CAUSE_ACCESS(t->cause);
	uint32_t va = t->badva, cause;
	struct gwalk w;

	cause = guest_walk(v, vm, va, acc, &w);
	if (cause) { /* the guest's own tables say no: its fault */
		if (vmm_exit_begin(v, vm, EXIT_TRUE_FAULT, t, cause))
			return;
		vcpu_inject(v, vm, CAUSE_CODE(cause), acc, CAUSE_PROT(cause), t->pc, va);
		return;
	}
	if (!gpa_is_ram(vm, w.gpa, 1)) {
		if (vdev_is_mmio(w.gpa) && acc != ACC_FETCH) {
			if (vmm_exit_begin(v, vm, EXIT_MMIO, t, t->cause))
				return;
			vmm_charge(v, vm, v->cfg.costs.mmio);
			vdev_mmio(v, vm, t, w.gpa);
		} else {
			if (vmm_exit_begin(v, vm, EXIT_TRUE_FAULT, t,
					   CAUSE_MAKE(TRAP_BUS_ERROR, acc, 0, vm->cpu.vring)))
				return;
			vcpu_inject(v, vm, TRAP_BUS_ERROR, acc, 0, t->pc, va);
		}
		return;
	}
	if (acc == ACC_WRITE && gpa_traced(vm, w.gpa)) {
		if (vmm_exit_begin(v, vm, EXIT_PT_WRITE, t, t->cause))
			return;
		vmm_charge(v, vm, v->cfg.costs.pt_write);
		emulate_pt_store(v, vm, t, w.gpa);
		return;
	}
	if (vmm_exit_begin(v, vm, EXIT_HIDDEN_FAULT, t, t->cause))
		return;
	vmm_charge(v, vm, v->cfg.costs.shadow_fill);
	if (w.pt_gpa != NO_FRAME) { /* these tables are in use: not a flood */
		vm->flood[w.pt_gpa >> PAGE_SHIFT] = 0;
		vm->flood[(vm->cpu.vcr[CR_PTBR] & ~PAGE_MASK) >> PAGE_SHIFT] = 0;
	}
	if (!shadow_map(v, vm, va, w.gpa, w.flags, w.pt_gpa)) {
		vmm_crash(v, vm, "monitor out of shadow page-table memory", t->cause, t->pc, va);
		return;
	}
	/* the denied access left no TLB entry, but a stale one may grant less */
	machine_tlb_invalidate(v->m, va);
	machine_set_pc(v->m, t->pc); /* retry the access */
}

void shadow_guest_wrote(struct vmm *v, struct vm *vm, uint32_t gpa, uint32_t len)
{
	uint32_t frame = gpa & ~PAGE_MASK;
	uint32_t first = (gpa & PAGE_MASK) >> 2, last = ((gpa & PAGE_MASK) + len - 1) >> 2;

	if (!gpa_traced(vm, gpa) || last >= 1024)
		return;
	for (int i = 0; i < SHADOW_AS_PER_VM; i++) {
		struct shadow_as *as = &vm->as[i];
		if (!as->used)
			continue;
		for (uint16_t k = 0; k < as->nactive;) {
			uint16_t dir = as->pt[k].dir;
			if (as->key == frame && dir >= first && dir <= last) {
				/* a directory entry changed: drop its whole table */
				drop_table(v, vm, as, k);
				machine_tlb_flush(v->m);
				continue;
			}
			if (as->pt[k].guest_pt == frame) {
				uint32_t zero = 0;
				for (uint32_t e = first; e <= last; e++) {
					machine_phys_write(v->m, as->pt[k].spt + 4 * e, &zero, 4);
					/* dir is a uint16_t: widen it before the shift */
					real_tlbinv(v, as, (uint32_t)dir << 22 | e << 12);
					vm->stats.shadow_drops++;
					if (v->nobs)
						vmm_emit(v, &(struct vmm_event){
							.kind = VMM_EV_SHADOW_DROP, .vm = vm->id,
							.va = (uint32_t)dir << 22 | e << 12 });
				}
			}
			k++;
		}
	}
}

void shadow_invalidate(struct vmm *v, struct vm *vm, uint32_t va)
{
	struct shadow_as *as = vm->cur;
	uint32_t dir = VA_DIR(va), zero = 0, spt;

	if (as && (spt = spt_of(v, as, dir))) {
		machine_phys_write(v->m, spt + 4 * VA_TABLE(va), &zero, 4);
		vm->stats.shadow_drops++;
		if (v->nobs)
			vmm_emit(v, &(struct vmm_event){ .kind = VMM_EV_SHADOW_DROP, .vm = vm->id,
							 .va = va & ~PAGE_MASK });
	}
	machine_tlb_invalidate(v->m, va);
}

/* A paravirtual guest's delegated system call enters its vector in
 * hardware, without the monitor: if fetching the vector's first
 * instruction faulted there, the machine would call it a double fault.
 * So the monitor keeps the vector's page filled in the current shadow
 * (checked at every exit, a few loads when it is). */
void shadow_prefault(struct vmm *v, struct vm *vm, uint32_t va)
{
	struct shadow_as *as = vm->cur;
	struct gwalk w;
	uint32_t spte = 0, spt;
	unsigned ring = vm->cpu.vring;

	if (!as)
		return;
	if ((spt = spt_of(v, as, VA_DIR(va))) != 0)
		machine_phys_read(v->m, spt + 4 * VA_TABLE(va), &spte, 4);
	if (spte & PTE_P)
		return;
	vm->cpu.vring = 1; /* the ring the vector runs in */
	if (guest_walk(v, vm, va, ACC_FETCH, &w) == 0 && gpa_is_ram(vm, w.gpa & ~PAGE_MASK, PAGE_SIZE))
		shadow_map(v, vm, va, w.gpa, w.flags, w.pt_gpa);
	vm->cpu.vring = ring;
}
