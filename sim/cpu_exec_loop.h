/*
 * cpu_exec_loop.h -- the dispatch loop, included twice by cpu_exec.c.
 *
 * Every instruction's semantics are written here, once.  cpu_exec.c
 * includes this file with EXEC_FAST 0 (the step loop: it counts each
 * instruction and compares the count with the limit before it) and with
 * EXEC_FAST 1 (the fast loop: it counts by distance, see cpu_exec.c).
 * The mode only changes the macros NEXT, GOTO_SLOT, BEFORE and friends;
 * the handlers below are the same text for both.
 */
EXEC_RET EXEC_FN(struct machine *m)
{
#ifdef VMLAB_THREADED
#if EXEC_FAST
#define LABELS_COUNT FOP_COUNT
#else
#define LABELS_COUNT OP_DISPATCH_COUNT
#endif
	static const void *const labels[LABELS_COUNT] = {
		[OP_INVALID] = &&L_INVALID,
#define X(name, opc, fmt, imm, cls, doc) [OP_##name] = &&L_##name,
#include "isa.def"
#undef X
		[OP_DECODE] = &&L_DECODE,
		[OP_PAGE_END] = &&L_PAGE_END,
		[OP_BKPT] = &&L_BKPT,
#if EXEC_FAST
#define B(name) [FOP_##name##_in] = &&L_##name##_in,
		BRANCHES(B)
#undef B
#define FUSE(k1, x, k2, y, ch) [FOP_F_##k1##_##x##_##k2##_##y##_##ch] = &&L_F_##k1##_##x##_##k2##_##y##_##ch,
#include "cpu_fuse.def"
#undef FUSE
#endif
	};
#undef LABELS_COUNT
#if EXEC_FAST
	/* cpu_exec_init: publish the handlers for cpu_fast_link, run nothing */
	if (UNLIKELY(!m->fast_labels)) {
		m->fast_labels = labels;
		return EXEC_DONE;
	}
	/* The slot's own handler, chosen at decode (cpu_fast_link).  The
	 * empty asm pins ip's final value before the handler load: without
	 * it GCC schedules the load ahead of ip's update, cannot fold it
	 * into the jump, and dispatches in three instructions (load to a
	 * register, then jmp *reg) where two do (add to ip, jmp *(ip)). */
#define DISPATCH() do { __asm__("" : "+r"(ip)); goto *ip->fast; } while (0)
#else
#define DISPATCH() goto *labels[ip->op]
#endif
#define CASE(x) L_##x:
#else
#define DISPATCH() goto dispatch
#define CASE(x) case OP_##x:
#endif

	struct cpu *const c = &m->cpu;
	uint32_t *const R = c->r;
	/* The fast TLB of this ring's class, and its index mask pre-shifted
	 * to a byte offset: (va >> 8) & mask16 is the entry's offset.  The
	 * table's address stays in a host register (the hit path reads the
	 * tag and the addend at base + offset, with no add); the mask is
	 * read from the machine as a memory operand. */
	const char *const ftc = (const char *)m->ftlb[cpu_class(m)];
	m->ft_mask16 = m->tlb_mask << 4;
	/* Rare inputs are read where used, not kept in locals: the hot
	 * handlers need the host registers (ring is constant here: a ring
	 * change leaves the loop; c->itlb_va/pa change only in fetch). */
#define ring cpu_ring(m)
#define strict (m->variant == VARIANT_STRICT)
#define page_va (c->itlb_va)
#define page_host (m->ram + c->itlb_pa)
#if EXEC_FAST
	/* Counting by distance, in bytes of decoded code: acc + ip is
	 * sizeof(struct dinsn) times the instructions completed before ip
	 * (cpu_exec keeps instret below 2^58, so this cannot wrap).  The
	 * loop keeps lim = limit_x - acc rather than acc itself: the check
	 * acc + ip > limit_x is then ip > lim, one compare of two registers
	 * at a taken branch (acc is ACC(), computed only when needed).  lim
	 * is ip plus the room left (at most 2^62), so it cannot wrap either. */
	uint64_t base = c->instret;      /* at refetch: instructions done     */
	uintptr_t limit_x = LIMIT_X(c->limit); /* cpu_exec checked the room */
	uintptr_t lim = 0;               /* limit_x - acc, set at refetch     */
#define ACC() (limit_x - lim)
#else
	uint64_t instret = c->instret;
	uint64_t limit = c->limit;
#endif
	struct dinsn *ip, *page_ip;
	uint32_t pc = c->pc;

/* The current instruction's address and word. */
#define PC() (page_va + ((uint32_t)(ip - page_ip) << 2))
#define WORD() word_at(page_host, ip - page_ip)
#if EXEC_FAST
/* Instructions completed before ip. */
#define BEFORE() ((uint64_t)((ACC() + (uintptr_t)ip) / sizeof(struct dinsn)))
/* Run the next instruction: no count, no limit (see cpu_exec.c). */
#define NEXT() do { ip++; DISPATCH(); } while (0)
/* A jump within the page to slot p: a check point. */
#define GOTO_SLOT(p) do { \
		uintptr_t d_ = (uintptr_t)(ip + 1), l_ = lim; \
		ip = (p); \
		lim = l_ - d_ + (uintptr_t)ip; /* acc + ip: one more */ \
		if (UNLIKELY(d_ > l_)) goto to_step; \
		DISPATCH(); \
	} while (0)
