/*
 * batch.c -- grade a folder of submissions, `jobs` at a time, each in its
 * own child process (a submission can never take down the others, and a
 * crash is one submission's error row), then the summaries.
 *
 *   parent ── fork ──> child i: grade_submission, write OUT/NAME.EXT,
 *     │                one record line on its pipe, exit
 *     └─ waitpid, read the record; when all are in, by name order:
 *        OUT/summary.csv   submission,score,max_score,percent,gradable,
 *                          passed,failed,skipped,error
 *        OUT/summary.json  {"lab", "count", "submissions": [...]}
 */
#include "ui/grade/grade.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/hostfile.h"
#include "ui/grade/gbuf.h"

#define REC_MAX 512 /* a record line; less than PIPE_BUF, so one write */

struct sub {
	char *name;
	pid_t pid;
	int fd;            /* the record's pipe while the child runs */
	bool done, graded, gradable;
	double score, max;
	int passed, failed, skipped;
	char error[REC_MAX];
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct sub *)a)->name, ((const struct sub *)b)->name);
}

static struct sub *list_subs(const char *dir, int *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct sub *v = NULL;
	int cap = 0;

	*n = 0;
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		char p[4200];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			struct sub *nv = realloc(v, (size_t)cap * sizeof *v);
			if (!nv)
				break;
			v = nv;
		}
		memset(&v[*n], 0, sizeof *v);
		v[*n].name = strdup(e->d_name);
		v[*n].fd = -1;
		if (v[*n].name)
			(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, (size_t)*n, sizeof *v, by_name);
	return v;
}

/* The child: grade, write the result, send the record. */
static void child(const struct grade_batch *b, const struct sub *s, int fd)
{
	struct grade_opts o = b->base;
	char path[4200], out[4300], err[1024], rec[REC_MAX];

	snprintf(path, sizeof path, "%s/%s", b->dir, s->name);
	o.submission = path;
	struct gr_result *r = grade_submission(&o, err, sizeof err);
	if (!r) {
		for (char *c = err; *c; c++)
			if (*c == '\n' || *c == '\t')
				*c = ' ';
		snprintf(rec, sizeof rec, "E\t%.400s\n", err);
	} else {
		char *text = gr_write(r, b->format);
		struct hostfile_part part = { text, text ? strlen(text) : 0 };
		snprintf(out, sizeof out, "%s/%s%s", b->out, s->name, gr_format_ext(b->format));
		if (!text || !hostfile_replace(out, &part, 1, err, sizeof err))
			snprintf(rec, sizeof rec, "E\t%.400s\n", text ? err : "out of memory");
		else
			snprintf(rec, sizeof rec, "G\t%.6f\t%.6f\t%d\t%d\t%d\t%d\n", gr_score(r),
				 gr_max_score(r), gr_gradable(r), gr_count(r, GR_PASS),
				 gr_count(r, GR_FAIL), gr_count(r, GR_SKIP));
		free(text);
		gr_free(r);
	}
	ssize_t w = write(fd, rec, strlen(rec));
	(void)w;
	_exit(0);
}

static void read_record(struct sub *s, int status)
{
	char rec[REC_MAX + 1];
	ssize_t n = read(s->fd, rec, REC_MAX);
	int g = 0;

	close(s->fd);
	s->fd = -1;
	s->done = true;
	rec[n > 0 ? n : 0] = '\0';
	rec[strcspn(rec, "\n")] = '\0';
	if (rec[0] == 'G' && sscanf(rec + 2, "%lf\t%lf\t%d\t%d\t%d\t%d", &s->score, &s->max, &g,
				    &s->passed, &s->failed, &s->skipped) == 6) {
		s->graded = true;
		s->gradable = g;
	} else if (rec[0] == 'E') {
		snprintf(s->error, sizeof s->error, "%s", rec + 2);
	} else if (WIFSIGNALED(status)) {
		snprintf(s->error, sizeof s->error, "the grader crashed (signal %d)",
			 WTERMSIG(status));
	} else {
		snprintf(s->error, sizeof s->error, "the grader ended without a result");
	}
}

static void csv_field(struct gbuf *b, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		gb_add(b, s);
		return;
	}
	gb_add(b, "\"");
	for (; *s; s++) {
		if (*s == '"')
			gb_add(b, "\"\"");
		else
			gb_addn(b, s, 1);
	}
	gb_add(b, "\"");
}

