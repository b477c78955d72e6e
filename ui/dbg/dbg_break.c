/*
 * dbg_break.c -- breakpoints, watchpoints and catchpoints, and the machine
 * listeners that make them work.
 *
 * Breakpoints are the machine's execution breakpoints (machine.h): a
 * patched slot of the decoded page, so every other instruction pays
 * nothing.  Those are physical; a breakpoint on a virtual address is kept
 * as the set of physical slots that address has been seen to map to:
 * translated when it is set and after every stop or restore, plus every
 * TLB fill of its page (EV_TLB_FILL) -- code must go through the TLB to
 * run, so no mapping escapes.  The EV_BREAK listener then checks that the
 * pc really is the virtual address (another address may alias the page)
 * and, for `break -asid N`, that the current ASID is N.
 *
 * Watchpoints watch physical bytes: those the address maps to when the
 * watchpoint is set (EV_MEM; only that page leaves the fast TLB path), so
 * a watchpoint set in one address space keeps watching the same memory in
 * every other, and across reverse execution.  The listener compares the
 * bytes with a shadow copy: `watch` stops only when a write changed them,
 * as in gdb.
 *
 * Catchpoints listen to trap entries (EV_TRAP), device accesses
 * (EV_DEVICE), or, for a ring change, to every instruction (EV_INSN:
 * slow, said in the help).  VM exits come from the monitor's exit
 * observer, which dbg_vm.c holds while the debugger runs the monitor; it
 * matches the exit cause the way on_trap matches a trap cause.
 *
 * A listener is attached only while something needs it (dbg_listen_sync).
 */
#include "ui/dbg/dbg_priv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sim/asm/disasm.h"
#include "sim/image.h"

const char *const dbg_catch_names[CATCH_KINDS] = {
	[CATCH_TRAP] = "trap", [CATCH_SYSCALL] = "syscall", [CATCH_INTERRUPT] = "interrupt",
	[CATCH_PAGEFAULT] = "pagefault", [CATCH_RING] = "ring", [CATCH_DEVICE] = "device",
	[CATCH_VMEXIT] = "vmexit",
};

static struct dbg_bp *find_bp(struct dbg *d, int num)
{
	for (size_t i = 0; i < d->nbps; i++)
		if (d->bps[i]->num == num)
			return d->bps[i];
	return NULL;
}

static bool wants(struct dbg *d, enum bp_kind kind, int ckind)
{
	for (size_t i = 0; i < d->nbps; i++) {
		const struct dbg_bp *b = d->bps[i];
		if (b->enabled && b->kind == kind && (ckind < 0 || (int)b->ckind == ckind))
			return true;
	}
	return false;
}

/* ---- listeners ------------------------------------------------------------ */

/* Condition and ignore count of a breakpoint that matched: true if it
 * stops the machine (d->stop filled in but for the details). */
static bool hit(struct dbg *d, struct dbg_bp *bp, enum stop_kind kind)
{
	char err[140];
	uint32_t v;

	if (d->stop.kind != SK_NONE)
		return true; /* something stopped it already */
	if (bp->cond) {
		if (!dbg_expr(d, bp->cond, 0, &v, err, sizeof err)) {
			d->stop.kind = SK_COND_ERROR;
			d->stop.num = bp->num;
			snprintf(d->stop.msg, sizeof d->stop.msg,
				 "Error in testing condition for breakpoint %d: %s", bp->num, err);
			return true;
		}
		if (!v)
			return false;
	}
	if (!d->scanning) {
		bp->hits++;
		if (bp->ignore) {
			bp->ignore--;
			return false;
		}
	}
	d->stop.kind = kind;
	d->stop.num = bp->num;
	d->stop.temporary = bp->temporary;
	d->stop.pc = machine_pc(d->m);
	d->stop.ckind = bp->ckind;
	snprintf(d->stop.what, sizeof d->stop.what, "%s", bp->what ? bp->what : "");
	return true;
}

bool dbg_bp_hit(struct dbg *d, struct dbg_bp *bp, enum stop_kind kind)
{
	return hit(d, bp, kind);
}

static bool in_pas(const uint32_t *pas, int n, uint32_t pa)
{
	for (int i = 0; i < n; i++)
		if (pas[i] == pa)
			return true;
	return false;
}

static bool bp_hit(struct dbg *d, uint32_t pc, uint32_t pa)
{
	const struct dbg_temp *t = &d->temp;
	uint32_t asid = 0, mmu = 0;

	if (t->active && pc == t->va && in_pas(t->pas, t->npas, pa) &&
	    (!t->frame || (machine_reg(d->m, ISA_REG_SP) == t->sp &&
			   (machine_psw(d->m) & PSW_RING_MASK) == t->ring))) {
		if (d->stop.kind == SK_NONE)
			d->stop.kind = SK_TEMP;
		return true;
	}
	machine_cr(d->m, CR_ASID, &asid);
	machine_cr(d->m, CR_MMU, &mmu);
	for (size_t i = 0; i < d->nbps; i++) {
		struct dbg_bp *b = d->bps[i];
		if (!b->enabled || b->kind != BP_BREAK)
			continue;
		if (b->phys ? b->addr != pa
			    : b->addr != pc || (b->asid >= 0 && (!(mmu & MMU_PG) || (int)asid != b->asid)))
			continue;
		if (b->vm >= 0 && b->vm != dbg_vm_on_cpu(d)) /* another guest runs it */
			continue;
		if (hit(d, b, SK_BREAK))
			return true;
	}
	return false;
}

static bool on_break(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct dbg *d = opaque;

	if (d->replaying && !d->scanning)
		return false;
	return bp_hit(d, ev->pc, ev->addr);
}

