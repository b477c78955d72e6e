/*
 * cmd_grade.c -- `vmlab grade`: grade a submission, a folder of them, or
 * make a platform bundle (docs/grading.md).  The grading itself is
 * ui/grade; this file is options, where the result goes, and the exit
 * status: 0 when grading ran (whatever the score), 1 under --fail-under,
 * 2 when it could not run (bad lab, bad options).
 */
#include "ui/cli/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/hostfile.h"
#include "ui/cli/options.h"
#include "ui/grade/grade.h"

enum {
	OPT_HELP = 1, OPT_FORMAT, OPT_OUT, OPT_SEEDS, OPT_SEED, OPT_TEST, OPT_FAIL_UNDER,
	OPT_JOBS, OPT_BUNDLE, OPT_RUN_AS, OPT_NO_TIMING, OPT_SRC,
};

static const struct opt_spec grade_opts[] = {
	{ "help", 'h', false, OPT_HELP },
	{ "format", 'f', true, OPT_FORMAT },
	{ "out", 'o', true, OPT_OUT },
	{ "seeds", 0, true, OPT_SEEDS },
	{ "seed", 0, true, OPT_SEED },
	{ "test", 0, true, OPT_TEST },
	{ "fail-under", 0, true, OPT_FAIL_UNDER },
	{ "jobs", 'j', true, OPT_JOBS },
	{ "bundle", 0, true, OPT_BUNDLE },
	{ "run-as", 0, true, OPT_RUN_AS },
	{ "no-timing", 0, false, OPT_NO_TIMING },
	{ "src", 0, true, OPT_SRC },
	{ NULL, 0, false, 0 },
};

static void grade_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab grade [options] LAB SUBMISSION\n"
		"       vmlab grade [options] --jobs N LAB SUBMISSIONS_DIR\n"
		"       vmlab grade --bundle gradescope|prairielearn LAB -o OUT\n\n"
		"Grade a submission (a folder of student files) with the lab's grader,\n"
		"LAB/grade.lua (docs/grading.md).  With --jobs, grade every folder in\n"
		"SUBMISSIONS_DIR, N at a time: one result each, summary.csv and\n"
		"summary.json, in the --out folder (default grade-results).\n\n"
		"options:\n"
		"  -f, --format F     text (default), tap, junit, gradescope, prairielearn\n"
		"  -o, --out FILE     write the result to FILE (written whole, at once)\n"
		"  --seeds N          run each test under seeds 1..N; a failure names the\n"
		"                     smallest failing seed and its replay command\n"
		"  --seed S           run each test under seed S only (replaying)\n"
		"  --test NAME        grade the test NAME only\n"
		"  --fail-under P     exit 1 when the score is under P percent (CI)\n"
		"  -j, --jobs N       grade a folder of submissions, N at a time\n"
		"  --run-as USER      run student programs as USER (vmlab as root)\n"
		"  --no-timing        timing fields 0: the whole result is reproducible\n"
		"  --bundle KIND      write a gradescope zip or a prairielearn folder\n"
		"  --src DIR          vmlab's source tree for --bundle (default: the one\n"
		"                     this vmlab was built in)\n"
		"  -h, --help         this text\n\n"
		"exit status: 0 graded (whatever the score); 1 score under --fail-under;\n"
		"2 grading could not run (bad lab, bad options, unwritable output).\n");
}

static bool write_out(const char *path, const char *text)
{
	char err[512];
	struct hostfile_part part = { text, strlen(text) };

	if (!path) {
		fputs(text, stdout);
		fflush(stdout);
		return !ferror(stdout);
	}
	if (!hostfile_replace(path, &part, 1, err, sizeof err)) {
		fprintf(stderr, "vmlab grade: %s\n", err);
		return false;
	}
	return true;
}

/* The source tree this vmlab was built in: BUILD/vmlab's parent's
 * parent, if it holds sim/machine.h. */
static const char *default_src(char *buf, size_t n)
{
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
	}
	snprintf(buf, n, "%s/sim/machine.h", exe);
	if (access(buf, R_OK) != 0)
		return NULL;
	snprintf(buf, n, "%s", exe);
	return buf;
}

