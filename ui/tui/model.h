/*
 * model.h -- everything the TUI shows, as plain data: the renderer
 * (render.h) turns one of these into a character grid and nothing else,
 * so a test can build a model from a real machine (gather.h) and compare
 * the grid with a golden file.
 *
 * The view state (layout, focus, the address the memory and MMU panes
 * look at) is set by the driver; the machine state is filled by
 * tui_gather().  Text buffers (console, command log) are borrowed.
 */
#ifndef VMLAB_TUI_MODEL_H
#define VMLAB_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/vmm.h"
#include "sim/machine.h"

enum tui_pane { TP_CODE, TP_REGS, TP_MEM, TP_MMU, TP_VMS, TP_CONS, TP_CMD, TP_COUNT };
enum tui_layout { TL_SRC, TL_ASM, TL_SPLIT, TL_REGS, TL_MMU, TL_VMS, TL_MEM, TL_CON, TL_COUNT };

#define TUI_ASM_ROWS 48   /* instructions around the pc                  */
#define TUI_SRC_ROWS 48   /* source lines around the current one         */
#define TUI_MEM_BYTES 512
#define TUI_TLB_ROWS 64
#define TUI_MAX_VMS 8
#define TUI_EXIT_LOG 64

struct tui_asm_row {
	uint32_t addr, word;
	bool ok;                  /* the word could be read                  */
	int bp;                   /* dbg_view_break_at                        */
	char label[40];           /* "<main+0x8>"                            */
	char text[64];            /* disassembly                             */
	uint32_t line;            /* its source line, or 0                   */
};

struct tui_tlb_row {
	unsigned slot;
	uint32_t va, pa;
	uint8_t asid, flags;
};

struct tui_vm_row {
	char name[40];
	enum vm_state state;
	unsigned vring;
	bool on_cpu, halted;
	uint64_t exits, mem_kib;
	uint64_t insns; /* guest instructions retired so far */
};

struct tui_exit_rec {
	int vm;
	enum vmm_exit cause;
	uint32_t pc, cost;
	unsigned vring;
	uint64_t cycle;
};

struct tui_model {
	/* ---- view state (the driver's) ---- */
	enum tui_layout layout;
	enum tui_pane focus;
	bool help;                /* the help screen over everything          */
	bool running;             /* the machine runs: indicator, no cursor   */
	unsigned spin;            /* frame count for the running indicator     */
	char status[96];          /* last stop, or a message                  */
	const char *cmd_text;     /* the command log (borrowed)              */
	size_t cmd_len;
	int cmd_scroll;           /* lines scrolled back                      */
	char input[256];          /* the command line being typed             */
	size_t cursor;
	const char *con_text;     /* the selected console's output (borrowed) */
	size_t con_len;
	int con_vm, ncons;        /* which console, of how many              */
	bool mem_phys;            /* the memory pane's address space          */
	uint32_t mem_addr;
	uint32_t mmu_va;

	/* ---- machine state (tui_gather) ---- */
	bool vmm;                 /* under the monitor                        */
	int vm;                   /* the selected VM (-1 bare)               */
	uint32_t regs[ISA_NREGS], prev_regs[ISA_NREGS];
	uint32_t pc, prev_pc, psw, prev_psw;
	bool have_prev;           /* prev_* hold the state before the last step */
	uint32_t cr_mmu, cr_ptbr, cr_asid, cr_cause, cr_epc, cr_badva, cr_tvec;
	uint64_t cycles, instret, steps;
	char pc_label[48];

	struct tui_asm_row asmr[TUI_ASM_ROWS];
	int nasm, asm_cur;        /* row of the pc, or -1                     */
	char src_file[64];
	uint32_t src_first, src_cur; /* first line shown, the pc's line (0: none) */
	int nsrc;
	char src[TUI_SRC_ROWS][120];
	int src_bp[TUI_SRC_ROWS];

	uint8_t mem[TUI_MEM_BYTES];
	bool mem_ok[TUI_MEM_BYTES];

	/* bare: the hardware walk and the verdicts for the current ring */
	struct mmu_walk walk;
	const char *verdict[3];   /* read, write, fetch in the current ring   */
	char verdict_buf[3][80];
	/* monitor: the guest's walk beside the shadow walk */
	struct vmm_gwalk gw;
	struct vmm_swalk sw;
	uint32_t vm_base;         /* host pa of the VM's guest-physical 0     */
	unsigned vring;           /* the guest's virtual ring                 */
	unsigned tlb_size, tlb_valid;
	struct tui_tlb_row tlb[TUI_TLB_ROWS];
	int ntlb;
	uint8_t real_asid;        /* the CPU's ASID now                        */

	int nvms;
	struct tui_vm_row vms[TUI_MAX_VMS];
	uint64_t exits_by[EXIT_COUNT]; /* the selected VM's                    */
	struct tui_exit_rec exitlog[TUI_EXIT_LOG]; /* oldest first           */
	int nexitlog;
};

#endif
