/*
 * isa.h -- the architectural constants of the vmlab machine.
 *
 * docs/isa.md is the normative description; this header is its C form.
 * Every hardware format has its layout drawn above it.
 */
#ifndef VMLAB_ISA_H
#define VMLAB_ISA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------
 * Instruction formats.  Every field sits on a hex-digit boundary, so an
 * instruction can be decoded by hand from the debugger's hex:
 *
 *   31      24 23  20 19  16 15  12 11                 0
 *  +----------+------+------+------+--------------------+
 *  |  opcode  |  rd  | rs1  | rs2  |     0 (reserved)   |  R
 *  +----------+------+------+------+--------------------+
 *  |  opcode  |  rd  | rs1  |          imm16            |  I, U, LOAD, MFCR, MTCR, RD, RS
 *  +----------+------+------+---------------------------+
 *  |  opcode  | rs2  | rs1  |          imm16            |  STORE (data register in bits 23..20)
 *  +----------+------+------+---------------------------+
 *  |  opcode  | rs1  | rs2  |          imm16            |  B (imm16 = word offset)
 *  +----------+------+------+---------------------------+
 *  |  opcode  |               imm24                     |  J (imm24 = word offset)
 *  +----------+-----------------------------------------+
 *
 * A field an instruction does not use must be zero; otherwise the word is
 * an illegal instruction.  So 0x01123000 is `add r1, r2, r3`.
 * ------------------------------------------------------------------- */
enum isa_format {
	FMT_R,     /* op rd, rs1, rs2                                    */
	FMT_I,     /* op rd, rs1, imm                                    */
	FMT_U,     /* op rd, imm          (rs1 field zero)               */
	FMT_LOAD,  /* op rd, imm(rs1)                                    */
	FMT_STORE, /* op rs2, imm(rs1)    (rs2 in bits 23..20)            */
	FMT_B,     /* op rs1, rs2, target (rs1 in 23..20, rs2 in 19..16)  */
	FMT_J,     /* op target                                          */
	FMT_N,     /* op                  (bits 23..0 zero)              */
	FMT_RD,    /* op rd               (bits 19..0 zero)              */
	FMT_RS,    /* op rs1              (rs1 in 19..16, rest zero)      */
	FMT_MFCR,  /* op rd, cr           (cr number in imm16)           */
	FMT_MTCR,  /* op cr, rs1          (cr number in imm16)           */
};

/* How the immediate field is read. */
enum isa_imm {
	IMM_NONE, /* no immediate; the field must be zero          */
	IMM_S16,  /* signed 16-bit, sign-extended                 */
	IMM_U16,  /* unsigned 16-bit, zero-extended               */
	IMM_SH5,  /* shift amount 0..31; bits 15..5 zero          */
	IMM_S24,  /* signed 24-bit word offset (J format)         */
	IMM_CR,   /* control-register number                      */
};

/* Popek & Goldberg classes (docs/isa.md, "Instruction classes"). */
enum isa_class {
	CLASS_INNOCUOUS,  /* same effect in every ring                        */
	CLASS_TRAP,       /* traps by design (syscall, break, hypercall)     */
	CLASS_SENSITIVE,  /* classic: unprivileged hole; strict: privileged  */
	CLASS_PRIVILEGED, /* traps PRIVILEGED outside ring 0                 */
};

enum isa_op {
	OP_INVALID = 0,
#define X(name, opc, fmt, imm, cls, doc) OP_##name,
#include "isa.def"
#undef X
	OP_COUNT
};

struct isa_info {
	const char *name;       /* mnemonic                          */
	uint8_t opcode;         /* bits 31..24                       */
	enum isa_format format; /* operand syntax and field layout   */
	enum isa_imm imm;       /* how imm is read                   */
	enum isa_class cls;     /* Popek & Goldberg class            */
	const char *summary;    /* one line for the docs and `help`  */
};

/* A decoded instruction: fields already extracted and the immediate
 * already extended as its kind says. */
struct isa_insn {
	enum isa_op op; /* OP_INVALID if the word is not an instruction */
	uint8_t rd, rs1, rs2;
	int32_t imm;    /* extended immediate (word offsets not scaled)  */
};

#define ISA_FIELD_OP(w)   ((uint8_t)((w) >> 24))
#define ISA_FIELD_RD(w)   (((w) >> 20) & 0xfu)
#define ISA_FIELD_RS1(w)  (((w) >> 16) & 0xfu)
#define ISA_FIELD_RS2(w)  (((w) >> 12) & 0xfu)
#define ISA_FIELD_IMM16(w) ((w) & 0xffffu)
#define ISA_FIELD_IMM24(w) ((w) & 0xffffffu)

const struct isa_info *isa_info(enum isa_op op);
/* OP_INVALID when no instruction has that mnemonic (case-insensitive). */
enum isa_op isa_lookup(const char *mnemonic);
/* Decode one word; insn->op is OP_INVALID for an illegal word. */
bool isa_decode(uint32_t word, struct isa_insn *insn);
/* Encode; the caller has range-checked the operands (isa_imm_fits). */
uint32_t isa_encode(const struct isa_insn *insn);
/* Does value fit the immediate kind? */
bool isa_imm_fits(enum isa_imm kind, int64_t value);

