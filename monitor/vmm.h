/*
 * vmm.h -- the virtual machine monitor: ring-0 software of the simulated
 * machine that runs several guests on it by trap-and-emulate with shadow
 * paging (docs/monitor.md).
 *
 * The monitor sits in the machine's ring-0 trap hook and touches the
 * machine only as ring-0 code could: registers, control registers,
 * physical memory, the TLB and device registers.  Its own work is charged
 * to the cycle counter through a cost model, so guest time shows the
 * overhead of virtualization.  It knows no screen: output goes through
 * callbacks, statistics are data.
 *
 *	struct vmm *v = vmm_new(m, &cfg, err, sizeof err);
 *	vmm_add_vm(v, &vm0, err, sizeof err);   // one or more guests
 *	vmm_run(v, UINT64_MAX);                  // until every guest ends
 *	vmm_vm_result(v, 0, &r);
 */
#ifndef VMLAB_VMM_H
#define VMLAB_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/pv_abi.h"
#include "sim/machine.h"

struct vmm;
struct image;

/* What the monitor's work costs in cycles (defaults: docs/monitor.md). */
struct vmm_costs {
	uint32_t exit;        /* trap into the monitor (VM exit)          */
	uint32_t entry;       /* return to the guest (VM entry)           */
	uint32_t emulate;     /* emulate one privileged instruction       */
	uint32_t shadow_fill; /* walk the guest table, fill a shadow entry */
	uint32_t pt_write;    /* emulate a traced page-table write        */
	uint32_t mmio;        /* decode and emulate a device access       */
	uint32_t inject;      /* reflect a trap or interrupt into a guest */
	uint32_t switch_vm;   /* switch from one VM to another            */
	uint32_t hypercall;   /* carry out one hypercall (--vmm pv)       */
	uint32_t pv_update;   /* validate and apply one batched PTE       */
};
void vmm_costs_defaults(struct vmm_costs *c);
/* Parse "exit=1500,entry=1000,..." over c; false with the bad part. */
bool vmm_costs_parse(struct vmm_costs *c, const char *spec, char *err, size_t errlen);

/* Output of the guests' devices, labelled with the VM's number. */
struct vmm_io {
	void *opaque;
	void (*console_out)(void *opaque, int vm, const uint8_t *bytes, size_t n);
	void (*debug_print)(void *opaque, int vm, uint32_t value, bool hex);
};

/*
 * Time under the monitor (docs/monitor.md, "Time").  Each VM's devices
 * count in the VM's own clock; the policy says what that clock is and what
 * becomes of a periodic tick that falls due while the guest cannot take it
 * (its previous tick unacknowledged, or its interrupts off):
 *
 *   policy    the VM's clock                 a late tick
 *   guest     real time minus the monitor's  none is late on the monitor's
 *             work for the VM (the default)  account: the clock stops for it
 *   merge     real time                      merged into one (the device's
 *                                            own rule, as on bare metal)
 *   late      real time                      every one delivered, late: the
 *                                            next once the last is taken
 *   drop      real time                      dropped if due while the
 *                                            guest's interrupts are off
 */
enum vmm_timer_policy { VMM_TIMER_GUEST, VMM_TIMER_MERGE, VMM_TIMER_LATE, VMM_TIMER_DROP };
/* "guest", "merge", ... -> policy; false for an unknown name. */
bool vmm_timer_policy_parse(const char *name, enum vmm_timer_policy *p);
const char *vmm_timer_policy_name(enum vmm_timer_policy p);

struct vmm_config {
	struct vmm_costs costs;
	uint64_t slice;          /* cycles a VM runs before the next one  */
	enum vmm_timer_policy timer; /* late ticks and the VMs' clocks    */
	int nvms;                /* how many VMs will be added            */
	bool pv;                 /* paravirtual guests (--vmm pv)         */
	uint32_t shadow_frames;  /* pool frames one VM's shadows may hold
				    (0: VMM_SHADOW_FRAMES)                */
	struct vmm_io io;
};
/* The default bound on one VM's shadow page tables, in 4 KiB frames
 * (docs/monitor.md, "What a VM costs"). */
#define VMM_SHADOW_FRAMES 8u
void vmm_config_defaults(struct vmm_config *cfg);

