/*
 * machine.c -- a whole machine: creation, the run loop, virtual time,
 * interrupt lines, the bus, hooks and listeners.
 *
 * The run loop.  machine_run() alternates between the dispatch loop
 * (cpu_exec), which runs instructions until a limit, and the work that
 * happens between instructions, in this order:
 *
 *   budget reached?      ─► return STOP_LIMIT
 *   device event due?    ─► fire it (timers in virtual time)
 *   CPU halted?          ─► skip virtual time to the next event, or wake
 *   interrupt deliverable? ─► take it (a trap)
 *   tool listening to EV_INSN? ─► tell it; limit the slice to one instruction
 *   cpu_exec until min(budget, next event)
 *
 * Nothing is polled per instruction: the dispatch loop only compares its
 * instruction count with a limit, and the limit is the earliest moment at
 * which anything above could have something to do.  That is what makes
 * the machine fast and cycle-exact at once.
 */
#include "machine_priv.h"
#include "devices.h"
#include "image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A halt that sleeps longer than this, in virtual time, is a dead machine
 * (for example a periodic timer whose line is masked at the controller). */
#define HALT_MAX_IDLE (1ull << 40)

void machine_config_defaults(struct machine_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->variant = VARIANT_CLASSIC;
	cfg->mem_bytes = 16u << 20;
	cfg->tlb_entries = 64;
	cfg->seed = 1;
}

/* ---- the bare machine as the host of its devices ---- */

static uint64_t host_now(void *h) { return cpu_cycles(h); }
static int host_timer_new(void *h, dev_timer_fn fn, void *o) { return machine_timer_new(h, fn, o); }
static void host_timer_arm(void *h, int t, uint64_t when) { machine_timer_arm(h, t, when); }
static void host_timer_disarm(void *h, int t) { machine_timer_disarm(h, t); }
static void host_set_irq(void *h, unsigned line, bool level) { machine_set_irq(h, line, level); }
static uint32_t host_irq_lines(void *h) { return machine_irq_lines(h); }
static uint32_t host_irq_enabled(void *h) { return machine_irq_enabled(h); }
static void host_set_irq_enabled(void *h, uint32_t mask) { machine_set_irq_enabled(h, mask); }
static uint32_t host_ram_size(void *h) { return machine_mem_bytes(h); }
static bool host_dma_read(void *h, uint32_t pa, void *b, uint32_t n) { return machine_phys_read(h, pa, b, n); }
static bool host_dma_write(void *h, uint32_t pa, const void *b, uint32_t n) { return machine_phys_write(h, pa, b, n); }
static void host_power_off(void *h, int code) { machine_power_off(h, code); }
static void host_debug_break(void *h) { machine_debug_break(h); }
static bool host_map(void *h, uint32_t base, uint32_t size, const struct dev_ops *ops, void *dev)
{
	return machine_map_device(h, base, size, ops, dev);
}

static void host_console_out(void *h, const uint8_t *b, size_t n)
{
	const struct machine_io *io = &((struct machine *)h)->io;
	if (io->console_out)
		io->console_out(io->opaque, b, n);
}

static void host_debug_print(void *h, uint32_t value, bool hex)
{
	const struct machine_io *io = &((struct machine *)h)->io;
	if (io->debug_print)
		io->debug_print(io->opaque, value, hex);
}

static void host_debug_trace(void *h, bool on)
{
	const struct machine_io *io = &((struct machine *)h)->io;
	if (io->debug_trace)
		io->debug_trace(io->opaque, on);
}

static const struct dev_host_ops machine_host_ops = {
	.now = host_now, .timer_new = host_timer_new, .timer_arm = host_timer_arm,
	.timer_disarm = host_timer_disarm, .set_irq = host_set_irq,
	.irq_lines = host_irq_lines, .irq_enabled = host_irq_enabled,
	.set_irq_enabled = host_set_irq_enabled, .ram_size = host_ram_size,
	.dma_read = host_dma_read, .dma_write = host_dma_write,
	.power_off = host_power_off, .debug_break = host_debug_break,
	.console_out = host_console_out, .debug_print = host_debug_print,
	.debug_trace = host_debug_trace, .map = host_map,
};

