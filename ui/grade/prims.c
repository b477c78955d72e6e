/*
 * prims.c -- the grader's C primitives, as the table `C` that grader.lua
 * receives.  The grader's Lua is the instructor's (trusted); these are
 * what it needs that Lua has not:
 *
 *   C.assemble(main, {include dirs}, out_elf) -> true | false, messages
 *           (in a child process, as the student's user)
 *   C.handover(path): chown a folder to the student's user (root only)
 *   C.spawn{argv=, cwd=, input=, cpu=, mem=, fsize=, nproc=, wall=,
 *           output=} -> {exit=, signal=, timed_out=, cut=, output=}
 *   C.copytree(src, dst) -> true | nil, err
 *   C.clock() -> seconds (monotonic); C.timing: report times (or 0)
 *   C.guard(insns, fn, ...) -> true, results... | false, message
 *           fn under a Lua instruction budget (student Lua)
 *   C.sandbox_env() -> a fresh sandbox _ENV (docs/lua.md, Safety)
 */
#define _GNU_SOURCE
#include "ui/grade/prims.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/asm/asm.h"
#include "sim/image.h"
#include "ui/grade/spawn.h"
#include "ui/lua/vlua.h"

#define COPY_MAX_FILES 2000          /* files in one submission          */
#define COPY_MAX_BYTES (64u << 20)   /* bytes in one submission          */
#define ASM_MAX_MESSAGES 20          /* assembler diagnostics reported   */

/* ---- building: the assembler ---------------------------------------- */

#define ASM_MAX_INCLUDES 32

/* AddressSanitizer reserves terabytes of address space: under it, the
 * assembler's child gets no RLIMIT_AS (its input limits still hold). */
#if defined(__SANITIZE_ADDRESS__)
#define GR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GR_ASAN 1
#endif
#endif
#ifndef GR_ASAN
#define GR_ASAN 0
#endif

struct asm_job {
	const char *main, *out;
	const char *inc[ASM_MAX_INCLUDES];
	int ninc;
};

/* In a child process, as the student's user: the student's .include
 * lines may name any file, and what the assembler reads can come back in
 * its messages, so it may read only what that user may. */
static int asm_child(void *arg)
{
	const struct asm_job *j = arg;
	struct assembler *as = asm_new();
	char err[512];

	if (!as)
		return 1;
	for (int i = 0; i < j->ninc; i++)
		asm_add_include_dir(as, j->inc[i]);
	bool ok = asm_assemble_file(as, j->main) && asm_error_count(as) == 0;
	for (size_t i = 0, shown = 0; i < asm_diag_count(as) && shown < ASM_MAX_MESSAGES; i++) {
		const struct asm_diag *d = asm_diag_get(as, i);
		printf("%s:%d:%d: %s: %s\n", d->file, (int)d->line, (int)d->col,
		       d->severity == ASM_ERROR ? "error" : "warning", d->message);
		shown++;
	}
	if (ok) {
		struct image *img = asm_take_image(as);
		ok = img && image_write_elf(img, j->out, err, sizeof err);
		if (!ok)
			printf("%s\n", img ? err : "out of memory");
		image_free(img);
	}
	asm_free(as);
	return ok ? 0 : 1;
}

