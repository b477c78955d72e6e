/*
 * writers.h -- one function per output format (out_*.c), each reading
 * only the result tree; gr_write() in result.c picks one.
 */
#ifndef VMLAB_GRADE_WRITERS_H
#define VMLAB_GRADE_WRITERS_H

#include "ui/grade/grade.h"

char *gr_write_text(const struct gr_result *r);
char *gr_write_tap(const struct gr_result *r);
char *gr_write_junit(const struct gr_result *r);
char *gr_write_gradescope(const struct gr_result *r);
char *gr_write_prairielearn(const struct gr_result *r);

#endif