static bool on_mem(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct dbg *d = opaque;
	uint8_t cur[WATCH_MAX_LEN], old[WATCH_MAX_LEN];
	bool stop = false;

	if (d->replaying && !d->scanning)
		return false;
	for (size_t i = 0; i < d->nbps && !stop; i++) {
		struct dbg_bp *b = d->bps[i];
		bool changed = false;
		if (!b->enabled || b->kind != BP_WATCH || ev->addr >= b->wpa + b->len ||
		    ev->addr + ev->size <= b->wpa)
			continue;
		if (ev->write ? b->wkind == WATCH_READ : b->wkind == WATCH_WRITE)
			continue;
		machine_phys_read(m, b->wpa, cur, b->len);
		memcpy(old, b->shadow, b->len);
		if (ev->write) {
			changed = memcmp(cur, b->shadow, b->len) != 0;
			memcpy(b->shadow, cur, b->len);
			if (b->wkind == WATCH_WRITE && !changed)
				continue;
		}
		if (!hit(d, b, SK_WATCH))
			continue;
		stop = true;
		if (d->stop.kind == SK_WATCH && d->stop.num == b->num) {
			d->stop.pc = ev->pc;
			d->stop.addr = ev->addr;
			d->stop.size = ev->size;
			d->stop.write = ev->write;
			d->stop.wlen = b->len;
			d->stop.changed = changed;
			memcpy(d->stop.oldb, old, b->len);
			memcpy(d->stop.newb, cur, b->len);
		}
	}
	return stop;
}

static void add_note(struct dbg *d, const struct machine_event_info *ev)
{
	if (d->nnotes < DBG_MAX_NOTES)
		d->notes[d->nnotes++] = (struct dbg_note){ ev->word, ev->pc, ev->addr,
							   CAUSE_RING(ev->word), ev->value };
	else
		d->nnotes_more++;
}

static bool catch_matches(const struct dbg_bp *b, unsigned code)
{
	switch (b->ckind) {
	case CATCH_TRAP:
		return code != TRAP_INTERRUPT && (b->cause < 0 || (unsigned)b->cause == code);
	case CATCH_SYSCALL:
		return code == TRAP_SYSCALL;
	case CATCH_INTERRUPT:
		return code == TRAP_INTERRUPT;
	case CATCH_PAGEFAULT:
		return code == TRAP_PAGE_FAULT;
	default:
		return false;
	}
}

static bool on_trap(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct dbg *d = opaque;

	if (d->uw) {
		dbg_unwind_trap(d, ev);
		return false;
	}
	if (d->replaying && !d->scanning)
		return false;
	if (d->collect_notes && !d->scanning)
		add_note(d, ev);
	for (size_t i = 0; i < d->nbps; i++) {
		struct dbg_bp *b = d->bps[i];
		if (!b->enabled || b->kind != BP_CATCH || !catch_matches(b, CAUSE_CODE(ev->word)))
			continue;
		if (hit(d, b, SK_CATCH)) {
			if (d->stop.kind == SK_CATCH && d->stop.num == b->num) {
				d->stop.cause = ev->word;
				d->stop.pc = ev->pc;
				d->stop.badva = ev->addr;
				d->stop.from_ring = CAUSE_RING(ev->word);
				d->stop.to_ring = ev->value;
			}
			return true;
		}
	}
	return false;
}

static bool on_device(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct dbg *d = opaque;
	const char *name;
	uint32_t base, size;

	if (d->replaying && !d->scanning)
		return false;
	for (size_t i = 0; i < d->nbps; i++) {
		struct dbg_bp *b = d->bps[i];
		if (!b->enabled || b->kind != BP_CATCH || b->ckind != CATCH_DEVICE)
			continue;
		if (b->dev >= 0 && (!machine_device_info(m, (unsigned)b->dev, &name, &base, &size) ||
				    ev->addr - base >= size))
			continue;
		if (hit(d, b, SK_CATCH)) {
			if (d->stop.kind == SK_CATCH && d->stop.num == b->num) {
				d->stop.pc = ev->pc;
				d->stop.addr = ev->addr;
				d->stop.value = ev->value;
				d->stop.write = ev->write;
			}
			return true;
		}
	}
	return false;
}

bool dbg_ring_check(struct dbg *d)
{
	unsigned ring = machine_psw(d->m) & PSW_RING_MASK, from = d->last_ring;

	if (ring == from)
		return false;
	d->last_ring = ring;
	for (size_t i = 0; i < d->nbps; i++) {
		struct dbg_bp *b = d->bps[i];
		if (b->enabled && b->kind == BP_CATCH && b->ckind == CATCH_RING && hit(d, b, SK_CATCH)) {
			if (d->stop.kind == SK_CATCH && d->stop.num == b->num) {
				d->stop.from_ring = from;
				d->stop.to_ring = ring;
			}
			return true;
		}
	}
	return false;
}

static void add_pa(uint32_t *pas, int *n, uint32_t pa)
{
	if (in_pas(pas, *n, pa))
		return;
	if (*n == BP_MAX_PAS) { /* forget the oldest mapping */
		memmove(pas, pas + 1, (BP_MAX_PAS - 1) * sizeof *pas);
		(*n)--;
	}
	pas[(*n)++] = pa;
}

static void breaks_sync(struct dbg *d);

static bool on_tlb(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct dbg *d = opaque;
	uint32_t page = ev->addr & ~PAGE_MASK;
	bool changed = false;

	for (size_t i = 0; i < d->nbps; i++) {
		struct dbg_bp *b = d->bps[i];
		uint32_t pa = ev->value | (b->addr & PAGE_MASK);
		if (b->kind == BP_BREAK && !b->phys && b->enabled && (b->addr & ~PAGE_MASK) == page &&
		    !in_pas(b->pas, b->npas, pa)) {
			add_pa(b->pas, &b->npas, pa);
			changed = true;
		}
	}
	if (d->temp.active && (d->temp.va & ~PAGE_MASK) == page &&
	    !in_pas(d->temp.pas, d->temp.npas, ev->value | (d->temp.va & PAGE_MASK))) {
		add_pa(d->temp.pas, &d->temp.npas, ev->value | (d->temp.va & PAGE_MASK));
		changed = true;
	}
	if (changed)
		breaks_sync(d);
	return false;
}

