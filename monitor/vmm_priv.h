/*
 * vmm_priv.h -- the monitor's own data, shared by the files of monitor/ only.
 *
 * Host-physical memory, as the monitor lays it out:
 *
 *   0x00000000 +------------------------+
 *              | (unused page)          |
 *   0x00001000 | shadow-table pool      |  frames for shadow page
 *              |                        |  directories and tables
 *   pool end   +------------------------+
 *              | VM 0 guest-physical RAM|  gpa g of VM i is at
 *              | VM 1 guest-physical RAM|  vm[i].base + g
 *              | ...                    |
 *              +------------------------+
 *
 * Invariants (docs/monitor.md, "Shadow paging"):
 *  - a shadow entry grants no more than the guest's own tables grant to
 *    the guest's current virtual ring, and maps only the VM's own RAM;
 *  - a shadow entry is writable only if the guest entry is dirty and the
 *    guest frame is not a traced page-table page;
 *  - every guest frame a shadow was built from is traced (read-only in
 *    every shadow), so every change to it reaches the monitor;
 *  - guest device pages are never mapped: their accesses fault and are
 *    emulated.
 */
#ifndef VMLAB_VMM_PRIV_H
#define VMLAB_VMM_PRIV_H

#include "monitor/vmm.h"
#include "sim/dev_host.h"
#include "sim/devices.h"

#define VMM_MAX_VMS 64
#define SHADOW_AS_PER_VM 8      /* guest address spaces kept shadowed  */
#define NO_FRAME 0xffffffffu
#define PHYS_MODE_KEY 0xfffffffeu /* shadow of a guest with paging off */
#define POOL_BASE 0x1000u
#define POOL_FRAMES_BASE 64u    /* pool frames for the monitor          */
#define POOL_FRAMES_PER_VM 512u /* and per VM (2 MiB)                   */
#define VMM_MAX_EVENTS (VMM_MAX_VMS * 4) /* timer, UART, disk per VM, and spare */
#define VM_MAX_EVENTS 8         /* events of one VM's devices           */
#define FLOOD_LIMIT 8          /* traced writes before a frame is unshadowed */

/* One shadowed guest address space. */
struct shadow_as {
	bool used;
	uint32_t key;             /* guest PD gpa, or PHYS_MODE_KEY          */
	uint32_t spd;             /* host pa of the shadow page directory    */
	uint8_t asid;             /* real ASID tagging its TLB entries       */
	uint32_t asid_gen;        /* generation the ASID was given in        */
	uint64_t last_used;       /* for LRU eviction                        */
	/* Its shadow tables, one per directory slot that has one, in no
	 * order.  The shadow directory (in host RAM at spd) says which slot
	 * has which table; this list is for visiting them and for the guest
	 * table each mirrors.  A list, not arrays of 1024: a VM keeps 8
	 * address spaces of a few tables each (docs/monitor.md, section 11). */
	uint16_t nactive, cap;    /* tables, and room in pt                  */
	struct shadow_pt {
		uint32_t spt;         /* host pa of the shadow table            */
		uint32_t guest_pt;    /* gpa of the guest table, or NO_FRAME    */
		uint16_t dir;         /* its directory slot                     */
	} *pt;                    /* malloc'd, kept when the slot is reused  */
};

struct vcpu {
	uint32_t regs[ISA_NREGS]; /* saved general registers (not running)  */
	uint32_t pc;              /* saved pc (not running)                 */
	uint32_t flags;           /* saved PSW FLAGS (not running)          */
	unsigned vring;           /* the ring the guest thinks it is in     */
	bool vie;                 /* the guest's interrupt-enable flag      */
	uint32_t vcr[CR_COUNT];   /* all its control registers, both banks:
				     the real ones are the monitor's        */
	bool halted;              /* waiting for a virtual interrupt        */
	uint64_t injections;      /* vcpu_inject calls (policies: did one)  */
	uint64_t inject_instret;  /* machine instret at the last injection  */
	bool inject_valid;        /* (guest double-fault detection)         */
	struct {                  /* that injection, as a double fault      */
		uint32_t cause, epc, badva; /* reports it                   */
	} entry;
};

