/*
 * walk.h -- what a page walk means for every ring and kind of access: the
 * verdicts that the debugger's `page` command prints and that Lua's
 * mmu:walk(va) returns as a table.  One piece of code for both, so the two
 * never disagree.
 */
#ifndef VMLAB_WALK_H
#define VMLAB_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/machine.h"

struct walk_verdict {
	bool ok;            /* the access would succeed                         */
	uint32_t pa;        /* where it lands (if the walk translated)         */
	uint32_t cause;     /* CAUSE value of the trap it raises; 0 if ok      */
	const char *reason; /* "ok", or why not ("page fault, protection: ...") */
	char buf[48];       /* storage behind reason when it is formatted      */
};

/* Verdicts for rings 0..3 and accesses ACC_READ, ACC_WRITE, ACC_FETCH,
 * from side-effect-free walks (machine_walk). */
void walk_verdicts(struct machine *m, uint32_t va, struct walk_verdict v[4][3]);

#endif