/* A taken branch to its slot in the page: GOTO_SLOT(BRANCH_SLOT()) in
 * fewer steps (imm is the offset from the next slot, so acc moves by
 * -imm and lim by +imm: acc + ip grows by one instruction, as in
 * GOTO_SLOT). */
#define GOTO_BRANCH() do { \
		intptr_t o_ = ip->imm; \
		lim += (uintptr_t)o_; \
		ip = (struct dinsn *)((char *)(ip + 1) + o_); \
		if (UNLIKELY((uintptr_t)ip > lim)) goto to_step; \
		DISPATCH(); \
	} while (0)
/* The jump leaves the page: count this instruction, fetch pc. */
#define LEAVE_PAGE() do { base = BEFORE() + 1; goto refetch; } while (0)
#define SYNC_AFTER() (c->instret = BEFORE() + 1)
#else
#define BEFORE() (instret - 1) /* counted at dispatch */
/* Count the next instruction and run it, unless the limit is reached. */
#define NEXT_AT_IP() do { \
		if (UNLIKELY(instret >= limit)) goto leave_at_ip; \
		instret++; \
		DISPATCH(); \
	} while (0)
#define NEXT() do { ip++; NEXT_AT_IP(); } while (0)
#define GOTO_SLOT(p) do { ip = (p); NEXT_AT_IP(); } while (0)
#define GOTO_BRANCH() GOTO_SLOT(BRANCH_SLOT())
#define LEAVE_PAGE() goto refetch
#define SYNC_AFTER() (c->instret = instret)
#endif
/* Leave the loop after this instruction, which completed. */
#define SERIALIZE() do { ip++; goto leave_at_ip; } while (0)
/* This instruction traps: it did not complete. */
#define TRAP(code, access, badva) do { \
		c->instret = BEFORE(); \
		cpu_trap(m, CAUSE_MAKE(code, access, 0, ring), PC(), (badva), WORD()); \
		return EXEC_DONE; \
	} while (0)
/* Ring 1 may reach the ring-1 control registers, numbers 16..31. */
#define RING1_CR(cr) ((cr) >= CR_RING1_BASE && (cr) < CR_COUNT)
#define REQUIRE_RING0() do { if (ring != 0) TRAP(TRAP_PRIVILEGED, 0, 0); } while (0)
#define REQUIRE_RING0_IF_STRICT() do { if (strict && ring != 0) TRAP(TRAP_PRIVILEGED, 0, 0); } while (0)
/* Call a slow path with the machine state in sync; it may trap (ret < 0),
 * touch a device (ret > 0) or refill the TLB slot of the code page: then
 * the loop serializes after the instruction. */
#if EXEC_FAST
#define SLOW_LIMIT(dev_flag) do { \
		if (fast_cap(c->limit) - c->instret < FAST_MARGIN) \
			dev_flag = true; /* the limit came near: step mode */ \
		else { /* acc stays: lim moves with limit_x */ \
			uintptr_t n_ = LIMIT_X(c->limit); \
			lim += n_ - limit_x; \
			limit_x = n_; \
		} \
	} while (0)
#else
#define SLOW_LIMIT(dev_flag) (limit = c->limit)
#endif
#define SLOW(call, dev_flag) do { \
		c->instret = BEFORE(); \
		c->pc = PC(); \
		int r_ = (call); \
		if (r_ < 0) return EXEC_DONE; \
		SYNC_AFTER(); \
		machine_update_limit(m); \
		dev_flag = r_ > 0 || !c->itlb_valid; \
		SLOW_LIMIT(dev_flag); \
	} while (0)