/* A policy for one exit cause (vmm_policy.c). */
struct vmm_policy {
	vmm_policy_fn fn;
	void *opaque;
};

struct vm {
	int id;
	struct vmm_policy policy[EXIT_COUNT]; /* its own, over the monitor's */
	const char *name;
	enum vm_state state;
	int exit_code;
	char reason[160];
	uint32_t crash_cause, crash_pc, crash_badva;
	uint32_t base;            /* host pa of guest-physical 0           */
	uint32_t mem;             /* bytes of guest RAM                    */
	struct vcpu cpu;
	struct shadow_as as[SHADOW_AS_PER_VM];
	struct shadow_as *cur;    /* shadow in use                         */
	uint32_t shadow_frames;   /* pool frames its shadows hold now      */
	uint16_t *traced;         /* per guest frame: shadows built from it */
	uint32_t (*rmap)[2];      /* per guest frame: where it may be mapped
				     writable (shadow.c, "reverse map")    */
	bool rmap_lost;           /* host memory ran out for it: scan      */
	uint8_t *flood;           /* per guest frame: traced writes since its
				     shadow was last used (unshadow when high) */
	/* virtual devices: the same code as the bare machine's */
	struct dev_host host;
	struct vmm *vmm;
	uint32_t vlines, venabled;
	struct mdev { uint32_t base, size; const struct dev_ops *ops; void *dev; } devs[8];
	int ndevs;
	struct dev_uart *uart;
	struct dev_disk *disk;    /* its disk, for the pv disk queue      */
	struct vmm_stats stats;
	uint64_t entered_cycles;  /* machine cycles when it last got the CPU */
	uint64_t entered_instret;
	/* its clock (vmm.c, "time"): machine cycles minus `hidden`, the
	 * monitor's work for it that the timer policy keeps off its clock;
	 * while a late tick is delivered, the tick's own due time instead */
	uint64_t hidden;
	uint64_t now_override;
	bool now_overridden;
	int timer_event;          /* its timer device's event, or -1       */
	/* its devices' events (indexes into vmm.events, ascending), and the
	 * earliest of them cached with what it was computed from (vmm.c,
	 * "time"): an exit looks at one VM's events, not every VM's */
	int ev[VM_MAX_EVENTS];
	int nev;
	uint32_t ev_gen;          /* bumped when one of them is (dis)armed */
	struct due_cache {
		uint64_t when;        /* earliest on its clock, or UINT64_MAX   */
		int idx;              /* the event (lowest index on a tie)      */
		uint32_t gen;         /* the inputs it was computed from        */
		int timer_event;
		int policy;           /* vmm.cfg.timer                          */
		enum vm_state state;
		bool line, valid;
	} due;
	const struct mdev *timer; /* its timer device                      */
	/* paravirtual guest (--vmm pv, pv.c): its kernel runs in real ring 1
	 * with the real ring-1 bank and delegation; vcpu.vcr[16..21] hold the
	 * bank while it is off the CPU */
	bool pv;
	uint32_t pv_shared;       /* gpa of its shared page, 0 = none yet  */
	struct pv_queue {         /* a shared ring (pv_ring.c)             */
		bool ready, broken, poll;
		uint32_t gpa, q;      /* where, and how many descriptors       */
		uint16_t last_avail;  /* next available entry to consume       */
		uint16_t used_idx;    /* the used ring's idx, as written        */
	} pvq[PV_NQUEUES];
};

struct vevent {
	uint64_t when;            /* machine cycle                         */
	dev_timer_fn fn;
	void *opaque;
	bool armed;
	struct vm *vm;            /* owner                                 */
};

