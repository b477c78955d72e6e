/*
 * spawn.c -- the child process for untrusted native code (spawn.h).
 * Linux first; the calls that only Linux has (network namespaces) are
 * tried and their failure is not an error.
 */
#define _GNU_SOURCE
#include "ui/grade/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void spawn_limits_defaults(struct spawn_limits *l)
{
	memset(l, 0, sizeof *l);
	l->cpu_s = 10;
	l->mem = 1ull << 30;
	l->fsize = 64ull << 20;
	l->nproc = 32;
	l->wall_s = 30;
	l->out_max = 64 << 10;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Processes of this real user now: RLIMIT_NPROC counts them all, so the
 * limit is this many plus the child's allowance. */
static int user_processes(uid_t uid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[300];
		struct stat st;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s", e->d_name);
		if (stat(path, &st) == 0 && st.st_uid == uid)
			n++;
	}
	closedir(d);
	return n;
}

static void set_limit(int what, uint64_t v)
{
	struct rlimit r = { .rlim_cur = (rlim_t)v, .rlim_max = (rlim_t)v };
	setrlimit(what, &r);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	if (fd >= 0) {
		ssize_t w = write(fd, text, strlen(text));
		(void)w;
		close(fd);
	}
}

/* No network: a new network namespace has only a loopback that is down.
 * Root can make one; anyone else needs a user namespace first (mapped to
 * the same ids, so files keep their owner).  Where neither works (a
 * container that forbids namespaces) the child keeps the network: the
 * platform's own sandbox is then what limits it. */
static void drop_network(bool switch_user)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];

	if (unshare(CLONE_NEWNET) == 0)
		return;
	/* a user namespace would make the switch to run_as's ids fail */
	if (switch_user || unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
		return;
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof map, "%u %u 1", (unsigned)uid, (unsigned)uid);
	write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof map, "%u %u 1", (unsigned)gid, (unsigned)gid);
	write_file("/proc/self/gid_map", map);
}

struct job {
	int (*fn)(void *arg);  /* runs in the child; its value is the status */
	void *arg;
	const char *cwd;
};

static void child(const struct job *j, int in_fd, int out_fd, const struct spawn_limits *lim,
		  int nproc_base, uid_t uid, gid_t gid, bool switch_user)
{
	setpgid(0, 0);
	dup2(in_fd, 0);
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	drop_network(switch_user);
	if (switch_user && (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) {
		fprintf(stderr, "vmlab grade: cannot switch to the user for student code\n");
		_exit(126);
	}
	if (j->cwd && chdir(j->cwd) != 0) {
		fprintf(stderr, "vmlab grade: cannot enter %s: %s\n", j->cwd, strerror(errno));
		_exit(126);
	}
	if (lim->cpu_s > 0)
		set_limit(RLIMIT_CPU, (uint64_t)(lim->cpu_s + 0.999));
	if (lim->mem)
		set_limit(RLIMIT_AS, lim->mem);
	if (lim->fsize)
		set_limit(RLIMIT_FSIZE, lim->fsize);
	if (lim->nproc > 0)
		set_limit(RLIMIT_NPROC, (uint64_t)(nproc_base + lim->nproc));
	set_limit(RLIMIT_CORE, 0);
	signal(SIGPIPE, SIG_DFL);
	int status = j->fn(j->arg);
	fflush(stdout);
	fflush(stderr);
	_exit(status);
}

struct exec_args {
	char *const *argv;
	const char *cwd;
};

static int exec_fn(void *arg)
{
	const struct exec_args *a = arg;
	char home[4200];

	snprintf(home, sizeof home, "HOME=%s", a->cwd ? a->cwd : "/tmp");
	char *env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C", "LC_ALL=C", home, NULL };
	execvpe(a->argv[0], a->argv, env);
	fprintf(stderr, "vmlab grade: cannot run %s: %s\n", a->argv[0], strerror(errno));
	return 127;
}

/* What the child started dies with it, even what left its process group
 * (setsid, double forks): vmlab is a child subreaper, so orphans of the
 * child become its children; they are killed and reaped until none is
 * left.  Other jobs' processes are never touched. */
static int kill_orphans(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;
	pid_t self = getpid();

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[300], buf[512];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[len] = '\0';
		char *close_paren = strrchr(buf, ')'); /* the name may hold anything */
		int ppid;
		if (close_paren && sscanf(close_paren + 1, " %*c %d", &ppid) == 1 && ppid == self) {
			pid_t pid = (pid_t)atoi(e->d_name);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			n++;
		}
	}
	closedir(d);
	return n;
}

