/*
 * hostfile.h -- whole files on the host: read one into memory, replace one
 * so that no reader ever sees half of it.  Images, checkpoints and console
 * input all go through here.
 */
#ifndef VMLAB_HOSTFILE_H
#define VMLAB_HOSTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The whole of path ("-": standard input; pipes are fine), at most max
 * bytes.  NULL with "PATH: reason" in err: cannot open, a directory, "file
 * too large for WHAT (N bytes)", a read error.  The buffer has one spare
 * byte after the data (callers may add a NUL). */
uint8_t *hostfile_read(const char *path, uint64_t max, const char *what, size_t *len,
		       char *err, size_t errlen);

/* Replace path by the concatenation of the parts: written to a temporary
 * file in the same directory, then renamed over path.  false with
 * "PATH: reason" in err (and nothing left behind). */
struct hostfile_part {
	const void *data;
	size_t len;
};
bool hostfile_replace(const char *path, const struct hostfile_part *parts, int nparts,
		      char *err, size_t errlen);

#endif
