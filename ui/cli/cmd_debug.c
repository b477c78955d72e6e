/*
 * cmd_debug.c -- `vmlab debug`: the debugger core (ui/dbg*.c) behind a
 * readline command line, or reading commands from a file or a pipe.
 *
 *   interactive   standard input is a terminal and no -x/--batch: prompt,
 *                 history file, tab completion, Ctrl-C stops the machine;
 *                 a failing command prints its message and the session
 *                 goes on
 *   batch         -x FILE, --batch, or standard input that is not a
 *                 terminal: each command is echoed after the prompt, then
 *                 its results; the first failing command ends the run with
 *                 exit status 1 (--keep-going: run them all, status 1 at
 *                 the end if any failed)
 *
 * Both: --max-insns N is the session's budget of forward steps (a batch
 * run that uses it up exits 124); Ctrl-C (SIGINT) stops the guest and
 * the next command is read; SIGTERM and SIGHUP end the session as soon as
 * the machine has stopped (within milliseconds), with everything printed
 * so far flushed, exit status 128 + the signal.
 */
#include "ui/cli/commands.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "ui/dbg/dbg.h"
#include "ui/cli/lua_front.h"
#include "ui/cli/session.h"
#include "ui/cli/tty.h"
#include "ui/dbg/trace.h"
#include "ui/cli/vm_front.h"
#include "ui/tui/tui.h"

#define PROMPT "(vmlab) "
/* vmlab tui: snapshots for reverse execution at least this many steps
 * apart (the debugger's default spaces them by their size, and copying a
 * guest's whole RAM that often cost a quarter of the run's time under
 * perf): a reverse step replays at most this far, well under a second. */
#define TUI_CHECKPOINT_STEPS (1ull << 28)
#define HISTORY_LINES 1000

enum { OPT_HELP = 1, OPT_SCRIPT, OPT_BATCH, OPT_KEEP_GOING, OPT_BATCH_SAFE, OPT_SOURCE_ROOT,
       OPT_NO_COLOR };

static const struct opt_spec debug_opts[] = {
	{ "help", 'h', false, OPT_HELP },
	{ "x", 'x', true, OPT_SCRIPT },
	{ "batch", 0, false, OPT_BATCH },
	{ "keep-going", 0, false, OPT_KEEP_GOING },
	{ "batch-safe", 0, false, OPT_BATCH_SAFE },
	{ "source-root", 0, true, OPT_SOURCE_ROOT },
	{ "no-color", 0, false, OPT_NO_COLOR },
	SESSION_OPT_SPECS,
	VM_FRONT_OPT_SPECS,
	LUA_FRONT_OPT_SPECS,
	{ NULL, 0, false, 0 },
};

static void debug_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab debug IMAGE|FILE.s [options]\n"
		"       vmlab debug --vmm trap IMAGE [--vm SPEC...] [options]\n\n"
		"Debug a program on the machine: step through instructions, traps and\n"
		"interrupts, set breakpoints and watchpoints, inspect registers, memory,\n"
		"page tables, the TLB and devices, and run backward.  Commands follow\n"
		"gdb's names; `help` lists them (docs/debugger.md has them all).\n\n"
		"options:\n"
		SESSION_OPT_HELP
		"  -x FILE           run the commands in FILE, then exit (batch mode)\n"
		"  --batch           read commands from standard input even on a terminal\n"
		"  --keep-going      in batch mode, go on after a failing command\n"
		"  --batch-safe      refuse `shell` (for graded command files)\n"
		"  --source-root DIR `list` reads source files only from under DIR\n"
		"  --no-color        the `tui` command draws without colours\n"
		"  -h, --help        this text\n\n"
		"Lua: `lua CHUNK` and `source FILE.lua` run Lua in one state per session,\n"
		"with `dbg`, the debugger, dbg.machine and under --vmm dbg.monitor\n"
		"(docs/lua.md, \"From the debugger\"); --sandbox also refuses `shell`:\n"
		LUA_FRONT_OPT_HELP "\n"
		"the monitor and its guests (docs/debugger.md, \"Under the monitor\"):\n"
		VM_FRONT_OPT_HELP "\n"
		"Interactive use needs a terminal on standard input; otherwise the commands\n"
		"are read from it one per line.  History is kept in ~/.vmlab_history (or\n"
		"the file named by VMLAB_HISTORY).\n\n"
		"exit status: 0; 1 a batch command failed (or assembly errors); 2 bad\n"
		"option, image or disk; 124 the --max-insns budget ran out in batch\n"
		"mode; 128+N ended by signal N (SIGTERM, SIGHUP).\n");
}

