/*
 * lua_priv.h -- what the files of ui/lua share.
 *
 *   lua_state.c    the Lua state: allocator cap, instruction budget,
 *                  sandbox, error reports, the script coroutine (wait)
 *   lua_machine.c  vmlab.machine{...}, run/step/stop, console, snapshots
 *   lua_cpu.c      x.cpu: registers, pc, psw, control registers
 *   lua_mem.c      x.phys, x.mem (virtual), x.mmu (walk, TLB), x.dev
 *   lua_event.c    x:on(...), handles, event objects, pending writes
 *   lua_monitor.c  vmlab.monitor{...}: VMs, costs, monitor events,
 *                  policies (mon:handle) and the scheduler (mon:schedule)
 *   lua_vm.c       mon.vms[i]: virtual CPU, guest-physical memory, walks
 *   lua_dbg.c      `lua` and `source FILE.lua` in vmlab debug: the dbg
 *                  object over the session's debugger and machine
 *   lua_session.c  vmlab run --lua: vmlab.session, handlers on a run that
 *                  the front end drives (a machine, or under --vmm the
 *                  monitor)
 *
 * Object model.  A machine is a full userdata holding struct lmachine;
 * its sub-objects (cpu, phys, mem, mmu, dev) are small userdata holding a
 * pointer to it, with the machine as their user value so that it lives
 * as long as any of them.  Handlers live in the registry (luaL_ref) until
 * h:remove() or x:close(): garbage collection never removes one.
 */
#ifndef VMLAB_LUA_PRIV_H
#define VMLAB_LUA_PRIV_H

#include <lauxlib.h>
#include <lua.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "monitor/vmm.h"
#include "sim/machine.h"
#include "ui/lua/vlua.h"

#define VLUA_MAX_MACHINES 64           /* live machines per script          */
#define VLUA_MAX_CONSOLE (16u << 20)   /* console bytes kept per machine    */
#define VLUA_MAX_VMS 64                /* VMs per monitor (a front end's)   */
#define VLUA_NEW_VMS 16                /* ... per vmlab.monitor{...}        */
#define VLUA_RUN_CHUNK (1u << 20)      /* steps between looks at Ctrl-C     */

struct vlua {
	lua_State *L;
	struct vlua_config cfg;
	size_t mem_used;       /* bytes the allocator holds now              */
	size_t mem_limit;      /* ... and may hold                            */
	uint64_t lua_left;     /* Lua instructions left (UINT64_MAX: none)   */
	uint64_t guest_left;   /* guest steps left (UINT64_MAX: none)        */
	lua_State *script;     /* the script's coroutine, while it runs      */
	int handler_depth;     /* > 0 while an event handler runs            */
	int nmachines;         /* machines not closed                        */
	int env_ref;           /* the sandbox's _ENV, kept across chunks     */
	struct lmachine *session; /* vmlab run --lua: vmlab.session, or NULL */
	int session_ref;       /* ... kept alive in the registry             */
	void *dbg;             /* lua_dbg.c: the debugger's side, or NULL    */
	lua_State *L_cur;      /* the thread a dbg:command runs on, or NULL  */
	int run_depth;         /* scripts and chunks running, nested (read   */
			       /* by vlua_interrupt in a signal handler)     */
	volatile sig_atomic_t interrupted; /* Ctrl-C: stop the Lua code now  */
};

/* The struct vlua of any thread of the state. */
static inline struct vlua *vlua_of(lua_State *L)
{
	return *(struct vlua **)lua_getextraspace(L);
}

/* "0x%08x" for messages: lua_pushfstring and luaL_error know no %x. */
static inline const char *vl_hex(char buf[12], uint32_t v)
{
	static const char digits[] = "0123456789abcdef";
	buf[0] = '0';
	buf[1] = 'x';
	for (int i = 0; i < 8; i++)
		buf[2 + i] = digits[v >> (28 - 4 * i) & 0xf];
	buf[10] = '\0';
	return buf;
}

/* Event kinds as scripts name them; read and write share EV_MEM, and
 * poweroff is raised by the run loop (the machine just stops).  From
 * LEV_EXIT on: the monitor's (lua_monitor.c), on a monitor's machine only. */
enum lev {
	LEV_INSN, LEV_READ, LEV_WRITE, LEV_TRAP, LEV_IRQ, LEV_TLBFILL, LEV_DEVICE,
	LEV_BREAK, LEV_HALT, LEV_POWEROFF,
	LEV_EXIT, LEV_INJECT, LEV_SHADOW_FILL, LEV_SHADOW_DROP, LEV_PT_WRITE, LEV_VM_SWITCH,
	LEV_VM_END, LEV_COUNT
};
#define LEV_FIRST_MONITOR LEV_EXIT
extern const char *const lev_names[LEV_COUNT];