static bool write_summaries(const struct grade_batch *b, const struct sub *v, int n,
			    char *err, size_t errlen)
{
	struct gbuf csv = { 0 }, js = { 0 };
	char path[4200], lab[256];
	const char *base = strrchr(b->base.lab, '/');

	snprintf(lab, sizeof lab, "%s", base && base[1] ? base + 1 : b->base.lab);
	gb_add(&csv, "submission,score,max_score,percent,gradable,passed,failed,skipped,error\n");
	gb_add(&js, "{\n  \"lab\": ");
	gb_json_str(&js, lab);
	gb_printf(&js, ",\n  \"count\": %d,\n  \"submissions\": [", n);
	for (int i = 0; i < n; i++) {
		const struct sub *s = &v[i];
		double pct = s->max > 0 ? 100 * s->score / s->max : 0;
		csv_field(&csv, s->name);
		gb_add(&csv, ",");
		gb_points(&csv, s->score);
		gb_add(&csv, ",");
		gb_points(&csv, s->max);
		gb_add(&csv, ",");
		gb_points(&csv, pct);
		gb_printf(&csv, ",%s,%d,%d,%d,", s->graded ? (s->gradable ? "yes" : "no") : "",
			  s->passed, s->failed, s->skipped);
		csv_field(&csv, s->error);
		gb_add(&csv, "\n");
		gb_add(&js, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
		gb_json_str(&js, s->name);
		gb_add(&js, ", \"score\": ");
		gb_points(&js, s->score);
		gb_add(&js, ", \"max_score\": ");
		gb_points(&js, s->max);
		gb_printf(&js, ", \"graded\": %s, \"gradable\": %s, \"passed\": %d, "
			  "\"failed\": %d, \"skipped\": %d, \"error\": ",
			  s->graded ? "true" : "false", s->gradable ? "true" : "false", s->passed,
			  s->failed, s->skipped);
		if (s->graded)
			gb_add(&js, "null");
		else
			gb_json_str(&js, s->error);
		gb_add(&js, "}");
	}
	gb_add(&js, n ? "\n  ]\n}\n" : "]\n}\n");
	char *c = gb_take(&csv), *j = gb_take(&js);
	bool ok = c && j;
	if (ok) {
		struct hostfile_part pc = { c, strlen(c) }, pj = { j, strlen(j) };
		snprintf(path, sizeof path, "%s/summary.csv", b->out);
		ok = hostfile_replace(path, &pc, 1, err, errlen);
		snprintf(path, sizeof path, "%s/summary.json", b->out);
		ok = ok && hostfile_replace(path, &pj, 1, err, errlen);
	} else {
		snprintf(err, errlen, "out of memory");
	}
	free(c);
	free(j);
	return ok;
}

int grade_batch(const struct grade_batch *b, FILE *log, char *err, size_t errlen)
{
	int n, next = 0, running = 0, done = 0, broken = 0;
	struct sub *v = list_subs(b->dir, &n, err, errlen);
	char grade_lua[4200];

	if (!v && n == 0 && *err)
		return 2;
	snprintf(grade_lua, sizeof grade_lua, "%s/grade.lua", b->base.lab);
	if (access(grade_lua, R_OK) != 0) {
		snprintf(err, errlen, "%s: the lab has no grade.lua", b->base.lab);
		free(v);
		return 2;
	}
	if (mkdir(b->out, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", b->out, strerror(errno));
		free(v);
		return 2;
	}
	fflush(NULL);
	while (done < n) {
		while (running < b->jobs && next < n) {
			struct sub *s = &v[next++];
			int p[2];
			if (pipe(p) != 0) {
				snprintf(s->error, sizeof s->error, "pipe: %s", strerror(errno));
				s->done = true;
				done++;
				continue;
			}
			s->pid = fork();
			if (s->pid == 0) {
				close(p[0]);
				child(b, s, p[1]);
			}
			close(p[1]);
			if (s->pid < 0) {
				close(p[0]);
				snprintf(s->error, sizeof s->error, "fork: %s", strerror(errno));
				s->done = true;
				done++;
				continue;
			}
			s->fd = p[0];
			running++;
		}
		if (!running)
			continue;
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0)
			break;
		for (int i = 0; i < n; i++) {
			if (v[i].pid != pid || v[i].done)
				continue;
			read_record(&v[i], status);
			running--;
			done++;
			if (log && v[i].graded)
				fprintf(log, "[%d/%d] %s: %g/%g\n", done, n, v[i].name, v[i].score,
					v[i].max);
			else if (log)
				fprintf(log, "[%d/%d] %s: not graded: %s\n", done, n, v[i].name,
					v[i].error);
		}
	}
	for (int i = 0; i < n; i++)
		broken += !v[i].graded;
	bool ok = write_summaries(b, v, n, err, errlen);
	for (int i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	if (!ok)
		return 2;
	if (broken) {
		snprintf(err, errlen, "%d of %d submissions could not be graded "
			 "(see summary.csv)", broken, n);
		return 2;
	}
	return 0;
}
