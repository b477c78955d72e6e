/*
 * machine.h -- the public face of the simulated machine.
 *
 * A struct machine is one whole computer: CPU, MMU and TLB, RAM, bus and
 * devices, and virtual time.  It is opaque; everything goes through these
 * calls, always with the machine first.  There are no globals, so one
 * process may hold any number of machines.
 *
 * Three kinds of error (after System/161):
 *  - the user's (bad option, unreadable disk file): machine_new() fails and
 *    fills an error message; main() reports it and exits;
 *  - vmlab's own bug: assert();
 *  - the guest's: always an architectural trap into the guest.  Only when
 *    the guest has no usable handler (double fault, halt with nothing to
 *    wake it) does the machine stop, with STOP_FATAL and a report.
 */
#ifndef VMLAB_MACHINE_H
#define VMLAB_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa.h"

struct machine;
struct image;

enum machine_variant {
	VARIANT_CLASSIC, /* x86-like: rdpsw/wrpsw/rdcycle unprivileged   */
	VARIANT_STRICT,  /* every sensitive instruction is privileged    */
};

/* Host side of the devices: where console output and debug-device
 * output go.  Any callback may be NULL (output is then dropped). */
struct machine_io {
	void *opaque;
	void (*console_out)(void *opaque, const uint8_t *bytes, size_t n);
	void (*debug_print)(void *opaque, uint32_t value, bool hex);
	void (*debug_trace)(void *opaque, bool on); /* guest toggled tracing */
};

struct machine_config {
	enum machine_variant variant;
	uint32_t mem_bytes;      /* RAM size; multiple of 4 KiB, <= RAM_MAX  */
	unsigned tlb_entries;    /* power of two, 1..4096                    */
	uint64_t seed;           /* seeds the RNG device                     */
	const char *disk_path;   /* host file backing the disk, or NULL      */
	struct machine_io io;
};
void machine_config_defaults(struct machine_config *cfg);

/* NULL on failure, with a one-line reason in err. */
struct machine *machine_new(const struct machine_config *cfg, char *err, size_t errlen);
void machine_free(struct machine *m);
/* Copy an image's segments into RAM and set pc to its entry. */
bool machine_load_image(struct machine *m, const struct image *img, char *err, size_t errlen);

/* ---- running ------------------------------------------------------- */

enum machine_stop {
	STOP_LIMIT,       /* ran the requested number of instructions     */
	STOP_POWER_OFF,   /* the guest wrote the power device             */
	STOP_FATAL,       /* trap with no usable handler; see the report  */
	STOP_DEBUG_BREAK, /* the guest wrote the debug device's BREAK     */
	STOP_REQUESTED,   /* a hook or tool called machine_request_stop   */
	STOP_IDLE,        /* halted, would sleep past the sleep limit     */
};

/* Run at most max_insns instructions (UINT64_MAX: no limit).  Exact:
 * any sequence of runs adding up to N reaches the same state as one of N.
 * One step, machine_run(m, 1), is one instruction: completed, or trapping
 * (the step ends at the handler's first instruction).  An interrupt that
 * is pending when the step begins is taken first, within the same step.
 * Time a halted CPU sleeps is not a step. */
enum machine_stop machine_run(struct machine *m, uint64_t max_insns);
void machine_request_stop(struct machine *m);
/* Idle time under a host's control (an interactive front end that paces
 * the guest's idle time and delivers input while it waits).  With a limit
 * L other than UINT64_MAX, a halted CPU whose next wake-up is later than
 * L, or that has nothing to wake it, sleeps only to cycle L (if later
 * than now) and machine_run returns STOP_IDLE there, at an instruction
 * boundary; the host may then deliver input and run again.  Splitting a
 * sleep this way changes nothing: sleeping to L and then on to the
 * wake-up is the same as sleeping there at once.  The default is
 * UINT64_MAX (sleep to the next event; nothing to wake it is fatal). */
