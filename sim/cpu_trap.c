/*
 * cpu_trap.c -- everything that changes the CPU's privilege state: trap
 * entry (with delegation, the ring-0 hook, no-handler and double-fault
 * stops), PSW and control-register writes with their side effects, and
 * the slow paths of loads and stores (faults, devices, watched pages,
 * stores into code).
 *
 * Trap entry, as docs/isa.md "Traps" states it:
 *
 *   from ring >= 1, cause delegated, tvec1 set ──► ring 1: epc1 epsw1 cause1 badva1
 *   otherwise ──► ring-0 hook (a monitor) ──declined──► tvec = 0 ? stop
 *                                                     : ring 0: epc epsw cause badva, IE = 0
 */
#include "machine_priv.h"

#include <string.h>

#define TRAP_ENTRY_COST 10
#define MMIO_COST 10

uint32_t cpu_word_at_pc(struct machine *m)
{
	struct cpu *c = &m->cpu;
	struct mmu_walk w;
	uint32_t word = 0;

	if (c->itlb_valid && (c->pc & ~PAGE_MASK) == c->itlb_va) {
		memcpy(&word, m->ram + c->itlb_pa + (c->pc & PAGE_MASK), 4);
		return word;
	}
	machine_walk(m, c->pc, ACC_FETCH, 0, &w);
	if (!w.fault)
		machine_phys_read(m, w.pa & ~3u, &word, 4);
	return word;
}

static void trap_enter(struct machine *m, const struct trap_event *t,
		       unsigned to_ring, uint32_t vector_base)
{
	struct cpu *c = &m->cpu;
	unsigned bank = to_ring == 1 ? CR_RING1_BASE : 0;
	unsigned code = CAUSE_CODE(t->cause);

	c->cr[bank + CR_EPC] = t->pc;
	c->cr[bank + CR_EPSW] = t->psw;
	c->cr[bank + CR_CAUSE] = t->cause;
	c->cr[bank + CR_BADVA] = t->badva;
	if (to_ring == 0)
		cpu_set_psw(m, t->psw & PSW_FLAGS_MASK); /* ring 0, IE off */
	else
		cpu_set_psw(m, (t->psw & ~PSW_RING_MASK) | 1); /* IE unchanged */
	c->pc = (vector_base & ~3u) + 4 * code;
	c->penalty += TRAP_ENTRY_COST;
	c->entry = *t;
	c->entry_instret = c->instret;
	c->entry_valid = true;
	if (m->nlisten[EV_TRAP]) {
		struct machine_event_info ev = {
			.kind = EV_TRAP, .pc = t->pc, .word = t->cause, .addr = t->badva,
			.value = to_ring,
		};
		machine_emit(m, &ev);
	}
}

void cpu_trap(struct machine *m, uint32_t cause, uint32_t epc, uint32_t badva, uint32_t word)
{
	struct cpu *c = &m->cpu;
	unsigned ring = cpu_ring(m), code = CAUSE_CODE(cause);
	struct trap_event t = {
		.cause = (cause & ~0xf0000u) | (uint32_t)ring << 16,
		.pc = epc, .psw = c->psw, .badva = badva, .insn = word,
	};

	cpu_itlb_park(m); /* the ring changes */
	c->halted = false;
	c->bkpt_pass_valid = false;
	m->stats.traps[code]++;
	/* An instruction that traps does not retire, but it is one step of
	 * the run: machine_run(m, 1) stops at the handler, before its first
	 * instruction.  (syscall retired; an interrupt is no instruction.) */
	if (code != TRAP_INTERRUPT && code != TRAP_SYSCALL && c->run_end > c->instret)
		c->run_end--;

	/* The vector's first instruction trapped: no handler can run. */
	if (code != TRAP_INTERRUPT && c->entry_valid && c->instret == c->entry_instret) {
		/* a monitor's guest (a paravirtual kernel whose delegated
		 * vector faults) is the monitor's to end, not the machine */
		t.double_fault = true;
		if (m->trap_hook && m->trap_hook(m->trap_hook_opaque, m, &t)) {
			cpu_itlb_drop(m); /* the monitor may have changed anything */
			return;
		}
		isa_double_fault_reason(m->fatal_reason, sizeof m->fatal_reason, code, epc);
		machine_stop_fatal(m, m->fatal_reason, true, &c->entry);
		return;
	}
	if (ring >= 1 && code != TRAP_INTERRUPT && (c->cr[CR_DELEG] >> code & 1) &&
	    c->cr[CR_TVEC1] != 0) {
		trap_enter(m, &t, 1, c->cr[CR_TVEC1]);
		return;
	}
	if (m->trap_hook && m->trap_hook(m->trap_hook_opaque, m, &t)) {
		cpu_itlb_drop(m); /* the monitor may have changed anything */
		return;
	}
	if (c->cr[CR_TVEC] == 0) {
		machine_stop_fatal(m, "unhandled trap: no trap vector (tvec is 0)", true, &t);
		return;
	}
	trap_enter(m, &t, 0, c->cr[CR_TVEC]);
}

