/*
 * mem.c -- physical RAM and the pre-decoded copies of code pages.
 *
 * RAM is one anonymous private mapping: the host kernel gives a page only
 * when the guest first touches it, so a 3 GiB machine that uses 1 MiB costs
 * 1 MiB.  Per RAM page the host keeps a struct ppage: its decoded code, if
 * it was ever executed, and whether a tool watches it.
 */
#include "machine_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

bool mem_init(struct machine *m, char *err, size_t errlen)
{
	size_t npages = m->mem_bytes / PAGE_SIZE;

	m->ram = mmap(NULL, m->mem_bytes, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		snprintf(err, errlen, "cannot reserve %u bytes of guest RAM: %s",
			 m->mem_bytes, strerror(errno));
		return false;
	}
	m->pages = calloc(npages, sizeof *m->pages);
	if (!m->pages) {
		snprintf(err, errlen, "out of memory for the page table of %zu pages", npages);
		return false;
	}
	return true;
}

void mem_free(struct machine *m)
{
	if (m->pages) {
		for (size_t i = 0; i < m->mem_bytes / PAGE_SIZE; i++)
			free(m->pages[i].code);
		free(m->pages);
	}
	if (m->ram)
		munmap(m->ram, m->mem_bytes);
}

/* Slot i changed: its fast handler, and that of slot i-1 (which may have
 * been fused with it), follow. */
static void relink(struct machine *m, struct dpage *dp, unsigned i)
{
	cpu_fast_link(m, dp, i);
	if (i > 0)
		cpu_fast_link(m, dp, i - 1);
}

void mem_decode_slot(struct machine *m, struct dpage *dp, unsigned i, uint32_t word)
{
	struct dinsn *d = &dp->insn[i];
	struct isa_insn in;

	isa_decode(word, &in); /* an illegal word decodes as OP_INVALID */
	d->op = (uint8_t)in.op;
	d->rd = in.rd ? in.rd : ISA_NREGS;
	d->rs1 = in.rs1;
	d->rs2 = in.rs2;
	d->imm = in.imm;
	if (in.op != OP_INVALID) {
		enum isa_format f = isa_info(in.op)->format;
		if (f == FMT_B || f == FMT_J) { /* rd unused: where the target is */
			d->rd = (uint32_t)((int64_t)i + in.imm) < DPAGE_SLOTS ? DINSN_IN_PAGE : 0;
			/* in bytes of decoded code from the next slot: ip + 1 +
			 * imm is the target's slot with no scaling, and a taken
			 * branch's count moves by -imm (|imm| < 2^24: it fits) */
			d->imm = (in.imm - 1) * (int32_t)sizeof(struct dinsn);
		}
	}
	relink(m, dp, i);
}

void mem_slot_op(struct machine *m, struct dpage *dp, unsigned i, unsigned op)
{
	/* Every change of op relinks, so a slot that has op already is linked
	 * with its neighbours: the common store into data that sits beside
	 * code (a slot never decoded, OP_DECODE) costs no relink. */
	if (dp->insn[i].op == op)
		return;
	dp->insn[i].op = (uint8_t)op;
	relink(m, dp, i);
}

bool mem_is_break(const struct machine *m, uint32_t pa)
{
	if (!m->pages[pa >> PAGE_SHIFT].breaks)
		return false;
	for (int i = 0; i < m->nbreaks; i++)
		if (m->breaks[i] == pa)
			return true;
	return false;
}

void mem_decode_at(struct machine *m, struct dpage *dp, uint32_t pa, uint32_t word)
{
	mem_decode_slot(m, dp, (pa & PAGE_MASK) >> 2, word);
	if (mem_is_break(m, pa))
		mem_slot_op(m, dp, (pa & PAGE_MASK) >> 2, OP_BKPT);
}

/* Set the op of the decoded slot of pa, if its page was ever decoded. */
static void slot_set(struct machine *m, uint32_t pa, unsigned op)
{
	struct dpage *dp = m->pages[pa >> PAGE_SHIFT].code;

	if (dp)
		mem_slot_op(m, dp, (pa & PAGE_MASK) >> 2, op);
}

bool machine_break_insert(struct machine *m, uint32_t pa)
{
	if ((pa & 3) || !mem_is_ram(m, pa, 4))
		return false;
	if (mem_is_break(m, pa))
		return true;
	if (m->nbreaks == MAX_BREAKS)
		return false;
	m->breaks[m->nbreaks++] = pa;
	m->pages[pa >> PAGE_SHIFT].breaks++;
	slot_set(m, pa, OP_BKPT);
	return true;
}

void machine_break_remove(struct machine *m, uint32_t pa)
{
	for (int i = 0; i < m->nbreaks; i++) {
		if (m->breaks[i] != pa)
			continue;
		m->breaks[i] = m->breaks[--m->nbreaks];
		m->pages[pa >> PAGE_SHIFT].breaks--;
		slot_set(m, pa, OP_DECODE); /* decoded afresh, without the breakpoint */
		return;
	}
}

/* The first execution of a page: give it its decoded copy.  Apart from
 * mem_code_page so that the common case (it has one) stays a leaf. */
