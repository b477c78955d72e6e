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

/* The same with choices: regular_only refuses anything but a regular file
 * ("PATH: not a regular file"; a device such as /dev/zero has no end, and
 * a FIFO can block forever); st, if not NULL, gets the file's stat (for
 * include-cycle checks by device and inode). */
struct hostfile_opts {
	uint64_t max;        /* bytes; more is "file too large for WHAT"  */
	const char *what;    /* "an image", "a checkpoint", ...           */
	bool regular_only;
};
struct stat;
uint8_t *hostfile_read_opts(const char *path, const struct hostfile_opts *o, size_t *len,
			    struct stat *st, char *err, size_t errlen);

/* The documented limits, one place (README "Limits" lists them). */
#define HOSTFILE_MAX_IMAGE       (256u << 20) /* an ELF image                  */
#define HOSTFILE_MAX_CHECKPOINT  (256u << 20) /* a checkpoint (4 GiB RAM would
						 not fit, but 256 MiB of changed
						 pages does)                     */
#define HOSTFILE_MAX_CONSOLE_IN  (64u << 20)  /* --console-in FILE             */
#define HOSTFILE_MAX_SOURCE      (16u << 20)  /* a source file the debugger lists */

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
