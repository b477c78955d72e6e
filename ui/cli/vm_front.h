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

#define VM_FRONT_MAX 64

struct vm_spec {
	const char *image_path;
	uint32_t mem_bytes;
	const char *console_in;
	const char *console_out;
	const char *disk_path;
	uint64_t seed;
};

struct vm_front {
	struct vm_spec specs[VM_FRONT_MAX];
	int nspecs;
	struct vmm_config cfg;
	bool stats;
	const char *stats_json;
	uint64_t max_insns;
};

void vm_front_init(struct vm_front *f);
/* Parse one --vm argument; false after printing why. */
bool vm_front_parse(struct vm_front *f, const char *cmd, const char *arg,
		    const struct session *defaults);
/* Build the machine and the monitor, run every guest to its end, report.
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
int vm_front_finish(struct vm_front *f, struct vm_run *r, struct session *s, enum vmm_stop why);
void vm_front_free(struct vm_run *r);

#endif
