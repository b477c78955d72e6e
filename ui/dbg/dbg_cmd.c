/*
 * dbg_cmd.c -- the debugger's command language: one table of commands,
 * dispatch by name, alias or unique prefix, the empty line that repeats,
 * help for every command, and completion for front ends.
 *
 * A command line is
 *
 *	NAME[/FMT] [ARGS]          e.g.  x/4xw $sp    p/x $a0    break main
 *
 * NAME is looked up exactly among the commands and gdb's short aliases
 * (b, c, s, n, si, ni, p, x, i, ...), else as the unique prefix of a
 * command.  /FMT is handed to the commands that take one (x, xp, print,
 * display).
 */
#include "ui/dbg/dbg_priv.h"

#include <ctype.h>
#include <string.h>

#include "sim/image.h"
#include "ui/dbg/report.h"

enum repeat { R_NO, R_SAME, R_CONT };       /* what an empty line does after it */
enum complete { C_NONE, C_EXPR, C_COMMAND, C_INFO, C_CATCH, C_TRACE };

struct dbg_command {
	const char *name;
	int (*fn)(struct dbg *d, const char *args, const char *fmt);
	enum repeat repeat;
	enum complete complete;
	const char *usage;
	const char *summary;
	const char *help;     /* more lines, or NULL */
};

static int dbgc_help(struct dbg *d, const char *args, const char *fmt);
static int dbgc_quit(struct dbg *d, const char *args, const char *fmt);
static int dbgc_echo(struct dbg *d, const char *args, const char *fmt);

#define LOC_HELP \
	"LOCATION is a symbol (main), *EXPR (an address: *0x1000, *$pc+8), a hex\n" \
	"address (0x1000), FILE:LINE (prog.s:12) or LINE in the current file.\n"