struct machine *machine_new(const struct machine_config *cfg, char *err, size_t errlen)
{
	struct dev_host host;
	struct machine *m;

	if (cfg->mem_bytes < PAGE_SIZE || cfg->mem_bytes % PAGE_SIZE || cfg->mem_bytes > RAM_MAX) {
		snprintf(err, errlen, "memory size %u is not a multiple of 4 KiB between 4 KiB and 3840 MiB",
			 cfg->mem_bytes);
		return NULL;
	}
	m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->variant = cfg->variant;
	m->mem_bytes = cfg->mem_bytes;
	m->seed = cfg->seed;
	m->cycle_end = UINT64_MAX;
	m->io = cfg->io;
	m->next_deadline = UINT64_MAX;
	m->sleep_limit = UINT64_MAX;
	m->cpu.cr[CR_CPUID] = cfg->variant == VARIANT_STRICT ? CPUID_STRICT : 0;
	m->cpu.cr[CR_MEMSIZE] = cfg->mem_bytes;
	m->cpu.slice_end = UINT64_MAX;
	host = (struct dev_host){ .ops = &machine_host_ops, .h = m, .seed = cfg->seed };
	cpu_exec_init(m);
	if (!mem_init(m, err, errlen) || !mmu_init(m, cfg->tlb_entries, err, errlen) ||
	    !dev_intc_attach(&host, err, errlen) || !dev_timer_attach(&host, err, errlen) ||
	    !(m->uart = dev_uart_attach(&host, err, errlen)) ||
	    !dev_disk_attach(&host, cfg->disk_path, err, errlen) ||
	    !dev_power_attach(&host, err, errlen) || !dev_debug_attach(&host, err, errlen) ||
	    !dev_rng_attach(&host, err, errlen)) {
		machine_free(m);
		return NULL;
	}
	return m;
}

void machine_free(struct machine *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->ndevices; i++)
		if (m->devices[i].ops->free)
			m->devices[i].ops->free(m->devices[i].dev);
	mmu_free(m);
	mem_free(m);
	free(m);
}

bool machine_load_image(struct machine *m, const struct image *img, char *err, size_t errlen)
{
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct image_segment *s = &img->segs[i];
		if (!mem_is_ram(m, s->addr, s->memsz) || s->filesz > s->memsz) {
			snprintf(err, errlen,
				 "segment %s at 0x%08x (%u bytes) does not fit in %u bytes of RAM",
				 s->name ? s->name : "?", s->addr, s->memsz, m->mem_bytes);
			return false;
		}
	}
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct image_segment *s = &img->segs[i];
		machine_phys_write(m, s->addr, s->data, s->filesz);
		memset(m->ram + s->addr + s->filesz, 0, s->memsz - s->filesz);
		mem_code_written(m, s->addr, s->memsz);
	}
	machine_set_pc(m, img->entry);
	return true;
}

/* ---- stopping ------------------------------------------------------ */

static void stop_with(struct machine *m, enum machine_stop why)
{
	/* A fatal stop or power-off outranks a request made at the same time. */
	if (!m->stopping || why == STOP_FATAL || why == STOP_POWER_OFF)
		m->stop = why;
	m->stopping = true;
	m->cpu.limit = m->cpu.instret; /* leave the dispatch loop */
}

void machine_request_stop(struct machine *m)
{
	stop_with(m, STOP_REQUESTED);
}

void machine_set_sleep_limit(struct machine *m, uint64_t cycle)
{
	m->sleep_limit = cycle;
}

uint64_t machine_next_event(const struct machine *m)
{
	return m->next_deadline;
}

void machine_power_off(struct machine *m, int code)
{
	m->exit_code = code;
	m->dead = true;
	stop_with(m, STOP_POWER_OFF);
}

void machine_debug_break(struct machine *m)
{
	stop_with(m, STOP_DEBUG_BREAK);
}

void machine_stop_fatal(struct machine *m, const char *reason, bool trap,
			const struct trap_event *t)
{
	m->fatal = (struct machine_fatal){
		.reason = reason, .trap = trap, .cause = t->cause, .pc = t->pc,
		.ring = t->psw & PSW_RING_MASK, .badva = t->badva,
	};
	m->dead = true;
	stop_with(m, STOP_FATAL);
}

