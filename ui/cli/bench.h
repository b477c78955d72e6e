/*
 * bench.h -- the fixed workloads of `vmlab bench`.
 */
#ifndef VMLAB_BENCH_H
#define VMLAB_BENCH_H

#include <stdbool.h>
#include <stdint.h>

struct bench_workload {
	const char *name;
	const char *summary;
	const char *source;  /* assembly; powers off with 0 when correct */
	bool paging;
	uint32_t iters;      /* ITERS at full size (an even number)        */
};

/* peers10's hash and table sum after `iters` iterations (its check). */
void bench_peers10_expect(uint32_t iters, uint32_t *hash, uint32_t *sum);

/* Terminated by an entry with a NULL name. */
extern const struct bench_workload bench_workloads[];

/* `vmlab bench --vmm`: toyos workloads bare and under the monitor.
 * only: one workload's name, or NULL.  Returns the exit status. */
int bench_vmm(const char *os_path, const char *only, bool json, unsigned repeat);

/* `vmlab bench --lua`: Lua handler calls and Lua policy exits per second,
 * over about `insns` guest instructions.  Returns the exit status. */
int bench_lua(unsigned repeat, unsigned long long insns);

#endif