struct vm_config {
	const char *name;               /* for reports: the image path   */
	const struct image *image;      /* the guest's program           */
	uint32_t mem_bytes;             /* guest-physical RAM            */
	const uint8_t *console_in;      /* console input (may be NULL)   */
	size_t console_in_len;
	bool console_open;              /* more input will come (through
					 * vmm_console_input): no end of
					 * input after console_in        */
	const char *disk_path;          /* virtual disk file, or NULL    */
	uint64_t seed;                  /* the guest's RNG device        */
};

/* Host RAM the machine needs for these guests plus the monitor's own. */
uint32_t vmm_ram_needed(const struct vm_config *vms, int nvms);

struct vmm *vmm_new(struct machine *m, const struct vmm_config *cfg, char *err, size_t errlen);
void vmm_free(struct vmm *v);
/* The VM's number, or -1 with a reason (no memory, bad image, ...). */
int vmm_add_vm(struct vmm *v, const struct vm_config *vc, char *err, size_t errlen);

enum vmm_stop {
	VMM_ALL_DONE,   /* every guest powered off or crashed        */
	VMM_LIMIT,      /* the instruction budget ran out            */
	VMM_STOPPED,    /* a tool stopped the machine                */
};
enum vmm_stop vmm_run(struct vmm *v, uint64_t max_insns);

/* Console input arriving now at a VM's UART (an interactive front end),
 * and the end of it; false if vm is not a VM or the host is out of memory. */
bool vmm_console_input(struct vmm *v, int vm, const uint8_t *bytes, size_t n);
bool vmm_console_eof(struct vmm *v, int vm);

enum vm_state { VM_RUNNING, VM_HALTED, VM_POWERED_OFF, VM_CRASHED };
struct vm_result {
	enum vm_state state;
	int exit_code;          /* VM_POWERED_OFF                          */
	const char *reason;     /* VM_CRASHED: why                         */
	uint32_t cause, pc, badva; /* VM_CRASHED: the guest trap          */
};
int vmm_vm_count(const struct vmm *v);
void vmm_vm_result(const struct vmm *v, int vm, struct vm_result *r);

/* Why the monitor was entered (DESIGN section 4, "Statistics"). */
enum vmm_exit {
	EXIT_MFCR, EXIT_MTCR, EXIT_RFE, EXIT_TLBINV, EXIT_TLBFLUSH, EXIT_HALT,
	EXIT_RDPSW, EXIT_WRPSW, EXIT_RDCYCLE,  /* strict machine only       */
	EXIT_HIDDEN_FAULT,  /* shadow entry missing or stale: filled       */
	EXIT_TRUE_FAULT,    /* the guest's own tables fault: injected      */
	EXIT_PT_WRITE,      /* write to a traced guest page table          */
	EXIT_MMIO,          /* access to an emulated device                */
	EXIT_REFLECT,       /* guest trap reflected (syscall, fault, ...)  */
	EXIT_INTERRUPT,     /* the monitor's timer                         */
	EXIT_HYPERCALL,     /* a paravirtual guest called the monitor      */
	EXIT_COUNT
};
const char *vmm_exit_name(enum vmm_exit e);

struct vmm_stats {
	uint64_t exits[EXIT_COUNT];
	uint64_t exits_total;
	uint64_t injected_irqs;     /* virtual interrupts delivered        */
	uint64_t shadow_tables;     /* shadow page tables built (PD + PT)  */
	uint64_t shadow_fills;      /* shadow entries filled               */
	uint64_t shadow_drops;      /* shadow entries dropped              */
	uint64_t shadow_flushes;    /* whole shadows discarded (pool full) */
	uint64_t shadow_frames;     /* the most pool frames its shadows held
				       at once (at most cfg.shadow_frames) */
	uint64_t vm_switches;
	uint64_t monitor_cycles;    /* charged by the cost model           */
	uint64_t idle_cycles;       /* every guest halted                  */
	uint64_t guest_cycles;      /* the rest                            */
	uint64_t guest_insns;       /* instructions the guests retired     */
	/* time (docs/monitor.md, "Time") */
	uint64_t ticks_late;        /* timer expiries delivered late       */
	uint64_t ticks_dropped;     /* timer expiries the monitor dropped  */
	uint64_t clock_behind;      /* cycles the VM's clock is behind the
				       machine's (policy guest)            */
	/* resource control: shadow entries the monitor examined to write-
	 * protect frames that became page tables (reverse map) */
	uint64_t protect_visits;
	/* paravirtual guests: hypercalls by number, batch sizes */
	uint64_t hypercalls[PV_HC_COUNT];
	uint64_t batches[PV_BATCH_BUCKETS]; /* mmu_update/multicall calls by size */
	uint64_t batch_entries;     /* entries in them                     */
	uint64_t batch_failed;      /* entries refused (status < 0)        */
	uint64_t ring_kicks;        /* notify hypercalls                   */
	uint64_t ring_chains;       /* descriptor chains consumed          */
	uint64_t ring_bytes;        /* bytes they carried                  */
};
/* vm < 0: totals over every VM. */
void vmm_get_stats(const struct vmm *v, int vm, struct vmm_stats *s);

