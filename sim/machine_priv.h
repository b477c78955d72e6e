/*
 * machine_priv.h -- the inside of struct machine, shared by the files of sim/ only.
 *
 * Speed comes from three caches that are invisible to the guest:
 *
 *  1. Pre-decoded code.  Each physical page that is executed gets a
 *     struct dpage: 1024 decoded instructions plus a sentinel.  Entries
 *     start as OP_DECODE and are decoded the first time they run; a store
 *     into the page resets just the entries it overwrote.
 *  2. The fast TLB (ftlb).  For each architectural TLB slot and for each
 *     privilege class (supervisor, user), the page address it grants for
 *     reading and for writing in the current context, and what to add to
 *     a virtual address to get the host address (the TLB yields a host
 *     pointer).  A load or store that hits needs one compare and one add.  It mirrors the
 *     architectural TLB slot by slot, so that replacing an architectural
 *     entry can drop exactly the fast entries derived from it.
 *  3. The fetch page.  The dispatch loop keeps the decoded page of the
 *     code page it runs in (docs/isa.md: the one-entry instruction
 *     translation buffer), and moves within a page without any lookup.  A
 *     ring change parks it per privilege class (cpu.itlb_park), so a
 *     trap's return finds its page again without a translation.
 *
 * Invariants:
 *  - ftlb[c][i] grants only what architectural TLB slot i grants to
 *    privilege class c under the current ASID (paging on), or maps RAM
 *    1:1 (paging off); never an MMIO page, never a watched page, never
 *    a virtual page that overlaps a virtual watch (machine_watch_va); a
 *    write tag of a page that has a dpage carries FTLB_CODE (so stores to
 *    code take the code-write path, which keeps the decoded copy exact).
 *  - cycles = instret + penalty, always.
 */
#ifndef VMLAB_MACHINE_PRIV_H
#define VMLAB_MACHINE_PRIV_H

#include "machine.h"

#define LIKELY(x)   __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
/* Inlined into both dispatch loops (cpu_exec.c) even though it is big. */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* Pseudo-operations used only in decoded pages. */
enum {
	OP_DECODE = OP_COUNT, /* not decoded yet: decode in place, then run     */
	OP_PAGE_END,          /* sentinel after the last slot: next page        */
	OP_BKPT,              /* an execution breakpoint sits on this slot      */
	OP_DISPATCH_COUNT
};

/* The fast loop's extra handlers (struct dinsn.fast), numbered after the
 * operations: a branch whose target lies in the page (no range check),
 * and the fused pairs of cpu_fuse.def. */
enum {
	FOP_beq_in = OP_DISPATCH_COUNT, FOP_bne_in, FOP_blt_in, FOP_bge_in,
	FOP_bltu_in, FOP_bgeu_in, FOP_j_in, FOP_jal_in,
#define FUSE(k1, x, k2, y, ch) FOP_F_##k1##_##x##_##k2##_##y##_##ch,
#include "cpu_fuse.def"
#undef FUSE
	FOP_COUNT
};

/* How many lines cpu_fuse.def has (struct machine's fuse_next). */
enum {
	FUSE_COUNT = 0
#define FUSE(k1, x, k2, y, ch) + 1
#include "cpu_fuse.def"
#undef FUSE
};
_Static_assert(FUSE_COUNT < 255, "fuse_first/fuse_next hold a line number in a byte");

/* A pre-decoded instruction (16 bytes).  rd is 16 (a sink register) when
 * the instruction names r0 as its destination, so writes need no test.
 * Branches and j/jal name no rd: their rd says whether the target lies in
 * the same page (DINSN_IN_PAGE), resolved once at decode, and their imm
 * is the offset in bytes of decoded code from the next slot, so a taken
 * branch within the page is ip + 1 + imm with no range check and no
 * scaling.
 *
 *   0        8    9    10   11   12        16
 *   +--------+----+----+----+----+---------+
 *   | fast   | op | rd |rs1 |rs2 |   imm   |
 *   +--------+----+----+----+----+---------+
 *
 * fast is the fast loop's handler for this slot (a computed-goto label,
 * NULL in a switch build): op's own handler, or a variant chosen at decode
 * from this slot and the next (an in-page branch, a fused pair; see
 * cpu_fast_link).  The step loop dispatches on op alone, so fast is a
 * cache: it must change whenever op or the operands of this slot or of
 * the next change, and mem_slot_op/mem_decode_slot are the only writers. */
