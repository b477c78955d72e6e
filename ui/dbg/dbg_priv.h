/*
 * dbg_priv.h -- the inside of struct dbg, shared by ui/dbg*.c only.
 *
 * The core is split by job:
 *   dbg.c        creation, the io wrapper, output helpers, small parsers
 *   dbg_cmd.c    the command table: dispatch, prefixes, repeat, help,
 *                completion
 *   dbg_run.c    run control: the resume engine, settling, stepping,
 *                finish/until/advance/run-until, stop reports
 *   dbg_break.c  breakpoints, watchpoints, catchpoints and the machine
 *                listeners that implement them
 *   dbg_expr.c   expressions, lvalues, print/set, value history, memory
 *                access through the page tables
 *   dbg_show.c   inspection: info ..., x/xp, page, disas, list, source
 *                lines, display, trace
 *   dbg_rev.c    the snapshot history, reverse execution, save/load
 *   dbg_script.c source, define (user commands), shell
 *   dbg_frame.c  the call stack by replay: backtrace, frame, up, down
 *
 * Invariant between commands: the machine is "settled" (dbg_settle): it
 * stands before the dispatch of its next instruction with every device
 * event, halt wake-up and pending interrupt already handled, so the state
 * is a function of the step count alone and replay can reach it again.
 */
#ifndef VMLAB_DBG_PRIV_H
#define VMLAB_DBG_PRIV_H

#include <signal.h>
#include <stdarg.h>

#include "ui/dbg/dbg.h"

struct trace;
struct dbg_vm;
struct dbg_user_cmd;
struct dbg_unwind;
struct dbg_frame_rec;
struct dbg_symfile;
struct image_symbol;

/* ---- breakpoints, watchpoints, catchpoints (dbg_break.c) ------------- */

enum bp_kind { BP_BREAK, BP_WATCH, BP_CATCH };
enum watch_kind { WATCH_WRITE, WATCH_READ, WATCH_ACCESS };
enum catch_kind {
	CATCH_TRAP,      /* any synchronous trap, or one cause            */
	CATCH_SYSCALL,   /* trap cause syscall                            */
	CATCH_INTERRUPT, /* interrupt entry                               */
	CATCH_PAGEFAULT, /* trap cause page-fault                         */
	CATCH_RING,      /* the ring changed (checked between instructions) */
	CATCH_DEVICE,    /* an MMIO access, to any or one device          */
	CATCH_VMEXIT,    /* a VM exit: needs the monitor (not built yet)  */
	CATCH_KINDS
};

#define BP_MAX_PAS 8      /* physical slots one virtual breakpoint may use */
#define WATCH_MAX_LEN 64  /* bytes one watchpoint may cover                */

struct dbg_bp {
	int num;                 /* the user's number                         */
	enum bp_kind kind;
	bool enabled;
	bool temporary;          /* tbreak: deleted when it stops the machine */
	char *what;              /* the location as written ("main", "a.s:3") */
	char *cond;              /* condition expression, or NULL             */
	unsigned ignore;         /* hits still to ignore                      */
	unsigned hits;           /* times it stopped (or was ignored)         */
	/* BP_BREAK */
	bool phys;               /* addr is physical                          */
	uint32_t addr;           /* virtual (or physical) address             */
	int asid;                /* -1: any address space; else only this ASID */
	int vm;                  /* under the monitor: only in this VM; or -1 */
	uint32_t pas[BP_MAX_PAS];/* physical slots the virtual address maps to */
	int npas;
	/* BP_WATCH */
	enum watch_kind wkind;
	bool wphys;              /* written as a physical address             */
	uint32_t wva, wpa, len;  /* address as written, physical start, bytes */
	uint8_t shadow[WATCH_MAX_LEN]; /* the bytes as last seen              */
	/* BP_CATCH */
	enum catch_kind ckind;
	int cause;               /* CATCH_TRAP: one cause, or -1 for any      */
	int dev;                 /* CATCH_DEVICE: device index, or -1 for any */
};

/* The debugger's own one-shot breakpoint (next over a call, advance,
 * until): not numbered, not listed. */