void machine_set_sleep_limit(struct machine *m, uint64_t cycle);
/* A halted CPU sleeps to cycle `until` (if later than now) and no
 * instruction runs: device events fire on the way as in machine_run,
 * those due at `until` included.  It ends early when an enabled
 * interrupt line is high (the next machine_run takes the interrupt) and
 * at the cycle_end of machine_set_budget (STOP_LIMIT); a CPU that is not
 * halted does not sleep.  Unlike machine_run(m, 0) under idle_counts,
 * no instruction budget bounds the sleep: the host that calls this keeps
 * its own (the cycles slept count in machine_idle_counted).  For a host
 * that must reach a cycle exactly, as a replayed stop does.  STOP_IDLE,
 * STOP_LIMIT, or the stop a device event's listener asked for. */
enum machine_stop machine_sleep(struct machine *m, uint64_t until);
/* The cycle at which the next device event is due; UINT64_MAX if none. */
uint64_t machine_next_event(const struct machine *m);
int machine_exit_code(const struct machine *m); /* after STOP_POWER_OFF */

/* Why a STOP_FATAL happened. */
struct machine_fatal {
	const char *reason; /* "double fault", "no trap vector", ...   */
	bool trap;          /* cause and badva describe a trap          */
	uint32_t cause;     /* CAUSE register layout                    */
	uint32_t pc;        /* pc of the faulting instruction           */
	uint32_t ring;
	uint32_t badva;
};
const struct machine_fatal *machine_fatal_report(const struct machine *m);

/* ---- state --------------------------------------------------------- */

uint32_t machine_reg(const struct machine *m, unsigned n);
void machine_set_reg(struct machine *m, unsigned n, uint32_t value);
uint32_t machine_pc(const struct machine *m);
void machine_set_pc(struct machine *m, uint32_t pc);
uint32_t machine_psw(const struct machine *m);
void machine_set_psw(struct machine *m, uint32_t psw);
/* Host-level control-register access: no privilege check, but the same
 * side effects as mtcr (an ASID or PTBR write takes effect). false if
 * cr is not a control register. */
bool machine_cr(const struct machine *m, unsigned cr, uint32_t *value);
bool machine_set_cr(struct machine *m, unsigned cr, uint32_t value);
enum machine_variant machine_variant(const struct machine *m);
uint32_t machine_mem_bytes(const struct machine *m);

/* Virtual time: cycles = instructions retired + penalties (docs/isa.md,
 * "Cost model"). */
uint64_t machine_cycles(const struct machine *m);
uint64_t machine_instret(const struct machine *m);
/* Charge extra cycles (used by ring-0 software such as the monitor). */
void machine_charge(struct machine *m, uint64_t cycles);

/* Budgets of a whole run (`vmlab run`), so that every run ends, halted or
 * not.  machine_run also stops with STOP_LIMIT once the cycle counter
 * reaches cycle_end (UINT64_MAX: none; a halted CPU sleeps up to it, not
 * past it); and, with idle_counts, once instructions retired plus cycles
 * spent halted since machine_run began reach its max_insns: a kernel that
 * halts with a periodic timer running uses its budget up as one that spins
 * in an idle loop would.  Off by default: the debugger's steps count
 * instructions only. */
void machine_set_budget(struct machine *m, uint64_t cycle_end, bool idle_counts);
/* A host that idles on a guest's behalf (the monitor, every VM halted):
 * let cycles pass as halted time (counted for idle_counts), and ask
 * whether a budget is spent; machine_stop_budget then ends the run with
 * STOP_LIMIT. */
void machine_charge_idle(struct machine *m, uint64_t cycles);
bool machine_budget_spent(const struct machine *m);
/* Halted cycles that count as instructions (idle_counts), since the
 * machine was made: a front end that runs one budget as several
 * machine_run calls adds them up itself. 0 without idle_counts. */
uint64_t machine_idle_counted(const struct machine *m);
/* The cycle counter has reached cycle_end. */
bool machine_cycles_spent(const struct machine *m);
void machine_stop_budget(struct machine *m);