static const struct dbg_command commands[] = {
	{ "add-symbol-file", dbgc_add_symbol_file, R_NO, C_NONE,
	  "add-symbol-file FILE [ADDR] [-asid N]",
	  "read another program's symbols and lines (a user program)",
	  "FILE is an ELF image (or a .s file, assembled now).  With ADDR its\n"
	  "code is taken to start at ADDR (everything it names moves with it);\n"
	  "with -asid N it names addresses only in address space N (paging on),\n"
	  "and breakpoints on its names stop only there.\n" },
	{ "advance", dbgc_advance, R_NO, C_EXPR, "advance LOCATION",
	  "run until LOCATION is reached (or something else stops the machine)", LOC_HELP },
	{ "awatch", dbgc_awatch, R_NO, C_EXPR, "awatch [-p] ADDR [LEN] [if COND]",
	  "stop after any read or write of LEN bytes (default 4) at ADDR",
	  "-p: ADDR is physical.  See `watch`.\n" },
	{ "backtrace", dbgc_backtrace, R_NO, C_NONE, "backtrace [N]",
	  "show the call stack (calls and traps), innermost first",
	  "Found by replaying the past and watching every call, return, trap and\n"
	  "rfe (no frame-pointer convention needed); a trap is a frame of its own,\n"
	  "<trap: CAUSE from ring R, epc ...>, above the interrupted code.\n" },
	{ "break", dbgc_break, R_NO, C_EXPR, "break [-p] [-asid N] LOCATION [if COND]",
	  "set a breakpoint",
	  LOC_HELP
	  "A breakpoint on a virtual address stops in any address space; -asid N\n"
	  "only when the current ASID is N (with paging on).  -p: the address is\n"
	  "physical and the breakpoint stops whatever virtual address runs it.\n"
	  "`if COND` stops only when the expression COND is not zero.\n" },
	{ "catch", dbgc_catch, R_NO, C_CATCH, "catch EVENT [if COND]",
	  "stop when an event happens",
	  "EVENT: trap [CAUSE] (any trap but interrupts, or one cause by name or\n"
	  "number), syscall, interrupt, pagefault, ring (the privilege ring\n"
	  "changed; the machine then runs one instruction at a time), device\n"
	  "[NAME] (any access to a device register, or one device's), vmexit\n"
	  "[CAUSE] (under the monitor: after it handled an exit, or one cause:\n"
	  "mfcr, mtcr, rfe, hidden-fault, true-fault, pt-write, mmio, ...).\n" },
	{ "condition", dbgc_condition, R_NO, C_EXPR, "condition N [COND]",
	  "stop at breakpoint N only if COND is not zero (no COND: always)", NULL },
	{ "continue", dbgc_continue, R_NO, C_NONE, "continue [N]",
	  "run until a breakpoint, watchpoint, catchpoint or the end",
	  "N: ignore the breakpoint the machine stopped at N-1 more times.\n" },
	{ "define", dbgc_define, R_NO, C_NONE, "define NAME",
	  "define a command: the lines that follow, up to a line `end`",
	  "In the lines, $arg0..$arg9 are the arguments NAME is called with and\n"
	  "$argc their number.  A user command cannot take a debugger command's\n"
	  "name; `help NAME` shows its lines.\n" },
	{ "delete", dbgc_delete, R_NO, C_NONE, "delete [N...]",
	  "delete breakpoints (all of them without N)",
	  "On a terminal, delete without N asks first.\n" },
	{ "disable", dbgc_disable, R_NO, C_NONE, "disable [N...]",
	  "disable breakpoints (all of them without N)", NULL },
	{ "disassemble", dbgc_disas, R_NO, C_EXPR, "disassemble [ADDR [,END | ,+LEN]]",
	  "disassemble the function around pc, or a range",
	  "Without arguments: from the label before pc to the next label (at\n"
	  "most 64 instructions); with ADDR: 8 instructions from ADDR.\n" },
	{ "display", dbgc_display, R_NO, C_EXPR, "display[/FMT] [EXPR]",
	  "print EXPR after every stop (no EXPR: show the displays now)",
	  "With an x format (display/i $pc, display/4xw $sp) memory at EXPR is\n"
	  "examined; otherwise the value is printed.\n" },
	{ "down", dbgc_down, R_NO, C_NONE, "down [N]",
	  "select the frame N (default 1) levels in (the callee)", NULL },
	{ "echo", dbgc_echo, R_NO, C_NONE, "echo TEXT",
	  "print TEXT (\\n is a newline, as in gdb)", NULL },
	{ "enable", dbgc_enable, R_NO, C_NONE, "enable [N...]",
	  "enable breakpoints (all of them without N)", NULL },
	{ "finish", dbgc_finish, R_NO, C_NONE, "finish",
	  "run until the current function returns",
	  "Counts calls (jal, jalr to ra) and returns (jalr r0, 0(ra), or rfe\n"
	  "from a trap handler) in the current ring, one instruction at a time,\n"
	  "and stops after the return that leaves this function; a0 is shown as\n"
	  "the value returned.\n" },
	{ "frame", dbgc_frame, R_NO, C_NONE, "frame [N]",
	  "select frame N of the backtrace, or show the selected one", NULL },
	{ "help", dbgc_help, R_NO, C_COMMAND, "help [COMMAND]",
	  "list the commands, or describe one", NULL },
	{ "ignore", dbgc_ignore, R_NO, C_NONE, "ignore N COUNT",
	  "do not stop at breakpoint N the next COUNT times", NULL },
	{ "info", dbgc_info, R_NO, C_INFO, "info WHAT",
	  "show machine state",
	  "WHAT: registers (regs), cr, tlb, devices, stats, breakpoints (break),\n"
	  "display, checkpoints, symbol ADDR, line [LOCATION], frame; under the\n"
	  "monitor also vms, vcpu, shadow VA (guest walk beside shadow walk),\n"
	  "exits [N].\n" },
	{ "list", dbgc_list, R_CONT, C_EXPR, "list [LOCATION]",
	  "show source lines around LOCATION (or go on listing)", LOC_HELP },
	{ "load", dbgc_load, R_NO, C_NONE, "load FILE [force]",
	  "restore the whole machine from a checkpoint file",
	  "The file must be from `save`, of a machine with the same configuration;\n"
	  "a damaged or foreign file is refused and the machine left as it was.\n"
	  "A file saved with another image is refused unless `force` is given\n"
	  "(its pages saved as the image's then come from this session's image).\n"
	  "Reverse execution starts again from the loaded state.\n" },
	{ "lua", dbgc_lua, R_NO, C_NONE, "lua CHUNK",
	  "run a line of Lua (docs/lua.md, \"From the debugger\")",
	  "The rest of the line is a Lua chunk, run in the session's one Lua\n"
	  "state: globals stay from one lua command to the next.  An expression\n"
	  "alone prints its value (lua dbg.machine.cpu.pc).  The object `dbg`\n"
	  "is this debugger: dbg.machine, dbg:breakpoint(), dbg.breakpoints,\n"
	  "dbg:delete(), dbg:command().  source FILE.lua runs a Lua file.\n" },
	{ "next", dbgc_next, R_SAME, C_NONE, "next [N]",
	  "step to the next source line, over calls", NULL },
	{ "nexti", dbgc_nexti, R_SAME, C_NONE, "nexti [N]",
	  "step one instruction, over calls (jal, jalr to ra)", NULL },
	{ "page", dbgc_page, R_NO, C_EXPR, "page VA",
	  "walk the page tables for VA, level by level",
	  "Shows PTBR, the directory and table entries with their bits, the\n"
	  "physical address, the TLB entry, and for every ring and access (read,\n"
	  "write, fetch) whether it would succeed or where and why it faults.\n" },
	{ "print", dbgc_print, R_NO, C_EXPR, "print[/FMT] EXPR",
	  "evaluate an expression and print it",
	  "FMT: x hex, d signed, u unsigned, o octal, t binary, c character.\n"
	  "EXPR may assign: print $a0 = 5.  See docs/debugger.md, \"Expressions\".\n" },
	{ "quit", dbgc_quit, R_NO, C_NONE, "quit", "leave the debugger", NULL },
	{ "reverse-continue", dbgc_reverse_continue, R_NO, C_NONE, "reverse-continue",
	  "run backward to the last breakpoint, watchpoint or catchpoint",
	  "Stops where a forward run would have stopped most recently, or at the\n"
	  "oldest point kept if nothing would have.  Ignore counts are not used.\n" },
	{ "reverse-finish", dbgc_reverse_finish, R_NO, C_NONE, "reverse-finish",
	  "back to the call of this function, or to the trap",
	  "Stops at the call instruction (jal, jalr) that entered the function, or\n"
	  "at the instruction that trapped into the current handler.\n" },
	{ "reverse-next", dbgc_reverse_next, R_SAME, C_NONE, "reverse-next",
	  "back to the previous source line, over calls", NULL },
	{ "reverse-step", dbgc_reverse_step, R_SAME, C_NONE, "reverse-step",
	  "back to the previous source line, into calls",
	  "Backing over a call, stops at the start of the last line run in it.\n" },
	{ "reverse-stepi", dbgc_reverse_stepi, R_SAME, C_NONE, "reverse-stepi [N]",
	  "go back N steps (default 1), exactly",
	  "Replays from the nearest snapshot: afterwards `stepi N` reaches the\n"
	  "very same machine state again, registers, memory, devices and cycles.\n" },
	{ "run", dbgc_run, R_NO, C_NONE, "run",
	  "restart the program from reset and run it",
	  "On a terminal, asks first if the program has run already.\n" },
	{ "run-until", dbgc_run_until, R_NO, C_CATCH, "run-until EVENT",
	  "run until an event: trap, syscall, interrupt, ring, pagefault, device, vmexit",
	  "The same events as `catch`, once.\n" },
	{ "rwatch", dbgc_rwatch, R_NO, C_EXPR, "rwatch [-p] ADDR [LEN] [if COND]",
	  "stop after a read of LEN bytes (default 4) at ADDR", "-p: ADDR is physical.  See `watch`.\n" },
	{ "save", dbgc_save, R_NO, C_NONE, "save FILE | save breakpoints FILE",
	  "write the whole machine state to a checkpoint file",
	  "save breakpoints FILE writes commands that set the breakpoints,\n"
	  "watchpoints and catchpoints again (read it back with source FILE).\n" },
	{ "set", dbgc_set, R_NO, C_EXPR, "set LVALUE = EXPR",
	  "change a register, control register or memory",
	  "LVALUE: $reg (r3, $a0, $sp, $pc, $psw, $ptbr...), *ADDR (a word),\n"
	  "{b}ADDR {h}ADDR {w}ADDR (byte, half, word), {pb}/{ph}/{pw}ADDR physical.\n"
	  "Changing the machine restarts reverse-execution history here.\n" },
	{ "shell", dbgc_shell, R_NO, C_NONE, "shell CMD",
	  "run a host shell command, its output here",
	  "Refused when vmlab debug runs with --batch-safe.\n" },
	{ "source", dbgc_source, R_NO, C_NONE, "source FILE",
	  "run the debugger commands in FILE (or the Lua in FILE.lua)",
	  "Stops at the first command that fails.  FILE may define commands.\n"
	  "A FILE whose name ends in .lua is a Lua script (see `lua`).\n" },
	{ "step", dbgc_step, R_SAME, C_NONE, "step [N]",
	  "step to the next source line, into calls and traps", NULL },
	{ "stepi", dbgc_stepi, R_SAME, C_NONE, "stepi [N]",
	  "step N instructions (default 1), into calls and traps",
	  "A step is one instruction that completes or one that traps: stepping\n"
	  "a faulting instruction stops at the first instruction of its handler.\n" },
	{ "tbreak", dbgc_tbreak, R_NO, C_EXPR, "tbreak [-p] [-asid N] LOCATION [if COND]",
	  "set a breakpoint that is deleted when it stops the machine", LOC_HELP },
	{ "trace", dbgc_trace, R_NO, C_TRACE, "trace on|off|CATS",
	  "print every instruction (and trap) as the machine runs",
	  "CATS: a list of insn, trap, mmu, irq, dev, exit (the monitor's exits),\n"
	  "or all.  `trace on` is insn,trap.  Tracing insn runs the machine one\n"
	  "instruction at a time.\n" },
	{ "undisplay", dbgc_undisplay, R_NO, C_NONE, "undisplay [N...]",
	  "delete displays (all of them without N)", NULL },
	{ "up", dbgc_up, R_NO, C_NONE, "up [N]",
	  "select the frame N (default 1) levels out (the caller)", NULL },
	{ "until", dbgc_until, R_SAME, C_EXPR, "until [LOCATION]",
	  "without LOCATION: next, but do not stop in a backward jump",
	  "With LOCATION: like advance.\n" },
	{ "vm", dbgc_vm, R_NO, C_NONE, "vm [N]",
	  "under the monitor: select VM N (no N: list the VMs)",
	  "Registers, pc, psw, x, print, page walks and breakpoints then speak of\n"
	  "that VM: its virtual CPU, its guest-virtual and guest-physical addresses.\n"
	  "A stop selects the VM on the CPU.\n" },
	{ "watch", dbgc_watch, R_NO, C_EXPR, "watch [-p] ADDR [LEN] [if COND]",
	  "stop after a write changes LEN bytes (default 4, at most 64) at ADDR",
	  "ADDR is virtual (the physical bytes it maps to now are watched) or,\n"
	  "with -p, physical.  Only accesses to the watched page are slowed down.\n"
	  "Write ADDR without spaces or in parentheses when LEN follows.\n" },
	{ "x", dbgc_x, R_CONT, C_EXPR, "x[/NFU] [ADDR]",
	  "examine memory at a virtual address",
	  "N count; F format x d u o t c a (hex, signed, unsigned, octal, binary,\n"
	  "char, address), s (string) or i (instruction); U size b h w.  Without\n"
	  "ADDR it goes on after the last x.\n" },
	{ "xp", dbgc_xp, R_CONT, C_EXPR, "xp[/NFU] [PADDR]",
	  "examine physical memory", "Formats as for x.\n" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* gdb's one- and two-letter abbreviations: exact names that win over
 * prefix matching. */
static const struct { const char *alias, *name; } aliases[] = {
	{ "b", "break" }, { "br", "break" }, { "c", "continue" }, { "cont", "continue" },
	{ "d", "delete" }, { "disas", "disassemble" }, { "fin", "finish" }, { "h", "help" },
	{ "i", "info" }, { "l", "list" }, { "n", "next" }, { "ni", "nexti" }, { "p", "print" },
	{ "q", "quit" }, { "r", "run" }, { "rc", "reverse-continue" },
	{ "rsi", "reverse-stepi" }, { "rs", "reverse-step" }, { "rn", "reverse-next" },
	{ "s", "step" }, { "si", "stepi" }, { "u", "until" },
	{ "exit", "quit" }, { "bt", "backtrace" }, { "where", "backtrace" }, { "f", "frame" }, { "inspect", "print" },
};
#define NALIASES (sizeof aliases / sizeof aliases[0])

static const struct dbg_command *find_exact(const char *name);

bool dbg_is_command(const char *name)
{
	return find_exact(name) != NULL;
}

static const struct dbg_command *find_exact(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	for (size_t i = 0; i < NALIASES; i++)
		if (!strcmp(aliases[i].alias, name))
			return find_exact(aliases[i].name);
	return NULL;
}

/* Exact name, alias, or unique prefix; NULL after an error message. */
static const struct dbg_command *find_command(struct dbg *d, const char *name)
{
	const struct dbg_command *c = find_exact(name), *match = NULL;
	size_t n = strlen(name), count = 0;
	char list[512] = "";

	if (c)
		return c;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strncmp(commands[i].name, name, n))
			continue;
		if (count++)
			strncat(list, ", ", sizeof list - strlen(list) - 1);
		strncat(list, commands[i].name, sizeof list - strlen(list) - 1);
		match = &commands[i];
	}
	if (count == 1)
		return match;
	if (count > 1)
		dbg_error(d, "Ambiguous command \"%s\": %s.", name, list);
	else
		dbg_error(d, "Undefined command: \"%s\".  Try \"help\".", name);
	return NULL;
}

