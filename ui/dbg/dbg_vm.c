/*
 * dbg_vm.c -- the debugger under the monitor: `vmlab debug --vmm trap`.
 *
 * The machine runs the monitor (monitor/vmm.h) and the monitor runs the
 * guests; the debugger runs the machine as always, and watches the monitor
 * through its exit observer.  What it shows is about one *selected* VM:
 * the VM on the CPU when the machine stopped, or the one `vm N` chose.
 *
 *   registers, pc, psw  the selected VM's virtual CPU (its virtual ring
 *                       and IE, its control registers), read-only when it
 *                       is not on the CPU
 *   x, print *ADDR      guest-virtual addresses through the VM's own page
 *                       tables; xp and {pw} are guest-physical
 *   break, watch        translated the same way, so they land on the host
 *                       frames that hold that guest's code and data
 *   info shadow VA      the guest's walk beside the shadow walk the real
 *                       MMU uses, and why they differ
 *   catch vmexit [C]    stop after the monitor handled an exit (cause C)
 *   info exits [N]      exit counts and the last N exits
 *
 * Reverse execution, `run`, `save` and `load` restore machine snapshots,
 * and a snapshot holds the machine only: the monitor's own state (virtual
 * CPUs, shadow tables, its device models) lives in host memory.  Restoring
 * one under a running monitor would give wrong answers, so those commands
 * are refused here (dbg_vm_refuse) and periodic snapshots are not taken.
 */
#include "ui/dbg/dbg_priv.h"

#include <stdlib.h>
#include <string.h>

#include "monitor/vmm.h"
#include "ui/dbg/trace.h"

#define EXIT_LOG 64      /* exits kept for `info exits`            */

struct dbg_vm {
	struct vmm *v;
	int sel;                        /* the selected VM                */
	bool follow;                    /* running: the VM on the CPU instead */
	int obs;                        /* our exit observer               */
	struct vmm_exit_info log[EXIT_LOG];
	uint64_t nlog;                  /* exits seen (log is the last ones) */
	struct vmm_exit_info caught;    /* the exit a catchpoint stopped at */
};

/* ---- exits ---------------------------------------------------------------- */

static void on_vm_exit(void *opaque, const struct vmm_exit_info *e)
{
	struct dbg *d = opaque;
	struct dbg_vm *x = d->vm;

	x->log[x->nlog++ % EXIT_LOG] = *e;
	for (size_t i = 0; i < d->nbps; i++) {
		struct dbg_bp *b = d->bps[i];
		if (!b->enabled || b->kind != BP_CATCH || b->ckind != CATCH_VMEXIT ||
		    (b->cause >= 0 && b->cause != (int)e->cause))
			continue;
		if (dbg_bp_hit(d, b, SK_CATCH)) {
			if (d->stop.kind == SK_CATCH && d->stop.num == b->num) {
				x->caught = *e;
				d->stop.pc = e->pc;
			}
			machine_request_stop(d->m);
			return;
		}
	}
}

bool dbg_vm_attach(struct dbg *d, struct vmm *v)
{
	struct dbg_vm *x = calloc(1, sizeof *x);

	if (!x)
		return false;
	x->v = v;
	x->sel = vmm_current(v) >= 0 ? vmm_current(v) : 0;
	x->obs = vmm_observe(v, &(struct vmm_observer){ .opaque = d, .on_exit = on_vm_exit });
	d->vm = x;
	if (x->obs < 0 || !trace_attach_vmm(d->tr, v)) {
		dbg_vm_detach(d);
		return false;
	}
	return true;
}

void dbg_vm_detach(struct dbg *d)
{
	if (!d->vm)
		return;
	vmm_unobserve(d->vm->v, d->vm->obs);
	free(d->vm);
	d->vm = NULL;
}

struct vmm *dbg_vm_vmm(const struct dbg *d)
{
	return d->vm ? d->vm->v : NULL;
}

int dbg_vm_selected(const struct dbg *d)
{
	return d->vm ? d->vm->sel : -1;
}

int dbg_vm_on_cpu(const struct dbg *d)
{
	return d->vm ? vmm_current(d->vm->v) : -1;
}

void dbg_vm_run(struct dbg *d, bool running)
{
	if (!d->vm)
		return;
	d->vm->follow = running;
	if (!running && vmm_current(d->vm->v) >= 0)
		d->vm->sel = vmm_current(d->vm->v);
}

/* ---- the selected VM's CPU and memory ------------------------------------- */

static bool vcpu(struct dbg *d, struct vmm_vcpu_state *c)
{
	return d->vm && vmm_vcpu(d->vm->v, d->vm->follow && vmm_current(d->vm->v) >= 0
				 ? vmm_current(d->vm->v) : d->vm->sel, c);
}

