/*
 * dbg_script.c -- the debugger's commands about commands, as in gdb:
 *
 *   source FILE        run the debugger commands in FILE
 *   define NAME        a user command: the lines up to `end`, with $arg0
 *   ...                .. $arg9 and $argc replaced by the arguments it is
 *   end                called with
 *   shell CMD          run a host command (refused with --batch-safe, so a
 *                      graded command file cannot reach the grader's host)
 *   lua CHUNK          run a chunk of the language the front end plugged
 *   source FILE.lua    in (dbg_set_lang, dbg.h): the core only passes the
 *                      text or the file name on, one level deeper
 *
 * A definition spans lines, and the core takes one line at a time: while
 * one is open, dbg_exec hands every line here (dbg_script_line) until
 * `end`.  Commands that run commands (source, a user command) go through
 * dbg_exec one level deeper: there an empty line repeats nothing and the
 * last command for the empty line to repeat is left alone, and the depth
 * is bounded so a file that sources itself or a command that calls itself
 * stops with an error instead of exhausting the stack.
 */
#include "ui/dbg/dbg_priv.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16     /* source and user commands, nested */
#define MAX_ARGS 10      /* $arg0 .. $arg9 */

struct dbg_user_cmd {
	char *name;
	char **lines;
	size_t nlines;
};

static void ucmd_clear(struct dbg_user_cmd *u)
{
	for (size_t i = 0; i < u->nlines; i++)
		free(u->lines[i]);
	free(u->lines);
	u->lines = NULL;
	u->nlines = 0;
}

void dbg_script_free(struct dbg *d)
{
	for (size_t i = 0; i < d->nucmds; i++) {
		ucmd_clear(&d->ucmds[i]);
		free(d->ucmds[i].name);
	}
	free(d->ucmds);
	d->ucmds = NULL;
	d->nucmds = 0;
	d->defining = -1;
}

bool dbg_defining(const struct dbg *d)
{
	return d->defining >= 0;
}

const struct dbg_user_cmd *dbg_user_find(const struct dbg *d, const char *name)
{
	for (size_t i = 0; i < d->nucmds; i++)
		if (!strcmp(d->ucmds[i].name, name) && (int)i != d->defining)
			return &d->ucmds[i];
	return NULL;
}

bool dbg_script_line(struct dbg *d, const char *line, enum dbg_result *r)
{
	struct dbg_user_cmd *u;
	const char *p = dbg_skip_ws(line);
	size_t n = strlen(p);
	char **nl;

	if (d->defining < 0)
		return false;
	u = &d->ucmds[d->defining];
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	*r = DBG_OK;
	if (n == 3 && !strncmp(p, "end", 3)) {
		d->defining = -1;
		return true;
	}
	nl = realloc(u->lines, (u->nlines + 1) * sizeof *nl);
	if (!nl || !(nl[u->nlines] = dbg_strdup(p))) {
		if (nl)
			u->lines = nl;
		*r = dbg_error(d, "out of memory");
		return true;
	}
	u->lines = nl;
	u->nlines++;
	return true;
}

/* Run one line one level down; false (after the message) if it failed. */
enum dbg_result dbg_exec_nested(struct dbg *d, const char *line)
{
	enum dbg_result r;

	if (d->depth >= MAX_DEPTH)
		return dbg_error(d, "Commands nested more than %d deep (a file that sources itself, "
			         "or a command that calls itself?).", MAX_DEPTH);
	d->depth++;
	r = dbg_exec(d, line);
	d->depth--;
	return r;
}

