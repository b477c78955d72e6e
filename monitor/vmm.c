/*
 * vmm.c -- the monitor: VMs, the exit handler, the scheduler and the
 * monitor's own clock.
 *
 * Every trap that would enter ring 0 is a VM exit and arrives in
 * vmm_exit(), the machine's ring-0 trap hook:
 *
 *   guest runs (real ring 1 or 3, real IE on) ──trap──► vmm_exit
 *     interrupt          the monitor's timer: device events, time slices
 *     privileged insn    vcpu_emulate: against the virtual CPU
 *     page fault         shadow_fault: fill, trace, device, or the guest's
 *     anything else      reflected into the guest, as its hardware would
 *   then: deliver a pending virtual interrupt, pick who runs, re-arm the
 *   timer, charge the cost model ──► back into a guest (VM entry)
 *
 * The monitor's clock is the real timer device, one-shot, aimed at the
 * earliest of: the end of the running VM's slice, and the next event of
 * any VM's virtual devices.  When every VM is halted, the monitor lets
 * virtual time pass to the next event itself.
 *
 * Each VM's devices count in the VM's own clock (vmm_vm_now), and their
 * events are kept in it.  Under the default timer policy that clock is the
 * machine's minus the monitor's work for the VM, so a guest sees between
 * two ticks the time it would see on bare metal; the other policies keep
 * real time and differ in what becomes of a tick the guest cannot take
 * (docs/monitor.md, "Time").
 */
#include "monitor/vmm_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/image.h"
#include "sim/number.h"

void vmm_costs_defaults(struct vmm_costs *c)
{
	/* VM exit and entry near a 2006-2008 VT-x implementation (Adams &
	 * Agesen report ~1500 cycles for a round trip); the rest is the
	 * monitor's software path, in the same units. */
	*c = (struct vmm_costs){
		.exit = 1200, .entry = 900, .emulate = 100, .shadow_fill = 400,
		.pt_write = 300, .mmio = 300, .inject = 150, .switch_vm = 2000,
		.hypercall = 100, .pv_update = 50,
	};
}

static const struct { const char *name; size_t off; } cost_fields[] = {
	{ "exit", offsetof(struct vmm_costs, exit) },
	{ "entry", offsetof(struct vmm_costs, entry) },
	{ "emulate", offsetof(struct vmm_costs, emulate) },
	{ "shadow_fill", offsetof(struct vmm_costs, shadow_fill) },
	{ "pt_write", offsetof(struct vmm_costs, pt_write) },
	{ "mmio", offsetof(struct vmm_costs, mmio) },
	{ "inject", offsetof(struct vmm_costs, inject) },
	{ "switch_vm", offsetof(struct vmm_costs, switch_vm) },
	{ "hypercall", offsetof(struct vmm_costs, hypercall) },
	{ "pv_update", offsetof(struct vmm_costs, pv_update) },
};

const char *vmm_cost_name(int i)
{
	return i >= 0 && (size_t)i < sizeof cost_fields / sizeof cost_fields[0] ? cost_fields[i].name
									       : NULL;
}

/* The field named by the first len bytes of name, or NULL. */
static uint32_t *cost_field(struct vmm_costs *c, const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof cost_fields / sizeof cost_fields[0]; i++)
		if (strlen(cost_fields[i].name) == len && !strncmp(name, cost_fields[i].name, len))
			return (uint32_t *)((char *)c + cost_fields[i].off);
	return NULL;
}

uint32_t *vmm_cost_field(struct vmm_costs *c, const char *name)
{
	return cost_field(c, name, strlen(name));
}

bool vmm_costs_parse(struct vmm_costs *c, const char *spec, char *err, size_t errlen)
{
	while (*spec) {
		size_t n = strcspn(spec, ","), k = strcspn(spec, "=");
		uint32_t *field;
		bool found = false;
		if (k >= n) {
			snprintf(err, errlen, "'%.*s' is not NAME=CYCLES", (int)n, spec);
			return false;
		}
		if ((field = cost_field(c, spec, k)) != NULL) {
			uint64_t x;
			if (num_parse_u64(spec + k + 1, n - k - 1, 100000000u, &x) != NUM_OK) {
				snprintf(err, errlen, "'%.*s': not a number of cycles", (int)n, spec);
				return false;
			}
			*field = (uint32_t)x;
			found = true;
		}
		if (!found) {
			snprintf(err, errlen, "unknown cost '%.*s' (exit, entry, emulate, shadow_fill, "
				 "pt_write, mmio, inject, switch_vm, hypercall, pv_update)", (int)k, spec);
			return false;
		}
		spec += n + (spec[n] == ',');
	}
	return true;
}

