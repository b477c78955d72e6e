/*
 * snapshot.c -- the whole state of a machine as bytes, and back.
 *
 * What a snapshot holds and what it leaves out is written down in
 * machine.h ("snapshots").  The payload is a sequence of sections, each
 * field written one by one in little-endian order (never a struct image,
 * so padding and the host's layout never leak into files):
 *
 *   config   variant, RAM size, TLB size, the names of the devices
 *   cpu      r0..r15, pc, psw, control registers, instret, penalty,
 *            the last trap entry (double-fault detection), halted
 *   machine  interrupt lines and enables, device timers (when, armed),
 *            stop state and fatal report, seed, idle cycles, statistics
 *   tlb      every architectural entry, valid or not
 *   ram      the pages that are not all zero: (frame, 4096 bytes) in
 *            increasing frame order, so equal RAM gives equal bytes
 *   devices  per device, a length and what its dev_ops.save wrote
 *
 * Restoring parses and checks the whole payload before it touches the
 * machine, then writes the state and drops the host's caches: the fast TLB
 * and the instruction buffer are flushed, and the decoded slots of every
 * code page whose bytes changed go back to OP_DECODE (breakpoints re-patch
 * themselves when those slots are decoded again).
 *
 * Saving only non-zero pages needs to know which pages the guest ever
 * touched without reading the rest (reading an untouched page of the lazy
 * RAM mapping costs little, but 4096 of them per checkpoint add up).  The
 * host's page map says which pages are present or swapped out; the others
 * were never written and read as zero.  Without /proc/self/pagemap every
 * page is examined.
 */
#include "machine_priv.h"
#include "hostfile.h"
#include "image.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char snap_magic[8] = { 'V', 'M', 'L', 'A', 'B', 'C', 'K', 'P' };
#define FILE_HEADER_BYTES 28u

enum { SEC_CONFIG, SEC_CPU, SEC_MACHINE, SEC_TLB, SEC_RAM, SEC_DEVICES, SEC_COUNT };
static const char *const sec_name[SEC_COUNT] = {
	"configuration", "cpu", "machine", "tlb", "ram", "devices",
};

struct machine_state {
	uint8_t *data; /* the payload                */
	size_t len;    /* its size in bytes          */
};

/* ---- writer and reader ------------------------------------------------ */

struct snap_writer {
	uint8_t *buf;
	size_t len, cap;
	bool oom;      /* an allocation failed: the result is unusable */
};

struct snap_reader {
	const uint8_t *p;
	size_t left;
};

void snap_put(struct snap_writer *w, const void *bytes, size_t n)
{
	if (w->oom || n == 0)
		return;
	if (n > w->cap - w->len) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap - w->len < n)
			cap *= 2;
		uint8_t *nb = realloc(w->buf, cap);
		if (!nb) {
			w->oom = true;
			return;
		}
		w->buf = nb;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, bytes, n);
	w->len += n;
}

void snap_put_u8(struct snap_writer *w, uint8_t v)
{
	snap_put(w, &v, 1);
}

void snap_put_u32(struct snap_writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	snap_put(w, b, 4);
}

void snap_put_u64(struct snap_writer *w, uint64_t v)
{
	snap_put_u32(w, (uint32_t)v);
	snap_put_u32(w, (uint32_t)(v >> 32));
}