/* Split "x/4xw $sp" into name "x", fmt "4xw", args "$sp"; false if the
 * line does not start with a name. */
static bool split_line(const char *line, char *name, size_t namecap, char *fmt, size_t fmtcap,
		       const char **args)
{
	const char *p = dbg_skip_ws(line);
	size_t n = 0;

	while (*p && (isalnum((unsigned char)*p) || *p == '-' || *p == '_')) {
		if (n + 1 < namecap)
			name[n++] = (char)tolower((unsigned char)*p);
		p++;
	}
	name[n] = '\0';
	fmt[0] = '\0';
	if (*p == '/') {
		size_t k = 0;
		for (p++; *p && !isspace((unsigned char)*p); p++)
			if (k + 1 < fmtcap)
				fmt[k++] = *p;
		fmt[k] = '\0';
	}
	*args = dbg_skip_ws(p); /* as in gdb, "p$pc" is "p $pc" */
	return n > 0;
}

const char *dbg_command_of(const char *line)
{
	char name[64], fmt[32];
	const char *args;
	const struct dbg_command *c, *match = NULL;
	size_t n, count = 0;

	if (!split_line(line, name, sizeof name, fmt, sizeof fmt, &args))
		return NULL;
	if ((c = find_exact(name)))
		return c->name;
	n = strlen(name);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strncmp(commands[i].name, name, n) && count++ == 0)
			match = &commands[i];
	return count == 1 ? match->name : NULL;
}