void vmm_config_defaults(struct vmm_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	vmm_costs_defaults(&cfg->costs);
	cfg->slice = 200000;
	cfg->nvms = 1;
	cfg->timer = VMM_TIMER_GUEST;
}

static const char *const policy_names[] = {
	[VMM_TIMER_GUEST] = "guest", [VMM_TIMER_MERGE] = "merge",
	[VMM_TIMER_LATE] = "late", [VMM_TIMER_DROP] = "drop",
};

bool vmm_timer_policy_parse(const char *name, enum vmm_timer_policy *p)
{
	for (size_t i = 0; i < sizeof policy_names / sizeof policy_names[0]; i++)
		if (!strcmp(name, policy_names[i])) {
			*p = (enum vmm_timer_policy)i;
			return true;
		}
	return false;
}

const char *vmm_timer_policy_name(enum vmm_timer_policy p)
{
	return (unsigned)p < sizeof policy_names / sizeof policy_names[0] ? policy_names[p] : "?";
}

static const char *const exit_names[EXIT_COUNT] = {
	[EXIT_MFCR] = "mfcr", [EXIT_MTCR] = "mtcr", [EXIT_RFE] = "rfe",
	[EXIT_TLBINV] = "tlbinv", [EXIT_TLBFLUSH] = "tlbflush", [EXIT_HALT] = "halt",
	[EXIT_RDPSW] = "rdpsw", [EXIT_WRPSW] = "wrpsw", [EXIT_RDCYCLE] = "rdcycle",
	[EXIT_HIDDEN_FAULT] = "hidden-fault", [EXIT_TRUE_FAULT] = "true-fault",
	[EXIT_PT_WRITE] = "pt-write", [EXIT_MMIO] = "mmio", [EXIT_REFLECT] = "reflect",
	[EXIT_INTERRUPT] = "interrupt", [EXIT_HYPERCALL] = "hypercall",
};

const char *vmm_exit_name(enum vmm_exit e)
{
	return (unsigned)e < EXIT_COUNT ? exit_names[e] : "?";
}

static uint32_t pool_frames_for(int nvms)
{
	return POOL_FRAMES_BASE + POOL_FRAMES_PER_VM * (uint32_t)(nvms > 0 ? nvms : 1);
}

static uint32_t round_page(uint32_t x)
{
	return (x + PAGE_MASK) & ~PAGE_MASK;
}

uint32_t vmm_ram_needed(const struct vm_config *vms, int nvms)
{
	uint64_t total = POOL_BASE + (uint64_t)pool_frames_for(nvms) * PAGE_SIZE;

	for (int i = 0; i < nvms; i++)
		total += ((uint64_t)vms[i].mem_bytes + PAGE_MASK) & ~(uint64_t)PAGE_MASK;
	return total > RAM_MAX ? 0 : (uint32_t)total;
}

/* ---- accounting ---- */

void vmm_charge(struct vmm *v, struct vm *vm, uint32_t cycles)
{
	machine_charge(v->m, cycles);
	if (!vm)
		return;
	vm->stats.monitor_cycles += cycles;
	if (v->cfg.timer == VMM_TIMER_GUEST) {
		vm->hidden += cycles; /* off the VM's clock */
		vmm_vm_changed(v, vm);
	}
}

/* Close the running VM's stretch on the CPU. */
static void account(struct vmm *v)
{
	struct vm *vm = v->cur;

	if (!vm)
		return;
	vm->stats.guest_insns += machine_instret(v->m) - vm->entered_instret;
	vm->stats.guest_cycles += machine_cycles(v->m) - vm->entered_cycles;
	vm->entered_instret = machine_instret(v->m);
	vm->entered_cycles = machine_cycles(v->m);
}

/* ---- time: each VM's clock and its devices' events ---- */

uint64_t vmm_vm_now(const struct vmm *v, const struct vm *vm)
{
	return vm->now_overridden ? vm->now_override : machine_cycles(v->m) - vm->hidden;
}

