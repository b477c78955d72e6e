/*
 * grade.h -- `vmlab grade`: autograding a lab (docs/grading.md).
 *
 * A lab is a folder with grade.lua (the instructor's, trusted); a
 * submission is a folder of student files (untrusted).  Grading one
 * submission gives one result tree; the writers turn the tree into text,
 * TAP 14, JUnit XML, Gradescope's or PrairieLearn's results.json.
 *
 *   grade_submission(opts) ── copy the submission to a temporary folder
 *        │                    (regular files only)
 *        ├─ Lua state (ui/lua) + grader.lua (the runner, embedded)
 *        │     loads LAB/grade.lua, builds, runs each test on fresh
 *        │     machines under its budgets and seeds
 *        └─ the result table -> struct gr_result -> writers
 *
 * The layers: ui/cli -> ui/grade -> ui/lua -> ... ; nothing here prints
 * except to the streams and files it is given.
 */
#ifndef VMLAB_GRADE_H
#define VMLAB_GRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Per-test output (check reports, GOOD/BAD/MISSING lines, replay) is cut
 * to this many bytes: the head and the tail are kept, with a note between. */
#define GR_MAX_OUTPUT 4096
/* A build's output (assembler or compiler messages) is cut the same way. */
#define GR_MAX_BUILD_OUTPUT 8192

enum gr_status { GR_PASS, GR_FAIL, GR_SKIP };

struct gr_test {
	char *name;        /* unique in the lab                              */
	char *group;       /* "" when the test is in no group                */
	char *visibility;  /* visible, hidden, after_due_date, after_published */
	char *number;      /* "1.2": group 1, test 2 (Gradescope's ordering)  */
	double points, max_points;
	enum gr_status status;
	char *message;     /* one line: why it failed or was skipped ("")    */
	char *expect, *got; /* the first failed check's values, or NULL      */
	char *output;      /* details, cut to GR_MAX_OUTPUT                   */
	char *replay;      /* the command that reproduces a failure, or ""    */
	long long seed;    /* the smallest failing seed, 0 when it passed     */
	double seconds;    /* wall time (a timing field: not deterministic)  */
};

struct gr_build {
	char *name;
	bool ok;
	char *output;      /* cut to GR_MAX_BUILD_OUTPUT                      */
};

struct gr_result {
	char *lab;         /* the lab's name                                 */
	char *submission;  /* the submission's name (its folder's)           */
	struct gr_test *tests;
	int ntests;
	struct gr_build *builds;
	int nbuilds;
	double seconds;    /* timing field                                    */
};

bool gr_gradable(const struct gr_result *r);  /* every build succeeded */
double gr_score(const struct gr_result *r);
double gr_max_score(const struct gr_result *r);
int gr_count(const struct gr_result *r, enum gr_status st);
void gr_free(struct gr_result *r);

/* ---- grading --------------------------------------------------------- */

struct grade_opts {
	const char *lab;          /* the lab folder (holds grade.lua)          */
	const char *submission;   /* the submission folder                     */
	int seeds;                /* run each test under seeds 1..seeds (>= 1) */
	long long first_seed;     /* --seed S: this seed only (0: 1..seeds)    */
	const char *only;         /* grade only the test of this name, or NULL */
	const char *run_as;       /* user for student programs (when root)     */
	bool timing;              /* false: timing fields are 0 (tests)        */
};

/* Grade one submission.  NULL when grading could not run (a bad lab, a
 * missing folder), with the reason in err: the caller exits 2. */
struct gr_result *grade_submission(const struct grade_opts *o, char *err, size_t errlen);

/* ---- writers ------------------------------------------------------------ */

enum gr_format { GR_TEXT, GR_TAP, GR_JUNIT, GR_GRADESCOPE, GR_PRAIRIELEARN, GR_NFORMATS };
/* "text", "tap", ...: -1 if unknown. */
int gr_format_parse(const char *name);
const char *gr_format_name(enum gr_format f);
const char *gr_format_ext(enum gr_format f);   /* ".txt", ".tap", ".xml", ".json" */

/* The whole document in a malloc'd string (NULL: out of memory). */
char *gr_write(const struct gr_result *r, enum gr_format f);

/* ---- many submissions (batch.c) ---------------------------------------- */

struct grade_batch {
	struct grade_opts base;   /* lab, seeds, only, run_as, timing          */
	const char *dir;          /* folder of submission folders             */
	const char *out;          /* folder for the results                   */
	enum gr_format format;
	int jobs;
};
/* Grade every folder in dir, jobs at a time; writes out/NAME + ext for
 * each, out/summary.csv and out/summary.json.  Returns 0, or 2 with the
 * reason in err. Progress lines go to log (may be NULL). */
int grade_batch(const struct grade_batch *b, FILE *log, char *err, size_t errlen);

/* ---- platform bundles (bundle.c) ---------------------------------------- */

/* kind "gradescope": a zip at out; "prairielearn": a folder at out.  src
 * is vmlab's source tree (copied in, so the platform builds vmlab). */
bool grade_bundle(const char *kind, const char *lab, const char *src, const char *out,
		  char *err, size_t errlen);

#endif
