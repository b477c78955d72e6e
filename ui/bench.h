/*
 * bench.h -- the fixed workloads of `vmlab bench`.
 */
#ifndef VMLAB_BENCH_H
#define VMLAB_BENCH_H

#include <stdbool.h>

struct bench_workload {
	const char *name;
	const char *summary;
	const char *source;  /* assembly; powers off with 0 when correct */
	bool paging;
};

/* Terminated by an entry with a NULL name. */
extern const struct bench_workload bench_workloads[];

#endif