struct vmm {
	struct machine *m;
	struct vmm_config cfg;
	struct vm *vms[VMM_MAX_VMS];
	int nvms;
	struct vm *cur;           /* VM on the CPU, or NULL                 */
	uint64_t slice_end;       /* cycle at which cur yields              */
	uint64_t programmed;      /* real timer deadline, or UINT64_MAX     */
	/* shadow-table frame pool */
	uint32_t *free_frames;
	uint32_t nfree, pool_frames;
	uint32_t frames_per_vm;   /* bound on one VM's share (make_room)    */
	uint32_t next_base;       /* where the next VM's RAM goes           */
	/* real ASIDs for shadows: 1..255, a new generation flushes the TLB */
	uint32_t asid_gen;
	uint32_t next_asid;
	uint64_t use_clock;       /* LRU clock                              */
	struct vevent events[VMM_MAX_EVENTS];
	int nevents;
	bool stopping;            /* every VM is done                       */
	struct vmm_observer obs[VMM_MAX_OBSERVERS]; /* exit listeners        */
	int nobs;                 /* attached (0: nothing done per exit)    */
	uint64_t events_fired;    /* machine cycle the events were last fired */
	struct vmm_policy policy[EXIT_COUNT]; /* for every VM (vmm_policy.c) */
	int npolicies;            /* set anywhere (0: none is looked up)    */
	vmm_sched_fn sched;       /* a scheduler, or NULL: round robin      */
	void *sched_opaque;
	/* The earliest event of every VM but cur (vmm.c, "time"): asked at
	 * every exit, and stable while cur runs.  others_gen moves whenever
	 * an input of another VM's events may have (vmm_vm_changed), or cur
	 * changes; the cache holds for the generation it was computed in. */
	uint64_t others_gen;
	struct { uint64_t due, gen; bool valid; } others;
};

/* Something event_due() reads changed for vm (an event armed, its hidden
 * cycles, its state, its interrupt lines): the running VM's own cache
 * sees it; the cache of the others must be told. */
static inline void vmm_vm_changed(struct vmm *v, const struct vm *vm)
{
	if (vm != v->cur)
		v->others_gen++;
}

/* ---- vmm.c ---- */
void vmm_charge(struct vmm *v, struct vm *vm, uint32_t cycles);
void vmm_crash(struct vmm *v, struct vm *vm, const char *reason, uint32_t cause,
	       uint32_t pc, uint32_t badva);
void vmm_vm_done(struct vmm *v, struct vm *vm);
/* Pick the next VM to run (or idle, or stop) after cur stopped running. */
void vmm_schedule(struct vmm *v);
void vmm_program_timer(struct vmm *v);
void vmm_fire_events(struct vmm *v);
int vmm_event_new(struct vmm *v, struct vm *vm, dev_timer_fn fn, void *opaque);
void vmm_event_arm(struct vmm *v, int e, uint64_t when);
void vmm_event_disarm(struct vmm *v, int e);
/* The VM's clock, which its devices count in. */
uint64_t vmm_vm_now(const struct vmm *v, const struct vm *vm);

/* ---- vcpu.c ---- */
/* Real ring the guest's virtual ring runs in (ring compression): never
 * ring 1, whose control registers and rfe work without trapping. */
static inline unsigned vcpu_real_ring(unsigned vring)
{
	return vring == 3 ? 3 : 2;
}
void vcpu_reset(struct vm *vm, uint32_t entry, enum machine_variant variant);
/* Deliver a trap to the guest as the hardware would (its vector). */
void vcpu_inject(struct vmm *v, struct vm *vm, uint32_t code, uint32_t access,
		 uint32_t prot, uint32_t epc, uint32_t badva);
/* After a trap or interrupt entered the guest (either kind of monitor):
 * remember it for double-fault detection, count it, tell observers. */
void vcpu_injected(struct vmm *v, struct vm *vm, uint32_t code, uint32_t cause, uint32_t epc,
		   uint32_t badva);
/* Emulate a privileged or sensitive instruction the guest trapped on. */
void vcpu_emulate(struct vmm *v, struct vm *vm, const struct trap_event *t);
/* emulate.c: do what the decoded instruction `in` does to the vCPU, after
 * vcpu_emulate charged it (`cause`: what it counts as, EXIT_REFLECT for
 * an instruction ring 0 alone may run, in another ring). */
void vcpu_emulate_insn(struct vmm *v, struct vm *vm, const struct trap_event *t,
		       const struct isa_insn *in, enum vmm_exit cause);