void dbg_listen_sync(struct dbg *d)
{
	bool virt = d->temp.active;
	bool need[EV_COUNT] = { false };
	static const machine_event_fn fns[EV_COUNT] = {
		[EV_INSN] = dbg_on_insn, [EV_MEM] = on_mem, [EV_TRAP] = on_trap,
		[EV_DEVICE] = on_device, [EV_BREAK] = on_break, [EV_TLB_FILL] = on_tlb,
	};

	for (size_t i = 0; i < d->nbps; i++)
		virt |= d->bps[i]->enabled && d->bps[i]->kind == BP_BREAK && !d->bps[i]->phys;
	need[EV_BREAK] = d->temp.active || wants(d, BP_BREAK, -1);
	need[EV_TLB_FILL] = virt;
	need[EV_MEM] = wants(d, BP_WATCH, -1);
	need[EV_TRAP] = d->collect_notes || wants(d, BP_CATCH, CATCH_TRAP) ||
			wants(d, BP_CATCH, CATCH_SYSCALL) || wants(d, BP_CATCH, CATCH_INTERRUPT) ||
			wants(d, BP_CATCH, CATCH_PAGEFAULT);
	need[EV_DEVICE] = wants(d, BP_CATCH, CATCH_DEVICE);
	need[EV_INSN] = d->insn_mode != INSN_NONE || wants(d, BP_CATCH, CATCH_RING);
	if (d->replaying && !d->scanning) { /* replaying the past: nobody listens */
		memset(need, 0, sizeof need);
		need[EV_INSN] = d->insn_mode == INSN_SETTLE || d->rec || d->uw; /* or recording it */
		need[EV_TRAP] = d->uw != NULL;
	}
	for (int e = 0; e < EV_COUNT; e++) {
		if (!fns[e])
			continue;
		if (need[e] && d->handle[e] < 0) {
			d->handle[e] = machine_on(d->m, (enum machine_event)e, fns[e], d);
		} else if (!need[e] && d->handle[e] >= 0) {
			machine_off(d->m, d->handle[e]);
			d->handle[e] = -1;
		}
	}
}

/* ---- the machine's breakpoint slots and watched pages ----------------------- */

static void breaks_sync(struct dbg *d)
{
	uint32_t want[64];
	int nwant = 0;
	bool full = false;

#define WANT(pa) do { \
		if (!in_pas(want, nwant, (pa))) { \
			if (nwant < 64) want[nwant++] = (pa); else full = true; \
		} \
	} while (0)
	for (size_t i = 0; i < d->nbps; i++) {
		const struct dbg_bp *b = d->bps[i];
		if (!b->enabled || b->kind != BP_BREAK)
			continue;
		if (b->phys)
			WANT(b->addr);
		for (int k = 0; !b->phys && k < b->npas; k++)
			WANT(b->pas[k]);
	}
	for (int k = 0; d->temp.active && k < d->temp.npas; k++)
		WANT(d->temp.pas[k]);
#undef WANT
	for (int i = 0; i < d->ninserted; i++)
		if (!in_pas(want, nwant, d->inserted[i]))
			machine_break_remove(d->m, d->inserted[i]);
	d->ninserted = 0;
	for (int i = 0; i < nwant; i++) {
		if (machine_break_insert(d->m, want[i]))
			d->inserted[d->ninserted++] = want[i];
		else
			full = true;
	}
	if (full)
		dbg_error(d, "warning: the machine holds at most 64 breakpoint addresses; some are not set");
}

/* The machine reports accesses to watched ranges; ours are the bytes of
 * the enabled watchpoints (d->wpages holds lo, hi pairs). */
static void watch_sync(struct dbg *d)
{
	uint32_t *want = d->nbps ? malloc(2 * d->nbps * sizeof *want) : NULL;
	size_t nwant = 0;

	for (size_t i = 0; i < d->nbps; i++) {
		const struct dbg_bp *b = d->bps[i];
		if (want && b->enabled && b->kind == BP_WATCH) {
			want[nwant++] = b->wpa;
			want[nwant++] = b->wpa + b->len - 1;
		}
	}
	if (nwant == d->nwpages && (nwant == 0 || !memcmp(want, d->wpages, nwant * sizeof *want))) {
		free(want);
		return;
	}
	for (size_t i = 0; i < d->nwpages; i += 2)
		machine_unwatch(d->m, d->wpages[i], d->wpages[i + 1]);
	for (size_t i = 0; i < nwant; i += 2)
		if (!machine_watch(d->m, want[i], want[i + 1]))
			dbg_error(d, "warning: the machine cannot watch 0x%08x..0x%08x (too many watchpoints)",
				  want[i], want[i + 1]);
	free(d->wpages);
	d->wpages = want;
	d->nwpages = nwant;
}

/* Every physical address va may run at now: its translation and the TLB. */
static void resolve(struct dbg *d, uint32_t va, uint32_t *pas, int *npas)
{
	struct mmu_walk w;
	struct tlb_view t;
	uint32_t asid = 0;

	machine_walk(d->m, va, ACC_FETCH, 0, &w);
	if (!w.paging) {
		if ((uint64_t)va + 4 <= machine_mem_bytes(d->m))
			add_pa(pas, npas, va);
		return;
	}
	machine_cr(d->m, CR_ASID, &asid);
	for (unsigned i = 0; i < machine_tlb_size(d->m); i++) {
		machine_tlb_entry(d->m, i, &t);
		if (t.valid && t.vpn == va >> PAGE_SHIFT)
			add_pa(pas, npas, (t.pfn << PAGE_SHIFT) | (va & PAGE_MASK));
	}
	if (!w.fault && (uint64_t)w.pa + 4 <= machine_mem_bytes(d->m))
		add_pa(pas, npas, w.pa);
}

void dbg_bp_refresh(struct dbg *d)
{
	for (size_t i = 0; i < d->nbps; i++) {
		struct dbg_bp *b = d->bps[i];
		if (b->kind == BP_BREAK && !b->phys)
			resolve(d, b->addr, b->pas, &b->npas);
		if (b->kind == BP_WATCH) /* the bytes may have changed behind our back */
			machine_phys_read(d->m, b->wpa, b->shadow, b->len);
	}
	if (d->temp.active)
		resolve(d, d->temp.va, d->temp.pas, &d->temp.npas);
	d->last_ring = machine_psw(d->m) & PSW_RING_MASK;
	breaks_sync(d);
	watch_sync(d);
	dbg_listen_sync(d);
}

bool dbg_bp_check_here(struct dbg *d)
{
	uint32_t pc = machine_pc(d->m), pa;
	char why[160];

	if (machine_dead(d->m) || !dbg_translate(d, pc, &pa, why, sizeof why) ||
	    !in_pas(d->inserted, d->ninserted, pa))
		return false;
	return bp_hit(d, pc, pa);
}

