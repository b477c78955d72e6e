/*
 * vm_console.h -- the keyboard under the monitor: several guests, one
 * terminal (docs/monitor.md, "Consoles").
 *
 * When standard input and output are a terminal and the keyboard's VM has
 * no console-in file, `vmlab run --vm ...` runs interactively: one guest has the keyboard (--console-vm N, default
 * 0) and gets what is typed; every guest's output stays labelled "[vmN] ",
 * a line in progress (a prompt) shown as it comes.  Keys, as in screen and
 * QEMU, after the escape Ctrl-A:
 *
 *   Ctrl-A 0..9     the keyboard goes to that VM
 *   Ctrl-A a        a Ctrl-A for the guest (so does Ctrl-A Ctrl-A)
 *   Ctrl-A ?        this list
 *
 * Ctrl-D ends the keyboard VM's input; Ctrl-C stops the machine (exit
 * status 130).  Idle time (every guest halted) is paced as for the bare
 * machine (console.h), after the fact, chunk by chunk.
 */
#ifndef VMLAB_VM_CONSOLE_H
#define VMLAB_VM_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/vmm.h"

/* Is this run interactive?  false with *status = 2 (message printed) if
 * console_vm is not one of the nvms guests. */
bool vm_console_interactive(int console_vm, int nvms, const char *cmd, int *status);

/* vmm_run with the keyboard: flush(opaque) shows the guests' output after
 * each chunk; again(opaque, why), if not NULL, is asked after a stretch
 * that ended other than by the budget (a script's handler stopped it to
 * apply its writes: true, run on); *stopped says Ctrl-C ended it
 * (VMM_STOPPED). */
enum vmm_stop vm_console_run(struct vmm *v, struct machine *m, int kbd, uint64_t max_insns,
			     void (*flush)(void *opaque),
			     bool (*again)(void *opaque, enum vmm_stop why), void *opaque,
			     bool *stopped);

#endif