/* Jump to an absolute address: within the page for free, else refetch. */
#define JUMP(target) do { \
		uint32_t t_ = (target); \
		if (LIKELY((t_ & ~PAGE_MASK) == page_va)) \
			GOTO_SLOT(page_ip + ((t_ & PAGE_MASK) >> 2)); \
		pc = t_; \
		LEAVE_PAGE(); \
	} while (0)
/* A branch's imm is in bytes of decoded code from the next slot
 * (mem_decode_slot). */
#define BRANCH_SLOT() ((struct dinsn *)((char *)(ip + 1) + ip->imm))
#define BRANCH(cond) do { \
		if (cond) { \
			if (LIKELY(ip->rd == DINSN_IN_PAGE)) /* resolved at decode */ \
				GOTO_BRANCH(); \
			pc = PC() + 4 + (uint32_t)(ip->imm / (int32_t)sizeof(struct dinsn) * 4); \
			LEAVE_PAGE(); \
		} \
		NEXT(); \
	} while (0)
#define RD  R[ip->rd]
#define RS1 R[ip->rs1]
#define RS2 R[ip->rs2]
#define IMM ((uint32_t)ip->imm)
_Static_assert(sizeof(struct ftlb_entry) == 16, "FTLB_OF scales by 16");
/* The fast-TLB entry of address a: its byte offset in the table, the
 * entry, and its fields read at ftc + offset (written so, GCC addresses
 * them as base + index instead of adding the two first). */
#define FTLB_IX(a) ((uintptr_t)(((a) >> (PAGE_SHIFT - 4)) & m->ft_mask16))
#define FTLB_OF(a) ((const struct ftlb_entry *)(ftc + FTLB_IX(a)))
#define FT_FIELD(T, i, f) (*(const T *)(ftc + (i) + offsetof(struct ftlb_entry, f)))
#define FT_RTAG(i) FT_FIELD(uint32_t, i, rtag)
#define FT_WTAG(i) FT_FIELD(uint32_t, i, wtag)
#define FT_ADDEND(i) FT_FIELD(uintptr_t, i, addend)
/* A load into rd from base + imm; on a fast-TLB hit, ... runs next with
 * the value in v_ (NEXT() for a lone load, the second half of a fused
 * pair), and wr(RD = v_) writes rd: WR, or DEAD in a fused pair whose
 * second half overwrites rd at once.  A miss goes the slow way (rd
 * written) and on to the next slot's handler. */
#define WR(x) x
#define DEAD(x)
#define LOAD(wr, T, size, mask, addr, ...) do { \
		uint32_t a_ = (addr); \
		uintptr_t i_ = FTLB_IX(a_); \
		if (LIKELY(FT_RTAG(i_) == (a_ & (~PAGE_MASK | (size - 1))))) { \
			uint32_t v_; \
			{ \
				T x_; \
				memcpy(&x_, (const void *)(FT_ADDEND(i_) + a_), size); \
				v_ = (uint32_t)x_; \
			} \
			wr(RD = v_); \
			__VA_ARGS__; \
		} else { \
			bool dev_ = false; \
			uint32_t s_; \
			SLOW(cpu_load_slow(m, a_, size, &s_), dev_); \
			RD = (uint32_t)(T)(s_ & mask); \
			if (dev_) SERIALIZE(); \
			NEXT(); \
		} \
	} while (0)
/* The entry again, read anew: the store's hit test then compares with
 * wtag in memory (cmp reg, mem) instead of loading it into a register
 * for this second test, an instruction fewer on every store. */
#ifdef __GNUC__
#define RELOAD(f) __extension__ ({ \
		const struct ftlb_entry *g_ = (f); \
		__asm__("" : "+r"(g_)); \
		g_; \
	})
#else
#define RELOAD(f) (f)
#endif
/* A store of data to base + imm; ... runs after a plain fast-TLB hit (a
 * page with no decoded code), as for LOAD. */