void dbg_temp_set(struct dbg *d, uint32_t va, bool frame)
{
	d->temp = (struct dbg_temp){
		.active = true, .va = va, .frame = frame,
		.sp = machine_reg(d->m, ISA_REG_SP), .ring = machine_psw(d->m) & PSW_RING_MASK,
	};
	resolve(d, va, d->temp.pas, &d->temp.npas);
	breaks_sync(d);
	dbg_listen_sync(d);
}

void dbg_temp_clear(struct dbg *d)
{
	if (!d->temp.active)
		return;
	d->temp.active = false;
	breaks_sync(d);
	dbg_listen_sync(d);
}

/* ---- the list ------------------------------------------------------------------ */

static void bp_free(struct dbg_bp *b)
{
	free(b->what);
	free(b->cond);
	free(b);
}

struct dbg_bp *dbg_bp_add(struct dbg *d, struct dbg_bp *proto)
{
	struct dbg_bp *b;

	if (d->nbps == d->capbps) {
		size_t cap = d->capbps ? d->capbps * 2 : 8;
		struct dbg_bp **nb = realloc(d->bps, cap * sizeof *nb);
		if (!nb)
			goto oom;
		d->bps = nb;
		d->capbps = cap;
	}
	b = malloc(sizeof *b);
	if (!b)
		goto oom;
	*b = *proto;
	b->num = d->next_num++;
	/* under the monitor a breakpoint is the selected VM's */
	b->vm = b->kind == BP_BREAK ? dbg_vm_selected(d) : -1;
	b->enabled = true;
	d->bps[d->nbps++] = b;
	dbg_bp_refresh(d);
	return b;
oom:
	free(proto->what);
	free(proto->cond);
	dbg_error(d, "out of memory");
	return NULL;
}

void dbg_bp_delete(struct dbg *d, int num)
{
	for (size_t i = 0; i < d->nbps; i++) {
		if (d->bps[i]->num != num)
			continue;
		bp_free(d->bps[i]);
		memmove(&d->bps[i], &d->bps[i + 1], (d->nbps - i - 1) * sizeof *d->bps);
		d->nbps--;
		dbg_bp_refresh(d);
		return;
	}
}

void dbg_bp_free_all(struct dbg *d)
{
	for (size_t i = 0; i < d->nbps; i++)
		bp_free(d->bps[i]);
	d->nbps = 0;
	breaks_sync(d);
	watch_sync(d);
	free(d->bps);
	free(d->wpages);
	d->bps = NULL;
	d->wpages = NULL;
	d->capbps = d->nwpages = 0;
}

/* ---- parsing ------------------------------------------------------------------------ */

/* Split "LOC if COND": *cond points after "if" (or NULL); returns a copy
 * of the part before it. */
static char *split_if(const char *args, const char **cond)
{
	const char *p = args;

	*cond = NULL;
	for (; *p; p++) {
		if ((p == args || isspace((unsigned char)p[-1])) && p[0] == 'i' && p[1] == 'f' &&
		    (!p[2] || isspace((unsigned char)p[2]))) {
			*cond = dbg_skip_ws(p + 2);
			break;
		}
	}
	size_t n = (size_t)(p - args);
	while (n && isspace((unsigned char)args[n - 1]))
		n--;
	char *head = malloc(n + 1);
	if (head) {
		memcpy(head, args, n);
		head[n] = '\0';
	}
	return head;
}

/* The condition text checked by evaluating it once now. */
static bool take_cond(struct dbg *d, const char *cond, char **out)
{
	char err[200];
	uint32_t v;

	*out = NULL;
	if (!cond)
		return true;
	if (dbg_is_blank(cond)) {
		dbg_error(d, "Argument required (boolean expression after `if').");
		return false;
	}
	if (!dbg_expr(d, cond, 0, &v, err, sizeof err)) {
		dbg_error(d, "%s", err);
		return false;
	}
	*out = dbg_strdup(dbg_skip_ws(cond));
	return *out != NULL;
}

static bool file_matches(const char *have, const char *want)
{
	size_t hn = strlen(have), wn = strlen(want);

	if (!strcmp(have, want))
		return true;
	/* "demo.s" matches "labs/demo/demo.s" */
	return hn > wn && have[hn - wn - 1] == '/' && !strcmp(have + hn - wn, want);
}

/* The first address of `line` in a file, or of the next line that has code. */
static bool line_addr(const struct image *img, const char *file, int fileno, uint32_t line,
		      uint32_t *addr)
{
	uint32_t best = UINT32_MAX;

	for (size_t i = 0; img && i < img->nlines; i++) {
		const struct image_line *l = &img->lines[i];
		if (l->file >= img->nfiles || l->line < line || l->line > best)
			continue;
		if (fileno >= 0 ? l->file != (uint32_t)fileno : !file_matches(img->files[l->file], file))
			continue;
		if (l->line < best || l->addr < *addr) {
			best = l->line;
			*addr = l->addr;
		}
	}
	return best != UINT32_MAX;
}

/* The file the user is in: that of pc, else the first one. */
static int current_file(struct dbg *d)
{
	const struct image_line *l = image_line_at(d->img, machine_pc(d->m));
	const char *file;
	uint32_t line;

	if (l && dbg_line_of(d, machine_pc(d->m), &file, &line))
		return (int)l->file;
	return d->img && d->img->nfiles ? 0 : -1;
}

bool dbg_parse_location(struct dbg *d, const char *text, uint32_t *va)
{
	char err[256];
	const char *t = dbg_skip_ws(text), *colon = strrchr(t, ':');
	const struct image_symbol *sym;
	uint64_t line;

	if (!*t) {
		dbg_error(d, "A location is needed here (a symbol, *ADDRESS or FILE:LINE).");
		return false;
	}
	if (*t == '*') {
		if (dbg_expr(d, t + 1, EXPR_ADDR, va, err, sizeof err))
			return true;
		dbg_error(d, "%s", err);
		return false;
	}
	if (colon && dbg_parse_count(colon + 1, &line)) {
		char file[256];
		snprintf(file, sizeof file, "%.*s", (int)(colon - t), t);
		*va = 0;
		if (line_addr(d->img, file, -1, (uint32_t)line, va))
			return true;
		for (size_t i = dbg_symfile_count(d); i-- > 0;) /* add-symbol-file's */
			if (line_addr(dbg_symfile_image(d, i), file, -1, (uint32_t)line, va))
				return true;
		dbg_error(d, "No line %llu in file \"%s\".", (unsigned long long)line, file);
		return false;
	}
	if (isdigit((unsigned char)*t) && t[0] != '0' && dbg_parse_count(t, &line)) {
		int f = current_file(d);
		*va = 0;
		if (f >= 0 && line_addr(d->img, NULL, f, (uint32_t)line, va))
			return true;
		if (f < 0)
			dbg_error(d, "No line table in the program: use *ADDRESS.");
		else
			dbg_error(d, "No line %llu in the current file \"%s\".", (unsigned long long)line,
				  d->img->files[f]);
		return false;
	}
	if (isdigit((unsigned char)*t)) {
		if (dbg_expr(d, t, EXPR_ADDR, va, err, sizeof err))
			return true;
		dbg_error(d, "%s", err);
		return false;
	}
	sym = dbg_symbol_find(d, t, &d->loc_asid);
	if (sym) {
		*va = sym->value;
		return true;
	}
	dbg_error(d, "No symbol \"%s\" in the program.", t);
	return false;
}

