/*
 * prims.h -- the C functions the runner (grader.lua) calls: building,
 * child processes, copying files, the clock, budgets for student Lua.
 */
#ifndef VMLAB_GRADE_PRIMS_H
#define VMLAB_GRADE_PRIMS_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Push a table of the primitives (run_as: user for student programs). */
void gr_push_prims(lua_State *L, const char *run_as, bool timing);

/* Copy the regular files and folders under src to dst (made 0700):
 * links and devices are left out (a link could point at the hidden
 * tests).  false with the reason in err. */
bool gr_copy_tree(const char *src, const char *dst, char *err, size_t errlen);
/* One regular file (not a link), made 0600 (0700 if it was executable). */
bool gr_copy_file(const char *src, const char *dst, char *err, size_t errlen);
/* Give a folder and all in it to uid:gid (links themselves, not targets). */
bool gr_chown_tree(const char *path, uid_t uid, gid_t gid);
/* Remove a folder and everything in it (best effort). */
void gr_remove_tree(const char *path);

#endif
