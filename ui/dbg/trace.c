/*
 * trace.c -- event listeners that print what the machine does.
 */
#include "ui/dbg/trace.h"

#include <stdlib.h>
#include <string.h>

#include "monitor/vmm.h"
#include "sim/asm/disasm.h"

struct trace {
	struct machine *m;
	const struct image *img;  /* symbols for disassembly, or NULL */
	FILE *out;
	unsigned cats;            /* TRACE_* now active              */
	int handle[EV_COUNT];     /* listener per event, or -1       */
	struct vmm *v;            /* the monitor, or NULL            */
	int obs;                  /* its exit observer, or -1        */
};

static const struct { const char *name; unsigned bit; } cat_names[] = {
	{ "insn", TRACE_INSN }, { "trap", TRACE_TRAP }, { "mmu", TRACE_MMU },
	{ "irq", TRACE_IRQ }, { "dev", TRACE_DEV }, { "exit", TRACE_EXIT }, { "all", TRACE_ALL },
};

bool trace_parse(const char *spec, unsigned *cats, const char **bad, size_t *badlen)
{
	*cats = 0;
	while (*spec) {
		size_t n = strcspn(spec, ",");
		bool found = false;
		for (size_t i = 0; i < sizeof cat_names / sizeof cat_names[0]; i++) {
			if (strlen(cat_names[i].name) == n && !strncmp(spec, cat_names[i].name, n)) {
				*cats |= cat_names[i].bit;
				found = true;
			}
		}
		if (!found) {
			*bad = spec;
			*badlen = n;
			return false;
		}
		spec += n + (spec[n] == ',');
	}
	return true;
}

static bool on_insn(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct trace *t = opaque;
	char text[128];

	disasm_insn(ev->pc, ev->word, t->img, text, sizeof text);
	if (t->v) { /* the guest's view: which VM, its virtual ring */
		struct vmm_vcpu_state c;
		int vm = vmm_current(t->v);
		if (vmm_vcpu(t->v, vm, &c)) {
			fprintf(t->out, "insn  vm%d %08x: %08x  %-28s ring %u  cycle %llu\n", vm, ev->pc,
				ev->word, text, c.psw & PSW_RING_MASK, (unsigned long long)machine_cycles(m));
			return false;
		}
	}
	fprintf(t->out, "insn  %08x: %08x  %-32s ring %u  cycle %llu\n", ev->pc, ev->word, text,
		machine_psw(m) & PSW_RING_MASK, (unsigned long long)machine_cycles(m));
	return false;
}

static bool on_trap(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct trace *t = opaque;
	const char *name = isa_cause_name(CAUSE_CODE(ev->word));

	fprintf(t->out, "trap  %s (cause 0x%08x) at pc 0x%08x badva 0x%08x -> ring %u handler 0x%08x\n",
		name ? name : "?", ev->word, ev->pc, ev->addr, ev->value, machine_pc(m));
	return false;
}

static bool on_tlb(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct trace *t = opaque;

	fprintf(t->out, "mmu   tlb fill va 0x%08x -> pa 0x%08x (%s) at pc 0x%08x\n",
		ev->addr & ~PAGE_MASK, ev->value, ev->write ? "write" : "read/fetch", ev->pc);
	return false;
}

static bool on_irq(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct trace *t = opaque;

	fprintf(t->out, "irq   line %u -> %u at cycle %llu\n", ev->addr, ev->value,
		(unsigned long long)machine_cycles(m));
	return false;
}

static bool on_dev(void *opaque, struct machine *m, const struct machine_event_info *ev)
{
	struct trace *t = opaque;

	fprintf(t->out, "dev   %s 0x%08x %s 0x%08x at pc 0x%08x\n", ev->write ? "write" : "read ",
		ev->addr, ev->write ? "<-" : "->", ev->value, ev->pc);
	return false;
}

void trace_print_exit(FILE *out, const struct vmm_exit_info *e)
{
	fprintf(out, "exit  vm%d %-12s pc 0x%08x ring %u cost %u cycle %llu\n", e->vm,
		vmm_exit_name(e->cause), e->pc, e->vring, e->cost, (unsigned long long)e->cycle);
}

static void on_vm_exit(void *opaque, const struct vmm_exit_info *e)
{
	trace_print_exit(((struct trace *)opaque)->out, e);
}

static const struct {
	unsigned bit;
	enum machine_event ev;
	machine_event_fn fn;
} routes[] = {
	{ TRACE_INSN, EV_INSN, on_insn }, { TRACE_TRAP, EV_TRAP, on_trap },
	{ TRACE_MMU, EV_TLB_FILL, on_tlb }, { TRACE_IRQ, EV_IRQ, on_irq },
	{ TRACE_DEV, EV_DEVICE, on_dev },
};

struct trace *trace_new(struct machine *m, const struct image *img, FILE *out)
{
	struct trace *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->m = m;
	t->img = img;
	t->out = out;
	for (int i = 0; i < EV_COUNT; i++)
		t->handle[i] = -1;
	t->obs = -1;
	return t;
}

bool trace_attach_vmm(struct trace *t, struct vmm *v)
{
	t->v = v;
	if (v && (t->cats & TRACE_EXIT) && t->obs < 0) {
		t->obs = vmm_observe(v, &(struct vmm_observer){ .opaque = t, .on_exit = on_vm_exit });
		return t->obs >= 0;
	}
	return true;
}

void trace_set_out(struct trace *t, FILE *out)
{
	t->out = out;
}

void trace_set(struct trace *t, unsigned cats)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		int *h = &t->handle[routes[i].ev];
		bool want = cats & routes[i].bit;
		if (want && *h < 0)
			*h = machine_on(t->m, routes[i].ev, routes[i].fn, t);
		else if (!want && *h >= 0) {
			machine_off(t->m, *h);
			*h = -1;
		}
	}
	if (t->v && (cats & TRACE_EXIT) && t->obs < 0)
		t->obs = vmm_observe(t->v, &(struct vmm_observer){ .opaque = t, .on_exit = on_vm_exit });
	else if (!(cats & TRACE_EXIT) && t->obs >= 0) {
		vmm_unobserve(t->v, t->obs);
		t->obs = -1;
	}
	t->cats = cats;
}

void trace_free(struct trace *t)
{
	if (t) {
		trace_set(t, 0);
		free(t);
	}
}