static __attribute__((noinline)) struct dpage *code_page_create(struct machine *m, uint32_t pfn)
{
	struct ppage *p = &m->pages[pfn];

	p->code = malloc(sizeof *p->code);
	if (!p->code)
		return NULL;
	for (unsigned i = 0; i < DPAGE_SLOTS; i++)
		p->code->insn[i] = (struct dinsn){ .op = OP_DECODE };
	p->code->insn[DPAGE_SLOTS] = (struct dinsn){ .op = OP_PAGE_END };
	for (unsigned i = 0; i <= DPAGE_SLOTS; i++)
		cpu_fast_link(m, p->code, i);
	/* From now on stores to this page must keep it exact. */
	mmu_ftlb_mark_code(m, pfn);
	return p->code;
}

struct dpage *mem_code_page(struct machine *m, uint32_t pfn)
{
	struct dpage *dp = m->pages[pfn].code;

	return dp ? dp : code_page_create(m, pfn);
}

void mem_code_written(struct machine *m, uint32_t pa, uint32_t len)
{
	uint32_t end = pa + len; /* caller checked [pa, pa+len) is RAM */

	for (uint32_t a = pa & ~3u; a < end;) {
		struct dpage *dp = m->pages[a >> PAGE_SHIFT].code;
		if (!dp) { /* no code here: skip to the next page */
			a = (a | PAGE_MASK) + 1;
			continue;
		}
		mem_slot_op(m, dp, (a & PAGE_MASK) >> 2, OP_DECODE);
		m->stats.code_writes++;
		a += 4;
	}
}

bool machine_phys_read(struct machine *m, uint32_t pa, void *buf, uint32_t len)
{
	if (!mem_is_ram(m, pa, len))
		return false;
	if (len) /* buf may be NULL when len is 0 (an empty segment) */
		memcpy(buf, m->ram + pa, len);
	return true;
}

bool machine_phys_write(struct machine *m, uint32_t pa, const void *buf, uint32_t len)
{
	if (!mem_is_ram(m, pa, len))
		return false;
	if (len) { /* buf may be NULL when len is 0 (an empty segment) */
		memcpy(m->ram + pa, buf, len);
		mem_code_written(m, pa, len);
	}
	return true;
}

/* ---- watched ranges ----------------------------------------------------
 * Physical ranges mark their pages, which then never get a fast TLB entry;
 * virtual ranges are checked where a fast entry is filled (mmu.c), by the
 * virtual page the entry would serve.  Either way the slow path of a load
 * or store (cpu_trap.c) decides from the lists whether to report it. */

static bool watch_list_add(struct watch_list *w, uint32_t lo, uint32_t hi)
{
	if (w->n == MAX_WATCHES)
		return false;
	w->r[w->n].lo = lo;
	w->r[w->n].hi = hi;
	w->n++;
	return true;
}

/* Drop every copy of [lo, hi]. */
static void watch_list_remove(struct watch_list *w, uint32_t lo, uint32_t hi)
{
	for (int i = 0; i < w->n;) {
		if (w->r[i].lo == lo && w->r[i].hi == hi)
			w->r[i] = w->r[--w->n];
		else
			i++;
	}
}

bool watch_list_hit(const struct watch_list *w, uint32_t a, uint32_t size)
{
	for (int i = 0; i < w->n; i++)
		if (a <= w->r[i].hi && a + size - 1 >= w->r[i].lo)
			return true;
	return false;
}

static void mark_watched(struct machine *m, uint32_t lo, uint32_t hi, bool on)
{
	for (uint32_t p = lo >> PAGE_SHIFT; p <= hi >> PAGE_SHIFT; p++)
		m->pages[p].watched = on;
}

bool machine_watch(struct machine *m, uint32_t lo, uint32_t hi)
{
	if (hi < lo || lo >= m->mem_bytes)
		return false;
	if (hi >= m->mem_bytes)
		hi = m->mem_bytes - 1;
	if (!watch_list_add(&m->pwatch, lo, hi))
		return false;
	mark_watched(m, lo, hi, true);
	mmu_ftlb_flush(m);
	return true;
}

void machine_unwatch(struct machine *m, uint32_t lo, uint32_t hi)
{
	if (hi < lo || lo >= m->mem_bytes)
		return;
	if (hi >= m->mem_bytes)
		hi = m->mem_bytes - 1;
	watch_list_remove(&m->pwatch, lo, hi);
	mark_watched(m, lo, hi, false);
	for (int i = 0; i < m->pwatch.n; i++) /* pages other ranges still need */
		mark_watched(m, m->pwatch.r[i].lo, m->pwatch.r[i].hi, true);
}

bool machine_watch_va(struct machine *m, uint32_t lo, uint32_t hi)
{
	if (hi < lo || !watch_list_add(&m->vwatch, lo, hi))
		return false;
	mmu_ftlb_flush(m); /* no fast entry may serve a watched virtual page */
	return true;
}

void machine_unwatch_va(struct machine *m, uint32_t lo, uint32_t hi)
{
	/* fast entries come back as the slow path refills them */
	watch_list_remove(&m->vwatch, lo, hi);
}