bool snap_get(struct snap_reader *r, void *bytes, size_t n)
{
	if (n > r->left)
		return false;
	if (bytes)
		memcpy(bytes, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

bool snap_get_u8(struct snap_reader *r, uint8_t *v)
{
	return snap_get(r, v, 1);
}

bool snap_get_u32(struct snap_reader *r, uint32_t *v)
{
	uint8_t b[4];

	if (!snap_get(r, b, 4))
		return false;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return true;
}

bool snap_get_u64(struct snap_reader *r, uint64_t *v)
{
	uint32_t lo, hi;

	if (!snap_get_u32(r, &lo) || !snap_get_u32(r, &hi))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

size_t snap_left(const struct snap_reader *r)
{
	return r->left;
}

static void put_bool(struct snap_writer *w, bool b)
{
	snap_put_u8(w, b ? 1 : 0);
}

static bool get_bool(struct snap_reader *r, bool *b)
{
	uint8_t v;

	if (!snap_get_u8(r, &v) || v > 1)
		return false;
	*b = v;
	return true;
}

static void put_str(struct snap_writer *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	snap_put_u32(w, (uint32_t)n);
	snap_put(w, s, n);
}

/* A string of the payload: pointer and length (not NUL-terminated). */
static bool get_str(struct snap_reader *r, const char **s, uint32_t *n)
{
	if (!snap_get_u32(r, n) || *n > r->left)
		return false;
	*s = (const char *)r->p;
	return snap_get(r, NULL, *n);
}

/* ---- the parsed form of a payload ------------------------------------- */

struct snap_trap { uint32_t cause, pc, psw, badva, insn; };

struct snap_view {
	size_t sec[SEC_COUNT + 1];     /* section offsets in the payload   */
	uint32_t variant, mem_bytes, tlb_entries, ndevices;
	const char *devname[MAX_DEVICES];
	uint32_t devname_len[MAX_DEVICES];
	/* cpu */
	uint32_t r[ISA_NREGS], pc, psw, cr[CR_COUNT];
	uint64_t instret, penalty, entry_instret;
	bool entry_valid, halted;
	struct snap_trap entry;
	/* machine */
	uint32_t irq_lines, irq_enabled, ntimers;
	uint64_t timer_when[MAX_TIMERS];
	bool timer_armed[MAX_TIMERS];
	uint32_t stop;
	bool stopping, dead;
	uint32_t exit_code;
	bool fatal_trap;
	uint32_t fatal_cause, fatal_pc, fatal_ring, fatal_badva;
	const char *reason;            /* NULL: no fatal report             */
	uint32_t reason_len;
	uint64_t seed, idle_cycles;
	uint64_t traps[TRAP_NCAUSES], tlb_misses, tlb_flushes, mmio_reads, mmio_writes, irqs_taken;
	/* tlb, ram, devices: where they are in the payload */
	const uint8_t *tlb;            /* tlb_entries records of 11 bytes  */
	uint32_t npages;
	const uint8_t *pages;          /* npages records: frame, 4096 bytes */
	const uint8_t *dev[MAX_DEVICES];
	uint32_t dev_len[MAX_DEVICES];
};
#define TLB_RECORD 11u
#define PAGE_RECORD (4u + PAGE_SIZE)

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void le64(uint8_t *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

/* ---- saving ------------------------------------------------------------ */

static bool page_is_zero(const uint8_t *p)
{
	uint64_t acc = 0, w;

	for (unsigned i = 0; i < PAGE_SIZE; i += 8) {
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	return acc == 0;
}

/* cand[i] = 1 if guest page i may hold something other than zeros. */
static uint8_t *ram_candidates(const struct machine *m)
{
	size_t npages = m->mem_bytes / PAGE_SIZE;
	uint8_t *cand = malloc(npages ? npages : 1);
	long hp = sysconf(_SC_PAGESIZE);
	int fd;

	if (!cand)
		return NULL;
	memset(cand, 1, npages);
	fd = hp > 0 ? open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return cand;
	/* Trust the map only if it shows a page surely present: this stack's. */
	volatile char probe = 0;
	uint64_t entry = 0;
	if (pread(fd, &entry, 8, (off_t)((uintptr_t)&probe / (uintptr_t)hp * 8)) != 8 ||
	    !(entry >> 63)) {
		close(fd);
		return cand;
	}
	uintptr_t start = (uintptr_t)m->ram / (uintptr_t)hp;
	uintptr_t end = ((uintptr_t)m->ram + m->mem_bytes + (uintptr_t)hp - 1) / (uintptr_t)hp;
	uint64_t chunk[512];
	memset(cand, 0, npages);
	for (uintptr_t v = start; v < end;) {
		size_t n = end - v < 512 ? end - v : 512;
		ssize_t got = pread(fd, chunk, n * 8, (off_t)(v * 8));
		if (got != (ssize_t)(n * 8)) { /* cannot tell: look at everything */
			memset(cand, 1, npages);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (!(chunk[i] >> 62)) /* neither present (63) nor swapped (62) */
				continue;
			/* guest pages overlapping host page v + i */
			uintptr_t lo = (v + i) * (uintptr_t)hp, hi = lo + (uintptr_t)hp;
			uintptr_t base = (uintptr_t)m->ram;
			size_t g0 = lo > base ? (lo - base) / PAGE_SIZE : 0;
			size_t g1 = (hi - base + PAGE_SIZE - 1) / PAGE_SIZE;
			for (size_t g = g0; g < g1 && g < npages; g++)
				cand[g] = 1;
		}
		v += n;
	}
	close(fd);
	return cand;
}

static void save_config(struct machine *m, struct snap_writer *w)
{
	snap_put_u32(w, (uint32_t)m->variant);
	snap_put_u32(w, m->mem_bytes);
	snap_put_u32(w, m->tlb_mask + 1);
	snap_put_u32(w, (uint32_t)m->ndevices);
	for (int i = 0; i < m->ndevices; i++)
		put_str(w, m->devices[i].ops->name);
}

static void put_trap(struct snap_writer *w, const struct trap_event *t)
{
	snap_put_u32(w, t->cause);
	snap_put_u32(w, t->pc);
	snap_put_u32(w, t->psw);
	snap_put_u32(w, t->badva);
	snap_put_u32(w, t->insn);
}

static void save_cpu(struct machine *m, struct snap_writer *w)
{
	const struct cpu *c = &m->cpu;

	for (unsigned i = 0; i < ISA_NREGS; i++)
		snap_put_u32(w, c->r[i]);
	snap_put_u32(w, c->pc);
	snap_put_u32(w, c->psw);
	for (unsigned i = 0; i < CR_COUNT; i++)
		snap_put_u32(w, c->cr[i]);
	snap_put_u64(w, c->instret);
	snap_put_u64(w, c->penalty);
	snap_put_u64(w, c->entry_instret);
	put_bool(w, c->entry_valid);
	put_trap(w, &c->entry);
	put_bool(w, c->halted);
}

static void save_machine(struct machine *m, struct snap_writer *w)
{
	snap_put_u32(w, m->irq_lines);
	snap_put_u32(w, m->irq_enabled);
	snap_put_u32(w, (uint32_t)m->ntimers);
	for (int i = 0; i < m->ntimers; i++) {
		snap_put_u64(w, m->timers[i].when);
		put_bool(w, m->timers[i].armed);
	}
	snap_put_u32(w, (uint32_t)m->stop);
	put_bool(w, m->stopping);
	put_bool(w, m->dead);
	snap_put_u32(w, (uint32_t)m->exit_code);
	put_bool(w, m->fatal.trap);
	snap_put_u32(w, m->fatal.cause);
	snap_put_u32(w, m->fatal.pc);
	snap_put_u32(w, m->fatal.ring);
	snap_put_u32(w, m->fatal.badva);
	put_bool(w, m->fatal.reason != NULL);
	put_str(w, m->fatal.reason);
	snap_put_u64(w, m->seed);
	snap_put_u64(w, m->idle_cycles);
	for (unsigned i = 0; i < TRAP_NCAUSES; i++)
		snap_put_u64(w, m->stats.traps[i]);
	snap_put_u64(w, m->stats.tlb_misses);
	snap_put_u64(w, m->stats.tlb_flushes);
	snap_put_u64(w, m->stats.mmio_reads);
	snap_put_u64(w, m->stats.mmio_writes);
	snap_put_u64(w, m->stats.irqs_taken);
}

static void save_tlb(struct machine *m, struct snap_writer *w)
{
	for (unsigned i = 0; i <= m->tlb_mask; i++) {
		const struct tlb_entry *e = &m->tlb[i];
		snap_put_u32(w, e->vpn);
		snap_put_u32(w, e->pfn);
		snap_put_u8(w, e->asid);
		snap_put_u8(w, e->flags);
		put_bool(w, e->valid);
	}
}

static bool save_ram(struct machine *m, struct snap_writer *w)
{
	size_t npages = m->mem_bytes / PAGE_SIZE, count_at;
	uint8_t *cand = ram_candidates(m);
	uint32_t n = 0;

	if (!cand)
		return false;
	count_at = w->len;
	snap_put_u32(w, 0); /* patched below */
	for (size_t p = 0; p < npages; p++) {
		const uint8_t *page = m->ram + p * PAGE_SIZE;
		if (!cand[p] || page_is_zero(page))
			continue;
		snap_put_u32(w, (uint32_t)p);
		snap_put(w, page, PAGE_SIZE);
		n++;
	}
	free(cand);
	if (!w->oom) {
		uint8_t b[4] = { (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
		memcpy(w->buf + count_at, b, 4);
	}
	return true;
}

static void save_devices(struct machine *m, struct snap_writer *w)
{
	for (int i = 0; i < m->ndevices; i++) {
		const struct mdevice *d = &m->devices[i];
		size_t len_at = w->len;
		snap_put_u32(w, 0); /* patched below */
		if (d->ops->save)
			d->ops->save(d->dev, w);
		if (!w->oom) {
			uint32_t n = (uint32_t)(w->len - len_at - 4);
			uint8_t b[4] = { (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
			memcpy(w->buf + len_at, b, 4);
		}
	}
}

struct machine_state *machine_state_save(struct machine *m, char *err, size_t errlen)
{
	struct snap_writer w = { 0 };
	struct machine_state *s;

	save_config(m, &w);
	save_cpu(m, &w);
	save_machine(m, &w);
	save_tlb(m, &w);
	if (!save_ram(m, &w))
		w.oom = true;
	save_devices(m, &w);
	s = w.oom ? NULL : malloc(sizeof *s);
	if (!s) {
		free(w.buf);
		snprintf(err, errlen, "out of memory for a snapshot");
		return NULL;
	}
	s->data = w.buf;
	s->len = w.len;
	return s;
}

void machine_state_free(struct machine_state *s)
{
	if (s) {
		free(s->data);
		free(s);
	}
}

size_t machine_state_bytes(const struct machine_state *s)
{
	return s->len;
}

/* ---- parsing -------------------------------------------------------------- */

static bool get_trap(struct snap_reader *r, struct snap_trap *t)
{
	return snap_get_u32(r, &t->cause) && snap_get_u32(r, &t->pc) &&
	       snap_get_u32(r, &t->psw) && snap_get_u32(r, &t->badva) &&
	       snap_get_u32(r, &t->insn);
}

static bool parse_config(struct snap_reader *r, struct snap_view *v)
{
	if (!snap_get_u32(r, &v->variant) || !snap_get_u32(r, &v->mem_bytes) ||
	    !snap_get_u32(r, &v->tlb_entries) || !snap_get_u32(r, &v->ndevices))
		return false;
	if (v->variant > VARIANT_STRICT || v->mem_bytes % PAGE_SIZE || v->mem_bytes > RAM_MAX ||
	    v->tlb_entries == 0 || v->tlb_entries > 4096 || (v->tlb_entries & (v->tlb_entries - 1)) ||
	    v->ndevices > MAX_DEVICES)
		return false;
	for (uint32_t i = 0; i < v->ndevices; i++)
		if (!get_str(r, &v->devname[i], &v->devname_len[i]))
			return false;
	return true;
}

static bool parse_cpu(struct snap_reader *r, struct snap_view *v)
{
	for (unsigned i = 0; i < ISA_NREGS; i++)
		if (!snap_get_u32(r, &v->r[i]))
			return false;
	if (!snap_get_u32(r, &v->pc) || !snap_get_u32(r, &v->psw))
		return false;
	for (unsigned i = 0; i < CR_COUNT; i++)
		if (!snap_get_u32(r, &v->cr[i]))
			return false;
	return snap_get_u64(r, &v->instret) && snap_get_u64(r, &v->penalty) &&
	       snap_get_u64(r, &v->entry_instret) && get_bool(r, &v->entry_valid) &&
	       get_trap(r, &v->entry) && get_bool(r, &v->halted);
}

static bool parse_machine(struct snap_reader *r, struct snap_view *v)
{
	bool has_reason;

	if (!snap_get_u32(r, &v->irq_lines) || !snap_get_u32(r, &v->irq_enabled) ||
	    !snap_get_u32(r, &v->ntimers) || v->ntimers > MAX_TIMERS)
		return false;
	for (uint32_t i = 0; i < v->ntimers; i++)
		if (!snap_get_u64(r, &v->timer_when[i]) || !get_bool(r, &v->timer_armed[i]))
			return false;
	if (!snap_get_u32(r, &v->stop) || v->stop > STOP_REQUESTED ||
	    !get_bool(r, &v->stopping) || !get_bool(r, &v->dead) ||
	    !snap_get_u32(r, &v->exit_code) || !get_bool(r, &v->fatal_trap) ||
	    !snap_get_u32(r, &v->fatal_cause) ||
	    !snap_get_u32(r, &v->fatal_pc) || !snap_get_u32(r, &v->fatal_ring) ||
	    !snap_get_u32(r, &v->fatal_badva) || !get_bool(r, &has_reason) ||
	    !get_str(r, &v->reason, &v->reason_len) ||
	    !snap_get_u64(r, &v->seed) || !snap_get_u64(r, &v->idle_cycles))
		return false;
	if (!has_reason)
		v->reason = NULL;
	for (unsigned i = 0; i < TRAP_NCAUSES; i++)
		if (!snap_get_u64(r, &v->traps[i]))
			return false;
	return snap_get_u64(r, &v->tlb_misses) && snap_get_u64(r, &v->tlb_flushes) &&
	       snap_get_u64(r, &v->mmio_reads) && snap_get_u64(r, &v->mmio_writes) &&
	       snap_get_u64(r, &v->irqs_taken);
}

static bool parse_ram(struct snap_reader *r, struct snap_view *v)
{
	uint32_t prev = 0;

	if (!snap_get_u32(r, &v->npages) || v->npages > v->mem_bytes / PAGE_SIZE ||
	    (size_t)v->npages * PAGE_RECORD > r->left)
		return false;
	v->pages = r->p;
	for (uint32_t i = 0; i < v->npages; i++) {
		uint32_t pfn;
		if (!snap_get_u32(r, &pfn) || pfn >= v->mem_bytes / PAGE_SIZE || (i && pfn <= prev) ||
		    !snap_get(r, NULL, PAGE_SIZE))
			return false;
		prev = pfn;
	}
	return true;
}

/* Parse and check a payload; false with the section that is malformed. */
static bool parse(const struct machine_state *s, struct snap_view *v, char *err, size_t errlen)
{
	struct snap_reader r = { s->data, s->len };
	int sec = SEC_CONFIG;
	bool ok;

	memset(v, 0, sizeof *v);
	v->sec[SEC_CONFIG] = 0;
	ok = parse_config(&r, v);
	if (ok) {
		v->sec[sec = SEC_CPU] = s->len - r.left;
		ok = parse_cpu(&r, v);
	}
	if (ok) {
		v->sec[sec = SEC_MACHINE] = s->len - r.left;
		ok = parse_machine(&r, v);
	}
	if (ok) {
		v->sec[sec = SEC_TLB] = s->len - r.left;
		v->tlb = r.p;
		ok = snap_get(&r, NULL, (size_t)v->tlb_entries * TLB_RECORD);
	}
	if (ok) {
		v->sec[sec = SEC_RAM] = s->len - r.left;
		ok = parse_ram(&r, v);
	}
	if (ok) {
		v->sec[sec = SEC_DEVICES] = s->len - r.left;
		for (uint32_t i = 0; ok && i < v->ndevices; i++) {
			ok = snap_get_u32(&r, &v->dev_len[i]) && v->dev_len[i] <= r.left;
			v->dev[i] = r.p;
			ok = ok && snap_get(&r, NULL, v->dev_len[i]);
		}
	}
	v->sec[SEC_COUNT] = s->len - r.left;
	if (ok && r.left == 0)
		return true;
	snprintf(err, errlen, "malformed snapshot (%s section)", sec_name[sec]);
	return false;
}

/* ---- restoring ------------------------------------------------------------ */

static const char *variant_name(uint32_t v)
{
	return v == VARIANT_STRICT ? "strict" : "classic";
}

static bool check_config(const struct machine *m, const struct snap_view *v, char *err, size_t errlen)
{
	if (v->variant != (uint32_t)m->variant) {
		snprintf(err, errlen, "snapshot is of a %s machine, this one is %s",
			 variant_name(v->variant), variant_name((uint32_t)m->variant));
		return false;
	}
	if (v->mem_bytes != m->mem_bytes) {
		snprintf(err, errlen, "snapshot is of a machine with %u bytes of RAM, this one has %u",
			 v->mem_bytes, m->mem_bytes);
		return false;
	}
	if (v->tlb_entries != m->tlb_mask + 1) {
		snprintf(err, errlen, "snapshot is of a machine with a %u-entry TLB, this one has %u",
			 v->tlb_entries, m->tlb_mask + 1);
		return false;
	}
	if (v->ndevices != (uint32_t)m->ndevices || v->ntimers != (uint32_t)m->ntimers) {
		snprintf(err, errlen, "snapshot is of a machine with other devices");
		return false;
	}
	for (uint32_t i = 0; i < v->ndevices; i++) {
		const char *name = m->devices[i].ops->name;
		if (strlen(name) != v->devname_len[i] || memcmp(name, v->devname[i], v->devname_len[i])) {
			snprintf(err, errlen, "snapshot is of a machine with other devices (%.*s where this one has %s)",
				 (int)v->devname_len[i], v->devname[i], name);
			return false;
		}
		if (v->dev_len[i] && !m->devices[i].ops->load) {
			snprintf(err, errlen, "device %s has no state to restore", name);
			return false;
		}
	}
	return true;
}

/*
 * Every field against what the machine can reach.  A checkpoint file is
 * untrusted input even when its checksum is right: a value no run can
 * produce must be refused here, with the field's name, never left to trip
 * an assertion or hang the next run.  COUNTER_MAX keeps instret + penalty
 * + idle time and every deadline computed from them far from wrapping
 * (2^62 cycles is 146 years at 1 GHz).
 */
#define COUNTER_MAX ((uint64_t)1 << 62)
#define DEADLINE_AHEAD ((uint64_t)1 << 42) /* a period or a disk command */

static bool bad(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "unreachable state: ");

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static bool check_cpu(const struct machine *m, const struct snap_view *v, char *err, size_t errlen)
{
	if (v->r[0] != 0)
		return bad(err, errlen, "cpu register r0 is 0x%08x (it always reads 0)", v->r[0]);
	if (v->psw & ~PSW_WRITABLE)
		return bad(err, errlen, "cpu psw 0x%08x has bits no psw holds", v->psw);
	for (unsigned i = 0; i < CR_COUNT; i++) {
		uint32_t x = v->cr[i];
		const char *name = isa_cr_name(i);
		if (!name && x)
			return bad(err, errlen, "control register %u is 0x%08x (none exists)", i, x);
		if ((i == CR_CPUID || i == CR_MEMSIZE) && x != m->cpu.cr[i])
			return bad(err, errlen, "cr %s is 0x%08x, read-only 0x%08x here", name, x,
				   m->cpu.cr[i]);
		if ((i == CR_ASID && x > ASID_MASK) || (i == CR_MMU && (x & ~MMU_PG)))
			return bad(err, errlen, "cr %s is 0x%08x, beyond its bits", name, x);
	}
	if (v->instret >= COUNTER_MAX || v->penalty >= COUNTER_MAX)
		return bad(err, errlen, "cpu counters instret %llu, penalty %llu (at most 2^62)",
			   (unsigned long long)v->instret, (unsigned long long)v->penalty);
	if (v->entry_instret > v->instret)
		return bad(err, errlen, "cpu last trap entry after the current instruction");
	return true;
}

static bool check_machine(const struct snap_view *v, char *err, size_t errlen)
{
	uint64_t now = v->instret + v->penalty;

	if (v->idle_cycles >= COUNTER_MAX || v->idle_cycles > now)
		return bad(err, errlen, "idle cycles %llu (more than all %llu cycles)",
			   (unsigned long long)v->idle_cycles, (unsigned long long)now);
	for (uint32_t i = 0; i < v->ntimers; i++)
		if (v->timer_armed[i] && v->timer_when[i] > now + DEADLINE_AHEAD)
			return bad(err, errlen, "timer %u due at cycle %llu, now is %llu", i,
				   (unsigned long long)v->timer_when[i], (unsigned long long)now);
	if (v->fatal_ring > 3)
		return bad(err, errlen, "fatal report ring %u", v->fatal_ring);
	if (v->dead && v->stop != STOP_POWER_OFF && v->stop != STOP_FATAL)
		return bad(err, errlen, "machine stopped for good without a power-off or fatal stop");
	return true;
}

static bool check_tlb(const struct snap_view *v, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < v->tlb_entries; i++) {
		const uint8_t *p = v->tlb + (size_t)i * TLB_RECORD;
		uint32_t vpn = get32(p), pfn = get32(p + 4);
		if (vpn >> (32 - PAGE_SHIFT) || pfn >> (32 - PAGE_SHIFT))
			return bad(err, errlen, "tlb entry %u: page 0x%x or frame 0x%x past 4 GiB",
				   i, vpn, pfn);
		if (p[9] & ~(PTE_W | PTE_U | PTE_G | PTE_D))
			return bad(err, errlen, "tlb entry %u: flags 0x%02x", i, p[9]);
		if (p[10] > 1)
			return bad(err, errlen, "tlb entry %u: valid is %u", i, p[10]);
		if (p[10] && (vpn & (v->tlb_entries - 1)) != i)
			return bad(err, errlen, "tlb entry %u holds page 0x%x of another slot", i, vpn);
	}
	return true;
}

/* After every device loaded: each one's registers against its event timer
 * and interrupt line (dev_ops.check). */
static bool check_devices(const struct machine *m, char *err, size_t errlen)
{
	for (int i = 0; i < m->ndevices; i++) {
		const struct mdevice *d = &m->devices[i];
		bool armed = false;
		uint64_t when = 0;
		const char *why;
		if (!d->ops->check)
			continue;
		for (int t = 0; t < m->ntimers; t++)
			if (m->timers[t].opaque == d->dev && m->timers[t].armed) {
				armed = true;
				when = m->timers[t].when;
			}
		if ((why = d->ops->check(d->dev, armed, when)))
			return bad(err, errlen, "%s", why);
	}
	return true;
}


/* The page's bytes changed: its decoded instructions are stale. */
static void code_reset(struct machine *m, size_t pfn)
{
	struct dpage *dp = m->pages[pfn].code;

	if (dp)
		for (unsigned i = 0; i < DPAGE_SLOTS; i++)
			mem_slot_op(m, dp, i, OP_DECODE);
}

static bool restore_ram(struct machine *m, const struct snap_view *v)
{
	size_t npages = m->mem_bytes / PAGE_SIZE;
	uint8_t *cand = ram_candidates(m);
	const uint8_t *rec = v->pages;
	uint32_t left = v->npages;

	if (!cand)
		return false;
	for (size_t p = 0; p < npages; p++) {
		uint8_t *page = m->ram + p * PAGE_SIZE;
		if (left && get32(rec) == p) {
			if (memcmp(page, rec + 4, PAGE_SIZE)) {
				memcpy(page, rec + 4, PAGE_SIZE);
				code_reset(m, p);
			}
			rec += PAGE_RECORD;
			left--;
		} else if (cand[p] && !page_is_zero(page)) {
			memset(page, 0, PAGE_SIZE);
			code_reset(m, p);
		}
	}
	free(cand);
	return true;
}

static void restore_cpu(struct machine *m, const struct snap_view *v)
{
	struct cpu *c = &m->cpu;

	memcpy(c->r, v->r, sizeof v->r);
	c->r[ISA_NREGS] = 0;
	c->pc = v->pc;
	c->psw = v->psw;
	memcpy(c->cr, v->cr, sizeof v->cr);
	c->instret = v->instret;
	c->penalty = v->penalty;
	c->entry_instret = v->entry_instret;
	c->entry_valid = v->entry_valid;
	c->entry = (struct trap_event){ .cause = v->entry.cause, .pc = v->entry.pc,
					.psw = v->entry.psw, .badva = v->entry.badva,
					.insn = v->entry.insn };
	c->halted = v->halted;
	/* host caches and per-run bookkeeping start afresh */
	cpu_itlb_drop(m);
	c->bkpt_pass_valid = false;
	c->bkpt_repatch_valid = false;
	c->limit = c->run_end = c->instret;
	c->slice_end = UINT64_MAX;
}

static void restore_machine(struct machine *m, const struct snap_view *v)
{
	m->irq_lines = v->irq_lines;
	m->irq_enabled = v->irq_enabled;
	m->next_deadline = UINT64_MAX;
	for (int i = 0; i < m->ntimers; i++) {
		m->timers[i].when = v->timer_when[i];
		m->timers[i].armed = v->timer_armed[i];
		if (v->timer_armed[i] && v->timer_when[i] < m->next_deadline)
			m->next_deadline = v->timer_when[i];
	}
	m->stop = (enum machine_stop)v->stop;
	m->stopping = v->stopping;
	m->dead = v->dead;
	m->exit_code = (int)v->exit_code;
	m->fatal = (struct machine_fatal){ .trap = v->fatal_trap, .cause = v->fatal_cause,
					   .pc = v->fatal_pc, .ring = v->fatal_ring,
					   .badva = v->fatal_badva };
	if (v->reason) {
		size_t n = v->reason_len < sizeof m->fatal_reason ? v->reason_len
								   : sizeof m->fatal_reason - 1;
		memcpy(m->fatal_reason, v->reason, n);
		m->fatal_reason[n] = '\0';
		m->fatal.reason = m->fatal_reason;
	}
	m->seed = v->seed;
	m->idle_cycles = v->idle_cycles;
	memcpy(m->stats.traps, v->traps, sizeof v->traps);
	m->stats.tlb_misses = v->tlb_misses;
	m->stats.tlb_flushes = v->tlb_flushes;
	m->stats.mmio_reads = v->mmio_reads;
	m->stats.mmio_writes = v->mmio_writes;
	m->stats.irqs_taken = v->irqs_taken;
}

static void restore_tlb(struct machine *m, const struct snap_view *v)
{
	for (unsigned i = 0; i <= m->tlb_mask; i++) {
		const uint8_t *p = v->tlb + (size_t)i * TLB_RECORD;
		m->tlb[i] = (struct tlb_entry){ .vpn = get32(p), .pfn = get32(p + 4),
						.asid = p[8], .flags = p[9], .valid = p[10] != 0 };
	}
	mmu_ftlb_flush(m);
}

bool machine_state_restore(struct machine *m, const struct machine_state *s, char *err, size_t errlen)
{
	struct snap_view *v = malloc(sizeof *v);
	bool ok = false;

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (!parse(s, v, err, errlen) || !check_config(m, v, err, errlen) ||
	    !check_cpu(m, v, err, errlen) || !check_machine(v, err, errlen) ||
	    !check_tlb(v, err, errlen))
		goto out;
	if (!restore_ram(m, v)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	restore_cpu(m, v);
	restore_machine(m, v);
	restore_tlb(m, v);
	ok = true;
	for (int i = 0; i < m->ndevices && ok; i++) {
		const struct mdevice *d = &m->devices[i];
		struct snap_reader r = { v->dev[i], v->dev_len[i] };
		if (d->ops->load && !(d->ops->load(d->dev, &r) && r.left == 0)) {
			snprintf(err, errlen, "malformed snapshot (state of device %s)", d->ops->name);
			ok = false;
		}
	}
	if (ok)
		ok = check_devices(m, err, errlen);
out:
	free(v);
	return ok;
}

/* ---- comparing -------------------------------------------------------------- */

static bool differ32(char *why, size_t whylen, const char *what, uint32_t a, uint32_t b)
{
	if (a == b)
		return false;
	snprintf(why, whylen, "%s: 0x%08x vs 0x%08x", what, a, b);
	return true;
}

static bool differ64(char *why, size_t whylen, const char *what, uint64_t a, uint64_t b)
{
	if (a == b)
		return false;
	snprintf(why, whylen, "%s: %llu vs %llu", what, (unsigned long long)a, (unsigned long long)b);
	return true;
}

/* The first element of two arrays that differs, named prefix + index. */
static bool differ_each(char *why, size_t whylen, const char *prefix, const uint32_t *a,
			const uint32_t *b, unsigned n)
{
	char what[32];

	for (unsigned i = 0; i < n; i++) {
		snprintf(what, sizeof what, "%s%u", prefix, i);
		if (differ32(why, whylen, what, a[i], b[i]))
			return true;
	}
	return false;
}

/* Name the first cpu field that differs, for a useful test failure. */
static bool cpu_differs(const struct snap_view *a, const struct snap_view *b, char *why, size_t whylen)
{
	if (differ_each(why, whylen, "r", a->r, b->r, ISA_NREGS) ||
	    differ32(why, whylen, "pc", a->pc, b->pc) || differ32(why, whylen, "psw", a->psw, b->psw) ||
	    differ_each(why, whylen, "cr", a->cr, b->cr, CR_COUNT))
		return true;
	return differ64(why, whylen, "instret", a->instret, b->instret) ||
	       differ64(why, whylen, "cycles", a->instret + a->penalty, b->instret + b->penalty);
}

static bool machine_differs(const struct snap_view *a, const struct snap_view *b, char *why, size_t whylen)
{
	char what[32];

	if (differ32(why, whylen, "interrupt lines", a->irq_lines, b->irq_lines) ||
	    differ32(why, whylen, "interrupt enables", a->irq_enabled, b->irq_enabled))
		return true;
	for (uint32_t i = 0; i < a->ntimers; i++) {
		snprintf(what, sizeof what, "timer %u", i);
		if (differ32(why, whylen, what, a->timer_armed[i], b->timer_armed[i]) ||
		    (a->timer_armed[i] && differ64(why, whylen, what, a->timer_when[i], b->timer_when[i])))
			return true;
	}
	for (unsigned i = 0; i < TRAP_NCAUSES; i++) {
		snprintf(what, sizeof what, "traps[%u]", i);
		if (differ64(why, whylen, what, a->traps[i], b->traps[i]))
			return true;
	}
	return differ32(why, whylen, "stop", a->stop, b->stop) ||
	       differ32(why, whylen, "stopping", a->stopping, b->stopping) ||
	       differ32(why, whylen, "dead", a->dead, b->dead) ||
	       differ64(why, whylen, "idle cycles", a->idle_cycles, b->idle_cycles) ||
	       differ64(why, whylen, "tlb misses", a->tlb_misses, b->tlb_misses) ||
	       differ64(why, whylen, "tlb flushes", a->tlb_flushes, b->tlb_flushes) ||
	       differ64(why, whylen, "mmio reads", a->mmio_reads, b->mmio_reads) ||
	       differ64(why, whylen, "mmio writes", a->mmio_writes, b->mmio_writes) ||
	       differ64(why, whylen, "interrupts taken", a->irqs_taken, b->irqs_taken);
}

static void ram_differs(const struct snap_view *a, const struct snap_view *b, char *why, size_t whylen)
{
	for (uint32_t i = 0; i < a->npages && i < b->npages; i++) {
		const uint8_t *pa = a->pages + (size_t)i * PAGE_RECORD, *pb = b->pages + (size_t)i * PAGE_RECORD;
		if (get32(pa) != get32(pb)) {
			uint32_t lo = get32(pa) < get32(pb) ? get32(pa) : get32(pb);
			snprintf(why, whylen, "ram: page 0x%08x is zero in one state only", lo << PAGE_SHIFT);
			return;
		}
		for (unsigned k = 0; k < PAGE_SIZE; k++)
			if (pa[4 + k] != pb[4 + k]) {
				snprintf(why, whylen, "ram: byte at 0x%08x: 0x%02x vs 0x%02x",
					 (get32(pa) << PAGE_SHIFT) + k, pa[4 + k], pb[4 + k]);
				return;
			}
	}
	snprintf(why, whylen, "ram: %u vs %u non-zero pages", a->npages, b->npages);
}

bool machine_state_equal(const struct machine_state *a, const struct machine_state *b,
			 char *why, size_t whylen)
{
	struct snap_view *va = malloc(sizeof *va), *vb = malloc(sizeof *vb);
	bool eq = false;

	if (!va || !vb) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	if (!parse(a, va, why, whylen) || !parse(b, vb, why, whylen))
		goto out;
	for (int s = 0; s < SEC_COUNT; s++) {
		size_t la = va->sec[s + 1] - va->sec[s], lb = vb->sec[s + 1] - vb->sec[s];
		if (la == lb && !memcmp(a->data + va->sec[s], b->data + vb->sec[s], la))
			continue;
		if (s == SEC_CPU && cpu_differs(va, vb, why, whylen))
			goto out;
		if (s == SEC_MACHINE && machine_differs(va, vb, why, whylen))
			goto out;
		if (s == SEC_RAM) {
			ram_differs(va, vb, why, whylen);
			goto out;
		}
		size_t k = 0;
		while (k < la && k < lb && a->data[va->sec[s] + k] == b->data[vb->sec[s] + k])
			k++;
		snprintf(why, whylen, "%s differs (byte %zu of the section)", sec_name[s], k);
		goto out;
	}
	eq = true;
out:
	free(va);
	free(vb);
	return eq;
}

/* ---- files -------------------------------------------------------------------- */

/*
 * Pages in a file.  In memory a snapshot keeps every non-zero page whole
 * (restoring must be fast); a file keeps each such page the cheapest of
 * three ways: as the image loads it (nothing stored), run-length coded,
 * or raw.  A toyos checkpoint was 16 MB because its kernel touches all of
 * RAM with a few words per page; see docs/debugger.md §8 for sizes.
 */
enum { PAGE_RAW, PAGE_RLE, PAGE_IMAGE };

/* The page as loading img leaves it; false if no segment touches it. */
static bool image_page(const struct image *img, uint32_t pfn, uint8_t *out)
{
	uint64_t lo = (uint64_t)pfn << PAGE_SHIFT, hi = lo + PAGE_SIZE;
	bool any = false;

	memset(out, 0, PAGE_SIZE);
	for (size_t i = 0; img && i < img->nsegs; i++) {
		const struct image_segment *g = &img->segs[i];
		uint64_t a = g->addr, e = a + g->filesz;
		if (a + g->memsz <= lo || a >= hi)
			continue;
		any = true;
		for (uint64_t x = a > lo ? a : lo; x < e && x < hi; x++)
			out[x - lo] = g->data[x - a];
	}
	return any;
}

/* RLE: a byte c < 128 is followed by c + 1 literal bytes; c >= 128 with
 * the next byte gives n = ((c & 127) << 8 | next) + 1 copies of the byte
 * after those two.  Runs of 4 or more are worth coding as runs. */
static size_t rle_encode(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0, lit = 0;

	while (i < n) {
		size_t r = 1;
		while (i + r < n && p[i + r] == p[i] && r < 32768)
			r++;
		if (r >= 4) {
			if (o + 3 > cap)
				return SIZE_MAX;
			out[o++] = (uint8_t)(0x80 | (r - 1) >> 8);
			out[o++] = (uint8_t)(r - 1);
			out[o++] = p[i];
			i += r;
			continue;
		}
		for (lit = 0; i + lit < n && lit < 128; lit++) { /* up to the next run */
			size_t k = i + lit;
			if (k + 3 < n && p[k] == p[k + 1] && p[k] == p[k + 2] && p[k] == p[k + 3])
				break;
		}
		if (o + 1 + lit > cap)
			return SIZE_MAX;
		out[o++] = (uint8_t)(lit - 1);
		memcpy(out + o, p + i, lit);
		o += lit;
		i += lit;
	}
	return o;
}

/* false unless the code makes exactly n bytes. */
static bool rle_decode(const uint8_t *in, size_t len, uint8_t *out, size_t n)
{
	size_t i = 0, o = 0;

	while (i < len) {
		uint8_t c = in[i++];
		if (c < 0x80) {
			size_t k = (size_t)c + 1;
			if (len - i < k || n - o < k)
				return false;
			memcpy(out + o, in + i, k);
			i += k;
			o += k;
		} else {
			if (len - i < 2)
				return false;
			size_t k = ((size_t)(c & 0x7f) << 8 | in[i]) + 1;
			if (n - o < k)
				return false;
			memset(out + o, in[i + 1], k);
			i += 2;
			o += k;
		}
	}
	return o == n;
}

static uint64_t fnv1a64_more(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3u;
	}
	return h;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
	return fnv1a64_more(0xcbf29ce484222325u, p, n);
}

uint64_t machine_image_hash(const struct image *img)
{
	uint64_t h = 0xcbf29ce484222325u;
	uint8_t b[16];

	if (!img)
		return 0;
	le32(b, img->entry);
	h = fnv1a64_more(h, b, 4);
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct image_segment *g = &img->segs[i];
		le32(b, g->addr);
		le32(b + 4, g->memsz);
		le32(b + 8, g->filesz);
		le32(b + 12, g->flags);
		h = fnv1a64_more(h, b, 16);
		h = fnv1a64_more(h, g->data, g->filesz);
	}
	return h ? h : 1; /* 0 means "no image" in a file */
}

bool machine_state_write_file(const struct machine_state *s, const char *path,
			      const struct machine_image_id *id, char *err, size_t errlen)
{
	struct snap_view *v = malloc(sizeof *v);
	struct snap_writer w = { 0 };
	uint8_t hdr[FILE_HEADER_BYTES], base[PAGE_SIZE], code[PAGE_SIZE];
	const struct image *img = id ? id->img : NULL;
	bool ok = false;

	if (!v || !parse(s, v, err, errlen)) {
		if (!v)
			snprintf(err, errlen, "out of memory");
		free(v);
		return false;
	}
	snap_put_u64(&w, machine_image_hash(img));
	put_str(&w, id ? id->path : NULL);
	snap_put(&w, s->data, v->sec[SEC_RAM]);
	snap_put_u32(&w, v->npages);
	for (uint32_t i = 0; i < v->npages; i++) {
		const uint8_t *rec = v->pages + (size_t)i * PAGE_RECORD, *page = rec + 4;
		size_t n;
		snap_put(&w, rec, 4);
		if (image_page(img, get32(rec), base) && !memcmp(base, page, PAGE_SIZE)) {
			snap_put_u8(&w, PAGE_IMAGE);
		} else if ((n = rle_encode(page, PAGE_SIZE, code, sizeof code - 3)) < PAGE_SIZE - 3) {
			snap_put_u8(&w, PAGE_RLE);
			snap_put_u8(&w, (uint8_t)n);
			snap_put_u8(&w, (uint8_t)(n >> 8));
			snap_put(&w, code, n);
		} else {
			snap_put_u8(&w, PAGE_RAW);
			snap_put(&w, page, PAGE_SIZE);
		}
	}
	snap_put(&w, s->data + v->sec[SEC_DEVICES], s->len - v->sec[SEC_DEVICES]);
	free(v);
	if (w.oom) {
		free(w.buf);
		snprintf(err, errlen, "%s: out of memory", path);
		return false;
	}
	memcpy(hdr, snap_magic, 8);
	le32(hdr + 8, MACHINE_STATE_VERSION);
	le64(hdr + 12, w.len);
	le64(hdr + 20, fnv1a64(w.buf, w.len));
	struct hostfile_part parts[2] = { { hdr, sizeof hdr }, { w.buf, w.len } };
	ok = hostfile_replace(path, parts, 2, err, errlen);
	free(w.buf);
	return ok;
}

/* The body of a file back to a payload: pages decoded.  false with why. */
static bool decode_body(struct snap_reader *r, const struct image *img, uint32_t mem_bytes,
			struct snap_writer *w, const char **why)
{
	struct snap_view v;
	struct snap_reader pre = *r;
	uint8_t page[PAGE_SIZE];
	uint32_t n, prev = 0;

	memset(&v, 0, sizeof v);
	*why = "malformed (configuration, cpu or machine section)";
	if (!parse_config(r, &v) || !parse_cpu(r, &v) || !parse_machine(r, &v) ||
	    !snap_get(r, NULL, (size_t)v.tlb_entries * TLB_RECORD))
		return false;
	if (mem_bytes && v.mem_bytes != mem_bytes) {
		*why = "made for a machine with another RAM size";
		return false;
	}
	snap_put(w, pre.p, pre.left - r->left);
	*why = "malformed (ram section)";
	if (!snap_get_u32(r, &n) || n > v.mem_bytes / PAGE_SIZE)
		return false;
	snap_put_u32(w, n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t pfn;
		uint8_t kind, lo, hi;
		if (!snap_get_u32(r, &pfn) || pfn >= v.mem_bytes / PAGE_SIZE || (i && pfn <= prev) ||
		    !snap_get_u8(r, &kind))
			return false;
		prev = pfn;
		if (kind == PAGE_IMAGE) {
			if (!image_page(img, pfn, page)) {
				*why = "has pages stored as its image's, which this session's image lacks";
				return false;
			}
		} else if (kind == PAGE_RLE) {
			if (!snap_get_u8(r, &lo) || !snap_get_u8(r, &hi) ||
			    (size_t)(lo | hi << 8) > snap_left(r) ||
			    !rle_decode(r->p, (size_t)(lo | hi << 8), page, PAGE_SIZE))
				return false;
			snap_get(r, NULL, (size_t)(lo | hi << 8));
		} else if (kind != PAGE_RAW || !snap_get(r, page, PAGE_SIZE)) {
			return false;
		}
		snap_put_u32(w, pfn);
		snap_put(w, page, PAGE_SIZE);
	}
	snap_put(w, r->p, r->left); /* devices, checked when restored */
	return !w->oom || (*why = "out of memory", false);
}

struct machine_state *machine_state_read_file(const char *path, const struct machine *m,
					      const struct machine_image_id *id, bool force,
					      bool *other_image, char *err, size_t errlen)
{
	size_t n;
	uint8_t *buf = hostfile_read(path, HOSTFILE_MAX_CHECKPOINT, "a checkpoint", &n, err,
				     errlen);
	struct machine_state *s;

	if (other_image)
		*other_image = false;
	if (!buf)
		return NULL;
	s = machine_state_from_bytes(buf, n, path, m, id, force, other_image, err, errlen);
	free(buf);
	return s;
}

struct machine_state *machine_state_from_bytes(const uint8_t *buf, size_t n, const char *path,
					       const struct machine *m,
					       const struct machine_image_id *id, bool force,
					       bool *other_image, char *err, size_t errlen)
{
	struct machine_state *s = NULL;
	struct snap_writer w = { 0 };
	uint64_t plen, sum, hash, want = machine_image_hash(id ? id->img : NULL);
	uint32_t version, plen32;
	const char *ipath, *why;

	if (other_image)
		*other_image = false;
	if (n < 12 || memcmp(buf, snap_magic, 8)) {
		snprintf(err, errlen, "%s: not a vmlab checkpoint", path);
		goto out;
	}
	version = get32(buf + 8);
	if (version != MACHINE_STATE_VERSION) {
		snprintf(err, errlen, "%s: format version %u, this vmlab reads %u (%s)", path,
			 version, MACHINE_STATE_VERSION,
			 version < MACHINE_STATE_VERSION ? "written by an older vmlab"
							 : "written by a newer vmlab");
		goto out;
	}
	if (n < FILE_HEADER_BYTES) {
		snprintf(err, errlen, "%s: truncated (damaged)", path);
		goto out;
	}
	plen = get32(buf + 12) | (uint64_t)get32(buf + 16) << 32;
	sum = get32(buf + 20) | (uint64_t)get32(buf + 24) << 32;
	if (plen > n - FILE_HEADER_BYTES) {
		snprintf(err, errlen, "%s: truncated (damaged)", path);
		goto out;
	}
	if (plen != n - FILE_HEADER_BYTES || fnv1a64(buf + FILE_HEADER_BYTES, plen) != sum) {
		snprintf(err, errlen, "%s: checksum mismatch (damaged)", path);
		goto out;
	}
	struct snap_reader r = { buf + FILE_HEADER_BYTES, plen };
	if (!snap_get_u64(&r, &hash) || !get_str(&r, &ipath, &plen32)) {
		snprintf(err, errlen, "%s: malformed (image section)", path);
		goto out;
	}
	if (id && hash != want && !force) {
		snprintf(err, errlen, "%s: made with another image (%.*s%s), not this one's contents",
			 path, plen32 > 60 ? 60 : (int)plen32, ipath,
			 plen32 > 60 ? "..." : plen32 ? "" : "none");
		if (other_image)
			*other_image = true;
		goto out;
	}
	if (!decode_body(&r, id ? id->img : NULL, m ? m->mem_bytes : 0, &w, &why)) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	s = malloc(sizeof *s);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	s->data = w.buf;
	s->len = w.len;
	w.buf = NULL;
out:
	free(w.buf);
	return s;
}

/* ---- small accessors for tools -------------------------------------------------- */

unsigned machine_device_count(const struct machine *m)
{
	return (unsigned)m->ndevices;
}

bool machine_device_info(const struct machine *m, unsigned i, const char **name,
			 uint32_t *base, uint32_t *size)
{
	if (i >= (unsigned)m->ndevices)
		return false;
	*name = m->devices[i].ops->name;
	*base = m->devices[i].base;
	*size = m->devices[i].size;
	return true;
}

bool machine_dead(const struct machine *m)
{
	return m->dead;
}

void machine_set_io(struct machine *m, const struct machine_io *io)
{
	m->io = *io;
}
