/*
 * spawn.h -- run an untrusted program (a student's build command or
 * program) in a child process with resource limits, and capture its
 * output.
 *
 *   parent ── fork ──> child: own process group, closed fds, clean
 *     │                environment, cwd = the submission's copy,
 *     │                rlimits (CPU, AS, FSIZE, NPROC, no core), no
 *     │                network (a new network namespace where the
 *     │                system allows one), another user (run_as, root)
 *     │                then exec
 *     └─ poll: stdin fed, stdout+stderr read (at most out_max kept),
 *        the wall-clock limit; at the end the whole process group is
 *        killed, so nothing the child forked outlives it.
 */
#ifndef VMLAB_GRADE_SPAWN_H
#define VMLAB_GRADE_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spawn_limits {
	double cpu_s;        /* RLIMIT_CPU, seconds (0: none)              */
	uint64_t mem;        /* RLIMIT_AS, bytes (0: none)                 */
	uint64_t fsize;      /* RLIMIT_FSIZE, bytes (0: none)              */
	int nproc;           /* processes beyond the user's current ones   */
	double wall_s;       /* killed after this many seconds (0: none)   */
	size_t out_max;      /* output bytes kept                          */
	const char *run_as;  /* user name, or NULL (needs root)            */
};
void spawn_limits_defaults(struct spawn_limits *l);

struct spawn_result {
	int exit_code;       /* -1 when killed by a signal                 */
	int signal;          /* the signal, or 0                           */
	bool timed_out;      /* the wall-clock limit killed it             */
	bool out_cut;        /* more output came than out_max              */
	char *out;           /* stdout and stderr, interleaved (malloc'd)  */
	size_t outlen;
};

/* false (reason in err) only when the child could not be started: a
 * program that cannot be executed is exit status 127 with a message. */
bool spawn_run(char *const argv[], const char *cwd, const char *input, size_t inlen,
	       const struct spawn_limits *lim, struct spawn_result *res, char *err,
	       size_t errlen);

/* The same, with fn(arg) in the child instead of a program (code of
 * vmlab's own that must not run as root, such as the assembler reading
 * the student's .include paths); fn's value is the exit status, and what
 * it writes to stdout or stderr is the output. */
bool spawn_call(int (*fn)(void *arg), void *arg, const char *cwd, const char *input,
		size_t inlen, const struct spawn_limits *lim, struct spawn_result *res,
		char *err, size_t errlen);

#endif