enum dbg_result dbg_exec(struct dbg *d, const char *line)
{
	char name[64], fmt[32], buf[sizeof d->last];
	const char *args, *p = dbg_skip_ws(line);
	const struct dbg_command *c;
	bool repeat = false, nested = d->depth > 0;
	const struct dbg_user_cmd *u;
	enum dbg_result sr;
	int r;

	if (dbg_script_line(d, line, &sr))
		return sr;
	if (*p == '#')
		return DBG_OK;
	if (!*p) {
		if (!d->last_repeats || nested) /* in a file, an empty line is nothing */
			return DBG_OK;
		repeat = true;
		snprintf(buf, sizeof buf, "%s", d->last);
		p = buf;
	}
	if (!nested)
		d->interrupted = 0;
	if (!split_line(p, name, sizeof name, fmt, sizeof fmt, &args)) {
		d->last_repeats = nested && d->last_repeats;
		return dbg_error(d, "Undefined command: \"%.*s\".  Try \"help\".",
				 (int)strcspn(p, " \t"), p);
	}
	if (!find_exact(name) && (u = dbg_user_find(d, name))) {
		if (!nested)
			d->last_repeats = false;
		r = dbg_user_run(d, u, args);
		fflush(d->out);
		return (enum dbg_result)r;
	}
	c = find_command(d, name);
	if (!c) {
		d->last_repeats = nested && d->last_repeats;
		return DBG_ERROR;
	}
	if (dbg_vm_refuse(d, c->name)) { /* needs snapshots of the monitor */
		d->last_repeats = false;
		return DBG_ERROR;
	}
	if (repeat && c->repeat == R_CONT) {
		args = "";
		fmt[0] = '\0';
	}
	if (!repeat && !nested) {
		d->last_repeats = c->repeat != R_NO;
		snprintf(d->last, sizeof d->last, "%s", p);
	}
	r = c->fn(d, args, fmt[0] ? fmt : NULL);
	fflush(d->out);
	return (enum dbg_result)r;
}