int vmm_event_new(struct vmm *v, struct vm *vm, dev_timer_fn fn, void *opaque)
{
	if (v->nevents == VMM_MAX_EVENTS || vm->nev == VM_MAX_EVENTS)
		return -1;
	v->events[v->nevents] = (struct vevent){ .fn = fn, .opaque = opaque, .vm = vm };
	vm->ev[vm->nev++] = v->nevents;
	vm->ev_gen++;
	vmm_vm_changed(v, vm);
	return v->nevents++;
}

void vmm_event_arm(struct vmm *v, int e, uint64_t when)
{
	if (e >= 0 && e < v->nevents) {
		v->events[e].when = when;
		v->events[e].armed = true;
		v->events[e].vm->ev_gen++;
		vmm_vm_changed(v, v->events[e].vm);
	}
}

void vmm_event_disarm(struct vmm *v, int e)
{
	if (e >= 0 && e < v->nevents) {
		v->events[e].armed = false;
		v->events[e].vm->ev_gen++;
		vmm_vm_changed(v, v->events[e].vm);
	}
}

static bool line_up(const struct vm *vm, unsigned line)
{
	return (vm->vlines >> line) & 1;
}

/* When event i falls due on its VM's clock, or UINT64_MAX if it is not
 * armed, its VM is gone, or the policy holds it back: under `late`, a
 * tick waits until the guest has taken the one before. */
static uint64_t event_when(const struct vmm *v, int i)
{
	const struct vevent *e = &v->events[i];
	const struct vm *vm = e->vm;

	if (!e->armed || vm->state == VM_POWERED_OFF || vm->state == VM_CRASHED)
		return UINT64_MAX;
	if (v->cfg.timer == VMM_TIMER_LATE && i == vm->timer_event && line_up(vm, IRQ_TIMER))
		return UINT64_MAX;
	return e->when;
}

/* A time on vm's clock as a machine cycle: the VM's clock runs with the
 * machine's from now on. */
static uint64_t to_machine(const struct vm *vm, uint64_t when)
{
	return when > UINT64_MAX - vm->hidden ? UINT64_MAX : when + vm->hidden;
}

/* The earliest event of vm's devices, as a machine cycle, and in *idx
 * which (the lowest index on a tie, -1 if none).  Every exit asks, for the
 * running VM and for all the others: scanning every VM's events each time
 * made a VM's cost grow with the number of VMs.  So each VM caches the
 * earliest on its own clock with the inputs of event_when() that can
 * change (an event armed or disarmed, its state, its timer line, its
 * timer event, the timer policy), and recomputes only when one of them
 * moved: the same answer, cheaper.  Its clock's hidden cycles, which move
 * at every exit under the default policy, shift every event alike: they
 * are added after the cache, not a reason to recompute it. */
static uint64_t vm_due(const struct vmm *v, struct vm *vm, int *idx)
{
	struct due_cache *c = &vm->due;
	bool line = line_up(vm, IRQ_TIMER);

	if (!c->valid || c->gen != vm->ev_gen || c->state != vm->state || c->line != line ||
	    c->timer_event != vm->timer_event || c->policy != (int)v->cfg.timer) {
		*c = (struct due_cache){ .when = UINT64_MAX, .idx = -1,
					 .gen = vm->ev_gen, .timer_event = vm->timer_event,
					 .policy = (int)v->cfg.timer, .state = vm->state,
					 .line = line, .valid = true };
		for (int k = 0; k < vm->nev; k++) { /* ascending: ties keep the lowest */
			uint64_t when = event_when(v, vm->ev[k]);
			if (when < c->when) {
				c->when = when;
				c->idx = vm->ev[k];
			}
		}
	}
	*idx = c->idx;
	return to_machine(vm, c->when);
}

/* The earliest event: of `only` if given, else of every VM but `except`. */
static uint64_t earliest_event(const struct vmm *v, struct vm *only, const struct vm *except)
{
	uint64_t when = UINT64_MAX;
	int idx;

	if (only)
		return only == except ? UINT64_MAX : vm_due(v, only, &idx);
	for (int i = 0; i < v->nvms; i++) { /* O(VMs): see others_due() */
		uint64_t due;
		if (v->vms[i] == except)
			continue;
		due = vm_due(v, v->vms[i], &idx);
		if (due < when)
			when = due;
	}
	return when;
}