static void tui_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab tui IMAGE|FILE.s [options]\n"
		"       vmlab tui --vmm trap IMAGE [--vm SPEC...] [options]\n\n"
		"The debugger on the whole terminal (docs/tui.md): source, disassembly,\n"
		"registers, memory, the page walk (under the monitor the guest's walk\n"
		"beside the shadow walk), the VMs and their exits, the consoles, and a\n"
		"command line that takes every vmlab debug command.  F1 shows the keys.\n\n"
		"options:\n"
		SESSION_OPT_HELP
		"  --no-color        no colours (so does a non-empty NO_COLOR variable)\n"
		"  --source-root DIR source files only from under DIR\n"
		"  -h, --help        this text\n\n"
		"the monitor and its guests:\n"
		VM_FRONT_OPT_HELP "\n"
		"Needs a terminal of at least 80x24.  exit status: 0; 2 bad option,\n"
		"image or no terminal; 128+N ended by signal N (SIGTERM, SIGHUP).\n");
}

/* ---- signals ------------------------------------------------------------ */

/* The signal handlers are called without any context of ours: this is the
 * one debugger of the session. */
static struct dbg *session_dbg;
static struct vlua *session_lua;          /* its Lua, which Ctrl-C stops too */
static volatile sig_atomic_t end_signal;  /* SIGTERM or SIGHUP arrived   */
static volatile sig_atomic_t at_prompt;   /* readline is waiting (idle)  */

static void on_sigint(int sig)
{
	(void)sig;
	if (session_dbg)
		dbg_interrupt(session_dbg);
	vlua_interrupt(session_lua);
}

static void on_end_signal(int sig)
{
	end_signal = sig;
	if (at_prompt) /* nothing unprinted: readline restored the terminal */
		_exit(128 + sig);
	if (session_dbg)
		dbg_interrupt(session_dbg);
	vlua_interrupt(session_lua);
}

static void catch_signals(struct dbg *d, struct sigaction old[3])
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	session_dbg = d;
	for (int i = 0; i < 3; i++) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = i ? on_end_signal : on_sigint;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = i ? 0 : SA_RESTART; /* TERM/HUP: interrupt a blocked read */
		sigaction(sigs[i], &sa, &old[i]);
	}
}

static void restore_signals(const struct sigaction old[3])
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);
	session_dbg = NULL;
}

/* ---- batch ------------------------------------------------------------ */

static int run_batch(struct dbg *d, FILE *in, bool keep_going)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = 0;

	while ((n = getline(&line, &cap, in)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		printf("%s%s\n", dbg_defining(d) ? ">" : PROMPT, line);
		enum dbg_result r = dbg_exec(d, line);
		fflush(stdout);
		if (r == DBG_QUIT || end_signal)
			break;
		if (dbg_budget_exhausted(d)) {
			status = 124;
			break;
		}
		if (r == DBG_ERROR) {
			status = 1;
			if (!keep_going)
				break;
		}
	}
	free(line);
	return status;
}

/* ---- interactive ------------------------------------------------------- */

/* readline's completion is called without any context of ours. */
#define interactive_dbg session_dbg

/* The debugger's yes/no questions (delete, run), answered on the terminal. */
static bool ask_yes_no(void *ctx, const char *question)
{
	char prompt[160], *answer;
	bool yes;

	(void)ctx;
	if (tui_active()) /* the TUI has the terminal: it asks on the screen */
		return tui_ask(tui_active(), question);
	snprintf(prompt, sizeof prompt, "%s(y or n) ", question);
	for (;;) {
		answer = readline(prompt);
		if (!answer)
			return false;
		yes = answer[0] == 'y' || answer[0] == 'Y';
		if (yes || answer[0] == 'n' || answer[0] == 'N') {
			free(answer);
			return yes;
		}
		free(answer);
		printf("Please answer y or n.\n");
	}
}