#define STORE(T, size, addr, data, ...) do { \
		uint32_t a_ = (addr); \
		uintptr_t i_ = FTLB_IX(a_); \
		const struct ftlb_entry *f_ = FTLB_OF(a_); \
		uint32_t t_ = a_ & (~PAGE_MASK | (size - 1)); \
		if (LIKELY(FT_WTAG(i_) == t_)) { \
			{ \
				T x_ = (T)(data); \
				memcpy((void *)(FT_ADDEND(i_) + a_), &x_, size); \
			} \
			__VA_ARGS__; \
		} else if (RELOAD(f_)->wtag == (t_ | FTLB_CODE)) { \
			/* a page with decoded code: store, then keep the \
			 * decoded copy exact (as the slow path would) */ \
			T x_ = (T)(data); \
			memcpy((void *)(f_->addend + a_), &x_, size); \
			mem_code_written(m, (uint32_t)(f_->addend + a_ - (uintptr_t)m->ram), size); \
			NEXT(); \
		} else { \
			bool dev_ = false; \
			SLOW(cpu_store_slow(m, a_, size, (data)), dev_); \
			if (dev_) SERIALIZE(); \
			NEXT(); \
		} \
	} while (0)

	R[0] = 0;
refetch:
#if EXEC_FAST
	c->instret = base;
	if (UNLIKELY(base * sizeof(struct dinsn) > limit_x)) {
		c->pc = pc;
		return EXEC_STEP;
	}
	if (!(c->itlb_valid && (pc & ~PAGE_MASK) == c->itlb_va) && !fetch(m, pc))
		return EXEC_DONE;
	machine_update_limit(m); /* a walk may have charged cycles */
	if (fast_cap(c->limit) - base < FAST_MARGIN) {
		c->pc = pc;
		return EXEC_STEP;
	}
	limit_x = LIMIT_X(c->limit);
#else
	if (UNLIKELY(instret >= limit)) {
		c->pc = pc;
		c->instret = instret;
		return;
	}
	c->instret = instret;
	if (!(c->itlb_valid && (pc & ~PAGE_MASK) == c->itlb_va) && !fetch(m, pc))
		return;
	machine_update_limit(m); /* a walk may have charged cycles */
	limit = c->limit;
#endif
	page_ip = c->itlb_code->insn;
	ip = page_ip + ((pc & PAGE_MASK) >> 2);
#if EXEC_FAST
	lim = limit_x - (base * sizeof(struct dinsn) - (uintptr_t)ip);
	DISPATCH();
#else
	NEXT_AT_IP();
#endif