static void keep(struct spawn_result *res, const struct spawn_limits *lim, const char *buf,
		 size_t n)
{
	size_t room = lim->out_max > res->outlen ? lim->out_max - res->outlen : 0;

	if (n > room) {
		res->out_cut = true;
		n = room;
	}
	memcpy(res->out + res->outlen, buf, n);
	res->outlen += n;
}

bool spawn_run(char *const argv[], const char *cwd, const char *input, size_t inlen,
	       const struct spawn_limits *lim, struct spawn_result *res, char *err,
	       size_t errlen)
{
	struct exec_args a = { argv, cwd };

	return spawn_call(exec_fn, &a, cwd, input, inlen, lim, res, err, errlen);
}

bool spawn_call(int (*fn)(void *arg), void *arg, const char *cwd, const char *input,
		size_t inlen, const struct spawn_limits *lim, struct spawn_result *res,
		char *err, size_t errlen)
{
	struct job j = { fn, arg, cwd };
	int in[2], out[2], status = 0;
	uid_t uid = getuid();
	gid_t gid = getgid();
	bool switch_user = false;
	pid_t pid;

	memset(res, 0, sizeof *res);
	if (lim->run_as && geteuid() == 0) {
		struct passwd *pw = getpwnam(lim->run_as);
		if (!pw) {
			snprintf(err, errlen, "--run-as: no user '%s'", lim->run_as);
			return false;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		switch_user = true;
	}
	res->out = malloc(lim->out_max + 1);
	if (!res->out) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (pipe(in) != 0 || pipe(out) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		free(res->out);
		res->out = NULL;
		return false;
	}
	int base = lim->nproc > 0 ? user_processes(uid) : 0;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		free(res->out);
		res->out = NULL;
		return false;
	}
	if (pid == 0)
		child(&j, in[0], out[1], lim, base, uid, gid, switch_user);
	setpgid(pid, pid); /* both sides, so the kill below never misses */
	close(in[0]);
	close(out[1]);
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	if (!inlen) {
		close(in[1]);
		in[1] = -1;
	}
	double deadline = lim->wall_s > 0 ? now() + lim->wall_s : 0;
	size_t sent = 0;
	bool exited = false;
	for (;;) {
		struct pollfd p[2] = { { out[0], POLLIN, 0 }, { in[1], POLLOUT, 0 } };
		int np = in[1] >= 0 ? 2 : 1, r = 0;
		if (out[0] >= 0) {
			/* after the exit, only what is already in the pipe */
			r = poll(p, (nfds_t)np, exited ? 0 : 5);
			if (r < 0 && errno != EINTR)
				break;
		} else if (!exited) {
			usleep(1000); /* output closed: waiting for the exit */
		}
		if (r > 0 && p[0].revents) {
			char buf[8192];
			ssize_t n = read(out[0], buf, sizeof buf);
			if (n > 0)
				keep(res, lim, buf, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(out[0]);
				out[0] = -1;
			}
		}
		if (np == 2 && r > 0 && p[1].revents) {
			ssize_t n = write(in[1], input + sent, inlen - sent);
			if (n > 0)
				sent += (size_t)n;
			if (n < 0 || sent == inlen) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;
			kill(-pid, SIGKILL); /* what it forked goes with it */
			continue;            /* drain what is in the pipe */
		}
		if (!exited && deadline && now() > deadline) {
			res->timed_out = true;
			kill(-pid, SIGKILL);
		}
		if (exited && (r == 0 || out[0] < 0))
			break; /* the pipe is empty (or a descendant keeps it open) */
	}
	if (out[0] >= 0)
		close(out[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (!exited) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	for (int round = 0; round < 100 && kill_orphans() > 0; round++)
		;
	res->out[res->outlen] = '\0';
	if (WIFSIGNALED(status)) {
		res->exit_code = -1;
		res->signal = WTERMSIG(status);
	} else {
		res->exit_code = WEXITSTATUS(status);
	}
	return true;
}
