/*
 * tui.c -- the TUI session (tui.h): keys, the command line, the run loop
 * and the panes' view state.  The screen is drawn from the model only
 * (render.h); the machine is read only through gather.h.
 *
 * Running: a command that runs the machine (continue, next, ...) runs
 * inside the debugger core as on the command line; the core calls our
 * run hook around each stretch of at most a few million steps.  There,
 * at most every REFRESH_MS of host time, the screen is redrawn with a
 * running indicator and the keyboard is polled: a key stops the machine
 * (Ctrl-C too, as SIGINT), except in the console pane, where keys are
 * the guest's input.  A halted guest's idle time is paced as `vmlab run`
 * paces it (console.h), so it neither races ahead nor spins the host.
 */
#define _GNU_SOURCE
#include "ui/tui/tui.h"

#include <ncurses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/vmm.h"
#include "ui/dbg/dbg_view.h"
#include "ui/tui/gather.h"
#include "ui/tui/render.h"
#include "ui/tui/term.h"

#define REFRESH_MS 50              /* screen refresh while running      */
#define IDLE_HZ 10000000u          /* a halted guest's cycles per second */
#define TEXT_MAX (256u * 1024)     /* kept of the log and each console  */
#define HISTORY_MAX 200

struct text {
	char *p;
	size_t len, cap;
};

struct tui {
	struct tui_config cfg;
	struct dbg *d;
	struct tui_term term;
	struct tui_model m;
	struct tui_grid g;
	struct tui_exitlog exits;
	struct text log, con[TUI_MAX_VMS];
	FILE *con_stream;
	char *hist[HISTORY_MAX];
	int nhist, hist_pos;
	uint8_t keyq[256];            /* keys for the guest, not yet given  */
	size_t nkeyq;
	struct timespec last_draw;
	bool ctrl_x;                  /* Ctrl-X seen: o or a follows        */
	volatile sig_atomic_t end_sig;
	enum tui_end end;
	bool done;
};

/* The TUI that has the terminal (for the front end's confirmations). */
static struct tui *active_tui;

struct tui *tui_active(void)
{
	return active_tui;
}

/* ---- text buffers ---- */

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p)
			return;
		t->p = p;
		t->cap = cap;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r')
			t->p[t->len++] = s[i];
	t->p[t->len] = '\0';
	if (t->len > TEXT_MAX) { /* keep the last half, from a line start */
		char *cut = memchr(t->p + t->len - TEXT_MAX / 2, '\n', TEXT_MAX / 2);
		size_t drop = cut ? (size_t)(cut + 1 - t->p) : t->len - TEXT_MAX / 2;
		memmove(t->p, t->p + drop, t->len - drop + 1);
		t->len -= drop;
	}
}

static void log_add(void *ctx, const char *s, size_t n)
{
	text_add(&((struct tui *)ctx)->log, s, n);
}

static void log_say(struct tui *t, const char *s)
{
	text_add(&t->log, s, strlen(s));
}

void tui_console_out(void *tui, int vm, const uint8_t *bytes, size_t n)
{
	struct tui *t = tui;

	if (vm >= 0 && vm < TUI_MAX_VMS)
		text_add(&t->con[vm], (const char *)bytes, n);
}

static ssize_t stream_write(void *c, const char *buf, size_t n)
{
	tui_console_out(c, 0, (const uint8_t *)buf, n);
	return (ssize_t)n;
}

FILE *tui_console_stream(struct tui *t)
{
	if (!t->con_stream) {
		t->con_stream = fopencookie(t, "w", (cookie_io_functions_t){ .write = stream_write });
		if (t->con_stream)
			setvbuf(t->con_stream, NULL, _IONBF, 0);
	}
	return t->con_stream;
}

/* ---- life ---- */

struct tui *tui_new(const struct tui_config *cfg)
{
	struct tui *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->cfg = *cfg;
	t->d = cfg->d;
	if (t->cfg.nvms < 1)
		t->cfg.nvms = 1;
	if (t->cfg.nvms > TUI_MAX_VMS)
		t->cfg.nvms = TUI_MAX_VMS;
	t->m.layout = dbg_view_vmm(t->d) ? TL_MMU : TL_SRC;
	t->m.focus = TP_CMD;
	t->m.ncons = t->cfg.nvms;
	t->m.mmu_va = 0;
	t->exits.handle = -1;
	return t;
}

void tui_free(struct tui *t)
{
	if (!t)
		return;
	if (t->con_stream)
		fclose(t->con_stream);
	free(t->log.p);
	for (int i = 0; i < TUI_MAX_VMS; i++)
		free(t->con[i].p);
	for (int i = 0; i < t->nhist; i++)
		free(t->hist[i]);
	tui_grid_free(&t->g);
	free(t);
}