struct dbg_temp {
	bool active;
	uint32_t va;
	uint32_t pas[BP_MAX_PAS];
	int npas;
	bool frame;              /* stop only in the same frame:              */
	uint32_t sp;             /*   sp equal to this                         */
	unsigned ring;           /*   and in this ring                         */
};

/* ---- stops ------------------------------------------------------------ */

enum stop_kind {
	SK_NONE,
	SK_STEPPED,      /* the requested steps are done                   */
	SK_BREAK,        /* a breakpoint                                   */
	SK_WATCH,        /* a watchpoint                                   */
	SK_CATCH,        /* a catchpoint (or run-until's event)            */
	SK_TEMP,         /* the debugger's own temporary breakpoint        */
	SK_PRED,         /* a stepping predicate said stop (finish, ring)  */
	SK_POWER,        /* the guest powered the machine off              */
	SK_FATAL,        /* a trap with no handler                          */
	SK_GUEST_BREAK,  /* the guest wrote the debug device's BREAK       */
	SK_INTERRUPTED,  /* the user pressed Ctrl-C                        */
	SK_COND_ERROR,   /* a breakpoint condition could not be evaluated  */
	SK_HISTORY_END,  /* reverse execution reached the oldest snapshot  */
	SK_BUDGET,       /* the session's instruction budget is used up    */
	SK_LANG,         /* a script's event handler asked (dbg_lang)      */
};

struct dbg_stop {
	enum stop_kind kind;
	int num;                 /* breakpoint/watchpoint/catchpoint number  */
	bool temporary;          /* it was a tbreak (now deleted)            */
	uint32_t pc;             /* pc of the instruction that caused it     */
	/* watchpoints */
	uint32_t addr, size;     /* the access: physical address and size    */
	bool write;
	uint32_t wlen;           /* bytes watched                             */
	uint8_t oldb[WATCH_MAX_LEN], newb[WATCH_MAX_LEN];
	bool changed;
	/* catchpoints */
	uint32_t cause, badva, from_ring, to_ring, value;
	enum catch_kind ckind;
	char what[96];           /* "syscall", "trap page-fault", "device uart" */
	char msg[200];           /* condition error                           */
};

/* A trap or interrupt taken while stepping, reported with the stop. */
struct dbg_note {
	uint32_t cause, pc, badva, from_ring, to_ring;
};
#define DBG_MAX_NOTES 4

/* ---- the rest ------------------------------------------------------- */

struct dbg_ckpt {
	uint64_t steps;                /* where it was taken                */
	struct machine_state *st;
};

struct dbg_display {
	int num;
	char *expr;
	char fmt[16];                  /* "" or the /FMT as written          */
	bool enabled;
};

/* dbg_srcfile.c: the text of source file name (from a line table), found
 * next to the image, then in the current directory; a regular file of at
 * most HOSTFILE_MAX_SOURCE bytes, under root if not NULL.  NULL with why. */
char *dbg_source_read(const char *name, const char *image_path, const char *root,
		      char *why, size_t whylen);

struct dbg_source {
	char *name;                    /* as in the line table               */
	char *why;                     /* why text is NULL                   */
	char *text;                    /* the file, or NULL if unreadable    */
	char **lines;                  /* lines[i] = line i + 1              */
	size_t nlines;
};

/* x and xp remember their format and where they stopped. */
struct dbg_xfmt {
	unsigned count;
	char fmt;                      /* x d u o t c s i a                  */
	unsigned size;                 /* 1, 2, 4                            */
};

enum insn_mode {
	INSN_NONE,   /* no EV_INSN listener                                */
	INSN_SETTLE, /* stop before the next instruction (dbg_settle)      */
	INSN_PRED,   /* ask d->pred before every instruction                */
};

/* One step of a recorded stretch of the past (reverse-step & co.): the
 * settled state before that step's instruction. */
struct dbg_rec {
	uint32_t pc, sp, word;
	uint8_t ring;               /* 0xff: no instruction recorded here */
};