int cmd_grade(int argc, char **argv)
{
	struct grade_opts o = { .seeds = 1, .timing = true };
	struct opt_parser p;
	const char *arg, *pos[2] = { NULL, NULL }, *out = NULL, *bundle = NULL, *src = NULL;
	int npos = 0, format = GR_TEXT, id;
	uint64_t n, jobs = 0, fail_under = 0;
	bool has_fail_under = false;
	char err[1024], srcbuf[4200];

	opt_init(&p, "grade", argc, argv);
	while ((id = opt_next(&p, grade_opts, &arg)) != OPT_END) {
		switch (id) {
		case OPT_HELP:
			grade_usage(stdout);
			return 0;
		case OPT_FORMAT:
			if ((format = gr_format_parse(arg)) < 0) {
				fprintf(stderr, "vmlab grade: --format: '%s' is not text, tap, junit, "
						"gradescope or prairielearn\n", arg);
				return 2;
			}
			break;
		case OPT_OUT:
			out = arg;
			break;
		case OPT_SEEDS:
			if (!opt_u64("grade", "--seeds", arg, &n))
				return 2;
			if (n < 1 || n > 10000) {
				fprintf(stderr, "vmlab grade: --seeds: 1 to 10000\n");
				return 2;
			}
			o.seeds = (int)n;
			break;
		case OPT_SEED:
			if (!opt_u64("grade", "--seed", arg, &n))
				return 2;
			if (n < 1 || n > (1ull << 62)) {
				fprintf(stderr, "vmlab grade: --seed: at least 1\n");
				return 2;
			}
			o.first_seed = (long long)n;
			break;
		case OPT_TEST:
			o.only = arg;
			break;
		case OPT_FAIL_UNDER:
			if (!opt_u64("grade", "--fail-under", arg, &fail_under))
				return 2;
			if (fail_under > 100) {
				fprintf(stderr, "vmlab grade: --fail-under: a percentage, 0 to 100\n");
				return 2;
			}
			has_fail_under = true;
			break;
		case OPT_JOBS:
			if (!opt_u64("grade", "--jobs", arg, &jobs))
				return 2;
			if (jobs < 1 || jobs > 256) {
				fprintf(stderr, "vmlab grade: --jobs: 1 to 256\n");
				return 2;
			}
			break;
		case OPT_BUNDLE:
			bundle = arg;
			break;
		case OPT_RUN_AS:
			o.run_as = arg;
			break;
		case OPT_NO_TIMING:
			o.timing = false;
			break;
		case OPT_SRC:
			src = arg;
			break;
		case OPT_POSITIONAL:
			if (npos == 2) {
				fprintf(stderr, "vmlab grade: one lab and one submission folder "
						"(see vmlab grade --help)\n");
				return 2;
			}
			pos[npos++] = arg;
			break;
		default:
			return 2;
		}
	}
	if (bundle) {
		if (npos != 1 || !out) {
			fprintf(stderr, "vmlab grade: --bundle KIND LAB -o OUT\n");
			return 2;
		}
		if (!src && !(src = default_src(srcbuf, sizeof srcbuf))) {
			fprintf(stderr, "vmlab grade: --bundle: where is vmlab's source? (--src DIR)\n");
			return 2;
		}
		if (!grade_bundle(bundle, pos[0], src, out, err, sizeof err)) {
			fprintf(stderr, "vmlab grade: %s\n", err);
			return 2;
		}
		return 0;
	}
	if (npos != 2) {
		fprintf(stderr, "vmlab grade: give a lab and a submission folder "
				"(see vmlab grade --help)\n");
		return 2;
	}
	o.lab = pos[0];
	o.submission = pos[1];
	if (jobs) {
		struct grade_batch b = { .base = o, .dir = pos[1],
					 .out = out ? out : "grade-results",
					 .format = (enum gr_format)format, .jobs = (int)jobs };
		if (grade_batch(&b, stderr, err, sizeof err) != 0) {
			fprintf(stderr, "vmlab grade: %s\n", err);
			return 2;
		}
		return 0;
	}
	struct gr_result *r = grade_submission(&o, err, sizeof err);
	if (!r) {
		fprintf(stderr, "vmlab grade: %s\n", err);
		return 2;
	}
	char *text = gr_write(r, (enum gr_format)format);
	bool ok = text && write_out(out, text);
	double max = gr_max_score(r), pct = max > 0 ? 100 * gr_score(r) / max : 100;
	free(text);
	gr_free(r);
	if (!ok) {
		if (!text)
			fprintf(stderr, "vmlab grade: out of memory\n");
		return 2;
	}
	return has_fail_under && pct < (double)fail_under ? 1 : 0;
}