static int p_assemble(lua_State *L)
{
	struct asm_job j = { luaL_checkstring(L, 1), luaL_checkstring(L, 3), { NULL }, 0 };
	struct spawn_limits lim;
	struct spawn_result res;
	char err[256];

	luaL_checktype(L, 2, LUA_TTABLE);
	for (lua_Integer i = 1; lua_rawgeti(L, 2, i) == LUA_TSTRING; i++) {
		if (j.ninc == ASM_MAX_INCLUDES)
			return luaL_error(L, "assemble: more than %d include folders",
					  ASM_MAX_INCLUDES);
		j.inc[j.ninc++] = lua_tostring(L, -1); /* kept alive by the table */
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	spawn_limits_defaults(&lim);
	lim.run_as = lua_tostring(L, lua_upvalueindex(1));
	lim.cpu_s = 60;
	lim.wall_s = 120;
	lim.nproc = 0;
	if (GR_ASAN)
		lim.mem = 0;
	if (!spawn_call(asm_child, &j, NULL, NULL, 0, &lim, &res, err, sizeof err))
		return luaL_error(L, "assemble: %s", err);
	lua_pushboolean(L, res.exit_code == 0 && !res.timed_out);
	lua_pushlstring(L, res.out, res.outlen);
	if (res.timed_out || res.signal) {
		lua_pushstring(L, res.timed_out ? "(the assembler ran out of time)\n"
				  : "(the assembler was killed: out of memory?)\n");
		lua_concat(L, 2);
	}
	free(res.out);
	return 2;
}

/* ---- child processes ------------------------------------------------------ */

static double opt_num(lua_State *L, const char *k, double def)
{
	double v = def;

	if (lua_getfield(L, 1, k) != LUA_TNIL)
		v = luaL_checknumber(L, -1);
	lua_pop(L, 1);
	if (v < 0)
		luaL_error(L, "spawn: %s must not be negative", k);
	return v;
}

static int p_spawn(lua_State *L)
{
	struct spawn_limits lim;
	struct spawn_result res;
	const char *cwd, *input;
	size_t inlen = 0;
	char err[256];
	char *argv[64];
	int argc = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	spawn_limits_defaults(&lim);
	lim.run_as = lua_tostring(L, lua_upvalueindex(1));
	if (lua_getfield(L, 1, "argv") != LUA_TTABLE)
		return luaL_error(L, "spawn: argv must be a list of strings");
	for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
		if (lua_type(L, -1) != LUA_TSTRING || argc == 63)
			return luaL_error(L, "spawn: argv must be at most 63 strings");
		argv[argc++] = (char *)lua_tostring(L, -1); /* kept alive by the table */
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	argv[argc] = NULL;
	if (!argc)
		return luaL_error(L, "spawn: argv is empty");
	lua_getfield(L, 1, "cwd");
	cwd = lua_tostring(L, -1);
	lua_getfield(L, 1, "input");
	input = lua_tolstring(L, -1, &inlen);
	lim.cpu_s = opt_num(L, "cpu", lim.cpu_s);
	lim.mem = (uint64_t)opt_num(L, "mem", (double)lim.mem);
	lim.fsize = (uint64_t)opt_num(L, "fsize", (double)lim.fsize);
	lim.nproc = (int)opt_num(L, "nproc", lim.nproc);
	lim.wall_s = opt_num(L, "wall", lim.wall_s);
	lim.out_max = (size_t)opt_num(L, "output", (double)lim.out_max);
	if (!spawn_run(argv, cwd, input, input ? inlen : 0, &lim, &res, err, sizeof err))
		return luaL_error(L, "spawn: %s", err);
	lua_createtable(L, 0, 5);
	lua_pushinteger(L, res.exit_code);
	lua_setfield(L, -2, "exit");
	lua_pushinteger(L, res.signal);
	lua_setfield(L, -2, "signal");
	lua_pushboolean(L, res.timed_out);
	lua_setfield(L, -2, "timed_out");
	lua_pushboolean(L, res.out_cut);
	lua_setfield(L, -2, "cut");
	lua_pushlstring(L, res.out, res.outlen);
	lua_setfield(L, -2, "output");
	free(res.out);
	return 1;
}

/* ---- files ------------------------------------------------------------------ */

struct copy_state {
	int files;
	uint64_t bytes;
	char *err;
	size_t errlen;
};

static bool copy_file(const char *src, const char *dst, struct copy_state *cs)
{
	int in = open(src, O_RDONLY | O_NOFOLLOW), out;
	struct stat st;
	char buf[65536];
	ssize_t n;
	bool ok = true;

	if (in < 0) {
		snprintf(cs->err, cs->errlen, "%s: %s", src, strerror(errno));
		return false;
	}
	/* the owner's execute bit stays (scripts in a lab or a source tree) */
	mode_t mode = fstat(in, &st) == 0 && (st.st_mode & S_IXUSR) ? 0700 : 0600;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (out < 0) {
		snprintf(cs->err, cs->errlen, "%s: %s", dst, strerror(errno));
		close(in);
		return false;
	}
	while (ok && (n = read(in, buf, sizeof buf)) > 0) {
		cs->bytes += (uint64_t)n;
		if (cs->bytes > COPY_MAX_BYTES) {
			snprintf(cs->err, cs->errlen, "the submission is larger than %u MiB",
				 COPY_MAX_BYTES >> 20);
			ok = false;
		} else if (write(out, buf, (size_t)n) != n) {
			snprintf(cs->err, cs->errlen, "%s: %s", dst, strerror(errno));
			ok = false;
		}
	}
	close(in);
	close(out);
	return ok;
}

static bool copy_dir(const char *src, const char *dst, struct copy_state *cs, int depth)
{
	DIR *d;
	struct dirent *e;
	bool ok = true;

	if (depth > 16) {
		snprintf(cs->err, cs->errlen, "%s: folders nested too deep", src);
		return false;
	}
	if (mkdir(dst, 0700) != 0 && errno != EEXIST) {
		snprintf(cs->err, cs->errlen, "%s: %s", dst, strerror(errno));
		return false;
	}
	if (!(d = opendir(src))) {
		snprintf(cs->err, cs->errlen, "%s: %s", src, strerror(errno));
		return false;
	}
	while (ok && (e = readdir(d)) != NULL) {
		char s[4096], t[4096];
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if ((size_t)snprintf(s, sizeof s, "%s/%s", src, e->d_name) >= sizeof s ||
		    (size_t)snprintf(t, sizeof t, "%s/%s", dst, e->d_name) >= sizeof t) {
			snprintf(cs->err, cs->errlen, "%s: path too long", src);
			ok = false;
		} else if (lstat(s, &st) != 0) {
			continue;
		} else if (S_ISDIR(st.st_mode)) {
			ok = copy_dir(s, t, cs, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			if (++cs->files > COPY_MAX_FILES) {
				snprintf(cs->err, cs->errlen, "more than %d files in the submission",
					 COPY_MAX_FILES);
				ok = false;
			} else {
				ok = copy_file(s, t, cs);
			}
		} /* links, devices, sockets: left out */
	}
	closedir(d);
	return ok;
}

bool gr_copy_file(const char *src, const char *dst, char *err, size_t errlen)
{
	struct copy_state cs = { 0, 0, err, errlen };

	return copy_file(src, dst, &cs);
}

bool gr_copy_tree(const char *src, const char *dst, char *err, size_t errlen)
{
	struct copy_state cs = { 0, 0, err, errlen };

	return copy_dir(src, dst, &cs, 0);
}

bool gr_chown_tree(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	bool ok;

	if (lstat(path, &st) != 0)
		return false;
	ok = lchown(path, uid, gid) == 0;
	if (!S_ISDIR(st.st_mode) || !(d = opendir(path)))
		return ok;
	while ((e = readdir(d)) != NULL) {
		char p[4096];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if ((size_t)snprintf(p, sizeof p, "%s/%s", path, e->d_name) < sizeof p)
			ok = gr_chown_tree(p, uid, gid) && ok;
	}
	closedir(d);
	return ok;
}

void gr_remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	chmod(path, 0700); /* a student's build may have taken the rights */
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char p[4096];
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if ((size_t)snprintf(p, sizeof p, "%s/%s", path, e->d_name) < sizeof p)
				gr_remove_tree(p);
		}
		closedir(d);
	}
	rmdir(path);
}