/* A stepping predicate: true to stop before the instruction ev->pc. */
typedef bool (*dbg_pred_fn)(struct dbg *d, const struct machine_event_info *ev);

struct dbg {
	struct machine *m;
	const struct image *img;
	const char *image_path;
	const char *source_root;       /* list only sources under it, or NULL */
	FILE *out, *err;
	struct machine_io user_io;     /* the front end's io callbacks        */
	void (*run_hook)(void *opaque, struct machine *m, bool before, enum machine_stop why);
	void *run_hook_opaque;         /* dbg_config.run_hook                 */
	struct trace *tr;              /* tracing to out (trace on|off)       */
	unsigned trace_cats;           /* categories while tracing is on      */
	bool tracing;
	struct dbg_vm *vm;             /* under the monitor (dbg_vm.c), or NULL */

	/* breakpoints */
	struct dbg_bp **bps;
	size_t nbps, capbps;
	int next_num;                  /* next breakpoint number              */
	struct dbg_temp temp;
	uint32_t inserted[64];         /* physical slots in the machine       */
	int ninserted;
	uint32_t *wpages;              /* ranges the machine watches for us:  */
	size_t nwpages;                /*   lo, hi, lo, hi ...                */
	int handle[EV_COUNT];          /* our listener per event, or -1       */
	unsigned last_ring;            /* for catch ring                       */

	/* the current run */
	struct dbg_stop stop;          /* why the machine stopped             */
	struct dbg_note notes[DBG_MAX_NOTES];
	int nnotes;
	bool collect_notes;            /* record traps taken (stepping)       */
	enum insn_mode insn_mode;
	dbg_pred_fn pred;
	int pred_depth;                /* finish: calls entered minus returns */
	unsigned pred_ring;            /* ring the predicate watches          */
	bool pred_prev_valid;          /* finish: the instruction dispatched  */
	uint32_t pred_prev_word;       /*   last time, its ring, and instret  */
	unsigned pred_prev_ring;       /*   before it (did it retire?)        */
	uint64_t pred_prev_instret;
	bool pred_rfe;                 /* finish left a trap handler (rfe)    */
	bool finishing;                /* the stop report shows a0 returned   */
	int nnotes_more;               /* notes that did not fit              */
	bool replaying;                /* re-running the past: no listeners fire, output muted */
	bool scanning;                 /* reverse-continue looking for hits   */
	struct dbg_rec *rec;           /* recording the past: step rec_lo + i */
	uint64_t rec_lo, rec_n;        /*   is rec[i]; NULL when not recording */
	bool fresh;                    /* at reset, not run yet               */
	bool console_midline;          /* the guest's output ended mid-line   */
	volatile sig_atomic_t interrupted;
	uint64_t max_steps;            /* forward steps allowed; 0: no limit  */
	uint64_t steps_run;            /* forward steps run so far            */
	uint64_t idle_run;             /* halted cycles of those runs (they
					* count toward max_steps, as in run)  */
	bool budget_hit;
	bool batch_safe;               /* no `shell`                           */
	bool confirm;                  /* ask before destroying things         */
	bool (*ask)(void *ctx, const char *question);
	void *ask_ctx;

	/* reverse execution */
	struct dbg_ckpt *ck;           /* snapshots, increasing steps; ck[0] is the oldest */
	size_t nck, capck;
	uint64_t interval;             /* least steps between snapshots       */
	bool exact_interval;           /* never more, whatever their size     */
	size_t ck_bytes, ck_budget;    /* memory used and allowed             */
	struct machine_state *reset;   /* the machine at reset, for `run`     */

	/* expressions and output */
	uint32_t *vals;                /* value history $1, $2, ...           */
	size_t nvals, capvals;
	struct dbg_display *disp;
	size_t ndisp;
	int next_disp;
	struct dbg_xfmt xfmt;          /* last x format                        */
	uint32_t xnext;                /* where x goes on                      */
	bool xphys;                    /* ... and whether that was xp          */
	struct dbg_source *src;
	size_t nsrc;
	int list_file;                 /* list goes on here, -1 if nowhere     */
	uint32_t list_next;            /* next line to list                    */
	char last[256];                /* the last command line, for repeats   */
	bool last_repeats;