int machine_exit_code(const struct machine *m)
{
	return m->exit_code;
}

const struct machine_fatal *machine_fatal_report(const struct machine *m)
{
	return m->stop == STOP_FATAL ? &m->fatal : NULL;
}

/* ---- virtual time -------------------------------------------------- */

static void recompute_deadline(struct machine *m)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < m->ntimers; i++)
		if (m->timers[i].armed && m->timers[i].when < next)
			next = m->timers[i].when;
	m->next_deadline = next;
}

void machine_update_limit(struct machine *m)
{
	struct cpu *c = &m->cpu;
	uint64_t lim = c->slice_end;

	if (m->stopping || cpu_interrupt_pending(m)) {
		lim = c->instret;
	} else if (m->next_deadline != UINT64_MAX) {
		uint64_t now = cpu_cycles(m);
		uint64_t until = m->next_deadline > now ? m->next_deadline - now : 0;
		if (until < lim - c->instret)
			lim = c->instret + until;
	}
	if (m->cycle_end != UINT64_MAX && lim > c->instret) {
		/* every instruction takes a cycle at least: stop at or before */
		uint64_t now = cpu_cycles(m), room = now >= m->cycle_end ? 0 : m->cycle_end - now;
		if (room < lim - c->instret)
			lim = c->instret + room;
	}
	c->limit = lim;
}

int machine_timer_new(struct machine *m, machine_timer_fn fn, void *opaque)
{
	if (m->ntimers == MAX_TIMERS)
		return -1;
	m->timers[m->ntimers] = (struct mtimer){ .fn = fn, .opaque = opaque };
	return m->ntimers++;
}

void machine_timer_arm(struct machine *m, int timer, uint64_t when)
{
	if (timer < 0 || timer >= m->ntimers)
		return;
	m->timers[timer].when = when;
	m->timers[timer].armed = true;
	recompute_deadline(m);
	machine_update_limit(m);
}

void machine_timer_disarm(struct machine *m, int timer)
{
	if (timer < 0 || timer >= m->ntimers)
		return;
	m->timers[timer].armed = false;
	recompute_deadline(m);
}

/* Run every timer that is due, earliest first (ties: lowest number). */
void machine_fire_timers(struct machine *m)
{
	while (m->next_deadline <= cpu_cycles(m)) {
		int first = -1;
		for (int i = 0; i < m->ntimers; i++)
			if (m->timers[i].armed &&
			    (first < 0 || m->timers[i].when < m->timers[first].when))
				first = i;
		m->timers[first].armed = false;
		recompute_deadline(m);
		m->timers[first].fn(m->timers[first].opaque);
	}
}

uint64_t machine_cycles(const struct machine *m)
{
	return cpu_cycles(m);
}

uint64_t machine_instret(const struct machine *m)
{
	return m->cpu.instret;
}

void machine_charge(struct machine *m, uint64_t cycles)
{
	m->cpu.penalty += cycles;
}

void machine_set_budget(struct machine *m, uint64_t cycle_end, bool idle_counts)
{
	m->cycle_end = cycle_end;
	m->idle_counts = idle_counts;
	machine_update_limit(m);
}

void machine_charge_idle(struct machine *m, uint64_t cycles)
{
	m->cpu.penalty += cycles;
	m->budget_idle += cycles;
}

/* Instructions the run may still retire, halted cycles counted if asked. */
static uint64_t insns_left(const struct machine *m)
{
	const struct cpu *c = &m->cpu;
	uint64_t used = m->idle_counts ? m->budget_idle - m->budget_idle_start : 0;

	if (c->instret >= c->run_end || used >= c->run_end - c->instret)
		return 0;
	return c->run_end - c->instret - used;
}

static uint64_t cycles_left(const struct machine *m)
{
	uint64_t now = cpu_cycles(m);
	return now >= m->cycle_end ? 0 : m->cycle_end - now;
}

uint64_t machine_idle_counted(const struct machine *m)
{
	return m->idle_counts ? m->budget_idle : 0;
}

