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
	struct vmm_io io;
};
void vmm_config_defaults(struct vmm_config *cfg);

struct vm_config {
	const char *name;               /* for reports: the image path   */
	const struct image *image;      /* the guest's program           */
	uint32_t mem_bytes;             /* guest-physical RAM            */
	const uint8_t *console_in;      /* console input (may be NULL)   */
	size_t console_in_len;
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
};
/* vm < 0: totals over every VM. */
void vmm_get_stats(const struct vmm *v, int vm, struct vmm_stats *s);

#endif