	/* user commands (dbg_script.c) */
	struct dbg_user_cmd *ucmds;
	size_t nucmds;
	int defining;                  /* index being defined, or -1          */
	int depth;                     /* source/user commands running         */
	const struct dbg_lang *lang;   /* lua, source FILE.lua; or NULL     */
	bool lang_stop, lang_changed;  /* what its after_run said            */

	/* the call stack (dbg_frame.c) */
	struct dbg_unwind *uw;         /* replaying to find frames, or NULL   */
	struct dbg_frame_rec *frames;  /* the shadow stack at frames_at       */
	size_t nframes;
	uint64_t frames_at, frames_from;
	unsigned frames_gen, history_gen; /* history restarts invalidate it  */
	bool frames_valid, frames_lost;
	int frame_sel;                 /* the selected frame (up, down)       */

	/* add-symbol-file (dbg_symfile.c) */
	struct dbg_symfile *symfiles;
	size_t nsymfiles;
	int loc_asid;                  /* the table the last location named: -asid */
	const struct image *list_img;  /* the image list_file is a file of    */
};

/* ---- dbg.c: output and small parsers ---------------------------------- */
void dbg_printf(struct dbg *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a one-line error and return DBG_ERROR. */
enum dbg_result dbg_error(struct dbg *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *dbg_skip_ws(const char *s);
/* The next whitespace-separated word of *p (at most cap-1 bytes); false at the end. */
bool dbg_next_word(const char **p, char *buf, size_t cap);
bool dbg_is_blank(const char *s);
/* Parse a whole string as a count: decimal or 0x hex; false if it is not one. */
bool dbg_parse_count(const char *s, uint64_t *v);
char *dbg_strdup(const char *s);
void dbg_mute(struct dbg *d, bool on);  /* replay: silence output and tracing */
const char *dbg_cause_text(uint32_t cause, char *buf, size_t len); /* "page-fault (write, not present)" */
const char *dbg_device_name_at(struct dbg *d, uint32_t pa); /* device at a physical address, or NULL */

/* ---- dbg_run.c ---------------------------------------------------------- */
/* Run at most max_steps steps (UINT64_MAX: no limit) with the listeners
 * the breakpoints need and, if pred is given, pred asked before every
 * instruction.  Takes periodic snapshots unless replaying or scanning.
 * Leaves the machine settled; d->stop says why it stopped. */
enum stop_kind dbg_resume(struct dbg *d, uint64_t max_steps, dbg_pred_fn pred);
/* Finish what happens between instructions; false if the machine died. */
bool dbg_settle(struct dbg *d);
void dbg_report_stop(struct dbg *d);
bool dbg_machine_alive(struct dbg *d, bool complain);
bool dbg_on_insn(void *opaque, struct machine *m, const struct machine_event_info *ev);
/* Instruction kinds the stepping and frame logic share. */
bool dbg_word_is_call(uint32_t word);   /* jal, jalr to ra          */
bool dbg_word_is_ret(uint32_t word);    /* jalr r0, 0(ra)           */
/* Is pc the first address of a source line? (has_line: any line at all) */
bool dbg_at_line_start(struct dbg *d, uint32_t pc, bool *has_line);
int dbgc_run(struct dbg *d, const char *args, const char *fmt);
int dbgc_continue(struct dbg *d, const char *args, const char *fmt);
int dbgc_stepi(struct dbg *d, const char *args, const char *fmt);
int dbgc_nexti(struct dbg *d, const char *args, const char *fmt);
int dbgc_step(struct dbg *d, const char *args, const char *fmt);
int dbgc_next(struct dbg *d, const char *args, const char *fmt);
int dbgc_finish(struct dbg *d, const char *args, const char *fmt);
int dbgc_until(struct dbg *d, const char *args, const char *fmt);
int dbgc_advance(struct dbg *d, const char *args, const char *fmt);
int dbgc_run_until(struct dbg *d, const char *args, const char *fmt);

/* ---- dbg_break.c -------------------------------------------------------- */
/* Parse a location: symbol, *EXPR, 0xADDR, FILE:LINE or LINE. */
bool dbg_parse_location(struct dbg *d, const char *text, uint32_t *va);
/* Bring the machine's listeners and breakpoint slots in line with what
 * the enabled breakpoints, the run mode and tracing need. */
void dbg_listen_sync(struct dbg *d);
/* Translate virtual breakpoints again and re-read watched bytes (after a
 * stop, a restore, an address-space change). */
void dbg_bp_refresh(struct dbg *d);
/* Is there a breakpoint that stops the machine at the current pc? (used
 * where a run resumes at a pc that machine_run would pass) */
bool dbg_bp_check_here(struct dbg *d);
/* The ring changed and a ring catchpoint stops (called before every
 * instruction while one exists). */
bool dbg_ring_check(struct dbg *d);
void dbg_temp_set(struct dbg *d, uint32_t va, bool frame);
void dbg_temp_clear(struct dbg *d);
/* Print the stop of a breakpoint, watchpoint or catchpoint. */
void dbg_report_bp(struct dbg *d, const struct dbg_stop *s);
void dbg_bp_free_all(struct dbg *d);
int dbg_catch_parse(struct dbg *d, const char *args, struct dbg_bp *bp);
struct dbg_bp *dbg_bp_add(struct dbg *d, struct dbg_bp *proto);
void dbg_bp_delete(struct dbg *d, int num);
extern const char *const dbg_catch_names[CATCH_KINDS];
int dbgc_break(struct dbg *d, const char *args, const char *fmt);
int dbgc_tbreak(struct dbg *d, const char *args, const char *fmt);
int dbgc_watch(struct dbg *d, const char *args, const char *fmt);
int dbgc_rwatch(struct dbg *d, const char *args, const char *fmt);
int dbgc_awatch(struct dbg *d, const char *args, const char *fmt);
int dbgc_catch(struct dbg *d, const char *args, const char *fmt);
int dbgc_delete(struct dbg *d, const char *args, const char *fmt);
int dbgc_enable(struct dbg *d, const char *args, const char *fmt);
int dbgc_disable(struct dbg *d, const char *args, const char *fmt);
int dbgc_condition(struct dbg *d, const char *args, const char *fmt);
int dbgc_ignore(struct dbg *d, const char *args, const char *fmt);
int dbgi_break(struct dbg *d, const char *args);
int dbg_bp_save(struct dbg *d, const char *path);

/* ---- dbg_expr.c -------------------------------------------------------- */
/* LV_LABEL: a code label, which stands for its address (as a function
 * does in gdb): &label works, assigning to it does not. */
enum lval_kind { LV_NONE, LV_REG, LV_PC, LV_PSW, LV_CR, LV_VMEM, LV_PMEM, LV_READONLY, LV_LABEL };
struct dbg_lval {
	enum lval_kind kind;
	unsigned n;          /* register or control-register number   */
	uint32_t addr;       /* memory: address                        */
	unsigned size;       /* memory: 1, 2, 4                        */
};
/* Flags.  EXPR_ASSIGN: assignment allowed.  EXPR_ADDR: where an address
 * is expected (x, disassemble, locations, info symbol, page): a data
 * label is its address there; elsewhere, as a variable in gdb, it is the
 * word stored at it (&label is its address). */
enum { EXPR_ASSIGN = 1, EXPR_ADDR = 2 };
bool dbg_expr(struct dbg *d, const char *text, unsigned flags, uint32_t *value,
	      char *err, size_t errlen);
/* The longest expression at the start of text (*end is where it stopped),
 * with what it designates if it is an lvalue (watch *ADDR). */
bool dbg_expr_lval(struct dbg *d, const char *text, unsigned flags, uint32_t *value,
		   struct dbg_lval *lv, const char **end, char *err, size_t errlen);
/* Virtual address -> physical, as the debugger sees memory (present pages,
 * any ring); false with why ("page not present (PTE)"). */
bool dbg_translate(struct dbg *d, uint32_t va, uint32_t *pa, char *why, size_t whylen);
/* Read or write bytes through the page tables (or physically); false with
 * a message naming the first address that failed. */
bool dbg_read_mem(struct dbg *d, uint32_t addr, bool phys, void *buf, uint32_t len,
		  char *err, size_t errlen);
bool dbg_write_mem(struct dbg *d, uint32_t addr, bool phys, const void *buf, uint32_t len,
		   char *err, size_t errlen);
void dbg_format_value(uint32_t v, char fmt, char *buf, size_t len);
void dbg_vals_free(struct dbg *d);
int dbgc_print(struct dbg *d, const char *args, const char *fmt);
int dbgc_set(struct dbg *d, const char *args, const char *fmt);

/* ---- dbg_show.c -------------------------------------------------------- */
void dbg_show_displays(struct dbg *d);
void dbg_sources_free(struct dbg *d);
void dbg_displays_free(struct dbg *d);
/* "file.s:12" of an address, or false. */
bool dbg_line_of(struct dbg *d, uint32_t addr, const char **file, uint32_t *line);
void dbg_trace_apply(struct dbg *d);
/* "FILE:LINE:<tab>text" of the line addr is in (it has one). */
void dbg_show_source_line(struct dbg *d, uint32_t addr);
/* Line `line` of the source file addr's line is in, or NULL. */
const char *dbg_source_text(struct dbg *d, uint32_t addr, uint32_t line);
int dbgc_info(struct dbg *d, const char *args, const char *fmt);
int dbgc_x(struct dbg *d, const char *args, const char *fmt);
int dbgc_xp(struct dbg *d, const char *args, const char *fmt);
int dbgc_page(struct dbg *d, const char *args, const char *fmt);
int dbgc_disas(struct dbg *d, const char *args, const char *fmt);
int dbgc_list(struct dbg *d, const char *args, const char *fmt);
int dbgc_display(struct dbg *d, const char *args, const char *fmt);
int dbgc_undisplay(struct dbg *d, const char *args, const char *fmt);
int dbgc_trace(struct dbg *d, const char *args, const char *fmt);

/* ---- dbg_vm.c: the monitor and its guests ------------------------------
 * Under the monitor the debugger speaks of one selected VM (the one that
 * stopped, or `vm N`): registers, pc and PSW are its virtual CPU's, a
 * virtual address goes through its own page tables, a physical one is
 * guest-physical.  Without a monitor these read the machine. */
bool dbg_vm_attach(struct dbg *d, struct vmm *v);
void dbg_vm_detach(struct dbg *d);
uint32_t dbg_reg(struct dbg *d, unsigned n);
uint32_t dbg_pc(struct dbg *d);
uint32_t dbg_psw(struct dbg *d);
bool dbg_cr(struct dbg *d, unsigned cr, uint32_t *v);
/* The selected VM is not on the CPU: its registers cannot be changed. */
bool dbg_vm_readonly(struct dbg *d);
/* Guest-virtual -> host-physical through the selected VM's tables. */
bool dbg_vm_translate(struct dbg *d, uint32_t va, uint32_t *pa, char *why, size_t whylen);
/* Guest-physical -> host-physical; false with why. */
bool dbg_vm_phys(struct dbg *d, uint32_t gpa, uint32_t *pa, char *why, size_t whylen);
int dbg_vm_selected(const struct dbg *d);
struct vmm *dbg_vm_vmm(const struct dbg *d); /* the monitor, or NULL */
bool dbg_vm_ended(struct dbg *d);           /* every VM powered off or crashed */
void dbg_vm_report_end(struct dbg *d);
/* A run starts (registers then follow the VM on the CPU, for conditions)
 * or stops (the VM on the CPU becomes the selected one). */
void dbg_vm_run(struct dbg *d, bool running);
int dbg_vm_on_cpu(const struct dbg *d);      /* the VM on the CPU, or -1 */
/* info SUBJECT under the monitor: true if handled (*r the result). */
bool dbg_vm_info(struct dbg *d, const char *subject, const char *args, int *r);
/* A command that cannot be right under the monitor: true after an error. */
bool dbg_vm_refuse(struct dbg *d, const char *command);
int dbg_vm_catch_parse(struct dbg *d, const char *cause, struct dbg_bp *bp, char *what, size_t len);
void dbg_vm_report_catch(struct dbg *d, const struct dbg_stop *s);
bool dbg_bp_hit(struct dbg *d, struct dbg_bp *bp, enum stop_kind kind);
int dbgc_vm(struct dbg *d, const char *args, const char *fmt);
/* ---- dbg_script.c ------------------------------------------------------- */
/* While a define is open, take the line (true; *r the result). */
bool dbg_script_line(struct dbg *d, const char *line, enum dbg_result *r);
const struct dbg_user_cmd *dbg_user_find(const struct dbg *d, const char *name);
int dbg_user_run(struct dbg *d, const struct dbg_user_cmd *u, const char *args);
void dbg_user_help(struct dbg *d, const struct dbg_user_cmd *u);
void dbg_user_list(struct dbg *d);
void dbg_script_free(struct dbg *d);
/* Is name a built-in command or alias (dbg_cmd.c)? */
bool dbg_is_command(const char *name);
int dbgc_source(struct dbg *d, const char *args, const char *fmt);
int dbgc_define(struct dbg *d, const char *args, const char *fmt);
int dbgc_shell(struct dbg *d, const char *args, const char *fmt);
int dbgc_lua(struct dbg *d, const char *args, const char *fmt);

/* ---- dbg_symfile.c ------------------------------------------------------ */
/* The symbol table that names addr in the current address space. */
const struct image *dbg_image_at(struct dbg *d, uint32_t addr);
/* A symbol by name in every table; *asid: the table's -asid or -1. */
const struct image_symbol *dbg_symbol_find(struct dbg *d, const char *name, int *asid);
size_t dbg_symfile_count(const struct dbg *d);
const struct image *dbg_symfile_image(const struct dbg *d, size_t i);
void dbg_symfiles_free(struct dbg *d);
int dbgc_add_symbol_file(struct dbg *d, const char *args, const char *fmt);

/* ---- dbg_frame.c -------------------------------------------------------- */
void dbg_unwind_insn(struct dbg *d, const struct machine_event_info *ev);
void dbg_unwind_trap(struct dbg *d, const struct machine_event_info *ev);
void dbg_frames_forget(struct dbg *d);
int dbgc_backtrace(struct dbg *d, const char *args, const char *fmt);
int dbgc_frame(struct dbg *d, const char *args, const char *fmt);
int dbgc_up(struct dbg *d, const char *args, const char *fmt);
int dbgc_down(struct dbg *d, const char *args, const char *fmt);
int dbgi_frame(struct dbg *d, const char *args);

/* ---- dbg_rev.c ----------------------------------------------------------- */
bool dbg_history_init(struct dbg *d, uint64_t interval, size_t budget);
void dbg_history_free(struct dbg *d);
/* The machine was changed by hand (set, load): the past cannot be
 * replayed any more, so history restarts here. */
void dbg_history_restart(struct dbg *d);
/* Rebuild the machine exactly as it was at step target (replay from the
 * nearest snapshot); false after a message. */
bool dbg_goto_step(struct dbg *d, uint64_t target);
/* Take a periodic snapshot if one is due at the current step. */
void dbg_history_tick(struct dbg *d);
/* The next step at which a periodic snapshot is due. */
uint64_t dbg_history_next(const struct dbg *d);
int dbgc_reverse_stepi(struct dbg *d, const char *args, const char *fmt);
int dbgc_reverse_continue(struct dbg *d, const char *args, const char *fmt);
int dbgc_reverse_step(struct dbg *d, const char *args, const char *fmt);
int dbgc_reverse_next(struct dbg *d, const char *args, const char *fmt);
int dbgc_reverse_finish(struct dbg *d, const char *args, const char *fmt);
int dbgc_save(struct dbg *d, const char *args, const char *fmt);
int dbgc_load(struct dbg *d, const char *args, const char *fmt);
int dbgi_checkpoints(struct dbg *d, const char *args);

#endif