/* Options before a location: -p, -phys, -asid N. */
static bool break_options(struct dbg *d, const char **p, bool *phys, int *asid)
{
	char word[32];

	*phys = false;
	*asid = -1;
	for (;;) {
		const char *s = dbg_skip_ws(*p), *q = s;
		if (*s != '-' || !dbg_next_word(&q, word, sizeof word))
			return true;
		if (!strcmp(word, "-p") || !strcmp(word, "-phys")) {
			*phys = true;
		} else if (!strcmp(word, "-asid")) {
			uint64_t n;
			if (!dbg_next_word(&q, word, sizeof word) || !dbg_parse_count(word, &n) || n > ASID_MASK) {
				dbg_error(d, "-asid needs an address-space id from 0 to %u", ASID_MASK);
				return false;
			}
			*asid = (int)n;
		} else {
			dbg_error(d, "Unknown option %s (options: -p, -asid N)", word);
			return false;
		}
		*p = q;
	}
}

static int set_break(struct dbg *d, const char *args, bool temporary)
{
	struct dbg_bp proto;
	const char *p = args, *cond;
	char *loc, sym[96], *c;
	uint32_t va;
	bool phys;
	int asid;

	if (!break_options(d, &p, &phys, &asid))
		return DBG_ERROR;
	d->loc_asid = -1;
	if (dbg_is_blank(p)) {
		if (!dbg_machine_alive(d, true))
			return DBG_ERROR;
		p = "*$pc"; /* gdb: break with no argument = here */
	}
	loc = split_if(p, &cond);
	if (!loc)
		return dbg_error(d, "out of memory");
	if (!dbg_parse_location(d, loc, &va))
		goto fail;
	if (asid < 0 && !phys)
		asid = d->loc_asid; /* a name from an add-symbol-file -asid N table */
	if (va & 3) {
		dbg_error(d, "Address 0x%08x is not 4-byte aligned: no instruction starts there.", va);
		goto fail;
	}
	if (phys && (uint64_t)va + 4 > machine_mem_bytes(d->m)) {
		dbg_error(d, "Physical address 0x%08x is not in RAM.", va);
		goto fail;
	}
	if (!take_cond(d, cond, &c))
		goto fail;
	proto = (struct dbg_bp){ .kind = BP_BREAK, .temporary = temporary, .what = loc, .cond = c,
				 .phys = phys, .addr = va, .asid = asid };
	struct dbg_bp *b = dbg_bp_add(d, &proto);
	if (!b)
		return DBG_ERROR;
	disasm_symbolize(dbg_image_at(d, va), va, sym, sizeof sym);
	dbg_printf(d, "%s %d at %s0x%08x%s%s", temporary ? "Temporary breakpoint" : "Breakpoint", b->num,
		   phys ? "physical " : "", va, sym[0] ? " " : "", sym);
	const char *file;
	uint32_t line;
	if (!phys && dbg_line_of(d, va, &file, &line))
		dbg_printf(d, ": %s:%u", file, line);
	if (asid >= 0)
		dbg_printf(d, " (asid %d only)", asid);
	if (b->vm >= 0)
		dbg_printf(d, " (vm%d only)", b->vm);
	if (!phys && b->npas == 0)
		dbg_printf(d, " (not mapped yet)");
	dbg_printf(d, ".\n");
	return DBG_OK;
fail:
	free(loc);
	return DBG_ERROR;
}

int dbgc_break(struct dbg *d, const char *args, const char *fmt)
{
	return set_break(d, args, false);
}

int dbgc_tbreak(struct dbg *d, const char *args, const char *fmt)
{
	return set_break(d, args, true);
}

static const char *watch_title(enum watch_kind k)
{
	return k == WATCH_READ ? "Read watchpoint" : k == WATCH_ACCESS ? "Access watchpoint" : "Watchpoint";
}