/* ---- help --------------------------------------------------------------------- */

static void help_all(struct dbg *d)
{
	dbg_printf(d, "Commands (a unique prefix will do; gdb's abbreviations b c s n si ni p x i\n"
		      "d r q u l fin disas rs rn rsi rc bt work too):\n");
	for (size_t i = 0; i < NCOMMANDS; i++) { /* summaries wrap at 80 columns */
		fprintf(d->out, "  %-17s ", commands[i].name);
		report_wrap(d->out, 20, 20, commands[i].summary);
	}
	dbg_printf(d, "An empty line repeats step, stepi, next, nexti, until, reverse-step(i),\n"
		      "or goes on with x, xp and list.  `help COMMAND` says more.\n");
	dbg_user_list(d);
}

static int dbgc_help(struct dbg *d, const char *args, const char *fmt)
{
	char name[64];
	const struct dbg_command *c;

	if (!dbg_next_word(&args, name, sizeof name)) {
		help_all(d);
		return DBG_OK;
	}
	if (!find_exact(name) && dbg_user_find(d, name)) {
		dbg_user_help(d, dbg_user_find(d, name));
		return DBG_OK;
	}
	c = find_command(d, name);
	if (!c)
		return DBG_ERROR;
	dbg_printf(d, "usage: %s\n%s.\n", c->usage, c->summary);
	for (size_t i = 0; i < NALIASES; i++)
		if (!strcmp(aliases[i].name, c->name))
			dbg_printf(d, "Abbreviation: %s\n", aliases[i].alias);
	if (c->help)
		dbg_printf(d, "%s", c->help);
	return DBG_OK;
}

