/*
 * trace.h -- `--trace CATS`: a running commentary on stderr, built on the
 * machine's event callbacks (so an untraced machine pays nothing).
 *
 *   insn  every instruction: pc, word, disassembly, ring
 *   trap  every trap taken: cause, pc, badva, target ring
 *   mmu   every TLB fill by a page walk: va -> pa
 *   irq   every interrupt-line change
 *   dev   every device-register access
 *   exit  under the monitor: every VM exit (VM, cause, guest pc and ring,
 *         cost); insn lines then name the VM and its virtual ring
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
struct vmm;

enum {
	TRACE_INSN = 1, TRACE_TRAP = 2, TRACE_MMU = 4, TRACE_IRQ = 8, TRACE_DEV = 16,
	TRACE_EXIT = 32, TRACE_ALL = 63,
};

/* Parse "insn,trap" or "all" into TRACE_* bits; false if a name is unknown. */
bool trace_parse(const char *spec, unsigned *cats, const char **bad, size_t *badlen);
struct trace *trace_new(struct machine *m, const struct image *img, FILE *out);
void trace_set(struct trace *t, unsigned cats);
/* Write to out from now on. */
void trace_set_out(struct trace *t, FILE *out);
/* The machine runs guests of this monitor: trace its exits too (the
 * exit category) and name the VM on insn lines.  false if the monitor
 * has no room for another observer. */
bool trace_attach_vmm(struct trace *t, struct vmm *v);
/* Print one exit as the exit category does (the debugger's own use). */
struct vmm_exit_info;
void trace_print_exit(FILE *out, const struct vmm_exit_info *e);
void trace_free(struct trace *t);

#endif