/* ---------------------------------------------------------------------
 * Registers.  r0 always reads 0 and ignores writes.  Names by convention
 * (the hardware treats r1..r15 alike, except that jal writes r15):
 *   r0 zero | r1-r4 a0-a3 args/results | r5-r9 t0-t4 temporaries
 *   r10-r13 s0-s3 saved | r14 sp | r15 ra
 * ------------------------------------------------------------------- */
#define ISA_NREGS 16
#define ISA_REG_SP 14
#define ISA_REG_RA 15
/* ABI name of register n (“zero”, “a0”, …, “ra”). */
const char *isa_reg_abi_name(unsigned n);
/* Register number for “r7”, “t2”, “sp”…; -1 if not a register name. */
int isa_reg_lookup(const char *name);

/* ---------------------------------------------------------------------
 * PSW, the processor status word.
 *
 *   31            16 15         8 7        3   2   1   0
 *  +----------------+------------+----------+----+-------+
 *  |    0           |   FLAGS    |    0     | IE | RING  |
 *  +----------------+------------+----------+----+-------+
 *
 * RING   current privilege ring, 0 (most privileged) .. 3 (user).
 * IE     interrupts enabled.  Only ring 0 can change it.
 * FLAGS  eight software flags, writable from every ring (they are what
 *        makes wrpsw legitimately unprivileged, like x86's arithmetic
 *        flags make POPF so).
 * ------------------------------------------------------------------- */
#define PSW_RING_MASK   0x3u
#define PSW_IE          0x4u
#define PSW_FLAGS_MASK  0xff00u
#define PSW_WRITABLE    (PSW_RING_MASK | PSW_IE | PSW_FLAGS_MASK)

/* ---------------------------------------------------------------------
 * Control registers, reached by mfcr/mtcr.  Numbers 0..15 are ring 0's;
 * 16..31 are the ring-1 copies used by trap delegation and are reachable
 * from rings 0 and 1.  Any other number, or a write to a read-only
 * register (cpuid, memsize), raises ILLEGAL.
 * ------------------------------------------------------------------- */
enum isa_cr {
	CR_EPC = 0,      /* pc to return to                               */
	CR_EPSW = 1,     /* psw at trap time                               */
	CR_CAUSE = 2,    /* trap cause and fault details (layout below)   */
	CR_BADVA = 3,    /* faulting virtual address                       */
	CR_TVEC = 4,     /* trap vector base; entry = tvec + 4 * cause     */
	CR_SCRATCH = 5,  /* free for the handler (to save a register)      */
	CR_PTBR = 6,     /* physical address of the page directory        */
	CR_ASID = 7,     /* address-space id tagging TLB entries (0..255)  */
	CR_MMU = 8,      /* bit 0: paging enabled                          */
	CR_DELEG = 9,    /* bit c set: cause c from ring >= 1 goes to ring 1 */
	CR_CPUID = 10,   /* read-only: bit 0 strict variant                */
	CR_MEMSIZE = 11, /* read-only: bytes of RAM                        */
	CR_EPC1 = 16,    /* ring-1 copies, written by delegated traps      */
	CR_EPSW1 = 17,
	CR_CAUSE1 = 18,
	CR_BADVA1 = 19,
	CR_TVEC1 = 20,
	CR_SCRATCH1 = 21,
	CR_COUNT = 32
};
#define CR_RING1_BASE 16
#define MMU_PG 0x1u
#define CPUID_STRICT 0x1u
#define ASID_MASK 0xffu

/* Name of a control register (“epc”), NULL if undefined. */
const char *isa_cr_name(unsigned cr);
/* Number for “epc”, “ptbr”…; -1 if no such register. */
int isa_cr_lookup(const char *name);

/* ---------------------------------------------------------------------
 * Trap causes and the CAUSE register.
 *
 *   31          20 19  16 15  12 11   8 7             0
 *  +--------------+------+------+------+---------------+
 *  |      0       | RING | PROT |ACCESS|     CODE      |
 *  +--------------+------+------+------+---------------+
 *
 * CODE    one of enum trap_cause.
 * ACCESS  for memory faults: 0 read, 1 write, 2 fetch.
 * PROT    for PAGE_FAULT: 0 page not present, 1 protection violation.
 * RING    the ring the faulting access was made in.
 * So CAUSE = 0x00031107 is a page fault: protection, write, from ring 3.
 * ------------------------------------------------------------------- */
enum trap_cause {
	TRAP_INTERRUPT = 0,  /* a device interrupt; epc = next instruction   */
	TRAP_SYSCALL = 1,    /* syscall; epc = pc + 4                         */
	TRAP_BREAKPOINT = 2, /* break; epc = pc                               */
	TRAP_ILLEGAL = 3,    /* not an instruction (or hypercall, bare)       */
	TRAP_PRIVILEGED = 4, /* privileged instruction outside its ring       */
	TRAP_ALIGN = 5,      /* misaligned load, store, fetch or jump target  */
	TRAP_DIVZERO = 6,    /* division or remainder by zero                 */
	TRAP_PAGE_FAULT = 7, /* translation failed; see ACCESS, PROT, RING    */
	TRAP_BUS_ERROR = 8,  /* physical address with nothing behind it       */
	TRAP_NCAUSES
};
#define TRAP_VECTOR_SLOTS 16 /* the vector table is 64 bytes */