/* One event as a handler sees it (a read-only userdata). */
struct levent {
	struct machine_event_info ev;
	enum lev kind;
	uint64_t instret, cycles;
	const char *device; /* LEV_DEVICE: the device's name */
	struct lmachine *lm;        /* monitor events: whose           */
	struct vmm_event mon;       /* monitor events but exit          */
	struct vmm_exit_info exit;  /* LEV_EXIT                         */
};

/* Console output kept for a script. */
struct vl_out {
	char *data;
	size_t len, cap;
	bool dropped;        /* more than VLUA_MAX_CONSOLE bytes came        */
};
void vl_out_add(struct vl_out *o, const uint8_t *bytes, size_t n);

struct lhandler {
	int id;              /* handle number, unique per machine          */
	enum lev kind;
	uint32_t lo, hi;     /* filter: inclusive range of the key         */
	bool va;             /* read/write: the key is the virtual address,
			      * not the physical one                      */
	int ref;             /* the function (registry), or LUA_NOREF for
			      * the run loop's own `until`/wait watcher    */
	bool removed;
	bool seen;           /* insn: already called at (seen_step, seen_pc)  */
	uint64_t seen_step;  /* dbg_steps_of: a retried trapping instruction
			      * is a new step, a re-entered run is not   */
	uint32_t seen_pc;
};

/* A machine the script does not own (vl_push_borrowed), or a monitor
 * with its machine (vl_push_borrowed_monitor): the front end's.  Lua
 * never frees it, never runs it (the front end does), and lets go of it
 * -- its handlers removed from the machine, its policies and scheduler
 * from the monitor -- when the state closes or the run ends
 * (vlua_session_end), which the front end does before it frees them.
 * After that the objects are closed: using one is an error. */
enum lborrow {
	LB_OWN,      /* vmlab.machine{...}: the script's                   */
	LB_DEBUG,    /* dbg.machine, dbg.monitor: the debugger runs it     */
	LB_RUN,      /* vmlab.session: `vmlab run` runs it                 */
};

struct lmachine {
	struct vlua *v;
	struct machine *m;   /* NULL after x:close()                         */
	enum lborrow borrowed;
	struct dbg *dbg;     /* LB_DEBUG: the debugger that runs it          */
	bool touched;        /* a script changed it (LB_DEBUG: the debugger's
			      * history restarts)                          */
	struct image *img;
	struct vl_out out;   /* console output so far                         */
	struct lmon *mon;    /* a monitor's machine: the monitor, else NULL   */

	struct lhandler *h;  /* handlers, in the order they were added        */
	int nh, caph, next_id;
	int mhandle[EV_COUNT]; /* our machine_on listener per event, or -1   */
	int dispatching;     /* > 0 inside one of this machine's handlers     */
	int msgh_ref;        /* handlers' message handler (registry), or 0    */

	/* the current run */
	bool running;
	lua_State *L_run;    /* the thread that called run (handlers run on it) */
	bool user_stop;      /* a handler called x:stop()                     */
	bool until_hit;      /* the run's `until` event happened              */
	struct levent until_ev;
	char *error;         /* a handler's error report (malloc), or NULL    */
	bool poweroff_seen;  /* poweroff handlers were called for this stop   */

	/* writes made by handlers, applied at the next instruction boundary */
	uint32_t preg[ISA_NREGS];
	uint32_t pregmask;
	uint32_t ppc, ppsw;
	bool has_pc, has_psw;
	uint32_t pcr[CR_COUNT];
	uint32_t pcrmask;
};

/* Type names (metatables in the registry). */
#define T_MACHINE "vmlab.machine"
#define T_CPU "vmlab.cpu"
#define T_REGS "vmlab.regs"
#define T_CR "vmlab.cr"
#define T_PHYS "vmlab.phys"
#define T_MEM "vmlab.mem"
#define T_MMU "vmlab.mmu"
#define T_DEVS "vmlab.devices"
#define T_DEVICE "vmlab.device"
#define T_HANDLE "vmlab.handle"
#define T_EVENT "vmlab.event"
#define T_SNAPSHOT "vmlab.snapshot"

/* lua_state.c */
/* Make a metatable named tname with methods (may be NULL), index and
 * newindex functions (may be NULL: methods is then __index), __metatable
 * locked; leaves nothing on the stack. */
void vl_newclass(lua_State *L, const char *tname, const luaL_Reg *methods,
		 lua_CFunction index, lua_CFunction newindex);
/* Set metamethod `event` (e.g. "__gc") of class tname. */
void vl_metamethod(lua_State *L, const char *tname, const char *event, lua_CFunction f);
/* Why lm's objects cannot be used: the script closed it, or (borrowed)
 * its run or debugging session is over. */
