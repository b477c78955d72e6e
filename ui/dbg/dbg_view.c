/*
 * dbg_view.c -- read-only views of the debugger for a drawing front end
 * (dbg_view.h): thin wrappers over what the commands use, so the screen
 * and the command line never disagree.
 */
#include "ui/dbg/dbg_view.h"

#include "ui/dbg/dbg_priv.h"

uint32_t dbg_view_reg(struct dbg *d, unsigned n)
{
	return dbg_reg(d, n);
}

uint32_t dbg_view_pc(struct dbg *d)
{
	return dbg_pc(d);
}

uint32_t dbg_view_psw(struct dbg *d)
{
	return dbg_psw(d);
}

bool dbg_view_cr(struct dbg *d, unsigned cr, uint32_t *v)
{
	return dbg_cr(d, cr, v);
}

bool dbg_view_read(struct dbg *d, uint32_t addr, bool phys, void *buf, uint32_t len)
{
	char err[160];

	return dbg_read_mem(d, addr, phys, buf, len, err, sizeof err);
}

bool dbg_view_address(struct dbg *d, const char *expr, uint32_t *v, char *err, size_t errlen)
{
	return dbg_expr(d, expr, EXPR_ADDR, v, err, errlen);
}

int dbg_view_break_at(struct dbg *d, uint32_t va)
{
	int found = 0;

	for (size_t i = 0; i < d->nbps; i++) {
		const struct dbg_bp *b = d->bps[i];
		if (b->kind != BP_BREAK || b->phys || b->addr != va)
			continue;
		if (b->vm >= 0 && b->vm != dbg_vm_selected(d))
			continue;
		if (b->enabled)
			return 1;
		found = 2;
	}
	return found;
}

bool dbg_view_line(struct dbg *d, uint32_t addr, const char **file, uint32_t *line,
		   const char **text)
{
	if (!dbg_line_of(d, addr, file, line))
		return false;
	*text = dbg_source_text(d, addr, *line);
	return true;
}

const char *dbg_view_source(struct dbg *d, uint32_t addr, uint32_t line)
{
	return dbg_source_text(d, addr, line);
}

const struct image *dbg_view_image(struct dbg *d, uint32_t addr)
{
	return dbg_image_at(d, addr);
}

struct machine *dbg_view_machine(struct dbg *d)
{
	return d->m;
}

struct vmm *dbg_view_vmm(struct dbg *d)
{
	return dbg_vm_vmm(d);
}

int dbg_view_vm(struct dbg *d)
{
	return dbg_vm_selected(d);
}

const char *dbg_view_stop(struct dbg *d)
{
	static const char *const text[] = {
		[SK_NONE] = "", [SK_STEPPED] = "stepped", [SK_BREAK] = "breakpoint",
		[SK_WATCH] = "watchpoint", [SK_CATCH] = "catchpoint", [SK_TEMP] = "stopped",
		[SK_PRED] = "stopped", [SK_POWER] = "powered off", [SK_FATAL] = "machine died",
		[SK_GUEST_BREAK] = "guest break", [SK_INTERRUPTED] = "interrupted",
		[SK_COND_ERROR] = "condition error", [SK_HISTORY_END] = "history end",
		[SK_BUDGET] = "budget exhausted",
	};
	unsigned k = d->stop.kind;

	return k < sizeof text / sizeof text[0] && text[k] ? text[k] : "";
}

void dbg_set_output(struct dbg *d, FILE *out, FILE *err, FILE **old_out, FILE **old_err)
{
	if (old_out)
		*old_out = d->out;
	if (old_err)
		*old_err = d->err;
	d->out = out;
	d->err = err;
}

void dbg_set_run_hook(struct dbg *d,
		      void (*hook)(void *opaque, struct machine *m, bool before, enum machine_stop why),
		      void *opaque,
		      void (**old_hook)(void *, struct machine *, bool, enum machine_stop),
		      void **old_opaque)
{
	if (old_hook)
		*old_hook = d->run_hook;
	if (old_opaque)
		*old_opaque = d->run_hook_opaque;
	d->run_hook = hook;
	d->run_hook_opaque = opaque;
}
