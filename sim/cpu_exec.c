/*
 * cpu_exec.c -- the dispatch loop: every instruction's semantics, once.
 *
 * There is one execution path.  Single-stepping is this loop with a limit
 * of one instruction, so a debugger's stepi and a full-speed run cannot
 * disagree.  The loop keeps its state in locals (Lua's lvm.c style):
 *
 *   ip        the decoded instruction about to run
 *   page_ip   slot 0 of the decoded page holding ip; page_va its address
 *   instret   instructions completed (counted at dispatch, undone if the
 *             instruction traps)
 *   limit     leave the loop when instret reaches it (run budget, next
 *             device event, or 1 for single-step)
 *
 * It leaves the loop (returning to machine_run, which fires device events
 * and takes interrupts) at the limit and after every instruction that may
 * change the privilege, translation or interrupt state: traps, rfe, wrpsw,
 * mtcr, tlbinv, tlbflush, halt, and any device access.  Moving within a
 * code page costs nothing; crossing a page refetches through the TLB.
 *
 * Dispatch is computed goto where the compiler has it, else a switch: one
 * macro, CASE(), decides (compile with -DVMLAB_SWITCH_DISPATCH to compare).
 */
#include "machine_priv.h"

#include <limits.h>
#include <string.h>

#if defined(__GNUC__) && !defined(VMLAB_SWITCH_DISPATCH)
#define VMLAB_THREADED 1
#endif

/* Fetch: point the instruction buffer at the decoded page holding pc.
 * Returns false if the fetch trapped (the trap is already taken). */
static bool fetch(struct machine *m, uint32_t pc)
{
	struct cpu *c = &m->cpu;
	uint32_t pa, cause;
	struct dpage *dp;

	if (c->itlb_valid && (pc & ~PAGE_MASK) == c->itlb_va)
		return true;
	c->pc = pc;
	if (pc & 3) {
		cpu_trap(m, CAUSE_MAKE(TRAP_ALIGN, ACC_FETCH, 0, 0), pc, pc, 0);
		return false;
	}
	cause = mmu_translate(m, pc, ACC_FETCH, &pa);
	if (!cause && !mem_is_ram(m, pa, 4))
		cause = CAUSE_MAKE(TRAP_BUS_ERROR, ACC_FETCH, 0, 0);
	if (cause) {
		cpu_trap(m, cause, pc, pc, 0);
		return false;
	}
	dp = mem_code_page(m, pa >> PAGE_SHIFT);
	if (!dp) {
		struct trap_event t = { .pc = pc, .psw = c->psw };
		machine_stop_fatal(m, "host out of memory for decoded code", false, &t);
		return false;
	}
	c->itlb_va = pc & ~PAGE_MASK;
	c->itlb_pa = pa & ~PAGE_MASK;
	c->itlb_code = dp;
	c->itlb_valid = true;
	return true;
}

static inline uint32_t word_at(const uint8_t *page_host, ptrdiff_t slot)
{
	uint32_t w;
	memcpy(&w, page_host + slot * 4, 4);
	return w;
}

void cpu_exec(struct machine *m)
{
	struct cpu *const c = &m->cpu;
	uint32_t *const R = c->r;
	struct ftlb_entry *const ft = m->ftlb[cpu_class(m)];
	const uint32_t tmask = m->tlb_mask;
	const unsigned ring = cpu_ring(m); /* constant: a ring change leaves */
	const bool strict = m->variant == VARIANT_STRICT;
	uint64_t instret = c->instret;
	uint64_t limit = c->limit;
	struct dinsn *ip, *page_ip;
	uint32_t page_va, pc = c->pc;
	const uint8_t *page_host;

#ifdef VMLAB_THREADED
	static const void *const labels[OP_DISPATCH_COUNT] = {
		[OP_INVALID] = &&L_INVALID,
#define X(name, opc, fmt, imm, cls, doc) [OP_##name] = &&L_##name,
#include "isa.def"
#undef X
		[OP_DECODE] = &&L_DECODE,
		[OP_PAGE_END] = &&L_PAGE_END,
		[OP_BKPT] = &&L_BKPT,
	};
#define DISPATCH() goto *labels[ip->op]
#define CASE(x) L_##x:
#else
#define DISPATCH() goto dispatch
#define CASE(x) case OP_##x:
#endif

/* The current instruction's address and word. */
#define PC() (page_va + ((uint32_t)(ip - page_ip) << 2))
#define WORD() word_at(page_host, ip - page_ip)
/* Count the next instruction and run it, unless the limit is reached. */
#define NEXT_AT_IP() do { \
		if (UNLIKELY(instret >= limit)) goto leave_at_ip; \
		instret++; \
		DISPATCH(); \
	} while (0)