const char *vl_closed(const struct lmachine *lm, bool monitor);
/* A machine that is not closed, at idx (an error naming the argument). */
struct lmachine *vl_checkmachine(lua_State *L, int idx);
/* A sub-object of type tname whose machine is not closed. */
struct lmachine *vl_checksub(lua_State *L, int idx, const char *tname);
/* Push a sub-object for machine at idx with a pointer to lm. */
void vl_pushsub(lua_State *L, int machine_idx, struct lmachine *lm, const char *tname);
/* Integers that must fit 32 bits (addresses) or are taken modulo 2^32 (values). */
uint32_t vl_checkaddr(lua_State *L, int idx);
uint32_t vl_checkvalue(lua_State *L, int idx);
/* Every key of the table at t is one of known (NULL-ended), or an error
 * "what: unknown field 'k'". */
void vl_check_keys(lua_State *L, int t, const char *const *known, const char *what);
/* Call f(a, b, c) (light userdata) protected, from C; false with
 * "cannot start Lua: message" in err. */
bool vl_call(struct vlua *v, lua_CFunction f, void *a, void *b, void *c, char *err,
	     size_t errlen);
/* Forbid what handlers must not do (run, wait, restore). */
void vl_not_in_handler(lua_State *L, const char *what);

/* lua_machine.c */
void vl_open_machine(lua_State *L);   /* classes + vmlab.machine in table at -1 */
/* Run lm until a limit, a stop or an event (until_va: read/write by
 * virtual address); pushes reason and details. */
int vl_run(lua_State *L, struct lmachine *lm, uint64_t max_steps, uint64_t max_cycles,
	   int until_kind, uint32_t until_lo, uint32_t until_hi, bool until_va);
void vl_close_machine(lua_State *L, struct lmachine *lm);
/* Push a machine object over m, which the caller owns (see lborrow). */
struct lmachine *vl_push_borrowed(lua_State *L, struct machine *m, const struct image *img,
				  enum lborrow how);
/* What a borrowed object is called in messages ("dbg.monitor", ...). */
const char *vl_borrowed_name(const struct lmachine *lm);
/* The script changed the machine's state (not inside a run). */
static inline void vl_touch(struct lmachine *lm)
{
	lm->touched = true;
}

/* lua_cpu.c, lua_mem.c */
void vl_open_cpu(lua_State *L);
void vl_open_mem(lua_State *L);
/* A register (0..15 or an ABI name) or a control register (name or
 * number) at idx; an error naming the argument if it is none. */
int vl_check_reg(lua_State *L, int idx);
int vl_check_cr(lua_State *L, int idx);
/* Values of the CPU as a handler's pending writes make them look. */
uint32_t vl_reg(struct lmachine *lm, unsigned n);
uint32_t vl_pc(struct lmachine *lm);
uint32_t vl_psw(struct lmachine *lm);

/* lua_event.c */
void vl_open_event(lua_State *L);
int vl_on(lua_State *L);                       /* x:on(event, filter, fn) */
/* Parse an event name at idx and a filter at fidx (a Lua error if bad);
 * *va: a read/write filter by virtual address ({va = ...}). */
void vl_check_event(lua_State *L, const char *what, struct lmachine *lm, int idx, int fidx,
		    enum lev *kind, uint32_t *lo, uint32_t *hi, bool *va);
/* Add a handler (ref LUA_NOREF: the run's own watcher); its id. */
int vl_add_handler(lua_State *L, struct lmachine *lm, enum lev kind, uint32_t lo, uint32_t hi,
		   bool va, int ref);
void vl_remove_handler(lua_State *L, struct lmachine *lm, int id);
/* The run loop's poweroff: call those handlers. */
void vl_emit_poweroff(struct lmachine *lm);
/* Apply handlers' pending writes; true if there were any. */
bool vl_apply_pending(struct lmachine *lm);
void vl_push_event(lua_State *L, const struct levent *e);
/* Names of trap causes as scripts write them ("page-fault"). */
int vl_cause_lookup(const char *name);

/* What a handler is called in an error report: fmt with %s for arg
 * ("a '%s' handler", "insn"); formatted only if there is an error. */
struct vl_label {
	const char *fmt, *arg;
};
/* Call the function below nargs arguments on lm->L_run in protected
 * mode, as a handler (label names it in the report); false with
 * lm->error set if it failed.  nres results stay. */
bool vl_call_handler(struct lmachine *lm, const struct vl_label *label, int nargs, int nres);
/* The thread lm's handlers and policies run on now, or NULL if none may
 * run (a debugger's machine while it replays, or that the script itself
 * touches). */
lua_State *vl_handler_thread(struct lmachine *lm);
/* Dispatch an event to lm's handlers (proto: a monitor event's fields,
 * or NULL); true if the machine should stop. */
bool vl_dispatch(struct lmachine *lm, enum lev kind, uint32_t key, uint32_t keyhi,
		 const struct machine_event_info *ev, const struct levent *proto);