/* Deliver a pending virtual interrupt if the guest can take it now. */
void vcpu_check_irq(struct vmm *v, struct vm *vm);
/* An emulated instruction completed: resume the guest after it. */
void vcpu_next(struct vmm *v, struct vm *vm, const struct trap_event *t);
/* Put the vCPU on the real CPU, or take it off. */
void vcpu_load(struct vmm *v, struct vm *vm);
void vcpu_save(struct vmm *v, struct vm *vm);
uint32_t vcpu_psw(const struct vmm *v, const struct vm *vm); /* as the guest sees it */
/* The guest's PSW (virtual ring and IE, flags) and control registers
 * written, with what follows (real PSW, shadow switch) for a VM on the CPU. */
void vcpu_set_psw(struct vmm *v, struct vm *vm, uint32_t psw);
void vcpu_write_cr(struct vmm *v, struct vm *vm, unsigned cr, uint32_t x);
/* halt: wait for a virtual interrupt unless one is pending. */
void vcpu_halt(struct vm *vm);
uint32_t vcpu_cr(const struct vmm *v, const struct vm *vm, unsigned cr); /* as the guest reads it */

/* ---- shadow.c ---- */
bool shadow_init(struct vmm *v, uint32_t pool_frames, char *err, size_t errlen);
void shadow_free_vm(struct vmm *v, struct vm *vm);
/* Free the VM's host-side shadow bookkeeping: the reverse map and the
 * address spaces' table lists (the tables themselves are pool frames). */
void shadow_free_rmap(struct vm *vm);
/* Make the shadow of the guest's current address space the real one. */
void shadow_activate(struct vmm *v, struct vm *vm);
/* A real page fault while the guest ran: fill, emulate, or inject. */
void shadow_fault(struct vmm *v, struct vm *vm, const struct trap_event *t);
/* The guest changed bytes of guest-physical memory (store or DMA). */
void shadow_guest_wrote(struct vmm *v, struct vm *vm, uint32_t gpa, uint32_t len);
void shadow_invalidate(struct vmm *v, struct vm *vm, uint32_t va);
bool gpa_is_ram(const struct vm *vm, uint32_t gpa, uint32_t len);
/* Keep va filled in the current shadow (a pv guest's trap vector). */
void shadow_prefault(struct vmm *v, struct vm *vm, uint32_t va);
/* Is guest frame gpa a page-table page some shadow was built from? */
static inline bool gpa_traced(const struct vm *vm, uint32_t gpa)
{
	return gpa < vm->mem && vm->traced[gpa >> PAGE_SHIFT] != 0;
}

/* ---- shadow_fill.c (the student's file in labs/05-shadow) ---- */
/* One guest page walk's result. */
struct gwalk {
	uint32_t gpa;     /* translation                          */
	uint32_t pt_gpa;  /* guest page table used (or NO_FRAME)  */
	uint8_t flags;    /* effective W and U, and D              */
};
/* Walk the guest's tables for va as its hardware would, for its virtual
 * ring, setting the guest's A/D bits: 0, or the guest's fault (CAUSE). */
uint32_t guest_walk(struct vmm *v, struct vm *vm, uint32_t va, enum mem_access acc,
		    struct gwalk *w);
/* The shadow entry for guest frame gpa, from a walk's flags (W, U, D). */
uint32_t shadow_pte(const struct vm *vm, uint32_t gpa, uint32_t gflags);
/* Do the guest's store that hit traced frame gpa: its size (0: not a
 * store), *value what it stored. */
unsigned pt_store(struct vmm *v, struct vm *vm, const struct trap_event *t, uint32_t gpa,
		  uint32_t *value);

/* ---- pv.c (--vmm pv) ---- */
#define PV_HYPERCALL_WORD 0x62000000u /* the `hypercall` instruction     */
#define TRAP_HYPERCALL 0x100u          /* vmm_exit's own code for it     */
#define TRAP_DOUBLE_FAULT 0x101u       /* (and for a guest's double fault) */
/* Does the image match the monitor (a pv image <=> --vmm pv)? */
bool pv_image_ok(const struct vmm *v, const struct vm_config *vc, char *err, size_t errlen);
void pv_reset(struct vm *vm); /* a new pv vCPU: kernel in real ring 1 */
void pv_hypercall(struct vmm *v, struct vm *vm, const struct trap_event *t);
/* Reflect a trap into the guest kernel's ring-1 handler (vcpu_inject). */
void pv_inject(struct vmm *v, struct vm *vm, uint32_t code, uint32_t access, uint32_t prot,
	       uint32_t epc, uint32_t badva);
