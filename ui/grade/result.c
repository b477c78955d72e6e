/*
 * result.c -- the result tree: totals, format names, freeing.
 *
 *   gr_result ── lab, submission, seconds
 *     ├─ builds[]  name, ok, output          (score-less: pass or fail)
 *     └─ tests[]   name, group, visibility, number, points/max_points,
 *                  status, message, expect/got, output, replay, seed
 *
 * Every writer reads only this tree, so the formats never disagree.
 */
#include "ui/grade/grade.h"
#include "ui/grade/writers.h"

#include <stdlib.h>
#include <string.h>

bool gr_gradable(const struct gr_result *r)
{
	for (int i = 0; i < r->nbuilds; i++)
		if (!r->builds[i].ok)
			return false;
	return true;
}

double gr_score(const struct gr_result *r)
{
	double s = 0;

	for (int i = 0; i < r->ntests; i++)
		s += r->tests[i].points;
	return s;
}

double gr_max_score(const struct gr_result *r)
{
	double s = 0;

	for (int i = 0; i < r->ntests; i++)
		s += r->tests[i].max_points;
	return s;
}

int gr_count(const struct gr_result *r, enum gr_status st)
{
	int n = 0;

	for (int i = 0; i < r->ntests; i++)
		n += r->tests[i].status == st;
	return n;
}

void gr_free(struct gr_result *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->ntests; i++) {
		struct gr_test *t = &r->tests[i];
		free(t->name);
		free(t->group);
		free(t->visibility);
		free(t->number);
		free(t->message);
		free(t->expect);
		free(t->got);
		free(t->output);
		free(t->replay);
	}
	for (int i = 0; i < r->nbuilds; i++) {
		free(r->builds[i].name);
		free(r->builds[i].output);
	}
	free(r->tests);
	free(r->builds);
	free(r->lab);
	free(r->submission);
	free(r);
}

static const char *const format_names[GR_NFORMATS] = {
	"text", "tap", "junit", "gradescope", "prairielearn",
};
static const char *const format_exts[GR_NFORMATS] = {
	".txt", ".tap", ".xml", ".json", ".json",
};

int gr_format_parse(const char *name)
{
	for (int i = 0; i < GR_NFORMATS; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

const char *gr_format_name(enum gr_format f)
{
	return format_names[f];
}

const char *gr_format_ext(enum gr_format f)
{
	return format_exts[f];
}

char *gr_write(const struct gr_result *r, enum gr_format f)
{
	switch (f) {
	case GR_TEXT: return gr_write_text(r);
	case GR_TAP: return gr_write_tap(r);
	case GR_JUNIT: return gr_write_junit(r);
	case GR_GRADESCOPE: return gr_write_gradescope(r);
	case GR_PRAIRIELEARN: return gr_write_prairielearn(r);
	default: return NULL;
	}
}