/* ---- watching and inspecting the monitor (monitor/vmm_inspect.c) ----
 * For tools (the debugger, the tracer, a TUI): the monitor knows no
 * screen, so it reports each exit to observers and answers questions
 * about a VM's state.  No observer: nothing is done per exit.  The
 * questions have no side effects (no A/D bits set, no shadow filled). */

/* One VM exit, reported after the monitor handled it. */
struct vmm_exit_info {
	int vm;                 /* the VM that exited                        */
	enum vmm_exit cause;    /* what the monitor did (EXIT_COUNT: unknown) */
	uint32_t pc;            /* guest pc of the instruction or trap       */
	unsigned vring;         /* the guest's virtual ring at the exit      */
	uint32_t trap_cause;    /* the real trap's CAUSE                     */
	uint32_t badva;         /* its BADVA (faults)                        */
	uint64_t cycle;         /* machine cycles at the exit                */
	uint32_t cost;          /* cycles the monitor charged for it         */
};
/* What else the monitor does that a tool may watch (docs/lua.md,
 * "Monitor events"): each reported as it happens, inside the exit. */
enum vmm_event_kind {
	VMM_EV_INJECT,      /* a trap or interrupt delivered into a guest     */
	VMM_EV_SHADOW_FILL, /* a shadow entry filled                          */
	VMM_EV_SHADOW_DROP, /* a shadow entry (or a whole table) dropped      */
	VMM_EV_PT_WRITE,    /* a store to a traced guest page table emulated  */
	VMM_EV_VM_SWITCH,   /* another VM got the CPU                         */
	VMM_EV_VM_END,      /* a VM powered off or crashed                    */
	VMM_EV_COUNT
};
struct vmm_event {
	enum vmm_event_kind kind;
	int vm;                 /* the VM it concerns                        */
	uint64_t cycle;         /* machine cycles now                        */
	uint32_t pc;            /* inject: the guest's new pc (its vector)   */
	uint32_t va;            /* shadow fill/drop: the guest page's va     */
	uint32_t gpa;           /* fill: the guest frame; pt_write: where    */
	uint32_t hpa;           /* fill: the host frame mapped               */
	uint32_t value, size;   /* pt_write: the value and its bytes         */
	bool flag;              /* fill: writable; drop: the whole table     */
	uint32_t cause, epc, badva; /* inject: the guest's CAUSE, EPC, BADVA  */
	int from;               /* vm_switch: the VM that had the CPU, or -1 */
	enum vm_state state;    /* vm_end: VM_POWERED_OFF or VM_CRASHED       */
	int exit_code;          /* vm_end: the power-off status              */
	const char *reason;     /* vm_end: why it crashed                    */
};
struct vmm_observer {
	void *opaque;
	/* Called after each exit; may call machine_request_stop(). */
	void (*on_exit)(void *opaque, const struct vmm_exit_info *e);
	/* Called for the other events (may be NULL); may stop the machine,
	 * must not change the monitor's or a VM's state. */
	void (*on_event)(void *opaque, const struct vmm_event *e);
};
#define VMM_MAX_OBSERVERS 4
/* A handle, or -1 if VMM_MAX_OBSERVERS are attached. */
int vmm_observe(struct vmm *v, const struct vmm_observer *o);
void vmm_unobserve(struct vmm *v, int handle);

/* Put the first VM on the CPU without running it (vmm_run does this
 * itself): for a tool that runs the machine with machine_run().  false
 * if no VM can run. */