/* ---- memory -------------------------------------------------------- */

/* Physical RAM access from the host side (loader, debugger, DMA, monitor).
 * false if any byte is outside RAM.  Writes keep pre-decoded code exact. */
bool machine_phys_read(struct machine *m, uint32_t pa, void *buf, uint32_t len);
bool machine_phys_write(struct machine *m, uint32_t pa, const void *buf, uint32_t len);

/* A 32-bit aligned access to any physical address, RAM or device, as a
 * bus master would make it (counts as a device access, may have device
 * side effects).  false where nothing answers: a bus error. */
bool machine_bus_read(struct machine *m, uint32_t pa, uint32_t *value);
bool machine_bus_write(struct machine *m, uint32_t pa, uint32_t value);

/* A page walk as the hardware would do it, without side effects (no TLB
 * fill, no A/D update).  For the debugger's `page` and for tests. */
struct mmu_walk {
	bool paging;        /* false: paging off, pa = va                 */
	uint32_t pde_pa;    /* where the directory entry is               */
	uint32_t pde;
	bool pde_ok;        /* pde_pa is in RAM                           */
	uint32_t pte_pa;    /* where the table entry is (if pde present)  */
	uint32_t pte;
	bool pte_ok;
	uint32_t pa;        /* translation, if it succeeded               */
	uint32_t fault;     /* 0, or a CAUSE value for this ring/access   */
};
void machine_walk(struct machine *m, uint32_t va, enum mem_access acc,
		  unsigned ring, struct mmu_walk *w);

/* What ring-0 software does with tlbinv and tlbflush (a monitor uses
 * them after changing shadow tables): invalidate va for the current ASID
 * and global entries, or every entry. */
void machine_tlb_invalidate(struct machine *m, uint32_t va);
void machine_tlb_flush(struct machine *m);

/* The architectural TLB, entry by entry. */
struct tlb_view {
	bool valid;
	uint32_t vpn;   /* va >> 12 */
	uint32_t pfn;   /* pa >> 12 */
	uint8_t asid;
	uint8_t flags;  /* PTE_W | PTE_U | PTE_G | PTE_D of the mapping */
};
unsigned machine_tlb_size(const struct machine *m);
void machine_tlb_entry(const struct machine *m, unsigned i, struct tlb_view *v);

/* ---- devices and virtual time (for sim/dev_*.c) ----------------------
 * A device is a struct of callbacks and an opaque pointer, mapped on one
 * or more 4 KiB MMIO pages.  Accesses are 32-bit and aligned; a callback
 * returning false makes the access a bus error in the guest. */
struct snap_writer;
struct snap_reader;
struct dev_ops {
	const char *name;
	bool (*read)(void *dev, uint32_t offset, uint32_t *value);
	bool (*write)(void *dev, uint32_t offset, uint32_t value);
	void (*free)(void *dev);
	/* Snapshots (see "snapshots" below): write the device's state with
	 * snap_put_*, and read back exactly what save wrote (false if it is
	 * malformed).  NULL for a device with no state of its own. */
	void (*save)(void *dev, struct snap_writer *w);
	bool (*load)(void *dev, struct snap_reader *r);
	/* After a restore (the machine's own state and every device loaded):
	 * NULL if this state is one the device can reach, given whether its
	 * event timer is armed (and when), and the interrupt lines; else the
	 * field that is not ("STATUS.BUSY without a command timer").  A
	 * checkpoint file is untrusted: what an assertion guards (a timer that
	 * fires with the device idle, say) must be refused here.  NULL
	 * hook: any state load accepted is reachable. */
	const char *(*check)(void *dev, bool timer_armed, uint64_t timer_when);
};
bool machine_map_device(struct machine *m, uint32_t base, uint32_t size,
			const struct dev_ops *ops, void *dev);

/* Timers in virtual time: a device arms one to be called back when the
 * cycle counter reaches `when`.  Nothing is polled per instruction. */