struct cands {
	char **v;
	size_t n, cap;
};

static void add_cand(void *ctx, const char *s)
{
	struct cands *c = ctx;

	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i], s))
			return;
	if (c->n + 2 >= c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		char **nv = realloc(c->v, cap * sizeof *nv);
		if (!nv)
			return;
		c->v = nv;
		c->cap = cap;
	}
	c->v[c->n] = strdup(s);
	if (c->v[c->n])
		c->n++;
}

/* readline wants { longest common prefix, match, ..., NULL }, or
 * { the match, NULL } when there is only one. */
static char **complete(const char *text, int start, int end)
{
	struct cands c = { 0 };
	size_t lcp;

	(void)end;
	rl_attempted_completion_over = 1; /* never fall back to file names */
	dbg_complete(interactive_dbg, rl_line_buffer, (size_t)start, text, add_cand, &c);
	if (c.n == 0) {
		free(c.v);
		return NULL;
	}
	if (c.n == 1) {
		c.v[1] = NULL;
		return c.v;
	}
	lcp = strlen(c.v[0]);
	for (size_t i = 1; i < c.n; i++) {
		size_t k = 0;
		while (k < lcp && c.v[i][k] == c.v[0][k])
			k++;
		lcp = k;
	}
	memmove(c.v + 1, c.v, c.n * sizeof *c.v);
	c.v[0] = strndup(c.v[1], lcp);
	c.v[c.n + 1] = NULL;
	return c.v;
}

static char *history_path(void)
{
	const char *env = getenv("VMLAB_HISTORY"), *home = getenv("HOME");
	char *p;

	if (env && *env)
		return strdup(env);
	if (!home || !*home)
		return NULL;
	p = malloc(strlen(home) + sizeof "/.vmlab_history");
	if (p)
		sprintf(p, "%s/.vmlab_history", home);
	return p;
}

/* The prompt takes the terminal back from the guest's console (tty.h). */
static void prep_terminal(int meta)
{
	tty_restore();
	rl_prep_terminal(meta);
}

/* The TUI over this session: the guests' consoles go to it meanwhile. */
struct tui_ctx {
	struct session *s;
	struct vm_run *run;
	bool no_color;
};

static enum tui_end run_tui(struct dbg *d, const struct tui_ctx *c, bool can_leave)
{
	int nvms = c->run ? vmm_vm_count(vm_run_vmm(c->run)) : 1;
	struct tui *t = tui_new(&(struct tui_config){ .d = d, .nvms = nvms, .no_color = c->no_color,
						      .can_leave = can_leave });
	FILE *old_console = c->s->console;
	enum tui_end e;

	if (!t) {
		fprintf(stderr, "vmlab: out of memory\n");
		return TUI_FAILED;
	}
	fflush(stdout);
	if (c->run) {
		vm_front_flush(c->run);
		vm_front_console_tap(c->run, tui_console_out, t);
	} else if (tui_console_stream(t)) {
		c->s->console = tui_console_stream(t);
	}
	tty_restore(); /* curses starts from the terminal's own settings */
	e = tui_run(t);
	if (c->run)
		vm_front_console_tap(c->run, NULL, NULL);
	c->s->console = old_console;
	if (e == TUI_SIGNAL)
		end_signal = tui_signal(t);
	tui_free(t);
	return e;
}

/* `tui`, `tui enable` or `layout NAME` at the prompt: the TUI takes over. */
static bool tui_line(const char *line)
{
	char w1[16] = "", w2[16] = "";
	int n = sscanf(line, " %15s %15s", w1, w2);

	return n >= 1 && ((!strcmp(w1, "tui") && (n == 1 || !strcmp(w2, "enable"))) ||
			  !strcmp(w1, "layout"));
}