static int dbgc_quit(struct dbg *d, const char *args, const char *fmt)
{
	return DBG_QUIT;
}

static int dbgc_echo(struct dbg *d, const char *args, const char *fmt)
{
	for (const char *p = args; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			fputc(*p == 'n' ? '\n' : *p == 't' ? '\t' : *p, d->out);
		} else {
			fputc(*p, d->out);
		}
	}
	return DBG_OK;
}

/* ---- completion -------------------------------------------------------------------- */

static void complete_words(const char *const *words, size_t n, const char *word,
			   void (*add)(void *, const char *), void *ctx)
{
	size_t len = strlen(word);

	for (size_t i = 0; i < n; i++)
		if (!strncmp(words[i], word, len))
			add(ctx, words[i]);
}

void dbg_complete(struct dbg *d, const char *line, size_t start, const char *word,
		  void (*add)(void *ctx, const char *candidate), void *ctx)
{
	static const char *const info_words[] = {
		"registers", "regs", "cr", "tlb", "devices", "stats", "breakpoints",
		"break", "display", "checkpoints", "symbol", "line", "frame", "vms", "vcpu", "shadow",
		"exits",
	};
	static const char *const trace_words[] = { "on", "off", "insn", "trap", "mmu", "irq", "dev",
						    "exit", "all" };
	char name[64], fmt[32];
	const char *args;
	const struct dbg_command *c;
	size_t len = strlen(word);

	if (dbg_is_blank(line) || (size_t)(dbg_skip_ws(line) - line) >= start) {
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (!strncmp(commands[i].name, word, len))
				add(ctx, commands[i].name);
		return;
	}
	if (!split_line(line, name, sizeof name, fmt, sizeof fmt, &args) || !(c = find_exact(name))) {
		size_t n = strlen(name), count = 0;
		c = NULL;
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (!strncmp(commands[i].name, name, n) && count++ == 0)
				c = &commands[i];
		if (count != 1)
			return;
	}
	switch (c->complete) {
	case C_COMMAND:
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (!strncmp(commands[i].name, word, len))
				add(ctx, commands[i].name);
		break;
	case C_INFO:
		complete_words(info_words, sizeof info_words / sizeof info_words[0], word, add, ctx);
		break;
	case C_CATCH:
		complete_words(dbg_catch_names, CATCH_KINDS, word, add, ctx);
		break;
	case C_TRACE:
		complete_words(trace_words, sizeof trace_words / sizeof trace_words[0], word, add, ctx);
		break;
	case C_EXPR: {
		char buf[64];
		bool dollar = word[0] == '$';
		const char *w = word + dollar;
		size_t wl = strlen(w);
		/* registers: $name always; bare names too unless the word is empty */
		static const char *const specials[] = { "pc", "psw", "cycles", "instret" };
		for (unsigned i = 0; i < ISA_NREGS; i++) {
			const char *names[2] = { isa_reg_abi_name(i), NULL };
			snprintf(buf, sizeof buf, "r%u", i);
			names[1] = buf;
			for (int k = 0; k < 2; k++)
				if (!strncmp(names[k], w, wl)) {
					char full[64];
					snprintf(full, sizeof full, "$%s", names[k]);
					add(ctx, dollar ? full : names[k]);
				}
		}
		for (unsigned cr = 0; cr < CR_COUNT; cr++) {
			const char *n = isa_cr_name(cr);
			if (n && !strncmp(n, w, wl)) {
				snprintf(buf, sizeof buf, "$%s", n);
				add(ctx, buf);
			}
		}
		for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++)
			if (!strncmp(specials[i], w, wl)) {
				snprintf(buf, sizeof buf, "$%s", specials[i]);
				add(ctx, buf);
			}
		if (!dollar && d->img)
			for (size_t i = 0; i < d->img->nsyms; i++)
				if (!strncmp(d->img->syms[i].name, word, len))
					add(ctx, d->img->syms[i].name);
		break;
	}
	default:
		break;
	}
}