static int set_watch(struct dbg *d, const char *args, enum watch_kind kind)
{
	struct dbg_bp proto;
	const char *p = args, *cond, *end;
	char err[256], why[160], *spec, *c;
	uint32_t addr, len = 4, pa;
	bool phys;
	int asid;

	if (!break_options(d, &p, &phys, &asid))
		return DBG_ERROR;
	if (asid >= 0)
		return dbg_error(d, "-asid is for breakpoints; a watchpoint watches physical memory");
	spec = split_if(p, &cond);
	if (!spec)
		return dbg_error(d, "out of memory");
	/* as in gdb, what is watched is an lvalue: `watch *0x2000`, `watch
	 * counter`, `watch {b}ADDR`; a plain number is an address, as before */
	struct dbg_lval lv;
	if (!dbg_expr_lval(d, spec, EXPR_ADDR, &addr, &lv, &end, err, sizeof err) ||
	    (!dbg_is_blank(end) && !dbg_expr(d, end, 0, &len, err, sizeof err))) {
		free(spec);
		return dbg_error(d, "%s", err);
	}
	bool len_given = !dbg_is_blank(end);
	free(spec);
	if (lv.kind == LV_VMEM || lv.kind == LV_PMEM) {
		addr = lv.addr;
		phys |= lv.kind == LV_PMEM;
		if (!len_given)
			len = lv.size;
	} else if (lv.kind == LV_LABEL) {
		addr = lv.addr;
	} else if (lv.kind != LV_NONE) {
		return dbg_error(d, "Cannot watch a register: watch memory (catch ring, display $REG).");
	}
	if (len == 0 || len > WATCH_MAX_LEN)
		return dbg_error(d, "A watchpoint covers 1 to %u bytes, not %u.", WATCH_MAX_LEN, len);
	if ((addr & PAGE_MASK) + len > PAGE_SIZE)
		return dbg_error(d, "A watchpoint cannot cross a page boundary (0x%08x + %u).", addr, len);
	if (phys)
		pa = addr;
	else if (!dbg_translate(d, addr, &pa, why, sizeof why))
		return dbg_error(d, "Cannot watch 0x%08x: %s.", addr, why);
	if ((uint64_t)pa + len > machine_mem_bytes(d->m))
		return dbg_error(d, "Cannot watch 0x%08x: physical 0x%08x is not RAM (for devices use catch device).",
				 addr, pa);
	if (!take_cond(d, cond, &c))
		return DBG_ERROR;
	char what[64];
	snprintf(what, sizeof what, "%s0x%08x", phys ? "pa " : "", addr);
	proto = (struct dbg_bp){ .kind = BP_WATCH, .what = dbg_strdup(what), .cond = c, .wkind = kind,
				 .wphys = phys, .wva = addr, .wpa = pa, .len = len };
	struct dbg_bp *b = dbg_bp_add(d, &proto);
	if (!b)
		return DBG_ERROR;
	if (phys)
		dbg_printf(d, "%s %d: %u byte%s at physical 0x%08x\n", watch_title(kind), b->num, len,
			   len == 1 ? "" : "s", pa);
	else
		dbg_printf(d, "%s %d: %u byte%s at 0x%08x (pa 0x%08x)\n", watch_title(kind), b->num, len,
			   len == 1 ? "" : "s", addr, pa);
	return DBG_OK;
}

int dbgc_watch(struct dbg *d, const char *args, const char *fmt)
{
	return set_watch(d, args, WATCH_WRITE);
}

int dbgc_rwatch(struct dbg *d, const char *args, const char *fmt)
{
	return set_watch(d, args, WATCH_READ);
}

int dbgc_awatch(struct dbg *d, const char *args, const char *fmt)
{
	return set_watch(d, args, WATCH_ACCESS);
}

static int cause_lookup(const char *word)
{
	uint64_t n;
	size_t len = strlen(word);

	if (dbg_parse_count(word, &n))
		return n < TRAP_NCAUSES ? (int)n : -1;
	for (unsigned c = 0; c < TRAP_NCAUSES; c++)
		if (!strncmp(isa_cause_name(c), word, len))
			return (int)c;
	return -1;
}

int dbg_catch_parse(struct dbg *d, const char *args, struct dbg_bp *bp)
{
	const char *cond, *p;
	char word[64], extra[64], what[96], *spec = split_if(args, &cond);
	int kind = -1;

	if (!spec)
		return dbg_error(d, "out of memory");
	p = spec;
	if (!dbg_next_word(&p, word, sizeof word)) {
		free(spec);
		return dbg_error(d, "Which event? trap [CAUSE], syscall, interrupt, pagefault, ring, device [NAME], vmexit");
	}
	if (!strcmp(word, "page-fault"))
		snprintf(word, sizeof word, "pagefault");
	for (int k = 0; k < CATCH_KINDS; k++)
		if (!strncmp(dbg_catch_names[k], word, strlen(word)) && kind < 0)
			kind = k;
	*bp = (struct dbg_bp){ .kind = BP_CATCH, .cause = -1, .dev = -1 };
	snprintf(what, sizeof what, "%s", kind >= 0 ? dbg_catch_names[kind] : "");
	bool have_extra = dbg_next_word(&p, extra, sizeof extra);
	int r = DBG_OK;
	if (kind < 0) {
		r = dbg_error(d, "Unknown event \"%s\": trap [CAUSE], syscall, interrupt, pagefault, ring, "
			      "device [NAME], vmexit", word);
	} else if (kind == CATCH_VMEXIT) {
		r = dbg_vm_catch_parse(d, have_extra ? extra : NULL, bp, what, sizeof what);
	} else if (kind == CATCH_TRAP && have_extra) {
		bp->cause = cause_lookup(extra);
		if (bp->cause < 0)
			r = dbg_error(d, "Unknown trap cause \"%s\" (0-8 or a name: syscall, page-fault, ...)", extra);
		else
			snprintf(what, sizeof what, "trap %s", isa_cause_name((unsigned)bp->cause));
	} else if (kind == CATCH_DEVICE && have_extra) {
		const char *name;
		uint32_t base, size;
		for (unsigned i = 0; machine_device_info(d->m, i, &name, &base, &size); i++)
			if (!strcmp(name, extra))
				bp->dev = (int)i;
		if (bp->dev < 0)
			r = dbg_error(d, "No device \"%s\" (see info devices)", extra);
		else
			snprintf(what, sizeof what, "device %s", extra);
	} else if (have_extra) {
		r = dbg_error(d, "catch %s takes no argument (\"%s\")", dbg_catch_names[kind], extra);
	}
	if (r == DBG_OK && dbg_next_word(&p, extra, sizeof extra))
		r = dbg_error(d, "Junk at the end of the event: \"%s\"", extra);
	free(spec);
	if (r != DBG_OK || !take_cond(d, cond, &bp->cond))
		return DBG_ERROR;
	bp->ckind = (enum catch_kind)kind;
	bp->what = dbg_strdup(what);
	return DBG_OK;
}

int dbgc_catch(struct dbg *d, const char *args, const char *fmt)
{
	struct dbg_bp proto, *b;

	if (dbg_catch_parse(d, args, &proto) != DBG_OK)
		return DBG_ERROR;
	b = dbg_bp_add(d, &proto);
	if (!b)
		return DBG_ERROR;
	dbg_printf(d, "Catchpoint %d (%s)%s\n", b->num, b->what,
		   b->ckind == CATCH_RING ? ": the machine now runs one instruction at a time" : "");
	return DBG_OK;
}

/* ---- delete, enable, disable, condition, ignore ---------------------------------------- */

static void do_delete(struct dbg *d, struct dbg_bp *b);

