/*
 * gather.h -- the TUI's model filled from a debugger session (and its
 * monitor): the one place the TUI reads the machine.  Reading has no side
 * effects (no TLB fill, no A/D bits, no shadow entry filled).
 */
#ifndef VMLAB_TUI_GATHER_H
#define VMLAB_TUI_GATHER_H

#include "ui/dbg/dbg.h"
#include "ui/tui/model.h"

/* The last exits the monitor reported, kept by an observer. */
struct tui_exitlog {
	struct vmm *v;
	int handle;                   /* the observer, or -1            */
	struct tui_exit_rec ring[TUI_EXIT_LOG];
	uint64_t n;                   /* exits seen                      */
};
void tui_exitlog_attach(struct tui_exitlog *l, struct vmm *v);
void tui_exitlog_detach(struct tui_exitlog *l);

/* The state before a step: what the next gather compares registers to. */
void tui_model_mark(struct tui_model *m);
/* Fill the machine part of m (the view state stays). log may be NULL. */
void tui_gather(struct tui_model *m, struct dbg *d, const struct tui_exitlog *log);

#endif