uint32_t dbg_reg(struct dbg *d, unsigned n)
{
	struct vmm_vcpu_state c;

	return vcpu(d, &c) && n < ISA_NREGS ? c.regs[n] : machine_reg(d->m, n);
}

uint32_t dbg_pc(struct dbg *d)
{
	struct vmm_vcpu_state c;

	return vcpu(d, &c) ? c.pc : machine_pc(d->m);
}

uint32_t dbg_psw(struct dbg *d)
{
	struct vmm_vcpu_state c;

	return vcpu(d, &c) ? c.psw : machine_psw(d->m);
}

bool dbg_cr(struct dbg *d, unsigned cr, uint32_t *v)
{
	struct vmm_vcpu_state c;

	if (!vcpu(d, &c))
		return machine_cr(d->m, cr, v);
	if (cr >= CR_COUNT || !isa_cr_name(cr))
		return false;
	*v = c.cr[cr];
	return true;
}

bool dbg_vm_readonly(struct dbg *d)
{
	struct vmm_vcpu_state c;

	return vcpu(d, &c) && !c.on_cpu;
}

bool dbg_vm_phys(struct dbg *d, uint32_t gpa, uint32_t *pa, char *why, size_t whylen)
{
	struct vmm_vcpu_state c;

	if (!vcpu(d, &c)) {
		*pa = gpa;
		return true;
	}
	if (vmm_gpa_to_hpa(d->vm->v, d->vm->sel, gpa, pa))
		return true;
	snprintf(why, whylen, "guest-physical 0x%08x is outside vm%d's RAM (%u bytes)", gpa,
		 d->vm->sel, c.mem_bytes);
	return false;
}

bool dbg_vm_translate(struct dbg *d, uint32_t va, uint32_t *pa, char *why, size_t whylen)
{
	struct vmm_gwalk g;
	struct vmm_swalk s;

	if (!vmm_walks(d->vm->v, d->vm->sel, va, &g, &s)) {
		snprintf(why, whylen, "no VM %d", d->vm->sel);
		return false;
	}
	if (!g.mapped) {
		if (!(g.pde & PTE_P))
			snprintf(why, whylen, "not mapped in vm%d (directory entry at gpa 0x%08x is 0x%08x)",
				 d->vm->sel, g.pde_gpa, g.pde);
		else
			snprintf(why, whylen, "not mapped in vm%d (table entry at gpa 0x%08x is 0x%08x)",
				 d->vm->sel, g.pte_gpa, g.pte);
		return false;
	}
	if (!g.ram) {
		snprintf(why, whylen, "vm%d maps it to gpa 0x%08x, %s", d->vm->sel, g.gpa,
			 g.device ? "a device page" : "outside its RAM");
		return false;
	}
	return vmm_gpa_to_hpa(d->vm->v, d->vm->sel, g.gpa, pa);
}

/* ---- the end of the run ----------------------------------------------------- */

bool dbg_vm_ended(struct dbg *d)
{
	struct vm_result r;

	if (!d->vm)
		return false;
	for (int i = 0; i < vmm_vm_count(d->vm->v); i++) {
		vmm_vm_result(d->vm->v, i, &r);
		if (r.state != VM_POWERED_OFF && r.state != VM_CRASHED)
			return false;
	}
	return true;
}

void dbg_vm_report_end(struct dbg *d)
{
	struct vm_result r;

	for (int i = 0; i < vmm_vm_count(d->vm->v); i++) {
		vmm_vm_result(d->vm->v, i, &r);
		if (r.state == VM_POWERED_OFF)
			dbg_printf(d, "[vm%d powered off, exit code %d]\n", i, r.exit_code);
		else if (r.state == VM_CRASHED)
			dbg_printf(d, "[vm%d crashed: %s]\n", i, r.reason);
	}
}

/* ---- commands ----------------------------------------------------------------- */

bool dbg_vm_refuse(struct dbg *d, const char *command)
{
	if (!d->vm || (strncmp(command, "reverse-", 8) && strcmp(command, "run") &&
		       strcmp(command, "save") && strcmp(command, "load")))
		return false;
	dbg_error(d, "%s is not available under the monitor (its state is not in snapshots).",
		  command);
	return true;
}

static int no_monitor(struct dbg *d)
{
	return dbg_error(d, "No monitor: start vmlab debug with --vmm trap (or --vm).");
}

static const char *state_text(const struct vmm *v, int i, char *buf, size_t len)
{
	struct vm_result r;

	vmm_vm_result(v, i, &r);
	switch (r.state) {
	case VM_RUNNING:
		return vmm_current(v) == i ? "on the CPU" : "ready";
	case VM_HALTED:
		return "halted";
	case VM_POWERED_OFF:
		snprintf(buf, len, "off (%d)", r.exit_code);
		return buf;
	default:
		return "crashed";
	}
}