/* Apply fn to each breakpoint listed ("1 3 5-7"), or to all of them. */
static int for_each_listed(struct dbg *d, const char *args, void (*fn)(struct dbg *, struct dbg_bp *))
{
	char word[32];
	const char *p = args;

	if (dbg_is_blank(args)) {
		if (fn == do_delete && d->confirm && d->ask && d->nbps &&
		    !d->ask(d->ask_ctx, "Delete all breakpoints? "))
			return DBG_OK;
		for (size_t i = d->nbps; i-- > 0;)
			fn(d, d->bps[i]);
		dbg_bp_refresh(d);
		return DBG_OK;
	}
	while (dbg_next_word(&p, word, sizeof word)) {
		char first[32], *dash;
		uint64_t lo, hi;
		snprintf(first, sizeof first, "%s", word);
		if (!strcmp(first, "$bpnum")) /* the last one set (save breakpoints) */
			snprintf(first, sizeof first, "%d", d->next_num - 1);
		dash = strchr(first, '-');
		if (dash)
			*dash = '\0';
		if (!dbg_parse_count(first, &lo) || (dash ? !dbg_parse_count(dash + 1, &hi) : (hi = lo, false)) ||
		    hi < lo)
			return dbg_error(d, "Bad breakpoint %s \"%s\"", dash ? "range" : "number", word);
		for (uint64_t n = lo; n <= hi; n++) {
			struct dbg_bp *b = find_bp(d, (int)n);
			if (!b)
				return dbg_error(d, "No breakpoint number %llu.", (unsigned long long)n);
			fn(d, b);
		}
	}
	dbg_bp_refresh(d);
	return DBG_OK;
}

static void do_delete(struct dbg *d, struct dbg_bp *b)
{
	dbg_bp_delete(d, b->num);
}

static void do_enable(struct dbg *d, struct dbg_bp *b)
{
	b->enabled = true;
}

static void do_disable(struct dbg *d, struct dbg_bp *b)
{
	b->enabled = false;
}

int dbgc_delete(struct dbg *d, const char *args, const char *fmt)
{
	return for_each_listed(d, args, do_delete);
}

int dbgc_enable(struct dbg *d, const char *args, const char *fmt)
{
	return for_each_listed(d, args, do_enable);
}

int dbgc_disable(struct dbg *d, const char *args, const char *fmt)
{
	return for_each_listed(d, args, do_disable);
}

static struct dbg_bp *bp_arg(struct dbg *d, const char **p)
{
	char word[32];
	uint64_t n;
	struct dbg_bp *b;

	if (!dbg_next_word(p, word, sizeof word)) {
		dbg_error(d, "Argument required (breakpoint number).");
		return NULL;
	}
	if (!strcmp(word, "$bpnum"))
		snprintf(word, sizeof word, "%d", d->next_num - 1);
	if (!dbg_parse_count(word, &n)) {
		dbg_error(d, "Bad breakpoint number \"%s\"", word);
		return NULL;
	}
	b = find_bp(d, (int)n);
	if (!b)
		dbg_error(d, "No breakpoint number %llu.", (unsigned long long)n);
	return b;
}

int dbgc_condition(struct dbg *d, const char *args, const char *fmt)
{
	const char *p = args;
	struct dbg_bp *b = bp_arg(d, &p);
	char *c;

	if (!b)
		return DBG_ERROR;
	if (dbg_is_blank(p)) {
		free(b->cond);
		b->cond = NULL;
		dbg_printf(d, "Breakpoint %d now unconditional.\n", b->num);
		return DBG_OK;
	}
	if (!take_cond(d, p, &c))
		return DBG_ERROR;
	free(b->cond);
	b->cond = c;
	return DBG_OK;
}

int dbgc_ignore(struct dbg *d, const char *args, const char *fmt)
{
	const char *p = args;
	struct dbg_bp *b = bp_arg(d, &p);
	uint64_t n;

	if (!b)
		return DBG_ERROR;
	if (!dbg_parse_count(p, &n) || n > UINT32_MAX)
		return dbg_error(d, "Argument required (a count of crossings to ignore).");
	b->ignore = (unsigned)n;
	if (n == 0)
		dbg_printf(d, "Will stop next time breakpoint %d is reached.\n", b->num);
	else
		dbg_printf(d, "Will ignore next %llu crossings of breakpoint %d.\n", (unsigned long long)n, b->num);
	return DBG_OK;
}

/* ---- info breakpoints and stop reports ------------------------------------------------------ */

static const char *bp_type(const struct dbg_bp *b)
{
	return b->kind == BP_BREAK ? "breakpoint"
	       : b->kind == BP_CATCH ? "catchpoint"
	       : b->wkind == WATCH_READ ? "read watchpoint"
	       : b->wkind == WATCH_ACCESS ? "acc watchpoint" : "watchpoint";
}

size_t dbg_bp_count(const struct dbg *d)
{
	return d->nbps;
}

void dbg_bp_get(const struct dbg *d, size_t i, struct dbg_bp_info *info)
{
	const struct dbg_bp *b = d->bps[i];

	*info = (struct dbg_bp_info){
		.num = b->num, .type = bp_type(b), .what = b->what, .cond = b->cond,
		.enabled = b->enabled, .temporary = b->temporary,
		.phys = b->kind == BP_BREAK ? b->phys : b->wphys,
		.addr = b->kind == BP_BREAK ? b->addr : b->wphys ? b->wpa : b->wva,
		.asid = b->kind == BP_BREAK ? b->asid : -1, .hits = b->hits, .ignore = b->ignore,
	};
}

int dbg_bp_last(const struct dbg *d)
{
	return d->next_num - 1;
}