typedef void (*machine_timer_fn)(void *opaque);
int machine_timer_new(struct machine *m, machine_timer_fn fn, void *opaque);
void machine_timer_arm(struct machine *m, int timer, uint64_t when);
void machine_timer_disarm(struct machine *m, int timer);

/* Interrupt lines (level-triggered) into the interrupt controller. */
void machine_set_irq(struct machine *m, unsigned line, bool level);
uint32_t machine_irq_lines(const struct machine *m);
uint32_t machine_irq_enabled(const struct machine *m);
void machine_set_irq_enabled(struct machine *m, uint32_t mask);

/* Devices that stop the machine or feed it. */
void machine_power_off(struct machine *m, int code);
void machine_debug_break(struct machine *m);
const struct machine_io *machine_io(const struct machine *m);
uint64_t machine_seed(const struct machine *m);
/* Console input: bytes arriving at the UART now; eof marks the end of
 * input.  The _at forms put an arrival on the UART's tape at a later
 * cycle (docs/isa.md, UART): arrivals come in order of cycle, and false
 * means out of order, after the end of input, or out of host memory. */
void machine_console_input(struct machine *m, const uint8_t *bytes, size_t n);
void machine_console_eof(struct machine *m);
bool machine_console_input_at(struct machine *m, uint64_t cycle, const uint8_t *bytes, size_t n);
bool machine_console_eof_at(struct machine *m, uint64_t cycle);

/* ---- hooks ----------------------------------------------------------
 * The ring-0 trap hook is where a monitor sits: every trap that would
 * enter ring 0 calls it first.  Returning true means the hook handled
 * the trap (it may have changed pc, psw, registers); false lets the
 * hardware vector it as usual.  Unset, it costs nothing. */
struct trap_event {
	uint32_t cause;  /* CAUSE layout                              */
	uint32_t pc;     /* faulting pc (epc the hardware would save) */
	uint32_t psw;    /* psw at the time of the trap               */
	uint32_t badva;
	uint32_t insn;   /* the instruction word, if the trap is one's */
	bool double_fault; /* the handler's first instruction trapped: the
			      hook may contain it (a monitor crashes that
			      guest), else the machine stops as without one */
};
typedef bool (*machine_trap_hook_fn)(void *opaque, struct machine *m,
				     const struct trap_event *t);
void machine_set_trap_hook(struct machine *m, machine_trap_hook_fn fn, void *opaque);

/* Event callbacks for tools.  A callback returns true to stop the
 * machine (machine_run returns STOP_REQUESTED after that instruction).
 * Watching costs nothing until a listener is added: an instruction
 * listener makes the CPU step one instruction at a time; a memory watch
 * takes only its own pages off the TLB fast path. */
enum machine_event {
	EV_INSN,    /* before an instruction executes: pc, word          */
	EV_MEM,     /* a load or store in a watched range (pa or va)     */
	EV_TRAP,    /* a trap is taken (after the hook declined)         */
	EV_IRQ,     /* an interrupt line changed level                   */
	EV_TLB_FILL,/* a page walk filled the TLB                        */
	EV_DEVICE,  /* an MMIO access                                    */
	EV_BREAK,   /* an execution breakpoint is reached (before it runs) */
	EV_HALT,    /* the CPU executed halt and waits: pc of the halt   */
	EV_COUNT
};
struct machine_event_info {
	enum machine_event kind;
	uint32_t pc;
	uint32_t word;     /* EV_INSN: instruction; EV_TRAP: cause       */
	uint32_t addr;     /* EV_MEM/EV_DEVICE: physical; EV_TLB_FILL: va; EV_TRAP: badva */
	uint32_t va;       /* EV_MEM: the access's virtual address (= addr
			      when paging is off)                         */
	uint32_t value;    /* data, pa, or new level                     */
	uint32_t size;     /* access size in bytes                       */
	bool write;
};
typedef bool (*machine_event_fn)(void *opaque, struct machine *m,
				 const struct machine_event_info *ev);
int machine_on(struct machine *m, enum machine_event kind,
	       machine_event_fn fn, void *opaque); /* -1 if full */