struct dinsn {
	const void *fast; /* fast loop's handler (see above)        */
	uint8_t op;   /* enum isa_op, OP_DECODE or OP_PAGE_END   */
	uint8_t rd;   /* destination register, 16 for r0          */
	uint8_t rs1;  /* first source                             */
	uint8_t rs2;  /* second source (store data for FMT_STORE)  */
	int32_t imm;  /* extended immediate; a branch's: see above */
};

#define DINSN_IN_PAGE 1
#define DPAGE_SLOTS (PAGE_SIZE / 4)
struct dpage {
	struct dinsn insn[DPAGE_SLOTS + 1]; /* +1: the OP_PAGE_END sentinel */
};

/* What the host knows about one physical page of RAM. */
struct ppage {
	struct dpage *code; /* decoded instructions, or NULL          */
	bool watched;       /* an EV_MEM listener watches this page   */
	uint16_t breaks;    /* execution breakpoints on this page     */
};
#define MAX_BREAKS 64
#define MAX_WATCHES 32

/* Ranges watched for EV_MEM listeners (machine_watch, machine_watch_va):
 * inclusive [lo, hi], physical or virtual, at most MAX_WATCHES of each. */
struct watch_list {
	struct { uint32_t lo, hi; } r[MAX_WATCHES];
	int n;
};

/* Architectural TLB entry (docs/isa.md, "TLB").
 *
 *   +-------+-------+------+---------------------+-------+
 *   | valid |  vpn  | pfn  | asid (8 bits)        | flags |  flags: PTE_W|U|G|D
 *   +-------+-------+------+---------------------+-------+
 */
struct tlb_entry {
	uint32_t vpn;   /* virtual page number (va >> 12)     */
	uint32_t pfn;   /* physical frame number              */
	uint8_t asid;   /* owner, unless flags has PTE_G      */
	uint8_t flags;  /* effective W, U (both levels), G, D */
	bool valid;
};

/* Fast TLB entry.  A tag is a page address, or FTLB_NONE. Accesses compare
 * (va & (page mask | size-1)) with the tag, so a misaligned access misses
 * and the slow path raises the fault. */
struct ftlb_entry {
	uint32_t rtag;  /* page readable through this entry      */
	uint32_t wtag;  /* page writable through this entry      */
	uintptr_t addend; /* host address of the page minus its
			   * virtual address: host = va + addend  */
};
#define FTLB_NONE 0xffffffffu
/* wtag | FTLB_CODE: writable, but the page has decoded code, so a store
 * must also call mem_code_written.  Bit 11 is never set in the compared
 * address (page bits and at most the low two), so such a tag never
 * matches the plain compare. */
#define FTLB_CODE 0x800u
enum { CLASS_SUPER = 0, CLASS_USER = 1 };

struct mtimer {
	uint64_t when;           /* cycle at which fn runs        */
	machine_timer_fn fn;     /* device callback               */
	void *opaque;            /* device state                  */
	bool armed;
};
#define MAX_TIMERS 16

struct mdevice {
	uint32_t base, size;        /* physical MMIO window      */
	const struct dev_ops *ops;
	void *dev;
};
#define MAX_DEVICES 16

struct listener {
	machine_event_fn fn;
	void *opaque;
	enum machine_event kind;
	bool used;
};
#define MAX_LISTENERS 32

struct cpu {
	uint32_t r[ISA_NREGS + 1]; /* r[16]: sink for writes to r0           */
	uint32_t pc;               /* next instruction (outside the loop)    */
	uint32_t psw;              /* RING | IE | FLAGS                      */
	uint32_t cr[CR_COUNT];     /* control registers                      */
	uint64_t instret;          /* instructions completed                 */
	uint64_t penalty;          /* cycles beyond one per instruction      */
	uint64_t limit;            /* the dispatch loop stops at this instret*/
	uint64_t run_end;          /* instret at which machine_run returns   */
	uint64_t entry_instret;    /* instret at the last hardware trap entry*/
	bool entry_valid;          /* a trap entry happened (double fault)   */
	struct trap_event entry;   /* the trap of that entry                 */
	bool halted;               /* waiting for an interrupt (halt)        */
	/* The instruction translation buffer: the code page being executed. */
	bool itlb_valid;
	uint32_t itlb_va;          /* its virtual page address               */
	uint32_t itlb_pa;          /* its physical page address              */
	struct dpage *itlb_code;   /* its decoded instructions               */
	/* The code page each privilege class ran last, parked when the ring
	 * changed (a trap, rfe, wrpsw), so that a syscall's return finds its
	 * page without a translation.  Valid only while nothing that could
	 * change a fetch's translation happened since: a TLB replacement,
	 * invalidation or flush, a control-register write, a monitor's trap
	 * hook or a snapshot restore drop both (cpu_itlb_drop). */
	struct itlb_park {
		bool valid;
		uint32_t va, pa;           /* as itlb_va, itlb_pa            */
		struct dpage *code;        /* as itlb_code                   */
	} itlb_park[2];            /* by CLASS_SUPER, CLASS_USER             */
	uint64_t slice_end;        /* min(run_end, one step if EV_INSN)      */
	uint32_t bkpt_pass;        /* pc whose breakpoint is passed once     */
	bool bkpt_pass_valid;
	uint32_t bkpt_repatch;     /* pa to re-arm after passing it          */
	bool bkpt_repatch_valid;
};

