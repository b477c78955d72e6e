/*
 * out_tap.c -- TAP version 14 (testanything.org): one test point per build
 * and per ungrouped test, a subtest per group; a YAML block after every
 * point with the points, and for a failure the message, got/expect, the
 * seed, the replay command and the output.
 *
 *   TAP version 14
 *   1..2
 *   ok 1 - build program
 *   # Subtest: sum
 *       1..2
 *       ok 1 - sum of 1..10
 *         ---
 *         points: 2
 *         max_points: 2
 *         ...
 *       not ok 2 - empty array
 *         ---
 *         message: "a0 after sum: expected 0, got 7"
 *         severity: fail
 *         data:
 *           got: "7"
 *           expect: "0"
 *         ...
 *   not ok 2 - sum
 *
 * YAML strings are written as JSON strings (valid YAML 1.2 double-quoted
 * scalars), so no guest output can end the block early.
 */
#include "ui/grade/gbuf.h"
#include "ui/grade/writers.h"

#include <string.h>

/* A description: '#' and '\' escaped, as TAP 14 says. */
static void desc(struct gbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '#' || *s == '\\')
			gb_add(b, "\\");
		gb_addn(b, *s == '\n' ? " " : s, 1);
	}
}

static void yaml_str(struct gbuf *b, const char *ind, const char *key, const char *v)
{
	gb_printf(b, "%s  %s: ", ind, key);
	gb_json_str(b, v);
	gb_add(b, "\n");
}

static void test_point(struct gbuf *b, const char *ind, int n, const struct gr_test *t)
{
	gb_printf(b, "%s%s %d - ", ind, t->status == GR_FAIL ? "not ok" : "ok", n);
	desc(b, t->name);
	if (t->status == GR_SKIP) {
		gb_add(b, " # SKIP ");
		desc(b, t->message);
	}
	gb_printf(b, "\n%s  ---\n%s  points: ", ind, ind);
	gb_points(b, t->points);
	gb_printf(b, "\n%s  max_points: ", ind);
	gb_points(b, t->max_points);
	gb_add(b, "\n");
	if (t->status == GR_FAIL) {
		yaml_str(b, ind, "message", t->message);
		gb_printf(b, "%s  severity: fail\n", ind);
		if (t->expect && t->got) {
			gb_printf(b, "%s  data:\n", ind);
			yaml_str(b, ind, "  got", t->got);
			yaml_str(b, ind, "  expect", t->expect);
		}
		if (t->seed)
			gb_printf(b, "%s  seed: %lld\n", ind, t->seed);
		if (*t->replay)
			yaml_str(b, ind, "replay", t->replay);
		yaml_str(b, ind, "output", t->output);
	}
	gb_printf(b, "%s  ...\n", ind);
}

char *gr_write_tap(const struct gr_result *r)
{
	struct gbuf b = { 0 };
	int points = r->nbuilds, n = 0;

	for (int i = 0; i < r->ntests; i++) /* tests come grouped (runner) */
		if (!*r->tests[i].group || i == 0 || strcmp(r->tests[i].group, r->tests[i - 1].group))
			points++;
	gb_printf(&b, "TAP version 14\n1..%d\n", points);
	for (int i = 0; i < r->nbuilds; i++) {
		const struct gr_build *g = &r->builds[i];
		gb_printf(&b, "%s %d - build ", g->ok ? "ok" : "not ok", ++n);
		desc(&b, g->name);
		gb_add(&b, "\n");
		if (!g->ok) {
			gb_add(&b, "  ---\n");
			yaml_str(&b, "", "message", "the submission does not build");
			gb_add(&b, "  severity: fail\n");
			yaml_str(&b, "", "output", g->output);
			gb_add(&b, "  ...\n");
		}
	}
	for (int i = 0; i < r->ntests;) {
		const struct gr_test *t = &r->tests[i];
		if (!*t->group) {
			test_point(&b, "", ++n, t);
			i++;
			continue;
		}
		int j = i, k = 0;
		bool failed = false;
		while (j < r->ntests && !strcmp(r->tests[j].group, t->group))
			j++;
		gb_add(&b, "# Subtest: ");
		desc(&b, t->group);
		gb_printf(&b, "\n    1..%d\n", j - i);
		for (; i < j; i++) {
			test_point(&b, "    ", ++k, &r->tests[i]);
			failed |= r->tests[i].status == GR_FAIL;
		}
		gb_printf(&b, "%s %d - ", failed ? "not ok" : "ok", ++n);
		desc(&b, t->group);
		gb_add(&b, "\n");
	}
	return gb_take(&b);
}