static int info_vms(struct dbg *d)
{
	struct vmm *v = d->vm->v;
	struct vmm_stats st;
	struct vmm_vcpu_state c;
	char buf[32];

	dbg_printf(d, "  VM  state        ring  pc               exits  image\n");
	for (int i = 0; i < vmm_vm_count(v); i++) {
		const char *name = vmm_vm_name(v, i);
		size_t n = strlen(name);
		vmm_vcpu(v, i, &c);
		vmm_get_stats(v, i, &st);
		struct vm_result r;
		char where[32] = "   -  -         "; /* an ended VM has no CPU state */
		vmm_vm_result(v, i, &r);
		if (r.state != VM_POWERED_OFF && r.state != VM_CRASHED)
			snprintf(where, sizeof where, "%4u  0x%08x", c.psw & PSW_RING_MASK, c.pc);
		dbg_printf(d, "%c %-3d %-12s %s %10llu  %s%s\n", i == d->vm->sel ? '*' : ' ', i,
			   state_text(v, i, buf, sizeof buf), where,
			   (unsigned long long)st.exits_total, n > 30 ? "..." : "", n > 30 ? name + n - 30 : name);
	}
	return DBG_OK;
}

static int info_vcpu(struct dbg *d)
{
	struct vmm_vcpu_state c;
	char buf[32];

	vcpu(d, &c);
	dbg_printf(d, "vm%d: %s, virtual ring %u (runs in ring %u), interrupts %s%s\n", d->vm->sel,
		   state_text(d->vm->v, d->vm->sel, buf, sizeof buf), c.psw & PSW_RING_MASK, c.real_ring,
		   c.psw & PSW_IE ? "on" : "off", c.halted ? ", halted" : "");
	dbg_printf(d, "RAM %u KiB at host pa 0x%08x; virtual interrupts pending 0x%08x\n",
		   c.mem_bytes >> 10, c.mem_base, c.pending);
	if (dbgc_info(d, "registers", NULL) != DBG_OK)
		return DBG_ERROR;
	return dbgc_info(d, "cr", NULL);
}

static void bits(uint32_t e, char *buf)
{
	static const struct { uint32_t bit; char c; } b[] = {
		{ PTE_P, 'P' }, { PTE_W, 'W' }, { PTE_U, 'U' }, { PTE_G, 'G' }, { PTE_A, 'A' }, { PTE_D, 'D' },
	};
	for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
		buf[2 * i] = e & b[i].bit ? b[i].c : '-';
		buf[2 * i + 1] = ' ';
	}
	buf[2 * (sizeof b / sizeof b[0]) - 1] = '\0';
}

static void entry(struct dbg *d, const char *who, const char *level, const char *space,
		  uint32_t at, uint32_t e)
{
	char b[16];

	bits(e, b);
	dbg_printf(d, "  %-6s %-9s at %-3s 0x%08x = 0x%08x  %s\n", who, level, space, at, e, b);
}

static int info_shadow(struct dbg *d, const char *args)
{
	struct vmm_gwalk g;
	struct vmm_swalk s;
	uint32_t va, hpa;
	char err[200];

	if (dbg_is_blank(args))
		return dbg_error(d, "usage: info shadow VA (a guest-virtual address)");
	if (!dbg_expr(d, args, 0, &va, err, sizeof err))
		return dbg_error(d, "%s", err);
	vmm_walks(d->vm->v, d->vm->sel, va, &g, &s);
	dbg_printf(d, "vm%d va 0x%08x: the guest's walk, then the shadow the MMU walks\n",
		   d->vm->sel, va);
	if (!g.paging) {
		dbg_printf(d, "  guest  paging off: gpa = va\n");
	} else {
		entry(d, "guest", "directory", "gpa", g.pde_gpa, g.pde);
		if (g.pde & PTE_P)
			entry(d, "", "table", "gpa", g.pte_gpa, g.pte);
	}
	if (!g.mapped)
		dbg_printf(d, "         -> no translation\n");
	else if (g.ram && vmm_gpa_to_hpa(d->vm->v, d->vm->sel, g.gpa, &hpa))
		dbg_printf(d, "         -> gpa 0x%08x (RAM, host pa 0x%08x)\n", g.gpa, hpa);
	else
		dbg_printf(d, "         -> gpa 0x%08x (%s)\n", g.gpa, g.device ? "a device" : "not RAM");
	if (!s.exists) {
		dbg_printf(d, "  shadow none for this address space yet\n");
	} else {
		entry(d, "shadow", "directory", "pa", s.spde_pa, s.spde);
		if (s.spde & PTE_P)
			entry(d, "", "table", "pa", s.spte_pa, s.spte);
		if (s.mapped)
			dbg_printf(d, "         -> pa 0x%08x (asid %u)\n", s.hpa, s.asid);
		else
			dbg_printf(d, "         -> no translation (asid %u)\n", s.asid);
	}
	dbg_printf(d, "  %s: %s\n", s.why == SHW_SAME ? "same" : "differ", vmm_shadow_why_text(s.why));
	return DBG_OK;
}