void pv_check_irq(struct vmm *v, struct vm *vm);
void pv_load(struct vmm *v, struct vm *vm);
void pv_save(struct vmm *v, struct vm *vm);
/* Guest RAM as the monitor reads and writes it for a pv guest (len 1, 2
 * or 4; gpa checked by the caller): a write, like a DMA, keeps the
 * shadows coherent.  Little-endian host, as the machine. */
uint32_t pv_rd(struct vmm *v, const struct vm *vm, uint32_t gpa, uint32_t len);
void pv_wr(struct vmm *v, struct vm *vm, uint32_t gpa, uint32_t x, uint32_t len);
int32_t pv_queue_init(struct vmm *v, struct vm *vm, uint32_t queue, uint32_t gpa, uint32_t q,
		      uint32_t flags);
int32_t pv_queue_notify(struct vmm *v, struct vm *vm, uint32_t queue);
void pv_queue_poll(struct vmm *v, struct vm *vm);
/* One descriptor of a chain, as read_chain (pv_ring.c) copied it; ok:
 * its buffer lies in the VM's RAM. */
struct pv_desc {
	uint32_t addr, len, flags;
	bool ok;
};
/* The disk queue's device (pv_blk.c): one request, checked whole first;
 * the used length (bytes the device wrote; 0: not even a status). */
uint32_t pv_blk_request(struct vmm *v, struct vm *vm, const struct pv_desc d[], uint32_t n);
/* The shared page's copy of the virtual interrupt flag. */
bool pv_irq_enabled(const struct vmm *v, const struct vm *vm);

/* ---- vmm_inspect.c ---- */
/* Tell the observers about an exit vm just had (before: its exit counts
 * and monitor cycles when the exit began). */
void vmm_observe_exit(struct vmm *v, struct vm *vm, const struct trap_event *t, unsigned vring,
		      const uint64_t before[EXIT_COUNT], uint64_t cycles_before);

/* Write guest-physical memory as a DMA or a tool does: shadows kept right. */
bool vmm_guest_write(struct vmm *v, struct vm *vm, uint32_t gpa, const void *buf, uint32_t len);
/* Report a monitor event to the observers (only call when v->nobs). */
void vmm_emit(struct vmm *v, const struct vmm_event *e);
/* A VM just powered off or crashed: tell the observers. */
void vmm_vm_ended(struct vmm *v, struct vm *vm);

/* ---- vmm_policy.c ---- */
/* A policy took the exit (handled or reflected it, and counted it). */
bool vmm_policy_run(struct vmm *v, struct vm *vm, enum vmm_exit cause,
		    const struct trap_event *t, uint32_t guest_cause);
/* Where a handler has decided an exit's cause: a policy for it runs
 * (true: it took the exit, the caller's C path is skipped), else the
 * exit is counted under the cause and the caller goes on. */
static inline bool vmm_exit_begin(struct vmm *v, struct vm *vm, enum vmm_exit cause,
				  const struct trap_event *t, uint32_t guest_cause)
{
	if (v->npolicies && vmm_policy_run(v, vm, cause, t, guest_cause))
		return true;
	vm->stats.exits[cause]++;
	return false;
}
/* The scheduler's pick among the ready VMs, or NULL: round robin. */
struct vm *vmm_sched_pick(struct vmm *v);

/* ---- vdev.c ---- */
bool vdev_attach(struct vmm *v, struct vm *vm, const struct vm_config *vc, char *err, size_t errlen);
void vdev_free(struct vm *vm);
/* Emulate a guest load or store to a device page. */
void vdev_mmio(struct vmm *v, struct vm *vm, const struct trap_event *t, uint32_t gpa);
bool vdev_is_mmio(uint32_t gpa);

#endif
