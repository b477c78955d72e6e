/*
 * out_json.c -- the platforms' results.json, both from the same tree.
 *
 * Gradescope (gradescope-autograders.readthedocs.io, specs):
 *   { "score": 7, "execution_time": 0.12, "output": "...",
 *     "output_format": "text", "test_output_format": "text",
 *     "stdout_visibility": "hidden",
 *     "tests": [ { "name", "number": "1.2", "score", "max_score",
 *                  "status": "passed"|"failed", "output", "visibility" } ] }
 *   Builds are score-less rows (score 0, max_score 0, status), so the sum
 *   of max_score stays the lab's points.
 *
 * PrairieLearn (docs/externalGrading.md):
 *   { "gradable": true, "score": 0.7 (in [0, 1]), "message", "output",
 *     "tests": [ { "name", "description", "points", "max_points",
 *                  "message", "output" } ] }
 *   and when a build failed: { "gradable": false, "format_errors": [...],
 *   "message", "output", "tests": [] } (no attempt is used up).  Tests not
 *   "visible" keep their name and points; their message and output are
 *   held back (PrairieLearn has no visibility of its own).
 */
#include "ui/grade/gbuf.h"
#include "ui/grade/writers.h"

#include <stdlib.h>
#include <string.h>

static void key_str(struct gbuf *b, const char *ind, const char *k, const char *v, bool comma)
{
	gb_printf(b, "%s\"%s\": ", ind, k);
	gb_json_str(b, v);
	gb_add(b, comma ? ",\n" : "\n");
}

static void key_pts(struct gbuf *b, const char *ind, const char *k, double v, bool comma)
{
	gb_printf(b, "%s\"%s\": ", ind, k);
	gb_points(b, v);
	gb_add(b, comma ? ",\n" : "\n");
}

/* "Score: 7/10" and the counts, the top-level message both platforms show. */
static char *summary(const struct gr_result *r)
{
	struct gbuf b = { 0 };

	gb_printf(&b, "Lab %s: ", r->lab);
	gb_points(&b, gr_score(r));
	gb_add(&b, "/");
	gb_points(&b, gr_max_score(r));
	gb_printf(&b, " points; %d passed, %d failed, %d skipped", gr_count(r, GR_PASS),
		  gr_count(r, GR_FAIL), gr_count(r, GR_SKIP));
	for (int i = 0; i < r->nbuilds; i++)
		if (!r->builds[i].ok)
			gb_printf(&b, "\nThe build '%s' failed: see its output.", r->builds[i].name);
	return gb_take(&b);
}

/* A failed test's output as the student reads it: why, then details. */
static char *test_text(const struct gr_test *t)
{
	struct gbuf b = { 0 };

	if (t->status == GR_SKIP)
		gb_printf(&b, "skipped: %s\n", t->message);
	gb_add(&b, t->output);
	return gb_take(&b);
}

