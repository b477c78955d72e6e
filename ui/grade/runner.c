/*
 * runner.c -- grade one submission: a temporary copy of its files, a Lua
 * state (ui/lua) with the primitives (prims.c), the embedded runner
 * (grader.lua), and its result table turned into the result tree.
 *
 *   TMP/                     mkdtemp, removed at the end (0711 as root)
 *     submission/            the student's regular files (no links)
 *     lab/                   the lab's files but grade.lua
 *     build/build-N.elf      images the builds made
 *     build/toyos-N/         toyos copies with the student's files in
 * (as root, the last three belong to the student's user: builds run as it)
 */
#include "ui/grade/grade.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ui/grade/embed.h"
#include "ui/grade/gbuf.h"
#include "ui/grade/prims.h"
#include "ui/lua/vlua.h"

#define GR_MAX_LINE 1024   /* a name, a message, an expect or got value */

static const char *base_name(const char *path, char *buf, size_t n)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	snprintf(buf, n, "%.*s", (int)(len - start), path + start);
	return buf;
}

/* ---- the result table -> the tree ------------------------------------- */

static char *field_text(lua_State *L, int t, const char *k, size_t max)
{
	size_t len = 0;
	const char *s = NULL;

	lua_getfield(L, t, k);
	if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
		s = lua_tolstring(L, -1, &len);
	char *out = s ? gr_clean_text(s, len, max) : NULL;
	lua_pop(L, 1);
	return out;
}

static char *field_need(lua_State *L, int t, const char *k, size_t max)
{
	char *s = field_text(L, t, k, max);

	if (!s)
		s = calloc(1, 1);
	if (!s)
		luaL_error(L, "out of memory");
	return s;
}

static double field_num(lua_State *L, int t, const char *k)
{
	lua_getfield(L, t, k);
	double v = lua_tonumber(L, -1);
	lua_pop(L, 1);
	return v;
}

static void read_test(lua_State *L, int t, struct gr_test *g)
{
	char *st = field_need(L, t, "status", 16);

	g->status = !strcmp(st, "pass") ? GR_PASS : !strcmp(st, "skip") ? GR_SKIP : GR_FAIL;
	free(st);
	g->name = field_need(L, t, "name", GR_MAX_LINE);
	g->group = field_need(L, t, "group", GR_MAX_LINE);
	g->visibility = field_need(L, t, "visibility", 32);
	g->number = field_need(L, t, "number", 32);
	g->message = field_need(L, t, "message", GR_MAX_LINE);
	g->expect = field_text(L, t, "expect", GR_MAX_LINE);
	g->got = field_text(L, t, "got", GR_MAX_LINE);
	g->output = field_need(L, t, "output", GR_MAX_OUTPUT);
	g->replay = field_need(L, t, "replay", GR_MAX_LINE);
	g->points = field_num(L, t, "points");
	g->max_points = field_num(L, t, "max_points");
	g->seed = (long long)field_num(L, t, "seed");
	g->seconds = field_num(L, t, "seconds");
}