enum mem_access { ACC_READ = 0, ACC_WRITE = 1, ACC_FETCH = 2 };

#define CAUSE_CODE(c)   ((c) & 0xffu)
#define CAUSE_ACCESS(c) (((c) >> 8) & 0xfu)
#define CAUSE_PROT(c)   (((c) >> 12) & 0xfu)
#define CAUSE_RING(c)   (((c) >> 16) & 0xfu)
#define CAUSE_MAKE(code, access, prot, ring) \
	((uint32_t)(code) | ((uint32_t)(access) << 8) | \
	 ((uint32_t)(prot) << 12) | ((uint32_t)(ring) << 16))

const char *isa_cause_name(unsigned code); /* “page-fault”; NULL if none */
/* May mfcr/mtcr in this ring name control register cr at all (docs/isa.md
 * section 5)?  If not: PRIVILEGED, even for an undefined number. */
static inline bool isa_cr_ring_ok(unsigned ring, unsigned cr)
{
	return ring == 0 || (ring == 1 && cr >= CR_RING1_BASE && cr < CR_COUNT);
}
/* The reason a double fault stops the machine (docs/isa.md section 6):
 * names the second trap; the report's cause and pc are the first's.  The
 * monitor words a guest's double fault the same way. */
void isa_double_fault_reason(char *buf, size_t len, unsigned second_code, uint32_t second_pc);

/* ---------------------------------------------------------------------
 * Paging: 32-bit virtual addresses, 4 KiB pages, two levels.
 *
 *   virtual address
 *   31          22 21          12 11                  0
 *  +--------------+--------------+---------------------+
 *  |  dir index   | table index  |    page offset      |
 *  +--------------+--------------+---------------------+
 *
 *   page-directory entry and page-table entry (same layout)
 *   31                          12 11      6  5   4   3   2   1   0
 *  +------------------------------+---------+---+---+---+---+---+---+
 *  |   frame number (phys >> 12)  |   SW    | D | A | G | U | W | P |
 *  +------------------------------+---------+---+---+---+---+---+---+
 *
 * P present; W writable (enforced in every ring); U user (ring 3 may
 * use it); G global (TLB entry matches every ASID; leaf only);
 * A accessed, D dirty: set by the hardware walk; SW: ignored by the
 * hardware, free for the OS or the monitor.  W and U must be set at both
 * levels for the access to be allowed.
 * ------------------------------------------------------------------- */
#define PAGE_SHIFT 12
#define PAGE_SIZE  (1u << PAGE_SHIFT)
#define PAGE_MASK  (PAGE_SIZE - 1)
#define PTE_P  0x01u
#define PTE_W  0x02u
#define PTE_U  0x04u
#define PTE_G  0x08u
#define PTE_A  0x10u
#define PTE_D  0x20u
#define PTE_SW_MASK 0xfc0u
#define PTE_FRAME(pte) ((pte) & ~PAGE_MASK)
#define VA_DIR(va)   ((va) >> 22)
#define VA_TABLE(va) (((va) >> 12) & 0x3ffu)
#define RING_USER 3 /* rings 0..2 are supervisor for paging */

/* ---------------------------------------------------------------------
 * Physical memory map.
 *
 *  0x00000000 +----------------------+
 *             | RAM (--mem, default  |  reset: pc = ELF entry, ring 0,
 *             | 16 MiB, at most      |  paging off, IE = 0
 *             | 0xf0000000 bytes)    |
 *  0xf0000000 +----------------------+
 *             | interrupt controller |  one 4 KiB page per device, so a
 *  0xf0001000 | timer                |  monitor can map or trap each
 *  0xf0002000 | UART console         |  device on its own
 *  0xf0003000 | block disk           |
 *  0xf0004000 | power                |
 *  0xf0005000 | debug                |
 *  0xf0006000 | random numbers       |
 *             | (nothing: bus error) |
 *  0xffffffff +----------------------+
 * ------------------------------------------------------------------- */
#define RAM_MAX       0xf0000000u
#define MMIO_BASE     0xf0000000u
#define MMIO_INTC     0xf0000000u
#define MMIO_TIMER    0xf0001000u
#define MMIO_UART     0xf0002000u
#define MMIO_DISK     0xf0003000u
#define MMIO_POWER    0xf0004000u
#define MMIO_DEBUG    0xf0005000u
#define MMIO_RNG      0xf0006000u

/* Interrupt lines at the interrupt controller. */
enum irq_line { IRQ_TIMER = 0, IRQ_UART = 1, IRQ_DISK = 2, IRQ_LINES = 32 };

/* ELF e_machine of vmlab images ('V' 'M'; unassigned by the ELF registry). */
#define EM_VMLAB 0x564d

#endif