struct machine {
	struct cpu cpu;              /* architectural CPU state            */
	enum machine_variant variant;
	uint32_t mem_bytes;          /* RAM size                           */
	uint8_t *ram;                /* host mapping of RAM (lazy, mmap)   */
	struct ppage *pages;         /* one per RAM page                   */

	struct tlb_entry *tlb;       /* architectural TLB                  */
	unsigned tlb_mask;           /* entries - 1                        */
	struct ftlb_entry *ftlb[2];  /* fast TLB per privilege class       */
	const void *const *fast_labels; /* the fast loop's handlers, by FOP_ */
	uint32_t ft_mask16;          /* ... and tlb_mask << 4               */

	uint32_t irq_lines;          /* interrupt line levels              */
	uint32_t irq_enabled;        /* interrupt controller ENABLE        */

	struct mtimer timers[MAX_TIMERS];
	int ntimers;
	uint64_t next_deadline;      /* min(armed timers' when), or MAX    */

	struct mdevice devices[MAX_DEVICES];
	int ndevices;
	struct dev_uart *uart;       /* console input goes here            */

	machine_trap_hook_fn trap_hook;
	void *trap_hook_opaque;
	struct listener listeners[MAX_LISTENERS];
	unsigned nlisten[EV_COUNT];  /* listeners per event kind           */

	enum machine_stop stop;      /* why the run must end (pending)     */
	bool stopping;               /* stop is set                        */
	int exit_code;               /* power device value                 */
	struct machine_fatal fatal;  /* report for STOP_FATAL              */
	char fatal_reason[128];      /* text behind fatal.reason           */
	bool dead;                   /* powered off or fatally stopped     */

	uint64_t seed;
	uint64_t idle_cycles;        /* cycles spent halted                */
	uint64_t sleep_limit;        /* machine_set_sleep_limit; host's    */
	uint64_t cycle_end;          /* machine_set_budget, or UINT64_MAX  */
	bool idle_counts;            /* halted cycles count as insns       */
	uint64_t budget_idle;        /* halted cycles, incl. a host's      */
	uint64_t budget_idle_start;  /* ... when machine_run began         */
	struct machine_io io;
	struct machine_stats stats;  /* counters (instret/cycles filled on read) */
	uint32_t breaks[MAX_BREAKS]; /* execution breakpoints (physical)   */
	int nbreaks;
	struct watch_list pwatch;    /* EV_MEM ranges by physical address  */
	struct watch_list vwatch;    /* ... and by virtual address         */
	/* cpu_fast_link's index of cpu_fuse.def by the pair's two ops: the
	 * first line for (op1, op2), then each line's next with the same
	 * ops; line numbers from 1, 0 for none.  A store into a page of
	 * decoded code relinks two slots, so this must not scan every line. */
	uint8_t fuse_first[OP_COUNT][OP_COUNT];
	uint8_t fuse_next[FUSE_COUNT];
};

static inline uint64_t cpu_cycles(const struct machine *m)
{
	return m->cpu.instret + m->cpu.penalty;
}

static inline unsigned cpu_ring(const struct machine *m)
{
	return m->cpu.psw & PSW_RING_MASK;
}

static inline int cpu_class(const struct machine *m)
{
	return cpu_ring(m) == RING_USER ? CLASS_USER : CLASS_SUPER;
}

/* The ring is about to change: park the code page of this class. */
static inline void cpu_itlb_park(struct machine *m)
{
	struct cpu *c = &m->cpu;

	if (c->itlb_valid)
		c->itlb_park[cpu_class(m)] = (struct itlb_park){
			.valid = true, .va = c->itlb_va, .pa = c->itlb_pa, .code = c->itlb_code };
	c->itlb_valid = false;
}