bool vmm_start(struct vmm *v);
/* The VM on the CPU, or -1. */
int vmm_current(const struct vmm *v);
const char *vmm_vm_name(const struct vmm *v, int vm);

/* A VM's virtual CPU as the guest sees it. */
struct vmm_vcpu_state {
	bool on_cpu;            /* its registers are the real CPU's now      */
	bool halted;            /* waiting for a virtual interrupt           */
	uint32_t regs[ISA_NREGS];
	uint32_t pc;
	uint32_t psw;           /* virtual PSW: virtual ring, virtual IE     */
	unsigned real_ring;     /* where its virtual ring runs (compression) */
	uint32_t cr[CR_COUNT];  /* virtual control registers                 */
	uint32_t mem_base;      /* host pa of its guest-physical 0           */
	uint32_t mem_bytes;
	uint32_t pending;       /* virtual interrupt lines raised & enabled  */
};
bool vmm_vcpu(const struct vmm *v, int vm, struct vmm_vcpu_state *s);

/* Guest-physical -> host-physical; false outside the VM's RAM. */
bool vmm_gpa_to_hpa(const struct vmm *v, int vm, uint32_t gpa, uint32_t *hpa);

/* The guest's own walk of va (its tables, its virtual ring). */
struct vmm_gwalk {
	bool paging;            /* false: gpa = va                           */
	uint32_t pde_gpa, pde, pte_gpa, pte;
	bool pde_ok, pte_ok;    /* the entry lies in guest RAM               */
	bool mapped;            /* P at both levels                          */
	uint32_t gpa;           /* if mapped                                 */
	bool ram;               /* gpa is guest RAM (else a device or nothing) */
	bool device;            /* gpa is an emulated device's page          */
};
/* Why the shadow entry differs from (or matches) the guest's. */
enum vmm_shadow_why {
	SHW_SAME,               /* maps the host frame of the guest's gpa, same rights */
	SHW_GUEST_FAULT,        /* the guest's tables do not map va: true fault */
	SHW_NO_SHADOW,          /* this address space has no shadow yet      */
	SHW_NOT_FILLED,         /* not yet filled: the first access fills it */
	SHW_TRACED,             /* read-only: the frame is a guest page table, traced */
	SHW_DIRTY,              /* read-only until the first write sets D    */
	SHW_DEVICE,             /* a device page: never mapped, accesses emulated */
	SHW_NOT_RAM,            /* the guest maps a frame outside its RAM    */
	SHW_OTHER,              /* differs otherwise (a monitor bug)         */
};
struct vmm_swalk {
	bool exists;            /* a shadow of the guest's address space     */
	uint32_t spd;           /* host pa of the shadow directory           */
	uint8_t asid;           /* its real ASID                             */
	uint32_t spde_pa, spde, spte_pa, spte;
	bool mapped;            /* P at both levels                          */
	uint32_t hpa;           /* if mapped                                 */
	enum vmm_shadow_why why;
};
bool vmm_walks(const struct vmm *v, int vm, uint32_t va, struct vmm_gwalk *g, struct vmm_swalk *s);
const char *vmm_shadow_why_text(enum vmm_shadow_why w);

/* Guest-physical memory of a VM; false outside its RAM.  A write keeps
 * the shadows coherent (as a guest store or DMA would). */
bool vmm_gpa_read(const struct vmm *v, int vm, uint32_t gpa, void *buf, uint32_t len);
bool vmm_gpa_write(struct vmm *v, int vm, uint32_t gpa, const void *buf, uint32_t len);

/* The cost model, read and changed between runs. */
void vmm_get_costs(const struct vmm *v, struct vmm_costs *c);
void vmm_set_costs(struct vmm *v, const struct vmm_costs *c);
/* The field of c named `name` ("exit", "shadow_fill", ...), or NULL;
 * vmm_cost_name(i) for i = 0, 1, ... names them all, then NULL. */
uint32_t *vmm_cost_field(struct vmm_costs *c, const char *name);
const char *vmm_cost_name(int i);