/* Refill the cache of others_due(): out of line, so that the test every
 * exit makes stays a few instructions (inlined, the scan's registers were
 * saved and restored at every call). */
static __attribute__((noinline)) uint64_t others_due_refresh(struct vmm *v)
{
	v->others.due = earliest_event(v, NULL, v->cur);
	v->others.gen = v->others_gen;
	v->others.valid = true;
	return v->others.due;
}

/* The earliest event of every VM but the running one, from the cache
 * while no input of theirs moved (vmm_vm_changed) and cur is the same. */
static inline uint64_t others_due(struct vmm *v)
{
	if (!v->others.valid || v->others.gen != v->others_gen)
		return others_due_refresh(v);
	return v->others.due;
}

static uint64_t next_event(const struct vmm *v)
{
	return earliest_event(v, NULL, NULL);
}

/* A tick of vm's timer falls due now, `late` cycles after its time. */
static void fire_tick(struct vmm *v, struct vm *vm, struct vevent *e, uint64_t late)
{
	bool was_up = line_up(vm, IRQ_TIMER);

	if (late)
		vm->stats.ticks_late++;
	switch (v->cfg.timer) {
	case VMM_TIMER_LATE:
		/* the device sees the tick on time: it merges nothing, and the
		 * next one is due a period after this one's time */
		vm->now_override = e->when;
		vm->now_overridden = true;
		e->fn(e->opaque);
		vm->now_overridden = false;
		break;
	case VMM_TIMER_DROP:
		e->fn(e->opaque);
		/* the guest cannot take it (interrupts off, not waiting in halt):
		 * the monitor acknowledges it in the guest's stead */
		if (!was_up && line_up(vm, IRQ_TIMER) && !vm->cpu.vie && !vm->cpu.halted &&
		    vm->timer && vm->timer->ops->write(vm->timer->dev, 0x08, 1))
			vm->stats.ticks_dropped++;
		break;
	default:
		e->fn(e->opaque);
		break;
	}
}

void vmm_fire_events(struct vmm *v)
{
	uint64_t now = machine_cycles(v->m);

	v->events_fired = now;
	for (;;) { /* due events in (time, index) order, as one scan would */
		int first = -1, idx;
		uint64_t first_due = UINT64_MAX;
		for (int i = 0; i < v->nvms; i++) {
			uint64_t due = vm_due(v, v->vms[i], &idx);
			if (due <= now && (due < first_due || (due == first_due && idx < first))) {
				first = idx;
				first_due = due;
			}
		}
		if (first < 0)
			return;
		struct vevent *e = &v->events[first];
		e->armed = false;
		e->vm->ev_gen++;
		v->others_gen++; /* its device may change anything of its VM */
		if (first == e->vm->timer_event)
			fire_tick(v, e->vm, e, now - first_due);
		else
			e->fn(e->opaque);
	}
}

/* Is a VM other than the running one ready, or about to be woken? */
static bool others_waiting(const struct vmm *v)
{
	for (int i = 0; i < v->nvms; i++) {
		const struct vm *vm = v->vms[i];
		if (vm != v->cur && vm->state == VM_RUNNING &&
		    (!vm->cpu.halted || (vm->vlines & vm->venabled)))
			return true;
	}
	return false;
}

/* When the running VM must let the other VMs' device events fire.
 * Resource control: another VM's devices may not set the running VM's exit
 * rate (a guest whose timer fires every cycle would otherwise make every
 * instruction of every guest an exit).  Their events wait for the monitor
 * at most slice/8 cycles at a time, counted from the last time it fired
 * events (not from now: a guest that exits all the time would put them off
 * forever). */
static inline uint64_t others_deadline(struct vmm *v)
{
	uint64_t others = others_due(v), gap = v->cfg.slice / 8;

	if (others != UINT64_MAX && others < v->events_fired + gap)
		others = v->events_fired + gap;
	return others;
}

/* Before entering the running VM: fire the other VMs' events that are due
 * now instead of aiming the timer in the past.  The monitor's own work
 * (an exit, a VM switch) can carry time past their deadline; an interrupt
 * taken right at entry would then cost another exit before the guest ran
 * one instruction, and with a slice shorter than an exit and a switch
 * that was every entry: a livelock (docs/monitor.md, section 6). */