/* A TLB entry changed: forget the parked code pages. */
static inline void cpu_itlb_drop_parked(struct machine *m)
{
	m->cpu.itlb_park[CLASS_SUPER].valid = false;
	m->cpu.itlb_park[CLASS_USER].valid = false;
}

/* A fetch's translation may have changed: forget every code page. */
static inline void cpu_itlb_drop(struct machine *m)
{
	m->cpu.itlb_valid = false;
	cpu_itlb_drop_parked(m);
}

static inline bool cpu_paging(const struct machine *m)
{
	return (m->cpu.cr[CR_MMU] & MMU_PG) != 0;
}

/* --- memory (mem.c) --- */
bool mem_init(struct machine *m, char *err, size_t errlen);
void mem_free(struct machine *m);
static inline bool mem_is_ram(const struct machine *m, uint32_t pa, uint32_t len)
{
	return pa < m->mem_bytes && len <= m->mem_bytes - pa;
}
/* The decoded page for physical page pfn, created on first use. */
struct dpage *mem_code_page(struct machine *m, uint32_t pfn);
/* Keep decoded code exact after bytes [pa, pa+len) of RAM changed. */
void mem_code_written(struct machine *m, uint32_t pa, uint32_t len);
/* Decode slot i of dp in place (OP_DECODE -> real op; branch targets are
 * resolved against i) and relink the fast handlers of slots i and i-1. */
void mem_decode_slot(struct machine *m, struct dpage *dp, unsigned i, uint32_t word);
/* Set slot i's op (OP_DECODE, OP_BKPT) and relink slots i and i-1. */
void mem_slot_op(struct machine *m, struct dpage *dp, unsigned i, unsigned op);
/* Decode the slot of physical address pa, honouring breakpoints. */
void mem_decode_at(struct machine *m, struct dpage *dp, uint32_t pa, uint32_t word);
bool mem_is_break(const struct machine *m, uint32_t pa);
/* Does [a, a+size) touch a range of the list? */
bool watch_list_hit(const struct watch_list *w, uint32_t a, uint32_t size);

/* --- MMU (mmu.c) --- */
bool mmu_init(struct machine *m, unsigned entries, char *err, size_t errlen);
void mmu_free(struct machine *m);
/* Translate for the CPU: 0 and *pa on success, else a CAUSE value.  May
 * walk (charging cycles, setting A/D) and fill the TLB and fast TLB. */
uint32_t mmu_translate(struct machine *m, uint32_t va, enum mem_access acc, uint32_t *pa);
void mmu_ftlb_flush(struct machine *m);           /* drop every fast entry  */
void mmu_ftlb_mark_code(struct machine *m, uint32_t pfn); /* page became code */
void mmu_tlb_invalidate(struct machine *m, uint32_t va);   /* tlbinv         */
void mmu_tlb_flush(struct machine *m);                     /* tlbflush       */

/* --- CPU (cpu_exec.c, cpu_trap.c) --- */
void cpu_exec(struct machine *m);  /* run until limit or a serializing event */
void cpu_exec_init(struct machine *m); /* publish the fast loop's handlers */
/* Choose slot i's fast handler from it and slot i+1 (dinsn.fast). */
void cpu_fast_link(const struct machine *m, struct dpage *dp, unsigned i);
/* Raise a trap: cause (CAUSE layout), epc, badva, the instruction word. */
void cpu_trap(struct machine *m, uint32_t cause, uint32_t epc, uint32_t badva, uint32_t word);
bool cpu_interrupt_pending(const struct machine *m);
void cpu_set_psw(struct machine *m, uint32_t psw); /* with its side effects */
bool cpu_write_cr(struct machine *m, unsigned cr, uint32_t v);
/* The instruction word at pc (for trap reports); 0 if unreadable. */
uint32_t cpu_word_at_pc(struct machine *m);
/* Slow-path data access: returns 0 on success, 1 if it touched a device
 * (the loop must serialize), -1 if it trapped. */
int cpu_load_slow(struct machine *m, uint32_t va, unsigned size, uint32_t *value);
int cpu_store_slow(struct machine *m, uint32_t va, unsigned size, uint32_t value);

/* --- machine.c --- */
void machine_fire_timers(struct machine *m);
void machine_update_limit(struct machine *m);
void machine_stop_fatal(struct machine *m, const char *reason, bool trap,
			const struct trap_event *t);
bool machine_emit(struct machine *m, const struct machine_event_info *ev);
bool bus_read(struct machine *m, uint32_t pa, uint32_t *value);
bool bus_write(struct machine *m, uint32_t pa, uint32_t value);

#endif
