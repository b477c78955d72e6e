/*
 * bundle.c -- `vmlab grade --bundle`: what a course uploads to its
 * platform, with no hand edits (docs/grading.md, "Deploying").
 *
 *   gradescope: a zip with, at its root,       prairielearn: a folder
 *     setup.sh          packages, vmlab, user    tests/run.sh   entrypoint
 *     run_autograder    grade, results.json      tests/lab/     the lab
 *     lab/              the lab (grade.lua...)   tests/os/      toyos
 *     os/               toyos (labs/os), so a    Dockerfile     the image
 *                       lab's "../os" resolves   vmlab/         its source
 *     vmlab/            vmlab's source           info-snippet.json
 *                                                (externalGradingOptions)
 *
 * The scripts are carried inside build/vmlab (ui/grade/bundle/, embed.awk).
 * The zip is made by zip(1) (scripts/install-deps.sh installs it).
 */
#include "ui/grade/grade.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ui/grade/embed.h"
#include "ui/grade/prims.h"
#include "ui/grade/spawn.h"

/* vmlab's source: what `make build/vmlab` needs (and the labs). */
static const char *const src_parts[] = { "Makefile", "sim", "monitor", "ui", "labs",
					 "scripts", NULL };

static bool put(const char *dir, const char *name, const char *embedded, int mode, char *err,
		size_t errlen)
{
	char path[4200];
	const char *text = gr_embedded(embedded);

	if (!text) {
		snprintf(err, errlen, "this vmlab was built without %s", embedded);
		return false;
	}
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	chmod(path, (mode_t)mode); /* open's mode went through the umask */
	return true;
}

static bool copy_into(const char *src, const char *dst, char *err, size_t errlen)
{
	struct stat st;

	if (stat(src, &st) != 0) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		return false;
	}
	if (S_ISDIR(st.st_mode))
		return gr_copy_tree(src, dst, err, errlen);
	return gr_copy_file(src, dst, err, errlen);
}

static bool copy_src(const char *src, const char *dst, char *err, size_t errlen)
{
	char a[4200], b[4200];

	if (mkdir(dst, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dst, strerror(errno));
		return false;
	}
	for (int i = 0; src_parts[i]; i++) {
		snprintf(a, sizeof a, "%s/%s", src, src_parts[i]);
		snprintf(b, sizeof b, "%s/%s", dst, src_parts[i]);
		if (!copy_into(a, b, err, errlen))
			return false;
	}
	return true;
}

/* The lab, toyos beside it, vmlab's source: what both bundles carry. */
static bool common(const char *lab, const char *src, const char *labdir, const char *osdir,
		   const char *srcdir, char *err, size_t errlen)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/grade.lua", lab);
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: the lab has no grade.lua", lab);
		return false;
	}
	snprintf(path, sizeof path, "%s/labs/os", src);
	return gr_copy_tree(lab, labdir, err, errlen) && gr_copy_tree(path, osdir, err, errlen) &&
	       copy_src(src, srcdir, err, errlen);
}

static bool zip_dir(const char *dir, const char *out, char *err, size_t errlen)
{
	char abs[4200], parent[4200];
	struct spawn_limits lim;
	struct spawn_result res;
	const char *slash = strrchr(out, '/');

	snprintf(parent, sizeof parent, "%.*s", slash ? (int)(slash - out) : 1,
		 slash ? out : ".");
	if (slash == out)
		snprintf(parent, sizeof parent, "/");
	if (!realpath(parent, abs)) {
		snprintf(err, errlen, "%s: %s", parent, strerror(errno));
		return false;
	}
	size_t n = strlen(abs);
	snprintf(abs + n, sizeof abs - n, "/%s", slash ? slash + 1 : out);
	unlink(abs);
	char *argv[] = { "zip", "-q", "-r", "-X", abs, ".", NULL };
	spawn_limits_defaults(&lim);
	lim.cpu_s = 120;
	lim.wall_s = 300;
	lim.mem = 0;
	lim.fsize = 1ull << 30;
	lim.nproc = 0;
	if (!spawn_run(argv, dir, NULL, 0, &lim, &res, err, errlen))
		return false;
	bool ok = res.exit_code == 0;
	if (res.exit_code == 127)
		snprintf(err, errlen, "zip is not installed (scripts/install-deps.sh installs it)");
	else if (!ok)
		snprintf(err, errlen, "zip failed: %.400s", res.out);
	free(res.out);
	return ok;
}

static bool gradescope(const char *lab, const char *src, const char *out, char *err,
		       size_t errlen)
{
	char tmp[4200], a[4300], b[4300], c[4300];
	const char *tdir = getenv("TMPDIR");
	bool ok;

	snprintf(tmp, sizeof tmp, "%s/vmlab-bundle-XXXXXX", tdir && *tdir ? tdir : "/tmp");
	if (!mkdtemp(tmp)) {
		snprintf(err, errlen, "cannot make a temporary folder: %s", strerror(errno));
		return false;
	}
	snprintf(a, sizeof a, "%s/lab", tmp);
	snprintf(b, sizeof b, "%s/os", tmp);
	snprintf(c, sizeof c, "%s/vmlab", tmp);
	ok = common(lab, src, a, b, c, err, errlen) &&
	     put(tmp, "setup.sh", "gradescope-setup.sh", 0755, err, errlen) &&
	     put(tmp, "run_autograder", "gradescope-run_autograder", 0755, err, errlen) &&
	     zip_dir(tmp, out, err, errlen);
	gr_remove_tree(tmp);
	return ok;
}

static bool prairielearn(const char *lab, const char *src, const char *out, char *err,
			 size_t errlen)
{
	char a[4300], b[4300], c[4300], t[4300];

	if (mkdir(out, 0755) != 0) {
		snprintf(err, errlen, "%s: %s (give a new folder)", out, strerror(errno));
		return false;
	}
	snprintf(t, sizeof t, "%s/tests", out);
	snprintf(a, sizeof a, "%s/tests/lab", out);
	snprintf(b, sizeof b, "%s/tests/os", out);
	snprintf(c, sizeof c, "%s/vmlab", out);
	if (mkdir(t, 0755) != 0) {
		snprintf(err, errlen, "%s: %s", t, strerror(errno));
		return false;
	}
	return common(lab, src, a, b, c, err, errlen) &&
	       put(t, "run.sh", "prairielearn-run.sh", 0755, err, errlen) &&
	       put(out, "Dockerfile", "prairielearn-Dockerfile", 0644, err, errlen) &&
	       put(out, "info-snippet.json", "prairielearn-info.json", 0644, err, errlen);
}

bool grade_bundle(const char *kind, const char *lab, const char *src, const char *out,
		  char *err, size_t errlen)
{
	if (!strcmp(kind, "gradescope"))
		return gradescope(lab, src, out, err, errlen);
	if (!strcmp(kind, "prairielearn"))
		return prairielearn(lab, src, out, err, errlen);
	snprintf(err, errlen, "--bundle: '%s' is not gradescope or prairielearn", kind);
	return false;
}