int dbgi_break(struct dbg *d, const char *args)
{
	char sym[96];

	if (!d->nbps) {
		dbg_printf(d, "No breakpoints, watchpoints or catchpoints.\n");
		return DBG_OK;
	}
	dbg_printf(d, "Num  Type              Disp Enb Address     What\n");
	for (size_t i = 0; i < d->nbps; i++) {
		const struct dbg_bp *b = d->bps[i];
		const char *type = bp_type(b);
		dbg_printf(d, "%-4d %-17s %-4s %-3s ", b->num, type, b->temporary ? "del" : "keep",
			   b->enabled ? "y" : "n");
		if (b->kind == BP_BREAK) {
			const char *file;
			uint32_t line;
			disasm_symbolize(dbg_image_at(d, b->addr), b->addr, sym, sizeof sym);
			dbg_printf(d, "0x%08x  %s", b->addr, sym[0] ? sym : b->what);
			if (!b->phys && dbg_line_of(d, b->addr, &file, &line))
				dbg_printf(d, " at %s:%u", file, line);
			if (b->phys)
				dbg_printf(d, " (physical)");
			if (b->asid >= 0)
				dbg_printf(d, " (asid %d only)", b->asid);
			if (b->vm >= 0)
				dbg_printf(d, " (vm%d only)", b->vm);
		} else if (b->kind == BP_WATCH) {
			dbg_printf(d, "0x%08x  %u byte%s", b->wphys ? b->wpa : b->wva, b->len, b->len == 1 ? "" : "s");
			if (b->wphys)
				dbg_printf(d, " (physical)");
			else
				dbg_printf(d, " (pa 0x%08x)", b->wpa);
		} else {
			dbg_printf(d, "            %s", b->what);
		}
		dbg_printf(d, "\n");
		if (b->hits)
			dbg_printf(d, "\tbreakpoint already hit %u time%s\n", b->hits, b->hits == 1 ? "" : "s");
		if (b->cond)
			dbg_printf(d, "\tstop only if %s\n", b->cond);
		if (b->ignore)
			dbg_printf(d, "\tignore next %u hits\n", b->ignore);
	}
	return DBG_OK;
}

static void show_bytes(struct dbg *d, const char *label, const uint8_t *b, uint32_t len)
{
	uint32_t v = 0;

	dbg_printf(d, "%s = ", label);
	if (len == 1 || len == 2 || len == 4) {
		char text[64];
		memcpy(&v, b, len); /* the host is little-endian like the guest */
		dbg_format_value(v, 0, text, sizeof text);
		dbg_printf(d, "%s\n", text);
		return;
	}
	for (uint32_t i = 0; i < len; i++)
		dbg_printf(d, "%s%02x", i ? " " : "", b[i]);
	dbg_printf(d, "\n");
}

void dbg_report_bp(struct dbg *d, const struct dbg_stop *s)
{
	char sym[96], text[96];

	switch (s->kind) {
	case SK_BREAK:
		disasm_symbolize(dbg_image_at(d, s->pc), s->pc, sym, sizeof sym);
		dbg_printf(d, "%s %d, 0x%08x%s%s\n", s->temporary ? "Temporary breakpoint" : "Breakpoint",
			   s->num, s->pc, sym[0] ? " " : "", sym);
		break;
	case SK_WATCH: {
		struct dbg_bp *b = find_bp(d, s->num);
		dbg_printf(d, "%s %d: %u byte%s at %s, %s by the instruction at 0x%08x\n",
			   watch_title(b ? b->wkind : WATCH_WRITE), s->num, s->wlen, s->wlen == 1 ? "" : "s", s->what,
			   s->write ? "written" : "read", s->pc);
		if (s->write && s->changed) {
			show_bytes(d, "Old value", s->oldb, s->wlen);
			show_bytes(d, "New value", s->newb, s->wlen);
		} else {
			show_bytes(d, "Value", s->newb, s->wlen);
		}
		break;
	}
	case SK_CATCH:
		dbg_printf(d, "%s %d (%s): ", s->temporary ? "Temporary catchpoint" : "Catchpoint", s->num,
			   s->what);
		if (s->ckind == CATCH_RING) {
			dbg_printf(d, "ring %u -> ring %u\n", s->from_ring, s->to_ring);
		} else if (s->ckind == CATCH_VMEXIT) {
			dbg_vm_report_catch(d, s);
		} else if (s->ckind == CATCH_DEVICE) {
			const char *dev = dbg_device_name_at(d, s->addr);
			dbg_printf(d, "%s %s 0x%08x at pa 0x%08x, by the instruction at 0x%08x\n",
				   dev ? dev : "device", s->write ? "write" : "read", s->value, s->addr, s->pc);
		} else {
			dbg_printf(d, "%s from ring %u, epc 0x%08x", dbg_cause_text(s->cause, text, sizeof text),
				   s->from_ring, s->pc);
			if (CAUSE_CODE(s->cause) == TRAP_PAGE_FAULT || CAUSE_CODE(s->cause) == TRAP_ALIGN ||
			    CAUSE_CODE(s->cause) == TRAP_BUS_ERROR)
				dbg_printf(d, ", badva 0x%08x", s->badva);
			dbg_printf(d, " -> ring %u\n", s->to_ring);
		}
		break;
	default:
		break;
	}
	if (s->temporary)
		dbg_bp_delete(d, s->num);
}

/* ---- save breakpoints ---------------------------------------------------------------------- */

/* Commands that set every breakpoint, watchpoint and catchpoint again,
 * with its condition, ignore count and enabled state; $bpnum is the one
 * just set.  Read back with `source FILE`. */
int dbg_bp_save(struct dbg *d, const char *path)
{
	static const char *const wnames[] = { "watch", "rwatch", "awatch" };
	FILE *f;

	if (!*path)
		return dbg_error(d, "save breakpoints needs a file name (save breakpoints FILE)");
	f = fopen(path, "w");
	if (!f)
		return dbg_error(d, "%s: cannot write the file", path);
	fprintf(f, "# breakpoints saved by vmlab debug; read them with: source %s\n", path);
	for (size_t i = 0; i < d->nbps; i++) {
		const struct dbg_bp *b = d->bps[i];
		if (b->kind == BP_BREAK)
			fprintf(f, "%s%s", b->temporary ? "tbreak" : "break", b->phys ? " -p" : "");
		if (b->kind == BP_BREAK && b->asid >= 0)
			fprintf(f, " -asid %d", b->asid);
		if (b->kind == BP_BREAK)
			fprintf(f, " %s", b->what);
		else if (b->kind == BP_WATCH)
			fprintf(f, "%s%s 0x%08x %u", wnames[b->wkind], b->wphys ? " -p" : "",
				b->wphys ? b->wpa : b->wva, b->len);
		else
			fprintf(f, "catch %s", b->what);
		fprintf(f, "%s%s\n", b->cond ? " if " : "", b->cond ? b->cond : "");
		if (b->ignore)
			fprintf(f, "ignore $bpnum %u\n", b->ignore);
		if (!b->enabled)
			fprintf(f, "disable $bpnum\n");
	}
	if (fclose(f) != 0)
		return dbg_error(d, "%s: cannot write the file", path);
	dbg_printf(d, "Saved to file '%s'.\n", path);
	return DBG_OK;
}
