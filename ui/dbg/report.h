/*
 * report.h -- what a finished run says: statistics as text or JSON, and
 * the report of a machine that stopped on a fatal trap.
 */
#ifndef VMLAB_REPORT_H
#define VMLAB_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/machine.h"

struct image;

void report_stats_text(struct machine *m, FILE *out);
/* false if the file cannot be written (message printed). */
bool report_stats_json(struct machine *m, const char *cmd, const char *path);
void report_fatal(struct machine *m, const struct image *img, FILE *out);
/* "  insn   PC: WORD  TEXT" and "  source FILE:LINE" where known. */
void report_insn_source(struct machine *m, const struct image *img, uint32_t pc, FILE *out);

/* Print text, the cursor being at column col, wrapped at spaces so no
 * line passes 80 columns; continuation lines start at column indent.
 * Ends the line. */
void report_wrap(FILE *out, size_t col, size_t indent, const char *text);

#endif