int tui_signal(const struct tui *t)
{
	return t->end_sig;
}

/* ---- drawing ---- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void draw(struct tui *t)
{
	int cols, rows;

	term_drain(&t->term, log_add, t);
	term_size(&t->term, &cols, &rows);
	if (cols != t->g.cols || rows != t->g.rows || !t->g.cells) {
		tui_grid_free(&t->g);
		if (!tui_grid_init(&t->g, cols, rows, t->term.ascii))
			return;
	}
	t->m.cmd_text = t->log.p;
	t->m.cmd_len = t->log.len;
	t->m.con_text = t->con[t->m.con_vm].p;
	t->m.con_len = t->con[t->m.con_vm].len;
	tui_render(&t->m, &t->g);
	term_draw(&t->term, &t->g);
	clock_gettime(CLOCK_MONOTONIC, &t->last_draw);
}

static void gather(struct tui *t)
{
	tui_gather(&t->m, t->d, &t->exits);
}

/* ---- giving keys to the guest ---- */

static void console_flush(struct tui *t)
{
	struct vmm *v = dbg_view_vmm(t->d);

	if (!t->nkeyq)
		return;
	if (v)
		vmm_console_input(v, t->m.con_vm, t->keyq, t->nkeyq);
	else
		machine_console_input(dbg_view_machine(t->d), t->keyq, t->nkeyq);
	t->nkeyq = 0;
}

static void console_key(struct tui *t, int ch)
{
	if (ch == KEY_BACKSPACE)
		ch = 0x7f;
	else if (ch == KEY_ENTER)
		ch = '\r';
	if (ch < 0 || ch > 0xff || t->nkeyq == sizeof t->keyq)
		return;
	t->keyq[t->nkeyq++] = (uint8_t)ch;
}

/* ---- the run hook ---- */

static void keys_while_running(struct tui *t)
{
	int ch;

	while ((ch = term_key(&t->term, 0)) >= 0) {
		if (ch == KEY_RESIZE)
			continue; /* the next draw takes the new size */
		if (t->m.focus == TP_CONS && ch < 0x100)
			console_key(t, ch);
		else
			dbg_interrupt(t->d); /* any other key stops the machine */
	}
}

static void run_hook(void *opaque, struct machine *mc, bool before, enum machine_stop why)
{
	struct tui *t = opaque;

	if (before) {
		console_flush(t);
		/* a halted guest sleeps at most a refresh's worth of idle time */
		machine_set_sleep_limit(mc, machine_cycles(mc) + IDLE_HZ / (1000 / REFRESH_MS));
		return;
	}
	machine_set_sleep_limit(mc, UINT64_MAX);
	double since = now_ms() - ((double)t->last_draw.tv_sec * 1e3 + (double)t->last_draw.tv_nsec / 1e6);
	if (why == STOP_IDLE && since < REFRESH_MS) {
		/* idle: wait out the rest of the refresh for a key */
		int ch = term_key(&t->term, (int)(REFRESH_MS - since) + 1);
		if (ch >= 0)
			ungetch(ch);
		since = REFRESH_MS;
	}
	if (since >= REFRESH_MS) {
		keys_while_running(t);
		t->m.spin++;
		gather(t);
		draw(t);
	}
}

/* ---- commands ---- */

static void set_status(struct tui *t, const char *fmt, const char *arg)
{
	snprintf(t->m.status, sizeof t->m.status, fmt, arg);
}