bool machine_cycles_spent(const struct machine *m)
{
	return cycles_left(m) == 0;
}

bool machine_budget_spent(const struct machine *m)
{
	return cycles_left(m) == 0 || (m->idle_counts && insns_left(m) == 0);
}

void machine_stop_budget(struct machine *m)
{
	stop_with(m, STOP_LIMIT);
}

/* ---- interrupts ------------------------------------------------------ */

void machine_set_irq(struct machine *m, unsigned line, bool level)
{
	uint32_t bit = 1u << (line & 31), old = m->irq_lines;

	m->irq_lines = level ? old | bit : old & ~bit;
	if (m->irq_lines == old)
		return;
	if (m->nlisten[EV_IRQ]) {
		struct machine_event_info ev = {
			.kind = EV_IRQ, .pc = m->cpu.pc, .addr = line, .value = level,
		};
		machine_emit(m, &ev);
	}
	machine_update_limit(m);
}

uint32_t machine_irq_lines(const struct machine *m) { return m->irq_lines; }
uint32_t machine_irq_enabled(const struct machine *m) { return m->irq_enabled; }

void machine_set_irq_enabled(struct machine *m, uint32_t mask)
{
	m->irq_enabled = mask;
	machine_update_limit(m);
}

/* ---- the run loop ---------------------------------------------------- */

/* Let idle cycles pass, up to room and not past it; false if room ended
 * the sleep first. */
static bool sleep_cycles(struct machine *m, uint64_t idle, uint64_t room)
{
	bool whole = idle <= room;

	if (!whole)
		idle = room;
	m->cpu.penalty += idle;
	m->idle_cycles += idle;
	m->budget_idle += idle;
	return whole;
}

/* Let idle cycles pass, up to a budget's end and not past it; false if
 * the budget ended the sleep first (the run loop then stops there). */
static bool sleep_within_budget(struct machine *m, uint64_t idle)
{
	uint64_t room = cycles_left(m);

	if (m->idle_counts && insns_left(m) < room)
		room = insns_left(m);
	return sleep_cycles(m, idle, room);
}

/* Halted: sleep in virtual time until an enabled line is high. */
static void wait_for_interrupt(struct machine *m)
{
	struct cpu *c = &m->cpu;

	if (m->irq_lines & m->irq_enabled) {
		c->halted = false;
		return;
	}
	if (m->sleep_limit != UINT64_MAX &&
	    (m->next_deadline == UINT64_MAX || m->next_deadline > m->sleep_limit)) {
		if (m->sleep_limit > cpu_cycles(m)) { /* the host lets this much pass */
			uint64_t idle = m->sleep_limit - cpu_cycles(m);
			if (sleep_within_budget(m, idle))
				stop_with(m, STOP_IDLE);
			return;
		}
		stop_with(m, STOP_IDLE);
		return;
	}
	if (m->next_deadline == UINT64_MAX ||
	    m->next_deadline - cpu_cycles(m) > HALT_MAX_IDLE) {
		struct trap_event t = { .pc = c->pc - 4, .psw = c->psw };
		machine_stop_fatal(m, m->next_deadline == UINT64_MAX
				      ? "halt with nothing to wake it (no device event pending)"
				      : "halt that would sleep for more than 2^40 cycles", false, &t);
		return;
	}
	if (m->next_deadline > cpu_cycles(m) &&
	    !sleep_within_budget(m, m->next_deadline - cpu_cycles(m)))
		return;
	machine_fire_timers(m);
}

enum machine_stop machine_sleep(struct machine *m, uint64_t until)
{
	struct cpu *c = &m->cpu;
	enum machine_stop why = STOP_IDLE;

	if (m->dead)
		return m->stop;
	m->stopping = false;
	/* the halted half of machine_run's loop, with `until` for a limit */
	while (c->halted && !(m->irq_lines & m->irq_enabled)) {
		uint64_t now = cpu_cycles(m), to = until;
		if (m->next_deadline <= now) {
			machine_fire_timers(m);
			if (m->stopping) { /* a listener asked, or the device did */
				why = m->stop;
				break;
			}
			continue;
		}
		if (now >= until)
			break;
		if (m->next_deadline < to)
			to = m->next_deadline;
		if (!sleep_cycles(m, to - now, cycles_left(m))) {
			why = STOP_LIMIT;
			break;
		}
	}
	m->stopping = m->dead;
	return why;
}