/* ---- policies: exits handled outside the monitor (monitor/vmm_policy.c) ----
 *
 * A policy replaces the monitor's own handling of one exit cause, for one
 * VM or for all, e.g. a script's emulation of mtcr.  The monitor calls it
 * where it has decided the cause, before its own code for it:
 *
 *   exit ─► cause decided ─► policy? ─no──────────────► the C path (counted)
 *                                 └─yes─► fn(...) ─► HANDLED: done (counted
 *                                                    under the cause)
 *                                                  ─► REFLECT: the trap is
 *                                                    delivered to the guest
 *                                                    (counted as reflect)
 *                                                  ─► DEFAULT: the C path
 *
 * Every cause but the monitor's own timer interrupt can have one; a new
 * cause gets them by calling vmm_exit_begin (vmm_priv.h) where it counts
 * its exits.  With no policy set an exit costs one test more.
 * While fn runs the VM is on the CPU and may be changed only through the
 * vmm_vcpu_* calls below; a HANDLED instruction sets the pc itself
 * (usually to trap->pc + 4). */
enum vmm_verdict { VMM_DEFAULT, VMM_HANDLED, VMM_REFLECT };
struct vmm_exit_ctx {
	int vm;
	enum vmm_exit cause;
	const struct trap_event *trap; /* the real trap: pc, insn, badva   */
	uint32_t guest_cause;          /* what REFLECT delivers (CAUSE)     */
	unsigned vring;                /* the guest's virtual ring          */
};
typedef enum vmm_verdict (*vmm_policy_fn)(void *opaque, struct vmm *v,
					  const struct vmm_exit_ctx *x);
/* fn NULL: back to the C path.  vm < 0: every VM without its own.
 * false for EXIT_INTERRUPT (the monitor's resource control) or a bad vm. */
bool vmm_set_policy(struct vmm *v, enum vmm_exit cause, int vm, vmm_policy_fn fn, void *opaque);

/* A scheduler picks the VM to run whenever the monitor chooses (a time
 * slice ended, the running VM halted or ended, the start) from the VMs
 * ready to run (ready[0..n-1], n >= 1); current is the VM on the CPU or
 * -1.  A VM not in ready (e.g. -1): the monitor's round robin.  NULL: the
 * round robin again. */
typedef int (*vmm_sched_fn)(void *opaque, struct vmm *v, int current, const int *ready, int n);
void vmm_set_scheduler(struct vmm *v, vmm_sched_fn fn, void *opaque);

/* A VM's virtual CPU, changed by a tool between runs or by a policy.
 * Registers, pc and PSW are the real CPU's while the VM is on it.  The
 * PSW is the guest's (virtual ring and IE); control registers are its
 * virtual ones, and writing ptbr or mmu switches its shadow. */
uint32_t vmm_vcpu_reg(const struct vmm *v, int vm, unsigned r);
void vmm_vcpu_set_reg(struct vmm *v, int vm, unsigned r, uint32_t x);
uint32_t vmm_vcpu_pc(const struct vmm *v, int vm);
void vmm_vcpu_set_pc(struct vmm *v, int vm, uint32_t pc);
uint32_t vmm_vcpu_psw(const struct vmm *v, int vm);
void vmm_vcpu_set_psw(struct vmm *v, int vm, uint32_t psw);
uint32_t vmm_vcpu_cr(const struct vmm *v, int vm, unsigned cr);
/* false for a read-only or unknown control register */
bool vmm_vcpu_set_cr(struct vmm *v, int vm, unsigned cr, uint32_t x);
/* The VM's clock (what its rdcycle reads). */
uint64_t vmm_vcpu_clock(const struct vmm *v, int vm);
/* The rest only for the VM on the CPU (a policy's): false otherwise. */
/* Wait for a virtual interrupt (halt): the scheduler runs another. */
bool vmm_vcpu_halt(struct vmm *v, int vm);
/* The guest's tlbflush and tlbinv va. */
bool vmm_vcpu_tlbflush(struct vmm *v, int vm);
bool vmm_vcpu_tlbinv(struct vmm *v, int vm, uint32_t va);
/* Deliver trap `code` into the guest as its hardware would (epc: the
 * trapping pc). */
bool vmm_vcpu_inject(struct vmm *v, int vm, unsigned code, uint32_t epc, uint32_t badva);
/* Charge cycles of the monitor's work to the VM (the cost model's). */
bool vmm_vcpu_charge(struct vmm *v, int vm, uint32_t cycles);

#endif
