/*
 * equiv.c -- see equiv.h.
 */
#include "tests/unit/helpers/equiv.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/vmm_priv.h"
#include "sim/asm/asm.h"

static void con_append(struct out *o, const uint8_t *b, size_t n)
{
	ck_assert_msg(o->conlen + n <= CON_MAX, "console output over %d bytes: %.200s", CON_MAX, o->con);
	memcpy(o->con + o->conlen, b, n);
	o->conlen += n;
}

static void bare_console(void *opaque, const uint8_t *b, size_t n)
{
	con_append(opaque, b, n);
}

static void vmm_console(void *opaque, int vm, const uint8_t *b, size_t n)
{
	con_append(&((struct out *)opaque)[vm], b, n);
}

void out_free(struct out *o, int n)
{
	for (int i = 0; i < n; i++)
		free(o[i].ram);
}

static void keep_ram(struct out *o, struct machine *m, uint32_t base, uint32_t mem)
{
	o->mem = mem;
	o->ram = malloc(mem);
	ck_assert(o->ram && machine_phys_read(m, base, o->ram, mem));
}

void run_bare(const struct guest_spec *g, enum machine_variant var, struct out *o)
{
	struct machine_config cfg;
	enum machine_stop why;
	struct machine *m;
	char err[256];

	memset(o, 0, sizeof *o);
	machine_config_defaults(&cfg);
	cfg.variant = var;
	cfg.mem_bytes = g->mem;
	cfg.seed = g->seed;
	cfg.disk_path = g->disk;
	cfg.io = (struct machine_io){ .opaque = o, .console_out = bare_console };
	m = machine_new(&cfg, err, sizeof err);
	ck_assert_msg(m != NULL, "machine_new: %s", err);
	ck_assert_msg(machine_load_image(m, g->img, err, sizeof err), "load: %s", err);
	do
		why = machine_run(m, BUDGET - machine_instret(m));
	while (why == STOP_DEBUG_BREAK);
	if (why == STOP_POWER_OFF) {
		o->end = END_POWER;
		o->code = machine_exit_code(m);
	} else if (why == STOP_FATAL) {
		o->end = END_CRASH;
		o->cause = machine_fatal_report(m)->cause;
		o->pc = machine_fatal_report(m)->pc;
		o->badva = machine_fatal_report(m)->badva;
	}
	keep_ram(o, m, 0, g->mem);
	machine_free(m);
}

void run_vmm_cfg(const struct guest_spec *g, int n, enum machine_variant var,
		 const struct vmm_config *vcfg, struct out *o, struct vmm_result *res)
{
	struct vm_config vcs[MAXG];
	struct machine_config cfg;
	struct vmm_config cfgv = *vcfg;
	struct vmm_result dummy;
	struct machine *m;
	struct vmm *v;
	char err[256];

	if (!res)
		res = &dummy;
	ck_assert(n >= 1 && n <= MAXG);
	memset(o, 0, sizeof *o * (size_t)n);
	for (int i = 0; i < n; i++)
		vcs[i] = (struct vm_config){ .name = "guest", .image = g[i].img, .mem_bytes = g[i].mem,
					     .disk_path = g[i].disk, .seed = g[i].seed };
	machine_config_defaults(&cfg);
	cfg.variant = var;
	cfg.mem_bytes = vmm_ram_needed(vcs, n);
	ck_assert(cfg.mem_bytes != 0);
	m = machine_new(&cfg, err, sizeof err);
	ck_assert_msg(m != NULL, "machine_new: %s", err);
	cfgv.nvms = n;
	cfgv.io = (struct vmm_io){ .opaque = o, .console_out = vmm_console };
	v = vmm_new(m, &cfgv, err, sizeof err);
	ck_assert_msg(v != NULL, "vmm_new: %s", err);
	for (int i = 0; i < n; i++)
		ck_assert_msg(vmm_add_vm(v, &vcs[i], err, sizeof err) == i, "vmm_add_vm: %s", err);
	res->stop = vmm_run(v, BUDGET);
	for (int i = 0; i < n; i++) {
		struct vm_result r;
		vmm_vm_result(v, i, &r);
		if (r.state == VM_POWERED_OFF) {
			o[i].end = END_POWER;
			o[i].code = r.exit_code;
		} else if (r.state == VM_CRASHED) {
			o[i].end = END_CRASH;
			o[i].cause = r.cause;
			o[i].pc = r.pc;
			o[i].badva = r.badva;
		}
		keep_ram(&o[i], m, v->vms[i]->base, v->vms[i]->mem);
		vmm_get_stats(v, i, &res->vm[i]);
	}
	vmm_get_stats(v, -1, &res->st);
	res->cycles = machine_cycles(m);
	res->instret = machine_instret(m);
	vmm_free(v);
	machine_free(m);
}