static int run_interactive(struct dbg *d, const char *image, const struct tui_ctx *tc)
{
	char *hist = history_path(), *line;

	rl_readline_name = "vmlab";
	rl_prep_term_function = prep_terminal;
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t\n\"'`@><=;|&{(,*+-/%^~!";
	using_history();
	stifle_history(HISTORY_LINES);
	if (hist)
		read_history(hist);
	/* two lines, so that a long path still fits 80 columns */
	printf("vmlab debugger: %s loaded; the machine is at reset.\n"
	       "Type help for the commands.\n", image);
	dbg_show_location(d);
	for (;;) {
		fflush(stdout);
		at_prompt = 1;
		line = readline(dbg_defining(d) ? ">" : PROMPT);
		at_prompt = 0;
		if (!line)
			break;
		const char *p = line + strspn(line, " \t");
		if (*p) {
			HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
			if (!last || strcmp(last->line, line))
				add_history(line);
		}
		if (tui_line(line)) {
			enum tui_end e = run_tui(d, tc, true);
			free(line);
			if (e == TUI_QUIT || e == TUI_SIGNAL)
				break;
			continue;
		}
		enum dbg_result r = dbg_exec(d, line);
		free(line);
		if (r == DBG_QUIT || end_signal)
			break;
	}
	if (!line)
		printf("quit\n");
	if (hist && write_history(hist) != 0)
		fprintf(stderr, "vmlab debug: cannot write the history file %s\n", hist);
	free(hist);
	return 0;
}

/* ---- the command ------------------------------------------------------- */

