/*
 * trace.h -- `--trace CATS`: a running commentary on stderr, built on the
 * machine's event callbacks (so an untraced machine pays nothing).
 *
 *   insn  every instruction: pc, word, disassembly, ring
 *   trap  every trap taken: cause, pc, badva, target ring
 *   mmu   every TLB fill by a page walk: va -> pa
 *   irq   every interrupt-line change
 *   dev   every device-register access
 *
 * The guest can switch instruction tracing on and off itself through the
 * debug device's TRACE register.
 */
#ifndef VMLAB_TRACE_H
#define VMLAB_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/machine.h"

struct image;

enum {
	TRACE_INSN = 1, TRACE_TRAP = 2, TRACE_MMU = 4, TRACE_IRQ = 8, TRACE_DEV = 16,
	TRACE_ALL = 31,
};

/* Parse "insn,trap" or "all" into TRACE_* bits; false if a name is unknown. */
bool trace_parse(const char *spec, unsigned *cats, const char **bad, size_t *badlen);
struct trace *trace_new(struct machine *m, const struct image *img, FILE *out);
void trace_set(struct trace *t, unsigned cats);
void trace_free(struct trace *t);

#endif