void machine_off(struct machine *m, int handle);
/* Physical range [lo, hi] of RAM for EV_MEM listeners; unwatch ends it.
 * Only the watched pages leave the fast path.  Every load and store that
 * touches the range is reported, through any virtual address. */
bool machine_watch(struct machine *m, uint32_t lo, uint32_t hi);
void machine_unwatch(struct machine *m, uint32_t lo, uint32_t hi);
/* Virtual range [lo, hi] for EV_MEM listeners: every load and store whose
 * virtual address touches it, in whatever address space is current when it
 * happens (after a ptbr or asid change, a remap, a TLB flush; with paging
 * off the virtual address is the physical one), to RAM or to a device
 * register; not other virtual addresses that alias the same RAM.  Only
 * TLB entries whose virtual page overlaps the range leave the fast path.
 * An access that faults is not reported (it did not happen).  At most 32
 * ranges of each kind; false if full or hi < lo. */
bool machine_watch_va(struct machine *m, uint32_t lo, uint32_t hi);
void machine_unwatch_va(struct machine *m, uint32_t lo, uint32_t hi);

/* Execution breakpoints, by physical address of the instruction.  Before
 * it runs, EV_BREAK listeners are called (pc, addr = pa); one returning
 * true stops the machine before the instruction.  The instruction at the
 * pc where machine_run starts never triggers (so continuing from a
 * breakpoint steps over it, as in gdb).  Other instructions pay nothing:
 * the breakpoint is a patched slot of the decoded page. */
bool machine_break_insert(struct machine *m, uint32_t pa);
void machine_break_remove(struct machine *m, uint32_t pa);

/* ---- statistics ---------------------------------------------------- */
struct machine_stats {
	uint64_t instret;
	uint64_t cycles;
	uint64_t traps[TRAP_NCAUSES];
	uint64_t tlb_misses;      /* page walks that filled the TLB          */
	uint64_t tlb_flushes;
	uint64_t mmio_reads, mmio_writes;
	uint64_t irqs_taken;
	uint64_t decoded;         /* instructions pre-decoded                */
	uint64_t code_writes;     /* stores that hit pre-decoded code        */
};
void machine_get_stats(const struct machine *m, struct machine_stats *s);

/* ---- snapshots (sim/snapshot.c) ---------------------------------------
 * The whole state of a machine as one blob: CPU registers, control
 * registers, virtual time, interrupt lines and enables, device timers, the
 * TLB, RAM (only pages that are not all zero), every device's own state
 * (dev_ops.save/load), the stop state (powered off, fatal report) and the
 * statistics.  Restoring it and running on is indistinguishable, cycle for
 * cycle, from never having left: that is what the debugger's reverse
 * execution and checkpoints are built on.
 *
 * Not in a snapshot: the host's caches (decoded code, the fast TLB, the
 * instruction buffer), which a restore drops; what tools attached (event
 * listeners, execution breakpoints, watched ranges (physical and
 * virtual), the trap hook, the machine_io callbacks), which a restore
 * keeps; and the two statistics that count host work, `decoded` and
 * `code_writes`, which keep counting.
 *
 * A snapshot restores only into a machine of the same configuration:
 * variant, RAM size, TLB size and the same devices.
 *
 * On disk (machine_state_write_file): a header, the image the state
 * belongs to, and the payload with its pages coded (docs/debugger.md §8
 * has the whole diagram):
 *
 *   0            8          12         20             28
 *  +------------+----------+----------+--------------+----------------+
 *  | "VMLABCKP" | version  | length   | FNV-1a 64 of | body           |
 *  |  (magic)   |  (u32)   |  (u64)   | body (u64)   | (length bytes) |
 *  +------------+----------+----------+--------------+----------------+
 *  body: image hash (u64) | image path (u32 n, n bytes) | payload, each
 *  ram page as { frame u32, kind u8: 0 raw 4096 bytes | 1 RLE u16 n, n
 *  bytes | 2 as the image loads it }
 */