static bool insn_listeners_stop(struct machine *m)
{
	struct machine_event_info ev = {
		.kind = EV_INSN, .pc = m->cpu.pc, .word = cpu_word_at_pc(m),
	};
	return machine_emit(m, &ev);
}

enum machine_stop machine_run(struct machine *m, uint64_t max_insns)
{
	struct cpu *c = &m->cpu;

	if (m->dead)
		return m->stop;
	c->run_end = max_insns > UINT64_MAX - c->instret ? UINT64_MAX : c->instret + max_insns;
	m->stopping = false;
	/* Continuing from a breakpoint steps over it (a trap first cancels). */
	c->bkpt_pass = c->pc;
	c->bkpt_pass_valid = false;
	if (m->nbreaks) {
		struct mmu_walk w;
		machine_walk(m, c->pc, ACC_FETCH, cpu_ring(m), &w);
		c->bkpt_pass_valid = !w.fault && mem_is_ram(m, w.pa, 4) && mem_is_break(m, w.pa);
	}
	m->budget_idle_start = m->budget_idle;
	for (;;) {
		if (m->stopping)
			break;
		if (m->next_deadline <= cpu_cycles(m)) {
			machine_fire_timers(m);
			continue;
		}
		if (c->halted && !machine_budget_spent(m)) {
			wait_for_interrupt(m);
			continue;
		}
		if (c->instret >= c->run_end || machine_budget_spent(m)) {
			m->stop = STOP_LIMIT;
			break;
		}
		if (cpu_interrupt_pending(m)) {
			m->stats.irqs_taken++;
			cpu_trap(m, CAUSE_MAKE(TRAP_INTERRUPT, 0, 0, 0), c->pc, 0, 0);
			continue;
		}
		c->slice_end = c->run_end;
		if (m->nlisten[EV_INSN]) {
			if (insn_listeners_stop(m))
				continue; /* stop before the instruction runs */
			c->slice_end = c->instret + 1;
		}
		machine_update_limit(m);
		if (c->limit > c->instret)
			cpu_exec(m);
		if (c->bkpt_repatch_valid) { /* re-arm a breakpoint just passed */
			c->bkpt_repatch_valid = false;
			if (mem_is_break(m, c->bkpt_repatch)) {
				struct dpage *dp = m->pages[c->bkpt_repatch >> PAGE_SHIFT].code;
				mem_slot_op(m, dp, (c->bkpt_repatch & PAGE_MASK) >> 2, OP_BKPT);
			}
		}
	}
	m->stopping = m->dead; /* a dead machine stays stopped */
	return m->stop;
}

/* ---- state access ------------------------------------------------------ */

uint32_t machine_reg(const struct machine *m, unsigned n)
{
	return n < ISA_NREGS ? m->cpu.r[n] : 0;
}

void machine_set_reg(struct machine *m, unsigned n, uint32_t value)
{
	if (n > 0 && n < ISA_NREGS)
		m->cpu.r[n] = value;
}

uint32_t machine_pc(const struct machine *m) { return m->cpu.pc; }

void machine_set_pc(struct machine *m, uint32_t pc)
{
	m->cpu.pc = pc;
	m->cpu.halted = false;
	m->cpu.entry_valid = false; /* a new pc ends the double-fault window */
}

uint32_t machine_psw(const struct machine *m) { return m->cpu.psw; }

void machine_set_psw(struct machine *m, uint32_t psw)
{
	cpu_set_psw(m, psw);
}

bool machine_cr(const struct machine *m, unsigned cr, uint32_t *value)
{
	if (cr >= CR_COUNT || !isa_cr_name(cr))
		return false;
	*value = m->cpu.cr[cr];
	return true;
}

bool machine_set_cr(struct machine *m, unsigned cr, uint32_t value)
{
	return cpu_write_cr(m, cr, value);
}

