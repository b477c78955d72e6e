/*
 * gather.c -- the model from the debugger (gather.h).
 */
#include "ui/tui/gather.h"

#include <stdio.h>
#include <string.h>

#include "sim/asm/disasm.h"
#include "ui/dbg/dbg_view.h"
#include "ui/dbg/walk.h"

/* ---- the exit log ---- */

static void on_exit(void *opaque, const struct vmm_exit_info *e)
{
	struct tui_exitlog *l = opaque;

	l->ring[l->n++ % TUI_EXIT_LOG] = (struct tui_exit_rec){
		.vm = e->vm, .cause = e->cause, .pc = e->pc, .cost = e->cost,
		.vring = e->vring, .cycle = e->cycle,
	};
}

void tui_exitlog_attach(struct tui_exitlog *l, struct vmm *v)
{
	memset(l, 0, sizeof *l);
	l->handle = -1;
	l->v = v;
	if (v)
		l->handle = vmm_observe(v, &(struct vmm_observer){ .opaque = l, .on_exit = on_exit });
}

void tui_exitlog_detach(struct tui_exitlog *l)
{
	if (l->v && l->handle >= 0)
		vmm_unobserve(l->v, l->handle);
	l->handle = -1;
}

/* ---- registers ---- */

void tui_model_mark(struct tui_model *m)
{
	memcpy(m->prev_regs, m->regs, sizeof m->regs);
	m->prev_pc = m->pc;
	m->prev_psw = m->psw;
	m->have_prev = true;
}

static void regs(struct tui_model *m, struct dbg *d)
{
	struct machine *mc = dbg_view_machine(d);

	for (unsigned i = 0; i < ISA_NREGS; i++)
		m->regs[i] = dbg_view_reg(d, i);
	m->pc = dbg_view_pc(d);
	m->psw = dbg_view_psw(d);
	static const struct { unsigned cr; size_t off; } crs[] = {
		{ CR_MMU, offsetof(struct tui_model, cr_mmu) },
		{ CR_PTBR, offsetof(struct tui_model, cr_ptbr) },
		{ CR_ASID, offsetof(struct tui_model, cr_asid) },
		{ CR_CAUSE, offsetof(struct tui_model, cr_cause) },
		{ CR_EPC, offsetof(struct tui_model, cr_epc) },
		{ CR_BADVA, offsetof(struct tui_model, cr_badva) },
		{ CR_TVEC, offsetof(struct tui_model, cr_tvec) },
	};
	for (size_t i = 0; i < sizeof crs / sizeof crs[0]; i++) {
		uint32_t v = 0;
		dbg_view_cr(d, crs[i].cr, &v);
		memcpy((char *)m + crs[i].off, &v, sizeof v);
	}
	m->cycles = machine_cycles(mc);
	m->instret = machine_instret(mc);
	m->steps = dbg_steps(d);
	disasm_symbolize(dbg_view_image(d, m->pc), m->pc, m->pc_label, sizeof m->pc_label);
}

/* ---- code ---- */

static void code(struct tui_model *m, struct dbg *d)
{
	uint32_t start = m->pc >= 16 * 4 ? m->pc - 16 * 4 : 0;
	const char *file, *text;
	uint32_t line;

	m->nasm = 0;
	m->asm_cur = -1;
	for (int i = 0; i < TUI_ASM_ROWS; i++) {
		struct tui_asm_row *a = &m->asmr[m->nasm];
		uint32_t addr = start + 4u * (uint32_t)i;
		const struct image *img = dbg_view_image(d, addr);
		if (addr < start)
			break; /* wrapped around */
		memset(a, 0, sizeof *a);
		a->addr = addr;
		a->ok = dbg_view_read(d, addr, false, &a->word, 4);
		if (a->ok)
			disasm_insn(addr, a->word, img, a->text, sizeof a->text);
		a->bp = dbg_view_break_at(d, addr);
		disasm_symbolize(img, addr, a->label, sizeof a->label);
		if (dbg_view_line(d, addr, &file, &line, &text))
			a->line = line;
		if (addr == m->pc)
			m->asm_cur = m->nasm;
		m->nasm++;
	}

	m->nsrc = 0;
	m->src_cur = 0;
	m->src_file[0] = '\0';
	if (!dbg_view_line(d, m->pc, &file, &line, &text) || !text)
		return;
	const char *base = strrchr(file, '/');
	snprintf(m->src_file, sizeof m->src_file, "%s", base ? base + 1 : file);
	m->src_cur = line;
	m->src_first = line > TUI_SRC_ROWS / 3 ? line - TUI_SRC_ROWS / 3 : 1;
	for (int k = 0; k < TUI_SRC_ROWS; k++) {
		const char *t = dbg_view_source(d, m->pc, m->src_first + (uint32_t)k);
		if (!t)
			break;
		snprintf(m->src[k], sizeof m->src[k], "%s", t);
		m->src_bp[k] = 0;
		m->nsrc++;
	}
	/* a line has a breakpoint if an instruction of it shown has one */
	for (int i = 0; i < m->nasm; i++) {
		const struct tui_asm_row *a = &m->asmr[i];
		if (a->bp && a->line >= m->src_first && a->line < m->src_first + (uint32_t)m->nsrc) {
			int k = (int)(a->line - m->src_first);
			if (!m->src_bp[k] || a->bp == 1)
				m->src_bp[k] = a->bp;
		}
	}
}