static int p_copytree(lua_State *L)
{
	char err[512];

	if (!gr_copy_tree(luaL_checkstring(L, 1), luaL_checkstring(L, 2), err, sizeof err)) {
		lua_pushnil(L);
		lua_pushstring(L, err);
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* C.handover(path): give a folder we made to the student's user, so
 * builds running as that user can use it (nothing to do when not root). */
static int p_handover(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	const char *user = lua_tostring(L, lua_upvalueindex(1));
	struct passwd *pw = user && geteuid() == 0 ? getpwnam(user) : NULL;

	if (pw && !gr_chown_tree(path, pw->pw_uid, pw->pw_gid))
		return luaL_error(L, "cannot give %s to %s", path, user);
	return 0;
}

/* ---- time, and budgets for student Lua -------------------------------- */

static int p_clock(lua_State *L)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	lua_pushnumber(L, (double)ts.tv_sec + ts.tv_nsec / 1e9);
	return 1;
}

#define GUARD_EVERY 1000
static char guard_key; /* registry: the budget left, for the hook */

static void guard_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &guard_key);
	lua_Integer left = lua_tointeger(L, -1) - GUARD_EVERY;
	lua_pop(L, 1);
	lua_pushinteger(L, left);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &guard_key);
	if (left < 0)
		luaL_error(L, "the student's Lua ran out of its budget of instructions");
}

static int p_guard(lua_State *L)
{
	lua_Integer budget = luaL_checkinteger(L, 1);
	lua_Hook old = lua_gethook(L);
	int mask = lua_gethookmask(L), count = lua_gethookcount(L);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &guard_key); /* an outer guard's budget */
	lua_insert(L, 1);
	lua_pushinteger(L, budget);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &guard_key);
	lua_sethook(L, guard_hook, LUA_MASKCOUNT, GUARD_EVERY);
	int base = 3; /* [outer, budget, fn, args...] */
	int st = lua_pcall(L, lua_gettop(L) - base, LUA_MULTRET, 0);
	lua_sethook(L, old, mask, count);
	lua_pushvalue(L, 1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &guard_key);
	if (st != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		lua_pushboolean(L, 0);
		lua_pushstring(L, msg ? msg : "(the student's code raised a non-string error)");
		return 2;
	}
	lua_pushboolean(L, 1);
	lua_replace(L, 2);
	return lua_gettop(L) - 1;
}

static int p_sandbox_env(lua_State *L)
{
	vlua_push_sandbox_env(L);
	return 1;
}

void gr_push_prims(lua_State *L, const char *run_as, bool timing)
{
	/* the ones that start a child know the student's user (upvalue 1) */
	static const luaL_Reg with_user[] = {
		{ "assemble", p_assemble }, { "handover", p_handover }, { "spawn", p_spawn },
		{ NULL, NULL },
	};
	static const luaL_Reg plain[] = {
		{ "copytree", p_copytree }, { "clock", p_clock }, { "guard", p_guard },
		{ "sandbox_env", p_sandbox_env }, { NULL, NULL },
	};

	lua_newtable(L);
	if (run_as)
		lua_pushstring(L, run_as);
	else
		lua_pushnil(L);
	luaL_setfuncs(L, with_user, 1);
	luaL_setfuncs(L, plain, 0);
	lua_pushboolean(L, timing); /* false: timing fields are 0 */
	lua_setfield(L, -2, "timing");
}
