/*
 * guest.h -- small guest programs for the CPU, MMU and trap suites.
 *
 * A test builds a machine, writes hand-encoded instructions (isa_encode)
 * into RAM, sets pc, registers, PSW and control registers from the host,
 * runs a counted number of instructions and reads the state back.  Every
 * helper fails the running Check test on misuse, so tests stay short.
 *
 * Layout used by the suites (physical addresses, paging off unless a test
 * turns it on):
 *
 *   0x00000200  G_VEC     trap vector table: 16 slots of `j .`
 *   0x00001000  G_CODE    the program under test
 *   0x00008000  G_DATA    data
 *   0x00100000  G_TABLES  page directory and tables (bump-allocated)
 */
#ifndef VMLAB_TEST_GUEST_H
#define VMLAB_TEST_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "sim/machine.h"

struct Suite;
struct TCase;

#define G_VEC    0x00000200u
#define G_CODE   0x00001000u
#define G_DATA   0x00008000u
#define G_TABLES 0x00100000u

/* A machine with the default configuration but for the variant. */
struct machine *g_machine(enum machine_variant v);
/* A machine from a full configuration (asserts it is accepted). */
struct machine *g_machine_cfg(const struct machine_config *cfg);

/* The shared fixture: gm is a fresh classic (or strict) machine with
 * g_vectors(gm, G_VEC) and pc = G_CODE; the teardown frees it. */
extern struct machine *gm;
void g_setup(void);
void g_setup_strict(void);
void g_teardown(void);

/* A test case of suite s using the shared fixture. */
struct TCase *g_tcase(struct Suite *s, const char *name);
/* main() of a suite binary: run it, exit status 0 if every test passed. */
int g_main(struct Suite *s);

/* ---- encoding, one builder per operand syntax ------------------------ */
uint32_t g_r(enum isa_op op, unsigned rd, unsigned rs1, unsigned rs2); /* FMT_R          */
uint32_t g_i(enum isa_op op, unsigned rd, unsigned rs1, int32_t imm);  /* FMT_I, LOAD, U */
uint32_t g_s(enum isa_op op, unsigned rs2, unsigned rs1, int32_t imm); /* FMT_STORE      */
uint32_t g_b(enum isa_op op, unsigned rs1, unsigned rs2, int32_t off); /* FMT_B (words)  */
uint32_t g_j(enum isa_op op, int32_t off);                             /* FMT_J (words)  */
uint32_t g_n(enum isa_op op);                                          /* FMT_N          */
uint32_t g_rd(enum isa_op op, unsigned rd);                            /* FMT_RD         */
uint32_t g_rs(enum isa_op op, unsigned rs1);                           /* FMT_RS         */
uint32_t g_mfcr(unsigned rd, unsigned cr);
uint32_t g_mtcr(unsigned cr, unsigned rs1);
/* Any instruction from its isa_insn fields (format-agnostic). */
uint32_t g_enc(enum isa_op op, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm);

/* G_LI(rd, value): the two words `lui rd, hi; ori rd, rd, lo`, for G_PROG. */
#define G_LI(rd, v) g_i(OP_lui, (rd), 0, (int32_t)((uint32_t)(v) >> 16)), \
		    g_i(OP_ori, (rd), (rd), (int32_t)((uint32_t)(v) & 0xffffu))

/* ---- memory ------------------------------------------------------------ */
void g_write(struct machine *m, uint32_t pa, const uint32_t *words, size_t n);
void g_poke(struct machine *m, uint32_t pa, uint32_t word);
uint32_t g_peek(struct machine *m, uint32_t pa);
/* G_PROG(m, pa, w0, w1, ...): write the words at pa. */
#define G_PROG(m, pa, ...) \
	g_write((m), (pa), (const uint32_t[]){ __VA_ARGS__ }, \
		sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/* ---- state -------------------------------------------------------------- */
uint32_t g_cr(const struct machine *m, unsigned cr);
void g_set_cr(struct machine *m, unsigned cr, uint32_t v);
/* pc and PSW (ring | IE | FLAGS) at once. */
void g_enter(struct machine *m, uint32_t pc, uint32_t psw);
/* `j .` in each of the 16 vector slots at base, and tvec = base. */
void g_vectors(struct machine *m, uint32_t base);
/* Run exactly n instructions; the run must end with STOP_LIMIT. */
void g_step(struct machine *m, uint64_t n);
struct machine_stats g_stats(const struct machine *m);

/* The machine just entered the ring-0 handler of this trap: CAUSE, EPC,
 * BADVA, EPSW, PSW (ring 0, IE 0, FLAGS of epsw) and pc = vector slot. */
void g_check_trap(struct machine *m, uint32_t cause, uint32_t epc, uint32_t badva,
		  uint32_t epsw);

/* ---- page tables ---------------------------------------------------------
 * A bump allocator of zeroed 4 KiB pages from G_TABLES up; g_paging()
 * allocates a directory and points ptbr at it (paging stays off until
 * the test sets mmu). */
struct g_pt {
	struct machine *m;
	uint32_t dir;  /* physical address of the page directory */
	uint32_t next; /* next free table page                   */
};
void g_paging(struct g_pt *pt, struct machine *m);
/* The same with the tables from `base` up (a second address space). */
void g_paging_at(struct g_pt *pt, struct machine *m, uint32_t base);
/* Tables at base with page 0 (the vectors) mapped P|W and the code page
 * P|W|U, identity; ptbr points at them (paging still off). */
void g_paged_at(struct g_pt *pt, struct machine *m, uint32_t base);
/* Map va -> pa with these PTE bits; a missing PDE is created P|W|U. */
void g_map(struct g_pt *pt, uint32_t va, uint32_t pa, uint32_t pte_flags);
/* Physical address of the PDE / PTE that translate va. */
uint32_t g_pde_pa(const struct g_pt *pt, uint32_t va);
uint32_t g_pte_pa(struct g_pt *pt, uint32_t va);

#endif