static int debug_main(int argc, char **argv, struct vm_front *front, bool tui)
{
	struct session s;
	struct opt_parser p;
	const char *arg, *script = NULL, *source_root = NULL;
	bool batch = false, keep_going = false, batch_safe = false, no_color = false;
	const char *cmd = tui ? "tui" : "debug";
	struct sigaction old_sigs[3];
	int id, status, r;
	struct dbg *d;
	FILE *in = stdin;
	struct vm_run *run = NULL;
	const struct image *img;
	struct machine *m;
	unsigned cats;
	struct lua_front lf;
	struct vlua *lua = NULL;
	char err[256];

	lua_front_init(&lf);
	session_init(&s, cmd);
	vm_front_init(front);
	opt_init(&p, cmd, argc, argv);
	while ((id = opt_next(&p, debug_opts, &arg)) != OPT_END) {
		switch (id) {
		case OPT_ERROR:
			return 2;
		case OPT_HELP:
			if (tui)
				tui_usage(stdout);
			else
				debug_usage(stdout);
			return 0;
		case OPT_NO_COLOR:
			no_color = true;
			break;
		case OPT_SCRIPT:
			script = arg;
			break;
		case OPT_BATCH:
			batch = true;
			break;
		case OPT_KEEP_GOING:
			keep_going = true;
			break;
		case OPT_BATCH_SAFE:
			batch_safe = true;
			break;
		case OPT_SOURCE_ROOT: {
			struct stat st;
			if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode)) {
				fprintf(stderr, "vmlab debug: --source-root: %s is not a directory\n", arg);
				return 2;
			}
			source_root = arg;
			break;
		}
		default:
			r = lua_front_option(&lf, cmd, id, arg);
			if (r == 0)
				r = vm_front_option(front, cmd, id, arg, &s);
			if (r < 0 || (r == 0 && session_argument(&s, id, arg) < 0))
				return 2;
			break;
		}
	}
	if (!vm_front_options_done(front, &s))
		return 2;
	if (!s.image_path && !front->vmm) {
		fprintf(stderr, "vmlab %s: no program given (see vmlab %s --help)\n", cmd, cmd);
		return 2;
	}
	if (tui && (script || batch)) {
		fprintf(stderr, "vmlab tui: -x and --batch are vmlab debug's (the TUI reads the keyboard)\n");
		return 2;
	}
	if (tui && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "vmlab tui: needs a terminal on standard input and output\n");
		return 2;
	}
	if (script && strcmp(script, "-")) {
		in = fopen(script, "r");
		if (!in) {
			fprintf(stderr, "vmlab debug: -x: cannot open %s\n", script);
			return 2;
		}
	}
	if (s.console_in && !strcmp(s.console_in, "-") && in == stdin) {
		fprintf(stderr, "vmlab debug: --console-in - needs -x FILE: standard input carries the commands\n");
		return 2;
	}
	/* the debugger traces to its own output, in order with its results */
	cats = s.trace_cats;
	if (front->vmm) { /* the machine runs the monitor, the monitor the guests */
		s.trace_cats = 0;
		front->interactive = tui; /* the TUI's console pane types to a guest */
		run = vm_front_start(front, &s, &status);
		if (run && !vmm_start(vm_run_vmm(run))) {
			fprintf(stderr, "vmlab debug: no guest can run\n");
			status = 2;
		}
	} else {
		s.interactive = true; /* the guest's console takes keys while it runs */
		status = session_start(&s);
	}
	if (status) {
		vm_front_free(run);
		session_end(&s);
		if (in != stdin)
			fclose(in);
		return status;
	}
	if (run) {
		m = vm_run_machine(run);
		img = vm_run_image(run, 0); /* symbols: the first guest's */
		s.image_path = front->specs[0].image_path;
	} else {
		trace_set(s.tr, 0);
		m = s.m;
		img = s.img;
	}
	bool interactive = !script && !batch && isatty(STDIN_FILENO);
	d = dbg_new(&(struct dbg_config){ .m = m, .img = img, .image_path = s.image_path,
					  .source_root = source_root,
					  .out = stdout, .err = stderr, .trace_cats = cats,
					  .vmm = run ? vm_run_vmm(run) : NULL,
					  .run_hook = run ? NULL : console_hook,
					  .run_hook_opaque = &s.con,
					  .max_steps = s.max_insns == UINT64_MAX ? 0 : s.max_insns,
					  .checkpoint_interval = tui ? TUI_CHECKPOINT_STEPS : 0,
					  .batch_safe = batch_safe || lf.cfg.sandbox,
					  .confirm = interactive, .ask = ask_yes_no });
	/* one Lua state for the session; dbg.machine is the machine, and
	 * under the monitor dbg.monitor the monitor */
	const struct image *imgs[VM_FRONT_MAX];
	struct vlua_monitor mon = { .m = m, .vmm = run ? vm_run_vmm(run) : NULL, .imgs = imgs };
	for (int i = 0; run && i < vmm_vm_count(mon.vmm); i++)
		imgs[i] = vm_run_image(run, i);
	if (d && !(lua = lua_front_new(&lf, cmd))) {
		status = 2;
	} else if (d && !vlua_attach_debugger(lua, d, m, img, run ? &mon : NULL, err,
					      sizeof err)) {
		fprintf(stderr, "vmlab %s: %s\n", cmd, err);
		status = 2;
	} else if (!d) {
		status = 2;
	} else {
		struct tui_ctx tc = { .s = &s, .run = run, .no_color = no_color };
		session_lua = lua;
		catch_signals(d, old_sigs);
		if (tui)
			status = run_tui(d, &tc, false) == TUI_FAILED ? 2 : 0;
		else
			status = interactive ? run_interactive(d, s.image_path, &tc)
					     : run_batch(d, in, keep_going);
		restore_signals(old_sigs);
		session_lua = NULL;
	}
	vlua_free(lua); /* before the debugger and the machine it borrows */
	dbg_free(d);
	if (run)
		vm_front_flush(run);
	if (end_signal)
		status = 128 + end_signal;
	fflush(stdout);
	vm_front_free(run);
	session_end(&s);
	if (in != stdin)
		fclose(in);
	return status;
}

int cmd_debug(int argc, char **argv)
{
	struct vm_front *front = malloc(sizeof *front); /* large: off the stack */
	int status;

	if (!front) {
		fprintf(stderr, "vmlab debug: out of memory\n");
		return 2;
	}
	status = debug_main(argc, argv, front, false);
	free(front);
	return status;
}

int cmd_tui(int argc, char **argv)
{
	struct vm_front *front = malloc(sizeof *front);
	int status;

	if (!front) {
		fprintf(stderr, "vmlab tui: out of memory\n");
		return 2;
	}
	status = debug_main(argc, argv, front, true);
	free(front);
	return status;
}