/* Runs in protected mode: [result table, struct gr_result *]. */
static int to_tree(lua_State *L)
{
	struct gr_result *r = lua_touserdata(L, 2);

	luaL_checktype(L, 1, LUA_TTABLE);
	r->lab = field_need(L, 1, "lab", GR_MAX_LINE);
	r->submission = field_need(L, 1, "submission", GR_MAX_LINE);
	r->seconds = field_num(L, 1, "seconds");
	lua_getfield(L, 1, "builds");
	int n = (int)luaL_len(L, -1);
	r->builds = calloc((size_t)n + 1, sizeof *r->builds);
	if (!r->builds)
		return luaL_error(L, "out of memory");
	for (int i = 0; i < n; i++) {
		lua_rawgeti(L, -1, i + 1);
		struct gr_build *b = &r->builds[r->nbuilds++];
		b->name = field_need(L, -1, "name", GR_MAX_LINE);
		lua_getfield(L, -1, "ok");
		b->ok = lua_toboolean(L, -1);
		lua_pop(L, 1);
		b->output = field_need(L, -1, "output", GR_MAX_BUILD_OUTPUT);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_getfield(L, 1, "tests");
	n = (int)luaL_len(L, -1);
	r->tests = calloc((size_t)n + 1, sizeof *r->tests);
	if (!r->tests)
		return luaL_error(L, "out of memory");
	for (int i = 0; i < n; i++) {
		lua_rawgeti(L, -1, i + 1);
		read_test(L, lua_gettop(L), &r->tests[r->ntests++]);
		lua_pop(L, 1);
	}
	return 0;
}

/* ---- running the runner ---------------------------------------------------- */

struct run_args {
	const struct grade_opts *o;
	const char *tmp, *sub, *lab_src, *build, *copy_error;
	struct gr_result *r;
};

static void set_str(lua_State *L, const char *k, const char *v)
{
	if (!v)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static int run_main(lua_State *L)
{
	struct run_args *a = lua_touserdata(L, 1);
	const struct grade_opts *o = a->o;
	const char *text = gr_embedded("grader.lua");
	char lab_abs[4096], name[256];

	if (!text)
		return luaL_error(L, "this vmlab was built without its grader");
	if (luaL_loadbufferx(L, text, strlen(text), "=grader.lua", "t") != LUA_OK)
		return lua_error(L);
	gr_push_prims(L, o->run_as, o->timing);
	lua_newtable(L);
	if (!realpath(o->lab, lab_abs))
		return luaL_error(L, "%s: %s", o->lab, strerror(errno));
	set_str(L, "lab", lab_abs);
	set_str(L, "lab_arg", o->lab);
	set_str(L, "lab_name", base_name(lab_abs, name, sizeof name));
	set_str(L, "sub", a->sub);
	set_str(L, "sub_arg", o->submission);
	set_str(L, "sub_name", base_name(o->submission, name, sizeof name));
	set_str(L, "tmp", a->tmp);
	set_str(L, "lab_src", a->lab_src);
	set_str(L, "build", a->build);
	set_str(L, "only", o->only);
	set_str(L, "copy_error", a->copy_error);
	lua_pushinteger(L, o->first_seed ? o->first_seed : 1);
	lua_setfield(L, -2, "first_seed");
	lua_pushinteger(L, o->first_seed ? o->first_seed : o->seeds > 0 ? o->seeds : 1);
	lua_setfield(L, -2, "last_seed");
	lua_call(L, 2, 1);
	lua_pushcfunction(L, to_tree);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, a->r);
	lua_call(L, 2, 0);
	return 0;
}

/* The student's programs run as run_as: it must be able to reach and
 * write its copy, and nothing else of ours. */
static void hand_over(const char *tmp, const char *const *dirs, const char *run_as)
{
	struct passwd *pw = run_as && geteuid() == 0 ? getpwnam(run_as) : NULL;

	if (!pw)
		return;
	chmod(tmp, 0711);
	for (int i = 0; dirs[i]; i++)
		if (!gr_chown_tree(dirs[i], pw->pw_uid, pw->pw_gid))
			fprintf(stderr, "vmlab grade: cannot give %s to %s\n", dirs[i], run_as);
}

struct gr_result *grade_submission(const struct grade_opts *o_in, char *err, size_t errlen)
{
	struct grade_opts opts = *o_in, *o = &opts;
	char grade_lua[4400], tmp[4200], sub[4300], lab_src[4300], build[4300], copy_err[600];
	struct stat st;
	struct run_args a = { 0 };

	snprintf(grade_lua, sizeof grade_lua, "%s/grade.lua", o->lab);
	if (stat(o->lab, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a lab folder", o->lab);
		return NULL;
	}
	if (stat(grade_lua, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: the lab has no grade.lua", o->lab);
		return NULL;
	}
	if (stat(o->submission, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a submission folder", o->submission);
		return NULL;
	}
	const char *tdir = getenv("TMPDIR");
	snprintf(tmp, sizeof tmp, "%s/vmlab-grade-XXXXXX", tdir && *tdir ? tdir : "/tmp");
	if (!mkdtemp(tmp)) {
		snprintf(err, errlen, "cannot make a temporary folder: %s", strerror(errno));
		return NULL;
	}
	/* student code never runs as root: nobody, unless --run-as says */
	if (geteuid() == 0 && !o->run_as && getpwnam("nobody"))
		o->run_as = "nobody";
	snprintf(sub, sizeof sub, "%s/submission", tmp);
	if (!gr_copy_tree(o->submission, sub, copy_err, sizeof copy_err))
		a.copy_error = copy_err;
	/* the lab's files without the grader (its hidden tests): what the
	 * assembler, running as the student's user, may read */
	snprintf(lab_src, sizeof lab_src, "%s/lab", tmp);
	snprintf(build, sizeof build, "%s/build", tmp);
	if (!gr_copy_tree(o->lab, lab_src, err, errlen) || mkdir(build, 0700) != 0) {
		gr_remove_tree(tmp);
		return NULL;
	}
	snprintf(grade_lua, sizeof grade_lua, "%s/grade.lua", lab_src);
	unlink(grade_lua);
	const char *given[] = { sub, lab_src, build, NULL };
	hand_over(tmp, given, o->run_as);

	struct vlua_config cfg;
	vlua_config_defaults(&cfg);
	FILE *devnull = fopen("/dev/null", "w"); /* guests' debug-device prints */
	cfg.err = devnull ? devnull : stderr;
	struct vlua *v = vlua_new(&cfg, err, errlen);
	struct gr_result *r = calloc(1, sizeof *r);
	if (!v || !r) {
		if (v && !r)
			snprintf(err, errlen, "out of memory");
		vlua_free(v);
		free(r);
		if (devnull)
			fclose(devnull);
		gr_remove_tree(tmp);
		return NULL;
	}
	lua_State *L = vlua_state(v);
	a.o = o;
	a.tmp = tmp;
	a.sub = sub;
	a.lab_src = lab_src;
	a.build = build;
	a.r = r;
	lua_pushcfunction(L, run_main);
	lua_pushlightuserdata(L, &a);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		snprintf(err, errlen, "%s", msg ? msg : "the grader failed");
		gr_free(r);
		r = NULL;
	}
	vlua_free(v);
	if (devnull)
		fclose(devnull);
	gr_remove_tree(tmp);
	return r;
}