int dbgc_define(struct dbg *d, const char *args, const char *fmt)
{
	char name[64], extra[8];
	const char *p = args;
	struct dbg_user_cmd *nu;
	int at = -1;

	if (!dbg_next_word(&p, name, sizeof name))
		return dbg_error(d, "define needs a command name (define NAME, then its lines, then end)");
	if (dbg_next_word(&p, extra, sizeof extra))
		return dbg_error(d, "define takes one name");
	for (const char *c = name; *c; c++)
		if (!(*c == '-' || *c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9')))
			return dbg_error(d, "\"%s\" is not a command name (letters, digits, - and _)", name);
	if (dbg_is_command(name))
		return dbg_error(d, "\"%s\" is a debugger command: a user command needs another name", name);
	for (size_t i = 0; i < d->nucmds; i++)
		if (!strcmp(d->ucmds[i].name, name))
			at = (int)i;
	if (at >= 0) {
		char q[120];
		snprintf(q, sizeof q, "Redefine command \"%s\"? ", name);
		if (d->confirm && d->ask && !d->ask(d->ask_ctx, q))
			return DBG_OK;
		ucmd_clear(&d->ucmds[at]);
	} else {
		nu = realloc(d->ucmds, (d->nucmds + 1) * sizeof *nu);
		if (!nu)
			return dbg_error(d, "out of memory");
		d->ucmds = nu;
		at = (int)d->nucmds;
		d->ucmds[at] = (struct dbg_user_cmd){ dbg_strdup(name), NULL, 0 };
		if (!d->ucmds[at].name)
			return dbg_error(d, "out of memory");
		d->nucmds++;
	}
	d->defining = at;
	if (d->confirm) /* on a terminal, as gdb does */
		dbg_printf(d, "Type commands for definition of \"%s\".\nEnd with a line saying just "
			      "\"end\".\n", name);
	return DBG_OK;
}

/* line with $argN and $argc replaced; NULL if out of memory. */
static char *substitute(const char *line, char *const *argv, int argc)
{
	size_t cap = strlen(line) + 1, n = 0;
	char *out = malloc(cap);

	for (const char *p = line; out && *p;) {
		const char *rep = NULL;
		char num[16];
		size_t skip = 1;
		if (!strncmp(p, "$argc", 5)) {
			snprintf(num, sizeof num, "%d", argc);
			rep = num;
			skip = 5;
		} else if (!strncmp(p, "$arg", 4) && p[4] >= '0' && p[4] <= '9') {
			int k = p[4] - '0';
			rep = k < argc ? argv[k] : "";
			skip = 5;
		}
		size_t add = rep ? strlen(rep) : 1;
		if (n + add + 1 > cap) {
			char *o = realloc(out, cap = (n + add + 1) * 2);
			if (!o) {
				free(out);
				return NULL;
			}
			out = o;
		}
		memcpy(out + n, rep ? rep : p, add);
		n += add;
		p += skip;
	}
	if (out)
		out[n] = '\0';
	return out;
}

int dbg_user_run(struct dbg *d, const struct dbg_user_cmd *u, const char *args)
{
	char *argv[MAX_ARGS], word[256];
	const char *p = args;
	int argc = 0, r = DBG_OK;
	size_t idx = (size_t)(u - d->ucmds); /* d->ucmds may move: a line may define */

	while (argc < MAX_ARGS && dbg_next_word(&p, word, sizeof word))
		if ((argv[argc] = dbg_strdup(word)))
			argc++;
	if (dbg_next_word(&p, word, sizeof word)) {
		r = dbg_error(d, "%s: at most %d arguments", u->name, MAX_ARGS);
		goto out;
	}
	for (size_t i = 0; i < d->ucmds[idx].nlines && r == DBG_OK; i++) {
		char *line = substitute(d->ucmds[idx].lines[i], argv, argc);
		if (!line) {
			r = dbg_error(d, "out of memory");
			break;
		}
		r = dbg_exec_nested(d, line);
		free(line);
	}
out:
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return r;
}

void dbg_user_help(struct dbg *d, const struct dbg_user_cmd *u)
{
	dbg_printf(d, "User command \"%s\":\n", u->name);
	for (size_t i = 0; i < u->nlines; i++)
		dbg_printf(d, "  %s\n", u->lines[i]);
}

void dbg_user_list(struct dbg *d)
{
	if (!d->nucmds)
		return;
	dbg_printf(d, "User commands:");
	for (size_t i = 0; i < d->nucmds; i++)
		dbg_printf(d, " %s", d->ucmds[i].name);
	dbg_printf(d, "\n");
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return k && n > k && !strcmp(s + n - k, suffix);
}

/* A chunk or file of the plugged-in language, one level down (so that a
 * chunk that runs `lua` again through dbg:command ends at the limit). */
static enum dbg_result run_lang(struct dbg *d, const char *text, bool file)
{
	enum dbg_result r;

	if (d->depth >= MAX_DEPTH)
		return dbg_error(d, "Commands nested more than %d deep (a chunk that runs itself?).",
				 MAX_DEPTH);
	fflush(d->out);
	d->depth++;
	r = file ? d->lang->run_file(d->lang->ctx, text) : d->lang->run_chunk(d->lang->ctx, text);
	d->depth--;
	fflush(d->out);
	fflush(d->err);
	return r == DBG_QUIT ? DBG_OK : r;
}

int dbgc_lua(struct dbg *d, const char *args, const char *fmt)
{
	const char *chunk = dbg_skip_ws(args);

	if (!d->lang)
		return dbg_error(d, "lua: this front end has no Lua (vmlab debug has).");
	if (!*chunk)
		return dbg_error(d, "lua needs a chunk of Lua (lua CHUNK; source FILE.lua for "
				 "more lines)");
	return run_lang(d, chunk, false);
}

int dbgc_source(struct dbg *d, const char *args, const char *fmt)
{
	const char *path = dbg_skip_ws(args);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = DBG_OK;
	FILE *f;

	if (!*path)
		return dbg_error(d, "source needs a file name (source FILE)");
	if (d->lang && ends_with(path, d->lang->suffix))
		return run_lang(d, path, true);
	f = fopen(path, "r");
	if (!f)
		return dbg_error(d, "%s: No such file or directory.", path);
	while (r == DBG_OK && (n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		r = dbg_exec_nested(d, line);
		if (r == DBG_QUIT)
			break;
	}
	free(line);
	fclose(f);
	if (r == DBG_OK && d->defining >= 0 && d->depth == 0) {
		d->defining = -1;
		r = dbg_error(d, "%s: the file ends inside a define (no \"end\")", path);
	}
	return r;
}

int dbgc_shell(struct dbg *d, const char *args, const char *fmt)
{
	const char *cmd = dbg_skip_ws(args);
	char buf[4096], *full;
	size_t n;
	FILE *p;

	if (d->batch_safe)
		return dbg_error(d, "shell is disabled in this session (--batch-safe).");
	if (!*cmd)
		return dbg_error(d, "shell needs a command (shell CMD)");
	/* its output, and its errors, into our output stream, in order */
	full = malloc(strlen(cmd) + sizeof "( ) 2>&1");
	if (!full)
		return dbg_error(d, "out of memory");
	sprintf(full, "(%s) 2>&1", cmd);
	fflush(d->out);
	p = popen(full, "r");
	free(full);
	if (!p)
		return dbg_error(d, "shell: cannot run the command");
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		fwrite(buf, 1, n, d->out);
	pclose(p);
	return DBG_OK;
}