char *gr_write_gradescope(const struct gr_result *r)
{
	struct gbuf b = { 0 };
	char *sum = summary(r);
	bool first = true;

	gb_add(&b, "{\n");
	key_pts(&b, "  ", "score", gr_score(r), true);
	gb_printf(&b, "  \"execution_time\": %.3f,\n", r->seconds);
	key_str(&b, "  ", "output", sum ? sum : "", true);
	key_str(&b, "  ", "output_format", "text", true);
	key_str(&b, "  ", "test_output_format", "text", true);
	key_str(&b, "  ", "stdout_visibility", "hidden", true);
	gb_add(&b, "  \"tests\": [");
	for (int i = 0; i < r->nbuilds; i++) {
		const struct gr_build *g = &r->builds[i];
		char num[32];
		snprintf(num, sizeof num, "0.%d", i + 1);
		gb_add(&b, first ? "\n    {\n" : ",\n    {\n");
		first = false;
		struct gbuf nm = { 0 };
		gb_printf(&nm, "build %s", g->name);
		char *name = gb_take(&nm);
		key_str(&b, "      ", "name", name ? name : "build", true);
		free(name);
		key_str(&b, "      ", "number", num, true);
		key_pts(&b, "      ", "score", 0, true);
		key_pts(&b, "      ", "max_score", 0, true);
		key_str(&b, "      ", "status", g->ok ? "passed" : "failed", true);
		key_str(&b, "      ", "output", g->ok ? "" : g->output, true);
		key_str(&b, "      ", "visibility", "visible", false);
		gb_add(&b, "    }");
	}
	for (int i = 0; i < r->ntests; i++) {
		const struct gr_test *t = &r->tests[i];
		char *text = test_text(t);
		gb_add(&b, first ? "\n    {\n" : ",\n    {\n");
		first = false;
		key_str(&b, "      ", "name", t->name, true);
		key_str(&b, "      ", "number", t->number, true);
		key_pts(&b, "      ", "score", t->points, true);
		key_pts(&b, "      ", "max_score", t->max_points, true);
		key_str(&b, "      ", "status", t->status == GR_PASS ? "passed" : "failed", true);
		key_str(&b, "      ", "output", text ? text : "", true);
		key_str(&b, "      ", "visibility", t->visibility, false);
		gb_add(&b, "    }");
		free(text);
	}
	gb_add(&b, first ? "]\n}\n" : "\n  ]\n}\n");
	free(sum);
	return gb_take(&b);
}

char *gr_write_prairielearn(const struct gr_result *r)
{
	struct gbuf b = { 0 };
	char *sum = summary(r);
	double max = gr_max_score(r);
	bool first = true;

	gb_add(&b, "{\n");
	if (!gr_gradable(r)) {
		gb_add(&b, "  \"gradable\": false,\n  \"format_errors\": [");
		for (int i = 0; i < r->nbuilds; i++) {
			if (r->builds[i].ok)
				continue;
			struct gbuf e = { 0 };
			gb_printf(&e, "build %s failed:\n%s", r->builds[i].name, r->builds[i].output);
			char *s = gb_take(&e);
			gb_add(&b, first ? "\n    " : ",\n    ");
			first = false;
			gb_json_str(&b, s ? s : "");
			free(s);
		}
		gb_add(&b, "\n  ],\n");
		key_str(&b, "  ", "message", sum ? sum : "", true);
		key_str(&b, "  ", "output", "The submission does not build; no attempt is used.",
			true);
		gb_add(&b, "  \"tests\": []\n}\n");
		free(sum);
		return gb_take(&b);
	}
	gb_add(&b, "  \"gradable\": true,\n");
	gb_printf(&b, "  \"score\": %.4f,\n", max > 0 ? gr_score(r) / max : 0.0);
	key_str(&b, "  ", "message", sum ? sum : "", true);
	key_str(&b, "  ", "output", "", true);
	gb_add(&b, "  \"tests\": [");
	for (int i = 0; i < r->ntests; i++) {
		const struct gr_test *t = &r->tests[i];
		bool shown = !strcmp(t->visibility, "visible");
		char *text = test_text(t);
		gb_add(&b, first ? "\n    {\n" : ",\n    {\n");
		first = false;
		key_str(&b, "      ", "name", t->name, true);
		key_str(&b, "      ", "description", *t->group ? t->group : r->lab, true);
		key_pts(&b, "      ", "points", t->points, true);
		key_pts(&b, "      ", "max_points", t->max_points, true);
		key_str(&b, "      ", "message", !shown ? "(hidden test)" : t->status == GR_PASS
			? "passed" : t->message, true);
		key_str(&b, "      ", "output", shown && text ? text : "", false);
		gb_add(&b, "    }");
		free(text);
	}
	gb_add(&b, first ? "]\n}\n" : "\n  ]\n}\n");
	free(sum);
	return gb_take(&b);
}
