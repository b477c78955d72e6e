/*
 * lua_front.c -- the Lua options shared by script, debug and run --lua.
 */
#include "ui/cli/lua_front.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void lua_front_init(struct lua_front *f)
{
	vlua_config_defaults(&f->cfg);
	f->lua_insns_set = false;
	f->guest_insns_set = false;
}

int lua_front_option(struct lua_front *f, const char *cmd, int id, const char *arg)
{
	uint32_t mem;

	switch (id) {
	case LOPT_SANDBOX:
		f->cfg.sandbox = true;
		return 1;
	case LOPT_LUA_MEM:
		if (!opt_size(cmd, "--lua-mem", arg, &mem))
			return -1;
		if (mem < (1u << 20)) {
			fprintf(stderr, "vmlab %s: --lua-mem: at least 1M\n", cmd);
			return -1;
		}
		f->cfg.mem_limit = mem;
		return 1;
	case LOPT_LUA_INSNS:
		if (!opt_u64(cmd, "--lua-insns", arg, &f->cfg.lua_insns))
			return -1;
		f->lua_insns_set = true;
		return 1;
	default:
		return 0;
	}
}

struct vlua *lua_front_new(struct lua_front *f, const char *cmd)
{
	char err[256];
	struct vlua *v;

	if (f->cfg.sandbox && !f->lua_insns_set)
		f->cfg.lua_insns = VLUA_SANDBOX_INSNS;
	if (f->cfg.sandbox && !f->guest_insns_set)
		f->cfg.guest_insns = VLUA_SANDBOX_GUEST;
	v = vlua_new(&f->cfg, err, sizeof err);
	if (!v)
		fprintf(stderr, "vmlab %s: %s\n", cmd, err);
	return v;
}

bool lua_front_script_ok(const char *cmd, const char *path)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "vmlab %s: --lua: cannot open %s: %s\n", cmd, path, strerror(errno));
		return false;
	}
	fclose(f);
	return true;
}

struct vlua *lua_front_session(struct lua_front *f, const char *cmd, const char *path,
			       struct machine *m, const struct image *img,
			       const struct vlua_monitor *mon, int *status)
{
	char err[256];
	struct vlua *v = lua_front_new(f, cmd);
	bool ok;

	*status = 2;
	if (!v)
		return NULL;
	ok = mon ? vlua_session_attach_monitor(v, mon, err, sizeof err)
		 : vlua_session_attach(v, m, img, err, sizeof err);
	if (!ok) {
		fprintf(stderr, "vmlab %s: %s\n", cmd, err);
		vlua_free(v);
		return NULL;
	}
	*status = vlua_run_file(v, path, 0, NULL); /* it installs its handlers */
	if (*status) {
		vlua_free(v);
		return NULL;
	}
	vlua_session_begin(v);
	return v;
}