#ifndef VMLAB_THREADED
dispatch:
	switch (ip->op) {
#endif
	/* ---- pseudo-operations of the decoded page ---- */
	CASE(DECODE) {
		mem_decode_at(m, c->itlb_code, c->itlb_pa + ((uint32_t)(ip - page_ip) << 2), WORD());
		m->stats.decoded++;
		DISPATCH(); /* already counted */
	}
	CASE(BKPT) {
#if EXEC_FAST
		/* breakpoints are the step loop's business */
		c->instret = BEFORE();
		c->pc = PC();
		return EXEC_STEP;
#else
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
		mem_decode_slot(m, c->itlb_code, (unsigned)(ip - page_ip), WORD());
		c->bkpt_repatch = pa;
		c->bkpt_repatch_valid = true;
		c->slice_end = instret; /* leave right after this instruction */
		limit = instret;
		DISPATCH();
#endif
	}
	CASE(PAGE_END) {
#if EXEC_FAST
		base = BEFORE(); /* the sentinel is not an instruction */
#else
		instret--; /* the sentinel is not an instruction */
#endif
		pc = page_va + PAGE_SIZE;
		goto refetch;
	}
	CASE(INVALID) TRAP(TRAP_ILLEGAL, 0, 0);

	/* ---- ALU ---- */
#define A(name, b) CASE(name) { RD = E_##name(RS1, b); NEXT(); }
	ALU_OPS(A)
#undef A

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

	/* ---- memory ---- */
	CASE(lw)  LOAD(WR, uint32_t, 4, 0xffffffffu, RS1 + IMM, NEXT());
	CASE(lh)  LOAD(WR, int16_t, 2, 0xffffu, RS1 + IMM, NEXT());
	CASE(lhu) LOAD(WR, uint16_t, 2, 0xffffu, RS1 + IMM, NEXT());
	CASE(lb)  LOAD(WR, int8_t, 1, 0xffu, RS1 + IMM, NEXT());
	CASE(lbu) LOAD(WR, uint8_t, 1, 0xffu, RS1 + IMM, NEXT());
	CASE(sw)  STORE(uint32_t, 4, RS1 + IMM, RS2, NEXT());
	CASE(sh)  STORE(uint16_t, 2, RS1 + IMM, RS2, NEXT());
	CASE(sb)  STORE(uint8_t, 1, RS1 + IMM, RS2, NEXT());

	/* ---- control flow ---- */
	/* Each twice in the fast loop: _in when decode found the target in
	 * the page (cpu_fast_link), the plain one for the general case. */
#define B(name) CASE(name) { LINK_##name; BRANCH(C_##name(RS1, RS2)); }
	BRANCHES(B)
#undef B
#if EXEC_FAST && defined(VMLAB_THREADED)
#define B(name) L_##name##_in: { \
		LINK_##name; \
		if (C_##name(RS1, RS2)) GOTO_BRANCH(); \
		NEXT(); \
	}
	BRANCHES(B)
#undef B

	/* ---- fused pairs (cpu_fuse.def): the first instruction, ip++,
	 * the second, from the same macros and expressions as above;
	 * fwd_ is the first one's result ---- */
#define FIRST_R(x, ch, ...) { uint32_t fwd_ = E_##x(RS1, RS2); WR_##ch(RD = fwd_); ip++; __VA_ARGS__; }
#define FIRST_I(x, ch, ...) { uint32_t fwd_ = E_##x(RS1, IMM); WR_##ch(RD = fwd_); ip++; __VA_ARGS__; }
#define FIRST_LW(x, ch, ...) LOAD(WR_##ch, uint32_t, 4, 0xffffffffu, RS1 + IMM, uint32_t fwd_ = v_; (void)fwd_; ip++; __VA_ARGS__)
#define FIRST_SW(x, ch, ...) STORE(uint32_t, 4, RS1 + IMM, RS2, ip++; __VA_ARGS__)
/* LW0, SW0: the same with an offset of 0 (decode checked), not read */
#define FIRST_LW0(x, ch, ...) LOAD(WR_##ch, uint32_t, 4, 0xffffffffu, RS1, uint32_t fwd_ = v_; (void)fwd_; ip++; __VA_ARGS__)
#define FIRST_SW0(x, ch, ...) STORE(uint32_t, 4, RS1, RS2, ip++; __VA_ARGS__)
#define SECOND_R_0(y) { RD = E_##y(RS1, RS2); NEXT(); }
#define SECOND_R_1(y) { RD = E_##y(fwd_, RS2); NEXT(); }
#define SECOND_R_2(y) { RD = E_##y(RS1, fwd_); NEXT(); }
#define SECOND_I_0(y) { RD = E_##y(RS1, IMM); NEXT(); }
#define SECOND_I_1(y) { RD = E_##y(fwd_, IMM); NEXT(); }
/* chain 3: as 1, and op2 writes op1's rd, so op1's write is dead */
#define SECOND_R_3(y) SECOND_R_1(y)
#define SECOND_I_3(y) SECOND_I_1(y)
#define WR_0 WR
#define WR_1 WR
#define WR_2 WR
#define WR_3 DEAD
#define SECOND_LW_0(y) LOAD(WR, uint32_t, 4, 0xffffffffu, RS1 + IMM, NEXT())
#define SECOND_LW_1(y) LOAD(WR, uint32_t, 4, 0xffffffffu, fwd_ + IMM, NEXT())
#define SECOND_SW_0(y) STORE(uint32_t, 4, RS1 + IMM, RS2, NEXT())
#define SECOND_SW_1(y) STORE(uint32_t, 4, fwd_ + IMM, RS2, NEXT())
#define SECOND_SW_2(y) STORE(uint32_t, 4, RS1 + IMM, fwd_, NEXT())
#define SECOND_LW0_0(y) LOAD(WR, uint32_t, 4, 0xffffffffu, RS1, NEXT())
#define SECOND_LW0_1(y) LOAD(WR, uint32_t, 4, 0xffffffffu, fwd_, NEXT())
#define SECOND_SW0_0(y) STORE(uint32_t, 4, RS1, RS2, NEXT())
#define SECOND_SW0_1(y) STORE(uint32_t, 4, fwd_, RS2, NEXT())
#define SECOND_SW0_2(y) STORE(uint32_t, 4, RS1, fwd_, NEXT())
#define SECOND_BR_0(y) { if (C_##y(RS1, RS2)) GOTO_BRANCH(); NEXT(); }
#define SECOND_BR_1(y) { if (C_##y(fwd_, RS2)) GOTO_BRANCH(); NEXT(); }
#define SECOND_BR_2(y) { if (C_##y(RS1, fwd_)) GOTO_BRANCH(); NEXT(); }
#define FUSE(k1, x, k2, y, ch) L_F_##k1##_##x##_##k2##_##y##_##ch: FIRST_##k1(x, ch, SECOND_##k2##_##ch(y));
#include "cpu_fuse.def"
#undef FUSE
#undef FIRST_R
#undef FIRST_I
#undef FIRST_LW
#undef FIRST_SW
#undef SECOND_R_0
#undef SECOND_R_1
#undef SECOND_R_2
#undef SECOND_I_0
#undef SECOND_I_1
#undef SECOND_LW_0
#undef SECOND_LW_1
#undef SECOND_SW_0
#undef SECOND_SW_1
#undef SECOND_SW_2
#undef SECOND_BR_0
#undef SECOND_BR_1
#undef SECOND_BR_2
#undef FIRST_LW0
#undef FIRST_SW0
#undef SECOND_LW0_0
#undef SECOND_LW0_1
#undef SECOND_SW0_0
#undef SECOND_SW0_1
#undef SECOND_SW0_2
#undef SECOND_R_3
#undef SECOND_I_3
#undef WR_0
#undef WR_1
#undef WR_2
#undef WR_3
#endif
	CASE(jalr) {
		uint32_t target = RS1 + IMM;
		if (target & 3) {
			c->instret = BEFORE();
			cpu_trap(m, CAUSE_MAKE(TRAP_ALIGN, ACC_FETCH, 0, ring), PC(), target, WORD());
			return EXEC_DONE;
		}
		RD = PC() + 4;
		JUMP(target);
	}

	/* ---- traps on purpose ---- */
	CASE(syscall) {
		/* completes: epc is the next instruction */
		SYNC_AFTER();
		cpu_trap(m, CAUSE_MAKE(TRAP_SYSCALL, 0, 0, ring), PC() + 4, 0, WORD());
		return EXEC_DONE;
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
		SYNC_AFTER();
		if (ring == 0)
			cpu_set_psw(m, RS1);
		else /* like x86 POPF: the privileged fields are silently kept */
			cpu_set_psw(m, (c->psw & ~PSW_FLAGS_MASK) | (RS1 & PSW_FLAGS_MASK));
		return EXEC_DONE;
	}
	CASE(rdcycle) {
		REQUIRE_RING0_IF_STRICT();
		RD = (uint32_t)(BEFORE() + c->penalty); /* cycles before this one */
		NEXT();
	}
	CASE(rdcycleh) {
		REQUIRE_RING0_IF_STRICT();
		RD = (uint32_t)((BEFORE() + c->penalty) >> 32);
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
		SYNC_AFTER();
		cpu_write_cr(m, cr, RS1);
		return EXEC_DONE;
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
		SYNC_AFTER();
		cpu_set_psw(m, epsw);
		return EXEC_DONE;
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
		SYNC_AFTER();
		c->halted = true; /* machine_run waits in virtual time */
		if (UNLIKELY(m->nlisten[EV_HALT])) {
			struct machine_event_info ev = { .kind = EV_HALT, .pc = c->pc - 4 };
			machine_emit(m, &ev);
		}
		return EXEC_DONE;
	}
#ifndef VMLAB_THREADED
	default:
		TRAP(TRAP_ILLEGAL, 0, 0);
	}