#define MACHINE_STATE_VERSION 2
struct image;
/* The image a checkpoint belongs to: its path (recorded, for messages)
 * and its contents (hashed; and a page equal to the image's is stored as
 * a reference, not as bytes). */
struct machine_image_id {
	const char *path;
	const struct image *img;
};
/* FNV-1a 64 of what the image loads (entry, segments); 0 for NULL. */
uint64_t machine_image_hash(const struct image *img);
struct machine_state;

/* NULL only if the host is out of memory (err says so). */
struct machine_state *machine_state_save(struct machine *m, char *err, size_t errlen);
/* false, with a one-line reason and the machine unchanged, if the snapshot
 * is of another configuration or a field holds a value no run reaches
 * ("unreachable state: cpu psw 0x80000000 has bits no psw holds"); false
 * after a partial restore only if a device rejects its own state or its
 * state does not agree with its timer and interrupt line (dev_ops.check):
 * restore a snapshot taken before to undo it. */
bool machine_state_restore(struct machine *m, const struct machine_state *s,
			   char *err, size_t errlen);
void machine_state_free(struct machine_state *s);
size_t machine_state_bytes(const struct machine_state *s);   /* payload size */
/* Same state?  If not, why names the first part that differs. */
bool machine_state_equal(const struct machine_state *a, const struct machine_state *b,
			 char *why, size_t whylen);
/* Files: written atomically, with id (NULL: no image).  A read refuses
 * anything but an intact file of this version ("FILE: not a vmlab
 * checkpoint", "FILE: format version 1, this vmlab reads 2 (written by an
 * older vmlab)", "FILE: checksum mismatch (damaged)"), and a file made
 * with an image whose contents differ from id's ("FILE: made with another
 * image (PATH)...", *other_image set) unless force; with force, pages
 * stored as "as the image loads it" come from id's image.  m, if not
 * NULL, is the machine it is for: a file of another RAM size is refused
 * before its pages are decoded.  Whatever the file says, the result is
 * checked again, field by field, by machine_state_restore. */
bool machine_state_write_file(const struct machine_state *s, const char *path,
			      const struct machine_image_id *id, char *err, size_t errlen);
struct machine_state *machine_state_read_file(const char *path, const struct machine *m,
					      const struct machine_image_id *id, bool force,
					      bool *other_image, char *err, size_t errlen);
/* The same from the file's bytes in memory (path is for messages). */
struct machine_state *machine_state_from_bytes(const uint8_t *buf, size_t n, const char *path,
					       const struct machine *m,
					       const struct machine_image_id *id, bool force,
					       bool *other_image, char *err, size_t errlen);

/* For the devices' save/load: a growing buffer and a bounded reader. */
void snap_put(struct snap_writer *w, const void *bytes, size_t n);
void snap_put_u8(struct snap_writer *w, uint8_t v);
void snap_put_u32(struct snap_writer *w, uint32_t v);
void snap_put_u64(struct snap_writer *w, uint64_t v);
bool snap_get(struct snap_reader *r, void *bytes, size_t n);
bool snap_get_u8(struct snap_reader *r, uint8_t *v);
bool snap_get_u32(struct snap_reader *r, uint32_t *v);
bool snap_get_u64(struct snap_reader *r, uint64_t *v);
size_t snap_left(const struct snap_reader *r); /* bytes not read yet */

/* The devices on the bus, in mapping order (for `info devices`). */
unsigned machine_device_count(const struct machine *m);
bool machine_device_info(const struct machine *m, unsigned i, const char **name,
			 uint32_t *base, uint32_t *size);
/* Powered off or stopped on a fatal trap: machine_run returns at once
 * (with STOP_POWER_OFF or STOP_FATAL) until a snapshot is restored. */
bool machine_dead(const struct machine *m);
/* Replace the host-side io callbacks (a debugger mutes output while it
 * replays execution it has already shown). */
void machine_set_io(struct machine *m, const struct machine_io *io);

#endif