static void catch_up(struct vmm *v)
{
	if (v->cur && !v->stopping && others_deadline(v) <= machine_cycles(v->m))
		vmm_fire_events(v);
}

void vmm_program_timer(struct vmm *v)
{
	uint64_t now = machine_cycles(v->m), want;

	if (v->cur) {
		uint64_t others = others_deadline(v);
		want = earliest_event(v, v->cur, NULL);
		if (others < want)
			want = others;
	} else {
		want = next_event(v);
	}

	/* a time slice matters only when someone else is waiting for the CPU */
	if (v->cur && v->slice_end < want && others_waiting(v))
		want = v->slice_end;
	if (want == v->programmed)
		return;
	v->programmed = want;
	if (want == UINT64_MAX) {
		machine_bus_write(v->m, MMIO_TIMER + 0x0, 0);
		return;
	}
	uint64_t period = want > now ? want - now : 1;
	machine_bus_write(v->m, MMIO_TIMER + 0x4, period > UINT32_MAX ? UINT32_MAX : (uint32_t)period);
	machine_bus_write(v->m, MMIO_TIMER + 0x0, 0x1 | 0x4); /* ENABLE | IRQ_ENABLE, one-shot */
}

/* ---- VM life ---- */

void vmm_crash(struct vmm *v, struct vm *vm, const char *reason, uint32_t cause,
	       uint32_t pc, uint32_t badva)
{
	if (vm->state == VM_CRASHED || vm->state == VM_POWERED_OFF)
		return;
	if (reason != vm->reason)
		snprintf(vm->reason, sizeof vm->reason, "%s", reason);
	vm->state = VM_CRASHED;
	vmm_vm_changed(v, vm);
	vm->crash_cause = cause;
	vm->crash_pc = pc;
	vm->crash_badva = badva;
	vmm_vm_ended(v, vm);
}

static bool runnable(const struct vm *vm)
{
	return vm->state == VM_RUNNING && !vm->cpu.halted;
}

static void switch_to(struct vmm *v, struct vm *vm)
{
	if (v->cur != vm) {
		struct vm *from = v->cur;
		if (v->cur) {
			account(v);
			vcpu_save(v, v->cur); /* an ended VM's registers stay readable */
		}
		v->cur = vm;
		v->others_gen++; /* "the others" are others now */
		/* its stretch opens before the switch is charged to it: the
		 * monitor's cycles for a VM lie within its stretches */
		vm->entered_instret = machine_instret(v->m);
		vm->entered_cycles = machine_cycles(v->m);
		vmm_charge(v, vm, v->cfg.costs.switch_vm);
		vm->stats.vm_switches++;
		vcpu_load(v, vm);
		if (v->nobs)
			vmm_emit(v, &(struct vmm_event){ .kind = VMM_EV_VM_SWITCH, .vm = vm->id,
							 .from = from ? from->id : -1 });
	}
	v->slice_end = machine_cycles(v->m) + v->cfg.slice;
}

/* Wake halted VMs whose virtual interrupt controller has something. */
static void wake(struct vmm *v)
{
	for (int i = 0; i < v->nvms; i++) {
		struct vm *vm = v->vms[i];
		if (vm->state == VM_RUNNING && vm->cpu.halted && (vm->vlines & vm->venabled))
			vm->cpu.halted = false;
	}
}

void vmm_schedule(struct vmm *v)
{
	for (;;) {
		int start = v->cur ? v->cur->id : -1;
		struct vm *pick;
		wake(v);
		if (v->sched && (pick = vmm_sched_pick(v)) != NULL) {
			switch_to(v, pick);
			if (runnable(pick))
				return;
		}
		for (int k = 1; k <= v->nvms; k++) {
			struct vm *vm = v->vms[(start + k + v->nvms) % v->nvms];
			if (!runnable(vm))
				continue;
			switch_to(v, vm);
			if (runnable(vm))
				return;
		}
		/* Nobody can run.  Halted VMs wait for their devices' events. */
		bool halted = false;
		for (int i = 0; i < v->nvms; i++)
			halted |= v->vms[i]->state == VM_RUNNING;
		if (!halted) {
			account(v);
			v->stopping = true;
			machine_request_stop(v->m);
			return;
		}
		uint64_t when = next_event(v), now = machine_cycles(v->m);
		if (when == UINT64_MAX) {
			for (int i = 0; i < v->nvms; i++)
				if (v->vms[i]->state == VM_RUNNING)
					vmm_crash(v, v->vms[i], "guest halted with nothing to wake it",
						  0, v->vms[i]->cpu.pc, 0);
			continue;
		}
		account(v);
		if (machine_budget_spent(v->m)) { /* every VM halted: the run's budget ends it */
			machine_stop_budget(v->m);
			return;
		}
		if (when > now) {
			machine_charge_idle(v->m, when - now); /* idle: let time pass */
			if (v->cur)
				v->cur->stats.idle_cycles += when - now;
			if (v->cur)
				v->cur->entered_cycles = machine_cycles(v->m);
		}
		vmm_fire_events(v);
	}
}

