/*
 * pane_vms.c -- the monitor's VMs: one row each (state, virtual ring,
 * instructions retired, exits, memory), the selected VM's exits by
 * cause, and a scrolling log of the last exits (newest at the bottom)
 * from the monitor's observer.
 *
 *   vm name            state    vring cpu      insns      exits  mem KiB
 *   0  toyos.elf       running  3     *       123456       4567     4096
 *   exits of vm0: mfcr 12  mtcr 30  rfe 512  hidden-fault 77 ...
 *   cycle        vm cause          pc       ring  cost
 */
#include "ui/tui/render_priv.h"

#include <stdio.h>

static const char *state_name(enum vm_state s, bool halted)
{
	switch (s) {
	case VM_RUNNING:
		return halted ? "idle" : "running";
	case VM_HALTED:
		return "halted";
	case VM_POWERED_OFF:
		return "off";
	case VM_CRASHED:
		return "crashed";
	}
	return "?";
}

void pane_vms(const struct tui_model *m, struct tui_grid *g, struct tui_rect r)
{
	int y;

	r = tui_box(g, r, "vms: the monitor's guests and their exits", tui_frame_attr(m, TP_VMS));
	y = r.y;
	if (!m->vmm) {
		tui_text(g, r.x + 1, y, r.w - 1, "bare machine: no monitor (vmlab tui --vmm trap IMAGE)",
			 TA_DIM);
		return;
	}
	tui_text(g, r.x, y++, r.w, "vm name            state    vring cpu      insns      exits  mem KiB", TA_DIM);
	for (int i = 0; i < m->nvms && y < r.y + r.h; i++, y++) {
		const struct tui_vm_row *v = &m->vms[i];
		tui_printf(g, r.x, y, r.w, i == m->vm ? TA_PC : TA_NORMAL, "%-2d %-15.15s %-8s %-5u %-3s %10llu %10llu %8llu",
			   i, v->name, state_name(v->state, v->halted), v->vring, v->on_cpu ? "*" : "",
			   (unsigned long long)v->insns, (unsigned long long)v->exits,
			   (unsigned long long)v->mem_kib);
	}
	/* exits by cause, as many to a line as fit */
	if (y < r.y + r.h)
		tui_printf(g, r.x, y++, r.w, TA_TITLE, "exits of vm%d by cause:", m->vm);
	int x = r.x;
	for (int c = 0; c < EXIT_COUNT && y < r.y + r.h; c++) {
		char item[40];
		int n = snprintf(item, sizeof item, "%s %llu", vmm_exit_name((enum vmm_exit)c),
				 (unsigned long long)m->exits_by[c]);
		if (x > r.x && x + n > r.x + r.w) {
			x = r.x;
			y++;
			if (y >= r.y + r.h)
				break;
		}
		tui_text(g, x, y, n, item, m->exits_by[c] ? TA_NORMAL : TA_DIM);
		x += n + 2;
	}
	if (x > r.x)
		y++;
	/* the last exits, newest at the bottom */
	if (y >= r.y + r.h)
		return;
	tui_text(g, r.x, y++, r.w, "last exits: cycle      vm cause         guest pc  ring  cost",
		 TA_TITLE);
	int rows = r.y + r.h - y, first = m->nexitlog > rows ? m->nexitlog - rows : 0;
	for (int i = first; i < m->nexitlog && y < r.y + r.h; i++, y++) {
		const struct tui_exit_rec *e = &m->exitlog[i];
		tui_printf(g, r.x, y, r.w, TA_NORMAL, "%16llu %2d %-13.13s %08x  %4u  %4u",
			   (unsigned long long)e->cycle, e->vm,
			   e->cause < EXIT_COUNT ? vmm_exit_name(e->cause) : "?", e->pc, e->vring, e->cost);
	}
}