enum machine_variant machine_variant(const struct machine *m) { return m->variant; }
uint32_t machine_mem_bytes(const struct machine *m) { return m->mem_bytes; }
const struct machine_io *machine_io(const struct machine *m) { return &m->io; }
uint64_t machine_seed(const struct machine *m) { return m->seed; }

void machine_console_input(struct machine *m, const uint8_t *bytes, size_t n)
{
	dev_uart_input(m->uart, bytes, n);
}

void machine_console_eof(struct machine *m)
{
	dev_uart_eof(m->uart);
}

bool machine_console_input_at(struct machine *m, uint64_t cycle, const uint8_t *bytes, size_t n)
{
	return dev_uart_input_at(m->uart, cycle, bytes, n, false);
}

bool machine_console_eof_at(struct machine *m, uint64_t cycle)
{
	return dev_uart_input_at(m->uart, cycle, NULL, 0, true);
}

/* ---- the bus ------------------------------------------------------------ */

bool machine_map_device(struct machine *m, uint32_t base, uint32_t size,
			const struct dev_ops *ops, void *dev)
{
	if (m->ndevices == MAX_DEVICES || base < MMIO_BASE || size == 0 ||
	    size > UINT32_MAX - base + 1)
		return false;
	m->devices[m->ndevices++] = (struct mdevice){ base, size, ops, dev };
	return true;
}

static const struct mdevice *bus_find(const struct machine *m, uint32_t pa)
{
	for (int i = 0; i < m->ndevices; i++)
		if (pa - m->devices[i].base < m->devices[i].size)
			return &m->devices[i];
	return NULL;
}

bool bus_read(struct machine *m, uint32_t pa, uint32_t *value)
{
	const struct mdevice *d = bus_find(m, pa);

	*value = 0;
	return d && d->ops->read && d->ops->read(d->dev, pa - d->base, value);
}

bool bus_write(struct machine *m, uint32_t pa, uint32_t value)
{
	const struct mdevice *d = bus_find(m, pa);

	return d && d->ops->write && d->ops->write(d->dev, pa - d->base, value);
}

bool machine_bus_read(struct machine *m, uint32_t pa, uint32_t *value)
{
	if (pa & 3)
		return false;
	if (mem_is_ram(m, pa, 4))
		return machine_phys_read(m, pa, value, 4);
	return bus_read(m, pa, value);
}

bool machine_bus_write(struct machine *m, uint32_t pa, uint32_t value)
{
	if (pa & 3)
		return false;
	if (mem_is_ram(m, pa, 4))
		return machine_phys_write(m, pa, &value, 4);
	return bus_write(m, pa, value);
}

/* ---- hooks and listeners ------------------------------------------------ */

void machine_set_trap_hook(struct machine *m, machine_trap_hook_fn fn, void *opaque)
{
	m->trap_hook = fn;
	m->trap_hook_opaque = opaque;
}

int machine_on(struct machine *m, enum machine_event kind, machine_event_fn fn, void *opaque)
{
	if ((unsigned)kind >= EV_COUNT || !fn)
		return -1;
	for (int i = 0; i < MAX_LISTENERS; i++) {
		if (!m->listeners[i].used) {
			m->listeners[i] = (struct listener){ fn, opaque, kind, true };
			m->nlisten[kind]++;
			if (kind == EV_MEM)
				mmu_ftlb_flush(m);
			return i;
		}
	}
	return -1;
}

void machine_off(struct machine *m, int handle)
{
	if (handle < 0 || handle >= MAX_LISTENERS || !m->listeners[handle].used)
		return;
	m->nlisten[m->listeners[handle].kind]--;
	m->listeners[handle].used = false;
}

bool machine_emit(struct machine *m, const struct machine_event_info *ev)
{
	bool stop = false;

	for (int i = 0; i < MAX_LISTENERS; i++) {
		struct listener *l = &m->listeners[i];
		if (l->used && l->kind == ev->kind && l->fn(l->opaque, m, ev))
			stop = true;
	}
	if (stop)
		machine_request_stop(m);
	return stop;
}

void machine_get_stats(const struct machine *m, struct machine_stats *s)
{
	*s = m->stats;
	s->instret = m->cpu.instret;
	s->cycles = cpu_cycles(m);
}