/* lua_state.c: the script driver's side of vmlab.wait */
int vl_wait(lua_State *L);

/* lua_machine.c: a program from the options table at opts (image=, or
 * source= with name= and include=); errors start with `what`. */
struct image *vl_load_program(lua_State *L, int opts, const char *what);
uint32_t vl_check_size(lua_State *L, int idx, const char *what, const char *field);
/* A machine userdata with nuv user values, its metatable set, pushed. */
struct lmachine *vl_new_machine_udata(lua_State *L, int nuv);

/* ---- the monitor (lua_monitor.c, lua_vm.c) ---- */

/* A monitor's own data, owned by its machine (freed by vl_close_machine).
 * Borrowed (lm->borrowed): v and imgs are the front end's, con unused. */
struct lmon {
	struct vmm *v;
	int nvms;
	struct image *imgs[VLUA_MAX_VMS];
	struct vl_out con[VLUA_MAX_VMS];
	int vms_ref;          /* table of the VM objects, 1-based (registry)  */
	int self_ref;         /* the monitor object (registry)               */
	int policy[VLUA_MAX_VMS + 1][EXIT_COUNT]; /* [0]: every VM; refs    */
	int sched_ref;        /* mon:schedule's function, or LUA_NOREF       */
	int insn_ref;         /* the table a policy gets, reused             */
	int obs;              /* our vmm observer, or -1                     */
	int in_policy;        /* the VM whose policy runs now, or -1         */
	bool in_sched;        /* the scheduler runs now                     */
};
#define T_MONITOR "vmlab.monitor"
#define T_VM "vmlab.vm"
#define T_VCPU "vmlab.vcpu"
#define T_VREGS "vmlab.vregs"
#define T_VCR "vmlab.vcr"
#define T_GPHYS "vmlab.gphys"
#define T_COSTS "vmlab.costs"

/* A VM (and its cpu, regs, cr, phys views): the machine and the number. */
struct lvm {
	struct lmachine *lm;
	int id;
};
void vl_open_monitor(lua_State *L);  /* classes + vmlab.monitor in table at -1 */
void vl_open_vm(lua_State *L);
/* Free the monitor of lm (before its machine); a borrowed one only lets
 * go of the front end's vmm. */
void vl_mon_free(lua_State *L, struct lmachine *lm);
/* Push a monitor object over the front end's vmm on machine m (see
 * lborrow); imgs[i] is VM i's program. */
struct lmachine *vl_push_borrowed_monitor(lua_State *L, struct vmm *vmm, struct machine *m,
					  const struct image *const *imgs, enum lborrow how);
/* Push VM id's object (nil if none); true if it is one. */
bool vl_push_vm(lua_State *L, struct lmachine *lm, int id);
/* Make a VM object (and views) for lm's VM id, machine at midx. */
void vl_new_vm(lua_State *L, int midx, struct lmachine *lm, int id);
/* A VM-type userdata at idx whose monitor is open. */
struct lvm *vl_checkvm(lua_State *L, int idx, const char *tname);
/* A VM given as object or number at idx: its id. */
int vl_vm_arg(lua_State *L, struct lmachine *lm, int idx);
/* "running", "halted", "poweroff", "crashed" */
const char *vl_vm_state_name(enum vm_state s);
/* The statistics of a VM, or of all, as a table (pushed). */
void vl_push_vmm_stats(lua_State *L, const struct vmm_stats *s);
/* A filter {lo, hi} or one address at f (lua_event.c). */
void vl_filter_range(lua_State *L, const char *what, int f, uint32_t *lo, uint32_t *hi);
/* Events: the filter of a monitor event; observers on or off. */
void vl_mon_filter(lua_State *L, const char *what, struct lmachine *lm, enum lev kind, int fidx,
		   uint32_t *lo, uint32_t *hi);
void vl_mon_observe(struct lmachine *lm);
/* ev.FIELD of a monitor event; pushes one value. */
int vl_mon_event_index(lua_State *L, const struct levent *e, const char *k);
/* Run a monitor's machine for up to n steps: as machine_run, and
 * STOP_POWER_OFF when every VM is done. */
enum machine_stop vl_mon_run(struct lmachine *lm, uint64_t n);
/* Forbid changing VMs from inside event handlers. */
void vl_mon_writable(lua_State *L, struct lmachine *lm, const char *what);
/* lua_dbg.c: the debugger no longer calls into this state. */
void vl_detach_debugger(struct vlua *v);

/* lua_state.c: run a file (path) or a chunk of text named name; an
 * expression chunk (show) prints its values with the global print.  0, or
 * 1 after "name:LINE: message" and a traceback went to err. */
int vl_run_script(struct vlua *v, const char *path, const char *chunk, const char *name,
		  bool show, int nargs, char **args, FILE *err);

#endif