/* The TUI's own commands; true if line was one. */
static bool tui_command(struct tui *t, const char *line)
{
	char word[32] = "", arg[200] = "", arg2[32] = "", err[200];
	uint32_t v;
	int n = sscanf(line, " %31s %199s %31s", word, arg, arg2);

	if (n < 1)
		return false;
	if (!strcmp(word, "layout")) {
		enum tui_layout l;
		if (n < 2 || !tui_layout_parse(arg, &l))
			log_say(t, "layout: src, asm, split, regs, mmu, vms, mem or con\n");
		else
			t->m.layout = l;
		return true;
	}
	if (!strcmp(word, "focus")) {
		enum tui_pane p;
		if (n < 2 || !tui_pane_parse(arg, &p))
			log_say(t, "focus: code, regs, mem, mmu, vms, con or cmd\n");
		else
			t->m.focus = p;
		return true;
	}
	if (!strcmp(word, "mem") || !strcmp(word, "mmu")) {
		if (n < 2) {
			log_say(t, "usage: mem ADDR [phys|virt], mmu VA\n");
		} else if (!dbg_view_address(t->d, arg, &v, err, sizeof err)) {
			log_add(t, err, strlen(err));
			log_say(t, "\n");
		} else if (word[1] == 'e') {
			t->m.mem_addr = v & ~15u;
			if (n > 2)
				t->m.mem_phys = !strcmp(arg2, "phys");
			t->m.layout = TL_MEM;
		} else {
			t->m.mmu_va = v;
			t->m.layout = TL_MMU;
		}
		return true;
	}
	if (!strcmp(word, "console")) {
		if (n < 2 || sscanf(arg, "%u", &v) != 1 || (int)v >= t->m.ncons)
			log_say(t, "console N: a VM's number\n");
		else
			t->m.con_vm = (int)v;
		return true;
	}
	if (!strcmp(word, "tui")) {
		if (n >= 2 && !strcmp(arg, "disable") && t->cfg.can_leave) {
			t->end = TUI_LEAVE;
			t->done = true;
		} else if (n >= 2 && !strcmp(arg, "disable")) {
			log_say(t, "tui disable: this is vmlab tui (quit ends it)\n");
		} else {
			log_say(t, "the TUI is on (tui disable leaves it inside vmlab debug)\n");
		}
		return true;
	}
	return false;
}

static void history_add(struct tui *t, const char *line)
{
	if (!line[strspn(line, " \t")])
		return;
	if (t->nhist && !strcmp(t->hist[t->nhist - 1], line))
		return;
	if (t->nhist == HISTORY_MAX) {
		free(t->hist[0]);
		memmove(t->hist, t->hist + 1, (HISTORY_MAX - 1) * sizeof *t->hist);
		t->nhist--;
	}
	t->hist[t->nhist] = strdup(line);
	if (t->hist[t->nhist])
		t->nhist++;
}

static void exec_line(struct tui *t, const char *line)
{
	uint64_t steps = dbg_steps(t->d);

	log_say(t, dbg_defining(t->d) ? ">" : "(vmlab) ");
	log_say(t, line);
	log_say(t, "\n");
	history_add(t, line);
	t->hist_pos = t->nhist;
	t->m.cmd_scroll = 0;
	if (tui_command(t, line)) {
		gather(t);
		return;
	}
	tui_model_mark(&t->m);
	t->m.running = true;
	clock_gettime(CLOCK_MONOTONIC, &t->last_draw);
	console_flush(t);
	enum dbg_result r = dbg_exec(t->d, line);
	t->m.running = false;
	if (r == DBG_QUIT) {
		t->end = TUI_QUIT;
		t->done = true;
		return;
	}
	if (dbg_steps(t->d) != steps)
		set_status(t, "%s", dbg_view_stop(t->d));
	else if (r == DBG_ERROR)
		set_status(t, "%s", "error (see the command pane)");
	gather(t);
	if (t->end_sig)
		t->done = true;
}

/* ---- completion ---- */

struct cands {
	char list[64][64];
	int n;
};

static void add_cand(void *ctx, const char *s)
{
	struct cands *c = ctx;

	if (c->n < 64)
		snprintf(c->list[c->n++], sizeof c->list[0], "%s", s);
}

static void complete(struct tui *t)
{
	struct cands c = { .n = 0 };
	size_t start = t->m.cursor;
	char word[256];

	while (start > 0 && !strchr(" \t", t->m.input[start - 1]))
		start--;
	snprintf(word, sizeof word, "%.*s", (int)(t->m.cursor - start), t->m.input + start);
	dbg_complete(t->d, t->m.input, start, word, add_cand, &c);
	if (!c.n)
		return;
	size_t lcp = strlen(c.list[0]);
	for (int i = 1; i < c.n; i++) {
		size_t k = 0;
		while (k < lcp && c.list[i][k] == c.list[0][k])
			k++;
		lcp = k;
	}
	if (c.n > 1) { /* list them in the log */
		for (int i = 0; i < c.n; i++) {
			log_say(t, c.list[i]);
			log_say(t, i == c.n - 1 ? "\n" : "  ");
		}
	}
	char rest[256];
	snprintf(rest, sizeof rest, "%s", t->m.input + t->m.cursor);
	int w = snprintf(t->m.input + start, sizeof t->m.input - start, "%.*s%s", (int)lcp, c.list[0],
			 c.n == 1 ? " " : "");
	if (w < 0)
		return;
	t->m.cursor = start + (size_t)w;
	if (t->m.cursor >= sizeof t->m.input)
		t->m.cursor = sizeof t->m.input - 1;
	snprintf(t->m.input + t->m.cursor, sizeof t->m.input - t->m.cursor, "%s", rest);
}

