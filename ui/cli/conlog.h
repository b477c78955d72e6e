/*
 * conlog.h -- console recordings: the console input of a run with the
 * virtual time at which each byte arrived (`--record FILE`), read back to
 * feed a run the same input at the same cycles (`--replay FILE`).
 *
 * The file is text, one arrival per line (docs/toyos.md, "Recording and
 * replaying a session"):
 *
 *   vmlab console recording 1          <- header, exactly this
 *   # anything after '#' is a comment  <- comments and blank lines
 *   CYCLE "BYTES"                      <- bytes arriving at CYCLE; a C
 *                                         string: \r \n \t \\ \" \xHH
 *   CYCLE eof                          <- the end of input
 *   CYCLE stop INSNS                   <- the run was stopped (Ctrl-C)
 *                                         at CYCLE, after INSNS instructions
 *
 * CYCLE is decimal and never goes back; nothing follows eof but stop, and
 * nothing follows stop.  A file is at most CONLOG_MAX bytes; a bad one is
 * refused with "FILE:LINE: what is wrong".
 */
#ifndef VMLAB_CONLOG_H
#define VMLAB_CONLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONLOG_HEADER "vmlab console recording 1"
#define CONLOG_MAX (16u << 20)

enum conlog_kind { CONLOG_BYTES, CONLOG_EOF, CONLOG_STOP };

struct conlog_entry {
	enum conlog_kind kind;
	uint64_t cycle;
	uint64_t insns;           /* CONLOG_STOP: instructions retired    */
	size_t off, len;          /* CONLOG_BYTES: bytes[off .. off+len)  */
};

struct conlog {
	struct conlog_entry *e;
	size_t n, cap;
	uint8_t *bytes;
	size_t nbytes;
};

/* Read and check a recording; false with "FILE:LINE: reason" in err. */
bool conlog_read(struct conlog *log, const char *path, char *err, size_t errlen);
void conlog_free(struct conlog *log);

/* Writing, as the run goes: each arrival is a line, flushed at once, so a
 * recording survives whatever ends the run. */
FILE *conlog_create(const char *path, char *err, size_t errlen);
void conlog_put_bytes(FILE *f, uint64_t cycle, const uint8_t *bytes, size_t n);
void conlog_put_eof(FILE *f, uint64_t cycle);
void conlog_put_stop(FILE *f, uint64_t cycle, uint64_t insns);

#endif