#define NEXT() do { ip++; NEXT_AT_IP(); } while (0)
/* Leave the loop after this instruction, which completed. */
#define SERIALIZE() do { ip++; goto leave_at_ip; } while (0)
/* This instruction traps: it did not complete. */
#define TRAP(code, access, badva) do { \
		instret--; \
		c->instret = instret; \
		cpu_trap(m, CAUSE_MAKE(code, access, 0, ring), PC(), (badva), WORD()); \
		return; \
	} while (0)
/* Ring 1 may reach the ring-1 control registers, numbers 16..31. */
#define RING1_CR(cr) ((cr) >= CR_RING1_BASE && (cr) < CR_COUNT)
#define REQUIRE_RING0() do { if (ring != 0) TRAP(TRAP_PRIVILEGED, 0, 0); } while (0)
#define REQUIRE_RING0_IF_STRICT() do { if (strict && ring != 0) TRAP(TRAP_PRIVILEGED, 0, 0); } while (0)
/* Call a slow path with the machine state in sync; it may trap (ret < 0),
 * touch a device (ret > 0) or refill the TLB slot of the code page: then
 * the loop serializes after the instruction. */
#define SLOW(call, dev_flag) do { \
		instret--; \
		c->instret = instret; \
		c->pc = PC(); \
		int r_ = (call); \
		if (r_ < 0) return; \
		instret++; \
		c->instret = instret; \
		machine_update_limit(m); \
		limit = c->limit; \
		dev_flag = r_ > 0 || !c->itlb_valid; \
	} while (0)
/* Jump to an absolute address: within the page for free, else refetch. */
#define JUMP(target) do { \
		uint32_t t_ = (target); \
		if (LIKELY((t_ & ~PAGE_MASK) == page_va)) { \
			ip = page_ip + ((t_ & PAGE_MASK) >> 2); \
			NEXT_AT_IP(); \
		} \
		pc = t_; \
		goto refetch; \
	} while (0)
#define BRANCH(cond) do { \
		if (cond) { \
			int32_t idx_ = (int32_t)(ip - page_ip) + ip->imm; \
			if (LIKELY((uint32_t)idx_ < DPAGE_SLOTS)) { \
				ip = page_ip + idx_; \
				NEXT_AT_IP(); \
			} \
			pc = page_va + ((uint32_t)idx_ << 2); \
			goto refetch; \
		} \
		NEXT(); \
	} while (0)
#define RD  R[ip->rd]
#define RS1 R[ip->rs1]
#define RS2 R[ip->rs2]
#define IMM ((uint32_t)ip->imm)
#define LOAD(T, size, mask) do { \
		uint32_t a_ = RS1 + IMM, v_; \
		struct ftlb_entry *f_ = &ft[(a_ >> PAGE_SHIFT) & tmask]; \
		bool dev_ = false; \
		if (LIKELY(f_->rtag == (a_ & (~PAGE_MASK | (size - 1))))) { \
			T x_; \
			memcpy(&x_, f_->host + (a_ & PAGE_MASK), size); \
			v_ = (uint32_t)x_; \
		} else { \
			SLOW(cpu_load_slow(m, a_, size, &v_), dev_); \
			v_ &= mask; \
			v_ = (uint32_t)(T)v_; \
		} \
		RD = v_; \
		if (dev_) SERIALIZE(); \
		NEXT(); \
	} while (0)