/* ---- keys ---- */

static const enum tui_pane focus_order[] = { TP_CODE, TP_REGS, TP_MEM, TP_MMU, TP_VMS, TP_CONS, TP_CMD };

static void next_focus(struct tui *t)
{
	int k = 0, n = (int)(sizeof focus_order / sizeof focus_order[0]);

	while (k < n && focus_order[k] != t->m.focus)
		k++;
	for (int i = 1; i <= n; i++) {
		enum tui_pane p = focus_order[(k + i) % n];
		if (tui_pane_shown(&t->m, p, t->g.cols, t->g.rows)) {
			t->m.focus = p;
			return;
		}
	}
}

static void edit_key(struct tui *t, int ch)
{
	struct tui_model *m = &t->m;
	size_t len = strlen(m->input);

	switch (ch) {
	case '\r':
	case '\n':
	case KEY_ENTER: {
		char line[sizeof m->input];
		memcpy(line, m->input, sizeof line);
		m->input[0] = '\0';
		m->cursor = 0;
		exec_line(t, line);
		return;
	}
	case KEY_BACKSPACE:
	case 0x7f:
	case 8:
		if (m->cursor > 0) {
			memmove(m->input + m->cursor - 1, m->input + m->cursor, len - m->cursor + 1);
			m->cursor--;
		}
		return;
	case KEY_DC:
		if (m->cursor < len)
			memmove(m->input + m->cursor, m->input + m->cursor + 1, len - m->cursor);
		return;
	case KEY_LEFT:
		if (m->cursor > 0)
			m->cursor--;
		return;
	case KEY_RIGHT:
		if (m->cursor < len)
			m->cursor++;
		return;
	case KEY_HOME:
	case 1:
		m->cursor = 0;
		return;
	case KEY_END:
	case 5:
		m->cursor = len;
		return;
	case 21: /* Ctrl-U */
		m->input[0] = '\0';
		m->cursor = 0;
		return;
	case KEY_UP:
	case KEY_DOWN:
		if (ch == KEY_UP && t->hist_pos > 0)
			t->hist_pos--;
		else if (ch == KEY_DOWN && t->hist_pos < t->nhist)
			t->hist_pos++;
		snprintf(m->input, sizeof m->input, "%s", t->hist_pos < t->nhist ? t->hist[t->hist_pos] : "");
		m->cursor = strlen(m->input);
		return;
	case KEY_PPAGE:
		m->cmd_scroll += 5;
		return;
	case KEY_NPAGE:
		m->cmd_scroll = m->cmd_scroll > 5 ? m->cmd_scroll - 5 : 0;
		return;
	case '\t':
		complete(t);
		return;
	case 27: /* Esc: to the code pane, single keys again */
		m->focus = TP_CODE;
		return;
	default:
		if (ch >= 0x20 && ch < 0x100 && len + 1 < sizeof m->input) {
			memmove(m->input + m->cursor + 1, m->input + m->cursor, len - m->cursor + 1);
			m->input[m->cursor++] = (char)ch;
		}
	}
}

/* gdb's single-key mode and ours, for every pane but the command line
 * and the console.  NULL: not a command key. */
static const char *single_key(int ch)
{
	switch (ch) {
	case 's': case KEY_F(11): return "step";
	case 'n': case KEY_F(10): return "next";
	case 'i': return "stepi";
	case 'o': return "nexti";
	case 'c': case KEY_F(5): return "continue";
	case 'f': return "finish";
	case 'r': return "run";
	case 'u': return "up";
	case 'd': return "down";
	case 'b': return "break *$pc";
	case 'S': return "reverse-step";
	case 'N': return "reverse-next";
	case 'I': return "reverse-stepi";
	case 'O': return "reverse-nexti";
	case 'C': return "reverse-continue";
	case 'F': return "reverse-finish";
	case 'q': return "quit";
	default: return NULL;
	}
}

static void prefill(struct tui *t, const char *s)
{
	snprintf(t->m.input, sizeof t->m.input, "%s", s);
	t->m.cursor = strlen(t->m.input);
	t->m.focus = TP_CMD;
}