/* ---- the exit handler ---- */

static void host_interrupt(struct vmm *v, struct vm *vm)
{
	vm->stats.exits[EXIT_INTERRUPT]++;
	machine_bus_write(v->m, MMIO_TIMER + 0x8, 1); /* acknowledge (STATUS) */
	v->programmed = UINT64_MAX;
	vmm_fire_events(v);
	if (machine_cycles(v->m) >= v->slice_end)
		vmm_schedule(v); /* time slice over: round robin */
}

static bool vmm_exit(void *opaque, struct machine *m, const struct trap_event *t)
{
	struct vmm *v = opaque;
	struct vm *vm = v->cur;
	unsigned code = CAUSE_CODE(t->cause);
	uint64_t before[EXIT_COUNT], cycles_before = 0;
	unsigned vring = 0;

	if (!vm || v->stopping) { /* no guest should be running */
		machine_request_stop(m);
		return true;
	}
	if (v->nobs) { /* what this exit will count, for the observers */
		memcpy(before, vm->stats.exits, sizeof before);
		cycles_before = vm->stats.monitor_cycles;
		vring = vm->cpu.vring;
	}
	vm->stats.exits_total++;
	vmm_charge(v, vm, v->cfg.costs.exit + v->cfg.costs.entry);
	machine_set_pc(m, t->pc); /* by default resume where the trap happened */
	if (vm->pv) /* a pv guest changes ring without the monitor (pv.c) */
		vm->cpu.vring = t->psw & PSW_RING_MASK;
	if (vm->pv && code == TRAP_ILLEGAL && t->insn == PV_HYPERCALL_WORD)
		code = TRAP_HYPERCALL; /* an exit cause of its own (below) */
	if (t->double_fault) /* a hardware (delegated) entry's vector faulted */
		code = TRAP_DOUBLE_FAULT;
	switch (code) {
	case TRAP_INTERRUPT:
		host_interrupt(v, vm);
		break;
	case TRAP_PRIVILEGED:
		vcpu_emulate(v, vm, t);
		break;
	case TRAP_PAGE_FAULT:
		shadow_fault(v, vm, t);
		break;
	case TRAP_DOUBLE_FAULT: /* as the bare machine would stop: this guest */
		vm->stats.exits[EXIT_REFLECT]++;
		isa_double_fault_reason(vm->reason, sizeof vm->reason, CAUSE_CODE(t->cause), t->pc);
		vmm_crash(v, vm, vm->reason, t->cause, t->pc, t->badva);
		break;
	case TRAP_HYPERCALL: /* --vmm pv: the guest calls the monitor */
		if (!vmm_exit_begin(v, vm, EXIT_HYPERCALL, t, t->cause))
			pv_hypercall(v, vm, t);
		break;
	default: /* syscall, breakpoint, illegal, misaligned, divide, bus error */
		if (!vmm_exit_begin(v, vm, EXIT_REFLECT, t, t->cause))
			vcpu_inject(v, vm, code, CAUSE_ACCESS(t->cause), CAUSE_PROT(t->cause), t->pc,
				    t->badva);
		break;
	}
	if (v->cur && !runnable(v->cur))
		vmm_schedule(v);
	catch_up(v);
	if (v->cur && !runnable(v->cur) && !v->stopping)
		vmm_schedule(v); /* an event of its own may have ended it */
	if (v->cur && !v->stopping)
		vcpu_check_irq(v, v->cur);
	if (v->cur && !runnable(v->cur) && !v->stopping)
		vmm_schedule(v); /* the injection itself may have crashed it */
	if (!v->stopping)
		vmm_program_timer(v);
	if (v->nobs)
		vmm_observe_exit(v, vm, t, vring, before, cycles_before);
	return true;
}

