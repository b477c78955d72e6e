/*
 * hostfile.c -- reading and atomically replacing whole host files.
 */
#include "sim/hostfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint8_t *hostfile_read(const char *path, uint64_t max, const char *what, size_t *len,
		       char *err, size_t errlen)
{
	struct hostfile_opts o = { .max = max, .what = what };

	return hostfile_read_opts(path, &o, len, NULL, err, errlen);
}

uint8_t *hostfile_read_opts(const char *path, const struct hostfile_opts *o, size_t *len,
			    struct stat *st_out, char *err, size_t errlen)
{
	uint64_t max = o->max;
	const char *what = o->what;
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf = NULL;
	size_t n = 0, cap;
	const char *why = NULL;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		why = strerror(errno);
	} else if (S_ISDIR(st.st_mode)) {
		why = strerror(EISDIR);
	} else if (o->regular_only && !S_ISREG(st.st_mode)) {
		why = "not a regular file";
	} else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		snprintf(err, errlen, "%s: file too large for %s (%llu bytes)", path, what,
			 (unsigned long long)st.st_size);
		goto out;
	}
	/* a regular file's size is a good first guess; a pipe grows as read */
	cap = !why && S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	while (!why) {
		if (n + 1 >= cap) {
			uint8_t *nb = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap *= 2);
			if (!nb) {
				why = "out of memory";
				break;
			}
			buf = nb;
		} else if (!buf && !(buf = malloc(cap))) {
			why = "out of memory";
			break;
		}
		ssize_t k = read(fd, buf + n, cap - n - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			why = "read error";
		else if (k == 0)
			break;
		else if ((n += (size_t)k) > max) {
			snprintf(err, errlen, "%s: file too large for %s (more than %llu bytes)", path,
				 what, (unsigned long long)max);
			goto out;
		}
	}
	if (!why) {
		if (!is_stdin)
			close(fd);
		if (st_out)
			*st_out = st;
		*len = n;
		return buf;
	}
	snprintf(err, errlen, "%s: %s", path, why);
out:
	free(buf);
	if (!is_stdin)
		close(fd);
	return NULL;
}

static bool write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

bool hostfile_replace(const char *path, const struct hostfile_part *parts, int nparts,
		      char *err, size_t errlen)
{
	size_t tlen = strlen(path) + 32;
	char *tmp = malloc(tlen);
	int fd = -1, e = 0;
	bool ok = true;

	if (!tmp) {
		snprintf(err, errlen, "%s: out of memory", path);
		return false;
	}
	for (int i = 0; i < 100 && fd < 0; i++) {
		snprintf(tmp, tlen, "%s.tmp%ld.%d", path, (long)getpid(), i);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(tmp);
		return false;
	}
	for (int i = 0; i < nparts && ok; i++)
		if (!write_all(fd, parts[i].data, parts[i].len)) {
			ok = false;
			e = errno;
		}
	if (close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", path, strerror(e ? e : EIO));
	}
	free(tmp);
	return ok;
}
