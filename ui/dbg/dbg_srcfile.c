/*
 * dbg_srcfile.c -- finding and reading the source files an image's line
 * table names.  The names come from the image, which may come from anyone
 * (a student's submission under a grader): they are untrusted paths.
 *
 *   - A relative name is looked up next to the image first (where `vmlab
 *     asm` ran, usually), then in the current directory.
 *   - Only a regular file of at most HOSTFILE_MAX_SOURCE bytes is read: a
 *     name like /dev/zero or a FIFO is refused, not read forever.
 *   - With a source root (--source-root DIR), a file whose real path
 *     (symbolic links and `..` resolved) is not under DIR is refused, so
 *     an image cannot make `list` print a host file outside a submission.
 */
#include "ui/dbg/dbg_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/hostfile.h"

/* Is the real path of file under the real directory root? */
static bool under_root(const char *file, const char *root)
{
	char *rf = realpath(file, NULL), *rr = realpath(root, NULL);
	bool in = false;

	if (rf && rr) {
		size_t n = strlen(rr);
		in = !strncmp(rf, rr, n) && (rf[n] == '/' || (n == 1 && rr[0] == '/'));
	}
	free(rf);
	free(rr);
	return in;
}

/* Read one candidate path; NULL with why. */
static char *read_one(const char *path, const char *root, char *why, size_t whylen)
{
	struct hostfile_opts o = { .max = HOSTFILE_MAX_SOURCE, .what = "a source file",
				   .regular_only = true };
	size_t n;
	uint8_t *buf;

	if (root && access(path, F_OK) == 0 && !under_root(path, root)) {
		snprintf(why, whylen, "%s: outside the source root %s", path, root);
		return NULL;
	}
	/* "-" would be standard input to hostfile_read */
	buf = hostfile_read_opts(strcmp(path, "-") ? path : "./-", &o, &n, NULL, why, whylen);
	if (buf)
		buf[n] = '\0'; /* hostfile_read leaves a spare byte */
	return (char *)buf;
}

char *dbg_source_read(const char *name, const char *image_path, const char *root,
		      char *why, size_t whylen)
{
	char *text = NULL, first[512] = "";

	if (name[0] != '/' && image_path) { /* next to the image */
		const char *slash = strrchr(image_path, '/');
		size_t dn = slash ? (size_t)(slash - image_path) + 1 : 0;
		char *path = malloc(dn + strlen(name) + 1);
		if (!path) {
			snprintf(why, whylen, "out of memory");
			return NULL;
		}
		memcpy(path, image_path, dn);
		strcpy(path + dn, name);
		text = read_one(path, root, first, sizeof first);
		free(path);
		if (text || dn == 0) {
			if (!text)
				snprintf(why, whylen, "%s", first);
			return text;
		}
	}
	text = read_one(name, root, why, whylen); /* as named: the current directory */
	if (!text && first[0] && !strstr(first, "No such file"))
		snprintf(why, whylen, "%s", first); /* the image's neighbour said more */
	return text;
}