/* ---- creation ---- */

struct vmm *vmm_new(struct machine *m, const struct vmm_config *cfg, char *err, size_t errlen)
{
	struct vmm *v = calloc(1, sizeof *v);
	uint32_t pool;

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v->m = m;
	v->cfg = *cfg;
	if (v->cfg.slice == 0)
		v->cfg.slice = 1;
	v->frames_per_vm = cfg->shadow_frames ? cfg->shadow_frames : VMM_SHADOW_FRAMES;
	v->programmed = UINT64_MAX;
	pool = pool_frames_for(cfg->nvms);
	v->next_base = POOL_BASE + pool * PAGE_SIZE;
	if (v->next_base > machine_mem_bytes(m)) {
		snprintf(err, errlen, "machine RAM of %u bytes is too small for the monitor",
			 machine_mem_bytes(m));
		free(v);
		return NULL;
	}
	if (!shadow_init(v, pool, err, errlen)) {
		free(v);
		return NULL;
	}
	machine_set_trap_hook(m, vmm_exit, v);
	machine_bus_write(m, MMIO_INTC + 0x4, 1u << IRQ_TIMER); /* the monitor's clock */
	return v;
}

void vmm_free(struct vmm *v)
{
	if (!v)
		return;
	machine_set_trap_hook(v->m, NULL, NULL);
	for (int i = 0; i < v->nvms; i++) {
		vdev_free(v->vms[i]);
		shadow_free_rmap(v->vms[i]);
		free(v->vms[i]->traced);
		free(v->vms[i]->flood);
		free(v->vms[i]);
	}
	free(v->free_frames);
	free(v);
}

