/*
 * out_text.c -- the text result, for people: a table of builds and tests
 * by group, then each failure's details, then `Score: a/b` as the last
 * line (what scripts grep for, as xv6's gradelib prints it).
 *
 *   Lab sum, submission partial
 *
 *     build program                                          ok
 *   sum
 *     sum of 1..10                                  2/2      ok
 *     empty array                                   0/1      FAIL
 *
 *   FAIL empty array (seed 1)
 *       ...details, cut to GR_MAX_OUTPUT...
 *
 *   Score: 2/3
 *
 * No timing: the text is byte-identical for the same submission.
 */
#include "ui/grade/gbuf.h"
#include "ui/grade/writers.h"

#include <stdlib.h>
#include <string.h>

#define NAME_COL 44 /* test names longer than this are cut with "..." */

static void name_cell(struct gbuf *b, const char *name)
{
	size_t n = strlen(name);

	if (n <= NAME_COL) {
		gb_printf(b, "%-*s", NAME_COL, name);
		return;
	}
	size_t cut = NAME_COL - 3;
	while (cut > 0 && ((unsigned char)name[cut] & 0xc0) == 0x80)
		cut--; /* not inside a UTF-8 sequence */
	gb_addn(b, name, cut);
	gb_printf(b, "...%*s", (int)(NAME_COL - 3 - cut), "");
}

static void test_row(struct gbuf *b, const struct gr_test *t)
{
	struct gbuf pts = { 0 };
	static const char *const word[] = { "ok", "FAIL", "skip" };

	gb_points(&pts, t->points);
	gb_add(&pts, "/");
	gb_points(&pts, t->max_points);
	gb_add(b, "  ");
	name_cell(b, t->name);
	gb_printf(b, " %12s  %s\n", pts.s ? pts.s : "?", word[t->status]);
	free(gb_take(&pts));
}

char *gr_write_text(const struct gr_result *r)
{
	struct gbuf b = { 0 };
	const char *group = NULL;

	gb_printf(&b, "Lab %s, submission %s\n\n", r->lab, r->submission);
	for (int i = 0; i < r->nbuilds; i++) {
		gb_add(&b, "  ");
		name_cell(&b, r->builds[i].name);
		gb_printf(&b, " %12s  %s\n", "build", r->builds[i].ok ? "ok" : "FAILED");
	}
	for (int i = 0; i < r->ntests; i++) {
		const struct gr_test *t = &r->tests[i];
		if (!group || strcmp(group, t->group)) {
			group = t->group;
			gb_printf(&b, "%s\n", *group ? group : "(no group)");
		}
		test_row(&b, t);
	}
	for (int i = 0; i < r->nbuilds; i++) {
		if (r->builds[i].ok)
			continue;
		gb_printf(&b, "\nBUILD FAILED %s\n", r->builds[i].name);
		gb_indent(&b, "    ", r->builds[i].output, 76);
	}
	for (int i = 0; i < r->ntests; i++) {
		const struct gr_test *t = &r->tests[i];
		if (t->status == GR_PASS)
			continue;
		if (t->status == GR_SKIP) {
			gb_printf(&b, "\nSKIP %s: %s\n", t->name, t->message);
			continue;
		}
		gb_printf(&b, "\nFAIL %s", t->name);
		if (t->seed)
			gb_printf(&b, " (seed %lld)", t->seed);
		gb_add(&b, "\n");
		gb_indent(&b, "    ", t->output, 76);
	}
	gb_add(&b, "\nScore: ");
	gb_points(&b, gr_score(r));
	gb_add(&b, "/");
	gb_points(&b, gr_max_score(r));
	gb_add(&b, "\n");
	return gb_take(&b);
}