bool cpu_interrupt_pending(const struct machine *m)
{
	return (m->cpu.psw & PSW_IE) && (m->irq_lines & m->irq_enabled);
}

void cpu_set_psw(struct machine *m, uint32_t psw)
{
	cpu_itlb_park(m); /* the ring may change */
	m->cpu.psw = psw & PSW_WRITABLE;
}

bool cpu_write_cr(struct machine *m, unsigned cr, uint32_t v)
{
	struct cpu *c = &m->cpu;

	if (cr >= CR_COUNT || !isa_cr_name(cr) || cr == CR_CPUID || cr == CR_MEMSIZE)
		return false;
	switch (cr) {
	case CR_ASID:
		v &= ASID_MASK;
		if (v != c->cr[cr])
			mmu_ftlb_flush(m); /* fast entries belong to one ASID */
		break;
	case CR_MMU:
		v &= MMU_PG;
		if (v != c->cr[cr])
			mmu_ftlb_flush(m);
		break;
	default:
		break;
	}
	c->cr[cr] = v;
	cpu_itlb_drop(m);
	return true;
}

static uint32_t read_le(const uint8_t *p, unsigned size)
{
	uint32_t v = 0;
	memcpy(&v, p, size); /* the host is little-endian like the guest */
	return v;
}

/* Report an access that completed, if a watch covers it: a physical one
 * by pa (RAM only), a virtual one by va (RAM or a device register). */
static void watch_event(struct machine *m, uint32_t va, uint32_t pa, unsigned size,
			uint32_t v, bool write)
{
	bool phys, virt;

	if (!m->nlisten[EV_MEM])
		return;
	phys = mem_is_ram(m, pa, size) && m->pages[pa >> PAGE_SHIFT].watched &&
	       watch_list_hit(&m->pwatch, pa, size);
	virt = m->vwatch.n && watch_list_hit(&m->vwatch, va, size);
	if (phys || virt) {
		struct machine_event_info ev = {
			.kind = EV_MEM, .pc = m->cpu.pc, .addr = pa, .va = va, .value = v,
			.size = size, .write = write,
		};
		machine_emit(m, &ev);
	}
}

static void device_event(struct machine *m, uint32_t pa, uint32_t v, bool write)
{
	if (m->nlisten[EV_DEVICE]) {
		struct machine_event_info ev = {
			.kind = EV_DEVICE, .pc = m->cpu.pc, .addr = pa, .value = v,
			.size = 4, .write = write,
		};
		machine_emit(m, &ev);
	}
}

/* Common front of both slow paths: alignment and translation. */
static bool slow_translate(struct machine *m, uint32_t va, unsigned size,
			   enum mem_access acc, uint32_t *pa)
{
	uint32_t cause;

	if (va & (size - 1)) {
		cpu_trap(m, CAUSE_MAKE(TRAP_ALIGN, acc, 0, 0), m->cpu.pc, va, cpu_word_at_pc(m));
		return false;
	}
	cause = mmu_translate(m, va, acc, pa);
	if (cause) {
		cpu_trap(m, cause, m->cpu.pc, va, cpu_word_at_pc(m));
		return false;
	}
	return true;
}

static int bus_error(struct machine *m, uint32_t va, enum mem_access acc)
{
	cpu_trap(m, CAUSE_MAKE(TRAP_BUS_ERROR, acc, 0, 0), m->cpu.pc, va, cpu_word_at_pc(m));
	return -1;
}

int cpu_load_slow(struct machine *m, uint32_t va, unsigned size, uint32_t *value)
{
	uint32_t pa;

	if (!slow_translate(m, va, size, ACC_READ, &pa))
		return -1;
	if (mem_is_ram(m, pa, size)) {
		*value = read_le(m->ram + pa, size);
		watch_event(m, va, pa, size, *value, false);
		return 0;
	}
	m->stats.mmio_reads++;
	m->cpu.penalty += MMIO_COST;
	if (size != 4 || !bus_read(m, pa, value))
		return bus_error(m, va, ACC_READ);
	device_event(m, pa, *value, false);
	watch_event(m, va, pa, 4, *value, false);
	return 1;
}

int cpu_store_slow(struct machine *m, uint32_t va, unsigned size, uint32_t value)
{
	uint32_t pa;

	if (!slow_translate(m, va, size, ACC_WRITE, &pa))
		return -1;
	if (mem_is_ram(m, pa, size)) {
		memcpy(m->ram + pa, &value, size);
		if (m->pages[pa >> PAGE_SHIFT].code)
			mem_code_written(m, pa, size);
		watch_event(m, va, pa, size, size == 4 ? value : value & ((1u << 8 * size) - 1),
			    true);
		return 0;
	}
	m->stats.mmio_writes++;
	m->cpu.penalty += MMIO_COST;
	if (size != 4 || !bus_write(m, pa, value))
		return bus_error(m, va, ACC_WRITE);
	device_event(m, pa, value, true);
	watch_event(m, va, pa, 4, value, true);
	return 1;
}