int vmm_add_vm(struct vmm *v, const struct vm_config *vc, char *err, size_t errlen)
{
	uint32_t mem = round_page(vc->mem_bytes);
	struct vm *vm;

	if (vc->mem_bytes > 0xffffffffu - (PAGE_SIZE - 1)) /* would round to 0 */
		mem = 0xffffffffu;
	if (v->nvms == VMM_MAX_VMS || v->nvms >= v->cfg.nvms) {
		snprintf(err, errlen, "too many VMs (the monitor was set up for %d)", v->cfg.nvms);
		return -1;
	}
	if (mem < PAGE_SIZE || mem > machine_mem_bytes(v->m) - v->next_base ||
	    v->next_base > machine_mem_bytes(v->m)) {
		snprintf(err, errlen, "%u bytes of guest RAM do not fit in the machine",
			 vc->mem_bytes);
		return -1;
	}
	if (!pv_image_ok(v, vc, err, errlen)) /* a pv image <=> --vmm pv */
		return -1;
	vm = calloc(1, sizeof *vm);
	if (!vm || !(vm->traced = calloc(mem / PAGE_SIZE, sizeof *vm->traced)) ||
	    !(vm->flood = calloc(mem / PAGE_SIZE, sizeof *vm->flood))) {
		if (vm)
			free(vm->traced);
		free(vm);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	vm->id = v->nvms;
	vm->name = vc->name;
	vm->vmm = v;
	vm->base = v->next_base;
	vm->mem = mem;
	vm->timer_event = -1;
	for (size_t i = 0; i < vc->image->nsegs; i++) {
		const struct image_segment *s = &vc->image->segs[i];
		if (!gpa_is_ram(vm, s->addr, s->memsz) || s->filesz > s->memsz) {
			snprintf(err, errlen, "segment %s at 0x%08x (%u bytes) does not fit in %u bytes of guest RAM",
				 s->name ? s->name : "?", s->addr, s->memsz, mem);
			free(vm->traced);
			free(vm->flood);
			free(vm);
			return -1;
		}
	}
	/* Guest RAM starts zeroed, like a fresh machine's: the monitor runs on
	 * a fresh machine and never hands a slice out twice, so it already is
	 * (and untouched guest RAM costs the host nothing). */
	for (size_t i = 0; i < vc->image->nsegs; i++) {
		const struct image_segment *s = &vc->image->segs[i];
		machine_phys_write(v->m, vm->base + s->addr, s->data, s->filesz);
	}
	vcpu_reset(vm, vc->image->entry, machine_variant(v->m));
	if (v->cfg.pv)
		pv_reset(vm); /* its kernel starts in real ring 1 */
	if (!vdev_attach(v, vm, vc, err, errlen)) {
		vdev_free(vm);
		free(vm->traced);
		free(vm->flood);
		free(vm);
		return -1;
	}
	v->next_base += mem;
	v->vms[v->nvms++] = vm;
	v->others_gen++;
	return vm->id;
}

bool vmm_start(struct vmm *v)
{
	if (v->cur)
		return true;
	if (v->nvms == 0 || v->stopping)
		return false;
	vmm_schedule(v);
	if (v->stopping)
		return false;
	vcpu_check_irq(v, v->cur);
	vmm_program_timer(v);
	return true;
}

enum vmm_stop vmm_run(struct vmm *v, uint64_t max_insns)
{
	enum machine_stop why;

	if (v->nvms == 0 || v->stopping)
		return VMM_ALL_DONE;
	if (!v->cur && !vmm_start(v))
		return VMM_ALL_DONE;
	why = machine_run(v->m, max_insns);
	account(v);
	if (v->stopping)
		return VMM_ALL_DONE;
	return why == STOP_LIMIT ? VMM_LIMIT : VMM_STOPPED;
}

/* ---- results ---- */

int vmm_vm_count(const struct vmm *v)
{
	return v->nvms;
}

void vmm_vm_result(const struct vmm *v, int i, struct vm_result *r)
{
	const struct vm *vm = v->vms[i];

	*r = (struct vm_result){
		.state = vm->state == VM_RUNNING && vm->cpu.halted ? VM_HALTED : vm->state,
		.exit_code = vm->exit_code, .reason = vm->reason,
		.cause = vm->crash_cause, .pc = vm->crash_pc, .badva = vm->crash_badva,
	};
}

void vmm_get_stats(const struct vmm *v, int i, struct vmm_stats *s)
{
	memset(s, 0, sizeof *s);
	for (int k = 0; k < v->nvms; k++) {
		const struct vmm_stats *x = &v->vms[k]->stats;
		if (i >= 0 && k != i)
			continue;
		for (int e = 0; e < EXIT_COUNT; e++)
			s->exits[e] += x->exits[e];
		s->exits_total += x->exits_total;
		s->injected_irqs += x->injected_irqs;
		s->shadow_tables += x->shadow_tables;
		s->shadow_fills += x->shadow_fills;
		s->shadow_drops += x->shadow_drops;
		s->shadow_flushes += x->shadow_flushes;
		s->shadow_frames += x->shadow_frames;
		s->vm_switches += x->vm_switches;
		s->monitor_cycles += x->monitor_cycles;
		s->idle_cycles += x->idle_cycles;
		s->guest_insns += x->guest_insns;
		s->guest_cycles += x->guest_cycles;
		s->ticks_late += x->ticks_late;
		s->ticks_dropped += x->ticks_dropped;
		s->clock_behind += v->vms[k]->hidden;
		s->protect_visits += x->protect_visits;
		for (int h = 0; h < PV_HC_COUNT; h++)
			s->hypercalls[h] += x->hypercalls[h];
		for (int b = 0; b < PV_BATCH_BUCKETS; b++)
			s->batches[b] += x->batches[b];
		s->batch_entries += x->batch_entries;
		s->batch_failed += x->batch_failed;
		s->ring_kicks += x->ring_kicks;
		s->ring_chains += x->ring_chains;
		s->ring_bytes += x->ring_bytes;
	}
	/* the running VM's open stretch (account() closes it at the next
	 * exit that leaves it): a debugger stop or an observer mid-run sees
	 * the instructions retired so far, not those of the last switch */
	if (v->cur && (i < 0 || i == v->cur->id)) {
		s->guest_insns += machine_instret(v->m) - v->cur->entered_instret;
		s->guest_cycles += machine_cycles(v->m) - v->cur->entered_cycles;
	}
	/* the cycles a VM held the CPU include the monitor's work for it */
	s->guest_cycles = s->guest_cycles > s->monitor_cycles ? s->guest_cycles - s->monitor_cycles : 0;
}
