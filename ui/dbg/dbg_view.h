/*
 * dbg_view.h -- read-only views of the debugger's state for a front end
 * that draws it (ui/tui) instead of printing it, and the two things such
 * a front end swaps while it owns the screen (output streams, run hook).
 *
 * Everything here is answered as the commands answer it: under the
 * monitor the registers, pc and memory are the selected VM's.  Nothing
 * here runs the machine or prints.
 */
#ifndef VMLAB_DBG_VIEW_H
#define VMLAB_DBG_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ui/dbg/dbg.h"

struct image;

uint32_t dbg_view_reg(struct dbg *d, unsigned n);
uint32_t dbg_view_pc(struct dbg *d);
uint32_t dbg_view_psw(struct dbg *d);
bool dbg_view_cr(struct dbg *d, unsigned cr, uint32_t *v);
/* Bytes at addr, virtual through the page tables (the selected VM's) or
 * physical (guest-physical under the monitor); false if any byte fails. */
bool dbg_view_read(struct dbg *d, uint32_t addr, bool phys, void *buf, uint32_t len);
/* An expression where an address is expected (a label is its address,
 * as for x and break); false with a message in err. */
bool dbg_view_address(struct dbg *d, const char *expr, uint32_t *v, char *err, size_t errlen);
/* An enabled breakpoint (1), a disabled one (2), or none (0) at va. */
int dbg_view_break_at(struct dbg *d, uint32_t va);
/* The source line of addr: file name, line number and its text (NULL if
 * the file cannot be read); false if addr has no line. */
bool dbg_view_line(struct dbg *d, uint32_t addr, const char **file, uint32_t *line,
		   const char **text);
/* Line `line` of the source file that addr's line is in, or NULL. */
const char *dbg_view_source(struct dbg *d, uint32_t addr, uint32_t line);
/* The symbol table that names addr (for disassembly). */
const struct image *dbg_view_image(struct dbg *d, uint32_t addr);
struct machine *dbg_view_machine(struct dbg *d);
/* The monitor (NULL if bare) and the selected VM (-1 if bare). */
struct vmm *dbg_view_vmm(struct dbg *d);
int dbg_view_vm(struct dbg *d);
/* Why the last run stopped, in a few words ("breakpoint 1", "stepped"). */
const char *dbg_view_stop(struct dbg *d);

/* A front end that takes over the screen swaps where the core writes and
 * what it calls around each running stretch; each returns the old ones
 * through the pointers so they can be put back. */
void dbg_set_output(struct dbg *d, FILE *out, FILE *err, FILE **old_out, FILE **old_err);
void dbg_set_run_hook(struct dbg *d,
		      void (*hook)(void *opaque, struct machine *m, bool before, enum machine_stop why),
		      void *opaque,
		      void (**old_hook)(void *, struct machine *, bool, enum machine_stop),
		      void **old_opaque);

#endif