/* ---- memory ---- */

static void memory(struct tui_model *m, struct dbg *d)
{
	for (int off = 0; off < TUI_MEM_BYTES; off += 16) {
		uint32_t a = m->mem_addr + (uint32_t)off;
		bool ok = dbg_view_read(d, a, m->mem_phys, m->mem + off, 16);
		for (int i = 0; i < 16; i++) {
			m->mem_ok[off + i] = ok || dbg_view_read(d, a + (uint32_t)i, m->mem_phys,
								  m->mem + off + i, 1);
			if (!m->mem_ok[off + i])
				m->mem[off + i] = 0;
		}
	}
}

/* ---- the MMU ---- */

static void tlb(struct tui_model *m, struct machine *mc)
{
	struct tlb_view t;
	uint32_t asid = 0;

	machine_cr(mc, CR_ASID, &asid);
	m->real_asid = (uint8_t)asid;
	m->tlb_size = machine_tlb_size(mc);
	m->tlb_valid = 0;
	m->ntlb = 0;
	/* two passes: entries for the va's page first, then the others */
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < m->tlb_size; i++) {
			machine_tlb_entry(mc, i, &t);
			if (!t.valid)
				continue;
			bool hit = t.vpn == m->mmu_va >> PAGE_SHIFT;
			if (pass == 0)
				m->tlb_valid++;
			if (hit != (pass == 0) || m->ntlb == TUI_TLB_ROWS)
				continue;
			m->tlb[m->ntlb++] = (struct tui_tlb_row){
				.slot = i, .va = t.vpn << PAGE_SHIFT, .pa = t.pfn << PAGE_SHIFT,
				.asid = t.asid, .flags = t.flags,
			};
		}
}

static void mmu(struct tui_model *m, struct dbg *d)
{
	struct machine *mc = dbg_view_machine(d);
	struct vmm *v = dbg_view_vmm(d);

	if (v) {
		struct vmm_vcpu_state s;
		vmm_walks(v, m->vm, m->mmu_va, &m->gw, &m->sw);
		if (vmm_vcpu(v, m->vm, &s)) {
			m->vm_base = s.mem_base;
			m->vring = s.psw & PSW_RING_MASK;
		}
	} else {
		struct walk_verdict vd[4][3];
		unsigned ring = m->psw & PSW_RING_MASK;
		machine_walk(mc, m->mmu_va, ACC_READ, ring, &m->walk);
		walk_verdicts(mc, m->mmu_va, vd);
		for (int a = 0; a < 3; a++) {
			snprintf(m->verdict_buf[a], sizeof m->verdict_buf[a], "%s", vd[ring][a].reason);
			m->verdict[a] = m->verdict_buf[a];
		}
	}
	tlb(m, mc);
}

/* ---- the monitor's VMs ---- */

static void vms(struct tui_model *m, struct dbg *d, const struct tui_exitlog *log)
{
	struct vmm *v = dbg_view_vmm(d);
	struct vmm_stats st;

	m->nvms = 0;
	m->nexitlog = 0;
	if (!v)
		return;
	for (int i = 0; i < vmm_vm_count(v) && i < TUI_MAX_VMS; i++) {
		struct tui_vm_row *r = &m->vms[m->nvms++];
		struct vm_result res;
		struct vmm_vcpu_state s;
		const char *name = vmm_vm_name(v, i), *base = name ? strrchr(name, '/') : NULL;
		memset(r, 0, sizeof *r);
		snprintf(r->name, sizeof r->name, "%s", base ? base + 1 : name ? name : "?");
		vmm_vm_result(v, i, &res);
		r->state = res.state;
		if (vmm_vcpu(v, i, &s)) {
			r->vring = s.psw & PSW_RING_MASK;
			r->on_cpu = s.on_cpu;
			r->halted = s.halted;
			r->mem_kib = s.mem_bytes >> 10;
		}
		vmm_get_stats(v, i, &st);
		r->exits = st.exits_total;
		r->insns = st.guest_insns;
	}
	vmm_get_stats(v, m->vm, &st);
	memcpy(m->exits_by, st.exits, sizeof m->exits_by);
	if (log) {
		uint64_t first = log->n > TUI_EXIT_LOG ? log->n - TUI_EXIT_LOG : 0;
		for (uint64_t i = first; i < log->n; i++)
			m->exitlog[m->nexitlog++] = log->ring[i % TUI_EXIT_LOG];
	}
}

void tui_gather(struct tui_model *m, struct dbg *d, const struct tui_exitlog *log)
{
	m->vmm = dbg_view_vmm(d) != NULL;
	m->vm = dbg_view_vm(d);
	if (m->vm < 0)
		m->vm = 0;
	regs(m, d);
	code(m, d);
	memory(m, d);
	mmu(m, d);
	vms(m, d, log);
}