#define STORE(T, size) do { \
		uint32_t a_ = RS1 + IMM; \
		struct ftlb_entry *f_ = &ft[(a_ >> PAGE_SHIFT) & tmask]; \
		bool dev_ = false; \
		if (LIKELY(f_->wtag == (a_ & (~PAGE_MASK | (size - 1))))) { \
			T x_ = (T)RS2; \
			memcpy(f_->host + (a_ & PAGE_MASK), &x_, size); \
		} else { \
			SLOW(cpu_store_slow(m, a_, size, RS2), dev_); \
			if (dev_) SERIALIZE(); \
		} \
		NEXT(); \
	} while (0)

	R[0] = 0;
refetch:
	if (UNLIKELY(instret >= limit)) {
		c->pc = pc;
		c->instret = instret;
		return;
	}
	c->instret = instret;
	if (!fetch(m, pc))
		return;
	machine_update_limit(m); /* a walk may have charged cycles */
	limit = c->limit;
	page_ip = c->itlb_code->insn;
	page_va = c->itlb_va;
	page_host = m->ram + c->itlb_pa;
	ip = page_ip + ((pc & PAGE_MASK) >> 2);
	NEXT_AT_IP();

#ifndef VMLAB_THREADED
dispatch:
	switch (ip->op) {
#endif
	/* ---- pseudo-operations of the decoded page ---- */
	CASE(DECODE) {
		mem_decode_at(m, ip, c->itlb_pa + ((uint32_t)(ip - page_ip) << 2), WORD());
		m->stats.decoded++;
		DISPATCH(); /* already counted */
	}
	CASE(BKPT) {
		/* Ask the listeners, unless this is the pc the run started at;
		 * then run the real instruction once and re-arm afterwards. */
		uint32_t pa = c->itlb_pa + ((uint32_t)(ip - page_ip) << 2);
		if (!(c->bkpt_pass_valid && c->bkpt_pass == PC())) {
			instret--;
			c->instret = instret;
			c->pc = PC();
			struct machine_event_info ev = { .kind = EV_BREAK, .pc = c->pc, .addr = pa };
			if (machine_emit(m, &ev))
				return; /* stopped before the instruction */
			instret++;
		}
		c->bkpt_pass_valid = false;
		mem_decode_slot(ip, WORD());
		c->bkpt_repatch = pa;
		c->bkpt_repatch_valid = true;
		c->slice_end = instret; /* leave right after this instruction */
		limit = instret;
		DISPATCH();
	}
	CASE(PAGE_END) {
		instret--; /* the sentinel is not an instruction */
		pc = page_va + PAGE_SIZE;
		goto refetch;
	}
	CASE(INVALID) TRAP(TRAP_ILLEGAL, 0, 0);

	/* ---- ALU ---- */
	CASE(add)  { RD = RS1 + RS2; NEXT(); }
	CASE(sub)  { RD = RS1 - RS2; NEXT(); }
	CASE(and)  { RD = RS1 & RS2; NEXT(); }
	CASE(or)   { RD = RS1 | RS2; NEXT(); }
	CASE(xor)  { RD = RS1 ^ RS2; NEXT(); }
	CASE(sll)  { RD = RS1 << (RS2 & 31); NEXT(); }
	CASE(srl)  { RD = RS1 >> (RS2 & 31); NEXT(); }
	CASE(sra)  { RD = (uint32_t)((int32_t)RS1 >> (RS2 & 31)); NEXT(); }
	CASE(slt)  { RD = (int32_t)RS1 < (int32_t)RS2; NEXT(); }
	CASE(sltu) { RD = RS1 < RS2; NEXT(); }

	CASE(mul)   { RD = RS1 * RS2; NEXT(); }
	CASE(mulh)  { RD = (uint32_t)((uint64_t)((int64_t)(int32_t)RS1 * (int32_t)RS2) >> 32); NEXT(); }
	CASE(mulhu) { RD = (uint32_t)(((uint64_t)RS1 * RS2) >> 32); NEXT(); }
	CASE(div) {
		int32_t a = (int32_t)RS1, b = (int32_t)RS2;
		if (b == 0) TRAP(TRAP_DIVZERO, 0, 0);
		RD = (a == INT32_MIN && b == -1) ? (uint32_t)a : (uint32_t)(a / b);
		NEXT();
	}
	CASE(divu) { if (RS2 == 0) TRAP(TRAP_DIVZERO, 0, 0); RD = RS1 / RS2; NEXT(); }
	CASE(rem) {
		int32_t a = (int32_t)RS1, b = (int32_t)RS2;
		if (b == 0) TRAP(TRAP_DIVZERO, 0, 0);
		RD = (a == INT32_MIN && b == -1) ? 0 : (uint32_t)(a % b);
		NEXT();
	}
	CASE(remu) { if (RS2 == 0) TRAP(TRAP_DIVZERO, 0, 0); RD = RS1 % RS2; NEXT(); }

	CASE(addi)  { RD = RS1 + IMM; NEXT(); }
	CASE(andi)  { RD = RS1 & IMM; NEXT(); }
	CASE(ori)   { RD = RS1 | IMM; NEXT(); }
	CASE(xori)  { RD = RS1 ^ IMM; NEXT(); }
	CASE(slli)  { RD = RS1 << IMM; NEXT(); }
	CASE(srli)  { RD = RS1 >> IMM; NEXT(); }
	CASE(srai)  { RD = (uint32_t)((int32_t)RS1 >> IMM); NEXT(); }
	CASE(slti)  { RD = (int32_t)RS1 < ip->imm; NEXT(); }
	CASE(sltiu) { RD = RS1 < IMM; NEXT(); }
	CASE(lui)   { RD = IMM << 16; NEXT(); }

	/* ---- memory ---- */
	CASE(lw)  LOAD(uint32_t, 4, 0xffffffffu);
	CASE(lh)  LOAD(int16_t, 2, 0xffffu);
	CASE(lhu) LOAD(uint16_t, 2, 0xffffu);
	CASE(lb)  LOAD(int8_t, 1, 0xffu);
	CASE(lbu) LOAD(uint8_t, 1, 0xffu);
	CASE(sw)  STORE(uint32_t, 4);
	CASE(sh)  STORE(uint16_t, 2);
	CASE(sb)  STORE(uint8_t, 1);

	/* ---- control flow ---- */
	CASE(beq)  BRANCH(RS1 == RS2);
	CASE(bne)  BRANCH(RS1 != RS2);
	CASE(blt)  BRANCH((int32_t)RS1 < (int32_t)RS2);
	CASE(bge)  BRANCH((int32_t)RS1 >= (int32_t)RS2);
	CASE(bltu) BRANCH(RS1 < RS2);
	CASE(bgeu) BRANCH(RS1 >= RS2);
	CASE(j)    BRANCH(1);
	CASE(jal) {
		R[ISA_REG_RA] = PC() + 4;
		BRANCH(1);
	}
	CASE(jalr) {
		uint32_t target = RS1 + IMM;
		if (target & 3) {
			instret--;
			c->instret = instret;
			cpu_trap(m, CAUSE_MAKE(TRAP_ALIGN, ACC_FETCH, 0, ring), PC(), target, WORD());
			return;
		}
		RD = PC() + 4;
		JUMP(target);
	}

	/* ---- traps on purpose ---- */
	CASE(syscall) {
		/* completes: epc is the next instruction */
		c->instret = instret;
		cpu_trap(m, CAUSE_MAKE(TRAP_SYSCALL, 0, 0, ring), PC() + 4, 0, WORD());
		return;
	}
	CASE(break)     TRAP(TRAP_BREAKPOINT, 0, 0);
	CASE(hypercall) TRAP(TRAP_ILLEGAL, 0, 0);

	/* ---- sensitive: the holes of the classic machine ---- */
	CASE(rdpsw) {
		REQUIRE_RING0_IF_STRICT();
		RD = c->psw; /* the real ring and IE, whoever asks */
		NEXT();
	}
	CASE(wrpsw) {
		REQUIRE_RING0_IF_STRICT();
		c->pc = PC() + 4;
		c->instret = instret;
		if (ring == 0)
			cpu_set_psw(m, RS1);
		else /* like x86 POPF: the privileged fields are silently kept */
			cpu_set_psw(m, (c->psw & ~PSW_FLAGS_MASK) | (RS1 & PSW_FLAGS_MASK));
		return;
	}
	CASE(rdcycle) {
		REQUIRE_RING0_IF_STRICT();
		RD = (uint32_t)(instret - 1 + c->penalty); /* cycles before this one */
		NEXT();
	}
	CASE(rdcycleh) {
		REQUIRE_RING0_IF_STRICT();
		RD = (uint32_t)((instret - 1 + c->penalty) >> 32);
		NEXT();
	}

	/* ---- privileged ---- */
	CASE(mfcr) {
		unsigned cr = IMM;
		if (ring > 1 || (ring == 1 && !RING1_CR(cr)))
			TRAP(TRAP_PRIVILEGED, 0, 0);
		if (cr >= CR_COUNT || !isa_cr_name(cr))
			TRAP(TRAP_ILLEGAL, 0, 0);
		RD = c->cr[cr];
		NEXT();
	}
	CASE(mtcr) {
		unsigned cr = IMM;
		if (ring > 1 || (ring == 1 && !RING1_CR(cr)))
			TRAP(TRAP_PRIVILEGED, 0, 0);
		if (cr >= CR_COUNT || !isa_cr_name(cr) || cr == CR_CPUID || cr == CR_MEMSIZE)
			TRAP(TRAP_ILLEGAL, 0, 0);
		c->pc = PC() + 4;
		c->instret = instret;
		cpu_write_cr(m, cr, RS1);
		return;
	}
	CASE(rfe) {
		uint32_t epsw;
		if (ring == 0) {
			c->pc = c->cr[CR_EPC];
			epsw = c->cr[CR_EPSW];
		} else if (ring == 1 && (c->cr[CR_EPSW1] & PSW_RING_MASK) >= 1) {
			/* ring 1 returns through its own registers; IE is ring 0's */
			c->pc = c->cr[CR_EPC1];
			epsw = (c->cr[CR_EPSW1] & ~PSW_IE) | (c->psw & PSW_IE);
		} else {
			TRAP(TRAP_PRIVILEGED, 0, 0);
		}
		c->instret = instret;
		cpu_set_psw(m, epsw);
		return;
	}
	CASE(tlbinv) {
		REQUIRE_RING0();
		mmu_tlb_invalidate(m, RS1);
		c->itlb_valid = false;
		SERIALIZE();
	}
	CASE(tlbflush) {
		REQUIRE_RING0();
		mmu_tlb_flush(m);
		c->itlb_valid = false;
		SERIALIZE();
	}
	CASE(halt) {
		REQUIRE_RING0();
		c->pc = PC() + 4;
		c->instret = instret;
		c->halted = true; /* machine_run waits in virtual time */
		if (UNLIKELY(m->nlisten[EV_HALT])) {
			struct machine_event_info ev = { .kind = EV_HALT, .pc = c->pc - 4 };
			machine_emit(m, &ev);
		}
		return;
	}
#ifndef VMLAB_THREADED
	default:
		TRAP(TRAP_ILLEGAL, 0, 0);
	}
#endif

leave_at_ip:
	c->pc = PC();
	c->instret = instret;
}