static void pane_key(struct tui *t, int ch)
{
	struct tui_model *m = &t->m;
	const char *cmd = single_key(ch);

	if (m->focus == TP_MEM || m->focus == TP_MMU) {
		uint32_t *a = m->focus == TP_MEM ? &m->mem_addr : &m->mmu_va;
		uint32_t line = m->focus == TP_MEM ? 16 : 0x1000, page = m->focus == TP_MEM ? 256 : 0x400000;
		switch (ch) {
		case KEY_UP: *a -= line; return;
		case KEY_DOWN: *a += line; return;
		case KEY_PPAGE: *a -= page; return;
		case KEY_NPAGE: *a += page; return;
		case 'p':
			if (m->focus == TP_MEM)
				m->mem_phys = !m->mem_phys;
			gather(t);
			return;
		case 'a': prefill(t, m->focus == TP_MEM ? "mem " : "mmu "); return;
		default: break;
		}
	}
	if (m->focus == TP_VMS && ch >= '0' && ch <= '9') {
		char line[16];
		snprintf(line, sizeof line, "vm %c", ch);
		exec_line(t, line);
		return;
	}
	if (ch == ':' ) {
		m->focus = TP_CMD;
		return;
	}
	if (cmd) {
		exec_line(t, cmd);
		return;
	}
	if (ch >= 0x20 && ch < 0x7f)
		set_status(t, "key %s: not bound (F1 or ? for help)",
			   (char[2]){ (char)ch, 0 });
}

static void key(struct tui *t, int ch)
{
	struct tui_model *m = &t->m;

	if (m->help) {
		m->help = false;
		return;
	}
	if (ch == KEY_RESIZE)
		return;
	if (t->ctrl_x) { /* gdb's Ctrl-X o and Ctrl-X a */
		t->ctrl_x = false;
		if (ch == 'o')
			next_focus(t);
		else if (ch == 'a')
			tui_command(t, "tui disable");
		return;
	}
	if (ch == 24) {
		t->ctrl_x = true;
		return;
	}
	switch (ch) {
	case KEY_F(1):
		m->help = true;
		return;
	case KEY_F(6):
		next_focus(t);
		return;
	case KEY_F(5):
	case KEY_F(10):
	case KEY_F(11):
		exec_line(t, single_key(ch));
		return;
	default:
		break;
	}
	if (m->focus == TP_CONS) {
		console_key(t, ch);
		console_flush(t);
		return;
	}
	if (m->focus == TP_CMD) {
		edit_key(t, ch);
		return;
	}
	if (ch == '?') {
		m->help = true;
		return;
	}
	if (ch == '\t') {
		next_focus(t);
		return;
	}
	pane_key(t, ch);
	if (m->focus == TP_MEM || m->focus == TP_MMU)
		gather(t);
}

/* ---- signals (flags only) ---- */

static void on_stop(void *opaque)
{
	dbg_interrupt(((struct tui *)opaque)->d);
}

static void on_end(void *opaque, int sig)
{
	struct tui *t = opaque;

	t->end_sig = sig;
	dbg_interrupt(t->d);
}

bool tui_ask(void *tui, const char *question)
{
	struct tui *t = tui;
	int ch;

	set_status(t, "%s(y or n)", question);
	draw(t);
	while ((ch = term_key(&t->term, 200)) != 'y' && ch != 'Y' && ch != 'n' && ch != 'N')
		if (t->end_sig)
			return false;
	set_status(t, "%s", "");
	return ch == 'y' || ch == 'Y';
}

/* ---- the session ---- */

enum tui_end tui_run(struct tui *t)
{
	void (*old_hook)(void *, struct machine *, bool, enum machine_stop);
	void *old_opaque;
	FILE *old_out, *old_err;

	if (!term_open(&t->term, t->cfg.no_color, on_stop, on_end, t))
		return TUI_FAILED;
	active_tui = t;
	t->done = false;
	t->end = TUI_QUIT;
	dbg_set_run_hook(t->d, run_hook, t, &old_hook, &old_opaque);
	/* errors in order with results: both into the command pane */
	dbg_set_output(t->d, stdout, stdout, &old_out, &old_err);
	tui_exitlog_attach(&t->exits, dbg_view_vmm(t->d));
	log_say(t, "vmlab tui: F1 or ? for help; commands as in vmlab debug.\n");
	dbg_show_location(t->d);
	gather(t);
	while (!t->done) {
		draw(t);
		int ch = term_key(&t->term, 200);
		if (t->end_sig)
			break;
		if (ch >= 0)
			key(t, ch);
	}
	if (t->end_sig)
		t->end = TUI_SIGNAL;
	tui_exitlog_detach(&t->exits);
	dbg_set_output(t->d, old_out, old_err, NULL, NULL);
	dbg_set_run_hook(t->d, old_hook, old_opaque, NULL, NULL);
	term_close(&t->term);
	active_tui = NULL;
	return t->end;
}