static int info_exits(struct dbg *d, const char *args)
{
	struct dbg_vm *x = d->vm;
	struct vmm_stats st;
	uint64_t n = 10;
	char line[96] = "";

	if (!dbg_is_blank(args) && (!dbg_parse_count(dbg_skip_ws(args), &n) || n == 0))
		return dbg_error(d, "usage: info exits [N] (the last N exits, default 10)");
	vmm_get_stats(x->v, x->sel, &st);
	dbg_printf(d, "vm%d: %llu exits\n", x->sel, (unsigned long long)st.exits_total);
	for (int e = 0; e < EXIT_COUNT; e++) {
		char item[40];
		if (!st.exits[e])
			continue;
		snprintf(item, sizeof item, "  %s %llu", vmm_exit_name(e), (unsigned long long)st.exits[e]);
		if (strlen(line) + strlen(item) > 78) {
			dbg_printf(d, "%s\n", line);
			line[0] = '\0';
		}
		strncat(line, item, sizeof line - strlen(line) - 1);
	}
	if (line[0])
		dbg_printf(d, "%s\n", line);
	if (n > EXIT_LOG)
		n = EXIT_LOG;
	if (n > x->nlog)
		n = x->nlog;
	dbg_printf(d, "last %llu of the %llu exits seen (all VMs):\n", (unsigned long long)n,
		   (unsigned long long)x->nlog);
	for (uint64_t i = x->nlog - n; i < x->nlog; i++)
		trace_print_exit(d->out, &x->log[i % EXIT_LOG]);
	return DBG_OK;
}

bool dbg_vm_info(struct dbg *d, const char *subject, const char *args, int *r)
{
	static const char *const words[] = { "vms", "vcpu", "shadow", "exits" };
	size_t n = strlen(subject);
	int which = -1;

	for (int i = 0; i < 4; i++)
		if (!strcmp(subject, words[i]) || (n >= 2 && !strncmp(subject, words[i], n)))
			which = which < 0 ? i : which;
	if (which < 0)
		return false;
	if (!d->vm) {
		*r = no_monitor(d);
		return true;
	}
	switch (which) {
	case 0: *r = info_vms(d); break;
	case 1: *r = info_vcpu(d); break;
	case 2: *r = info_shadow(d, args); break;
	default: *r = info_exits(d, args); break;
	}
	return true;
}

int dbgc_vm(struct dbg *d, const char *args, const char *fmt)
{
	uint64_t n;

	if (!d->vm)
		return no_monitor(d);
	if (dbg_is_blank(args))
		return info_vms(d);
	if (!dbg_parse_count(dbg_skip_ws(args), &n) || n >= (uint64_t)vmm_vm_count(d->vm->v))
		return dbg_error(d, "No VM \"%s\" (0 to %d; see info vms).", dbg_skip_ws(args),
				 vmm_vm_count(d->vm->v) - 1);
	d->vm->sel = (int)n;
	dbg_printf(d, "[Switching to vm%d (%s)%s]\n", d->vm->sel, vmm_vm_name(d->vm->v, d->vm->sel),
		   dbg_vm_readonly(d) ? ", not on the CPU: read-only" : "");
	dbg_bp_refresh(d);
	dbg_show_location(d);
	return DBG_OK;
}

int dbg_vm_catch_parse(struct dbg *d, const char *cause, struct dbg_bp *bp, char *what, size_t len)
{
	if (!d->vm)
		return dbg_error(d, "No VM exits to catch: start vmlab debug with --vmm trap (or --vm).");
	bp->cause = -1;
	if (!cause)
		return DBG_OK;
	for (int e = 0; e < EXIT_COUNT; e++)
		if (!strcmp(cause, vmm_exit_name(e)))
			bp->cause = e;
	if (bp->cause < 0)
		return dbg_error(d, "Unknown exit cause \"%s\" (mfcr, mtcr, rfe, hidden-fault, mmio, ...).",
				 cause);
	snprintf(what, len, "vmexit %s", cause);
	return DBG_OK;
}

void dbg_vm_report_catch(struct dbg *d, const struct dbg_stop *s)
{
	const struct vmm_exit_info *e = &d->vm->caught;

	dbg_printf(d, "vm%d %s, pc 0x%08x, ring %u, %u cycles\n", e->vm,
		   vmm_exit_name(e->cause), e->pc, e->vring, e->cost);
}
