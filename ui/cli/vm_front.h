/*
 * vm_front.h -- `vmlab run --vmm trap`: guests under the monitor.
 *
 *   --vm IMAGE[,mem=SIZE][,console-in=FILE][,console-out=FILE][,disk=FILE][,seed=N]
 *
 * repeatable, one per guest.  Each guest's console goes to its own file,
 * or to standard output labelled "[vmN] " when there are several.
 */
#ifndef VMLAB_VM_FRONT_H
#define VMLAB_VM_FRONT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "monitor/vmm.h"
#include "ui/cli/session.h"

struct lua_front;

#define VM_FRONT_MAX 64

struct vm_spec {
	const char *image_path;
	uint32_t mem_bytes;
	const char *console_in;
	const char *console_out;
	const char *disk_path;
	uint64_t seed;
};

/* The monitor's options, shared by run and debug. */
enum { VOPT_VMM = 2000, VOPT_VM, VOPT_SLICE, VOPT_VMM_COST, VOPT_CONSOLE_VM,
       VOPT_VMM_TIMER };
#define VM_FRONT_OPT_SPECS \
	{ "vmm", 0, true, VOPT_VMM }, { "vm", 0, true, VOPT_VM }, \
	{ "slice", 0, true, VOPT_SLICE }, { "vmm-cost", 0, true, VOPT_VMM_COST }, \
	{ "console-vm", 0, true, VOPT_CONSOLE_VM }, { "vmm-timer", 0, true, VOPT_VMM_TIMER }
#define VM_FRONT_OPT_HELP \
	"  --vmm none|trap|pv run IMAGE bare (default), as a guest of the monitor, or\n" \
	"                    as a paravirtual guest (docs/paravirt.md)\n" \
	"  --vm SPEC         add a guest: IMAGE[,mem=SIZE][,console-in=FILE]\n" \
	"                    [,console-out=FILE][,disk=FILE][,seed=N]; repeatable\n" \
	"  --slice N         cycles each guest runs before the next (default 200000)\n" \
	"  --vmm-cost SPEC   cost model, e.g. exit=1200,entry=900 (keys: exit, entry,\n" \
	"                    emulate, shadow_fill, pt_write, mmio, inject, switch_vm)\n" \
	"  --vmm-timer P     late ticks and the guests' clocks: guest (default: the\n" \
	"                    clock leaves out the monitor's work), merge, late, drop\n" \
	"  --console-vm N    on a terminal, VM N has the keyboard first (default 0;\n" \
	"                    Ctrl-A then a digit gives it to another)\n"

struct vm_front {
	struct vm_spec specs[VM_FRONT_MAX];
	int nspecs;
	bool vmm;                 /* --vmm trap or a --vm was given        */
	const char *vmm_only;     /* an option that needs the monitor      */
	struct vmm_config cfg;
	bool stats;
	const char *stats_json;
	uint64_t max_insns;
	int console_vm;           /* the VM that has the keyboard (vm_console.h) */
	bool interactive;         /* vm_front_run: keys may go to the guests */
	uint64_t max_cycles;   /* --max-cycles, or UINT64_MAX */
	const char *lua_path;     /* run --lua: the script, or NULL        */
	struct lua_front *lua;    /* ... and its options (lua_front.h)     */
};

void vm_front_init(struct vm_front *f);
/* Handle a monitor option: 1 done, 0 not one, -1 error (message printed). */
int vm_front_option(struct vm_front *f, const char *cmd, int id, const char *arg,
		    const struct session *s);
/* After the options: the monitor's options without a monitor are an
 * error, and with one the positional image is one more guest.  false
 * after a message (exit status 2). */
bool vm_front_options_done(struct vm_front *f, struct session *s);
/* Parse one --vm argument; false after printing why. */
bool vm_front_parse(struct vm_front *f, const char *cmd, const char *arg,
		    const struct session *defaults);
/* Build the machine and the monitor, run every guest to its end, report.
 * With lua_path the script runs first, vmlab.session the monitor, and its
 * handlers, policies and scheduler act in the run (docs/lua.md).
 * Returns vmlab's exit status. */
int vm_front_run(struct vm_front *f, struct session *s);

/* The same in steps, for a front end that runs the machine itself (the
 * debugger): start builds everything (NULL with *status set after a
 * message), finish reports as run does and returns the exit status,
 * free takes it all down. */
struct vm_run;
struct vm_run *vm_front_start(struct vm_front *f, struct session *s, int *status);
struct machine *vm_run_machine(const struct vm_run *r);
struct vmm *vm_run_vmm(const struct vm_run *r);
const struct image *vm_run_image(const struct vm_run *r, int vm);
/* Print the guests' held partial lines (before the debugger speaks). */
void vm_front_flush(struct vm_run *r);
/* Every guest's console output to tap instead of its sink (a front end
 * that shows the consoles itself); NULL: back to the sinks. */
void vm_front_console_tap(struct vm_run *r, void (*tap)(void *opaque, int vm, const uint8_t *bytes,
							size_t n), void *opaque);
int vm_front_finish(struct vm_front *f, struct vm_run *r, struct session *s, enum vmm_stop why);
void vm_front_free(struct vm_run *r);
/* Flush f; false after "vmlab CMD: WHAT could not be written: REASON" if
 * that or any earlier write to it failed (a full disk, /dev/full). */
bool console_output_ok(FILE *f, const char *cmd, const char *what);

/* "vmlab CMD: cycle budget of N exhausted" or "instruction budget ...",
 * whichever ended the run (at pc, when with_pc). */
void budget_message(FILE *out, const char *cmd, const struct machine *m, bool with_pc,
		    uint64_t max_insns, uint64_t max_cycles);

#endif