#endif

leave_at_ip:
	c->pc = PC();
#if EXEC_FAST
	c->instret = BEFORE();
	return EXEC_DONE;
to_step: /* a check point found the limit near: the step loop goes on */
	c->pc = PC();
	c->instret = BEFORE();
	return EXEC_STEP;
#else
	c->instret = instret;
#endif
}

#undef BEFORE
#undef ACC
#undef NEXT
#undef NEXT_AT_IP
#undef GOTO_SLOT
#undef LEAVE_PAGE
#undef SYNC_AFTER
#undef SERIALIZE
#undef TRAP
#undef RING1_CR
#undef REQUIRE_RING0
#undef REQUIRE_RING0_IF_STRICT
#undef SLOW_LIMIT
#undef SLOW
#undef JUMP
#undef BRANCH
#undef BRANCH_SLOT
#undef GOTO_BRANCH
#undef RD
#undef RS1
#undef RS2
#undef IMM
#undef LOAD
#undef WR
#undef DEAD
#undef ring
#undef strict
#undef page_va
#undef page_host
#undef FTLB_OF
#undef FTLB_IX
#undef FT_FIELD
#undef FT_RTAG
#undef FT_WTAG
#undef FT_ADDEND
#undef STORE
#undef RELOAD
#undef PC
#undef WORD
#undef DISPATCH
#undef CASE