void run_vmm(const struct guest_spec *g, int n, enum machine_variant var, struct out *o,
	     struct vmm_result *res)
{
	struct vmm_config cfg;

	vmm_config_defaults(&cfg);
	run_vmm_cfg(g, n, var, &cfg, o, res);
}

uint32_t ram32(const struct out *o, uint32_t gpa)
{
	uint32_t x;

	ck_assert(gpa + 4 <= o->mem);
	memcpy(&x, o->ram + gpa, 4);
	return x;
}

/* The guest saw the same thing bare and under the monitor. */
void check_same(const struct out *bare, const struct out *vm, const char *what)
{
	ck_assert_msg(bare->conlen == vm->conlen && !memcmp(bare->con, vm->con, bare->conlen),
		      "%s: console differs\n--- bare\n%.*s\n--- monitor\n%.*s", what,
		      (int)bare->conlen, bare->con, (int)vm->conlen, vm->con);
	ck_assert_msg(bare->end == vm->end, "%s: bare ended %d, monitor %d", what, bare->end, vm->end);
	if (bare->end == END_POWER)
		ck_assert_msg(bare->code == vm->code, "%s: status %d bare, %d monitor", what,
			      bare->code, vm->code);
	if (bare->end == END_CRASH)
		ck_assert_msg(bare->cause == vm->cause && bare->pc == vm->pc &&
			      bare->badva == vm->badva,
			      "%s: crash cause 0x%08x pc 0x%08x badva 0x%08x bare, "
			      "0x%08x 0x%08x 0x%08x monitor", what, bare->cause, bare->pc,
			      bare->badva, vm->cause, vm->pc, vm->badva);
	ck_assert_uint_eq(bare->mem, vm->mem);
	if (memcmp(bare->ram, vm->ram, bare->mem) == 0)
		return;
	for (uint32_t a = 0;; a += 4)
		if (memcmp(bare->ram + a, vm->ram + a, 4))
			ck_abort_msg("%s: RAM differs at 0x%08x: 0x%08x bare, 0x%08x monitor", what, a,
				     ram32(bare, a), ram32(vm, a));
}

void check_console(const struct out *o, const char *expect, const char *what)
{
	ck_assert_msg(o->conlen == strlen(expect) && !memcmp(o->con, expect, o->conlen),
		      "%s: console\n%.*s\nexpected\n%s", what, (int)o->conlen, o->con, expect);
}

/* ---- guest programs ------------------------------------------------------ */

struct image *assemble(const char *fmt, ...)
{
	struct assembler *as = asm_new();
	struct image *img;
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = malloc((size_t)n + 1);
	ck_assert(text != NULL);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (!asm_assemble_string(as, "guest.s", text)) {
		const struct asm_diag *d = asm_diag_get(as, 0);
		ck_abort_msg("guest.s:%u: %s\n%s\n----\n%s", d->line, d->message,
			     d->source ? d->source : "", text);
	}
	img = asm_take_image(as);
	asm_free(as);
	free(text);
	return img;
}

uint32_t sym(const struct image *img, const char *name)
{
	const struct image_symbol *s = image_symbol_find(img, name);

	ck_assert_msg(s != NULL, "no symbol %s", name);
	return s->value;
}

/* Both runs of one image, strict unless said otherwise, compared. */
void both(const struct guest_spec *g, enum machine_variant var, struct out *bare,
	  struct out *vm, const char *what)
{
	run_bare(g, var, bare);
	run_vmm(g, 1, var, vm, NULL);
	check_same(bare, vm, what);
}
