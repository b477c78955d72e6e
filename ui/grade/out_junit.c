/*
 * out_junit.c -- JUnit XML as Jenkins, GitLab and the testmoapp reference
 * read it: one <testsuite> for the builds and one per group, classname =
 * LAB/GROUP (GitLab shows it as the suite), unique test names, the reason
 * in the failure's body (GitLab ignores the message attribute).
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <testsuites name="LAB" tests="5" failures="1" errors="0" skipped="0" time="0.01">
 *     <testsuite name="LAB/build" tests="1" failures="0" errors="0" ...>
 *       <testcase name="build program" classname="LAB/build" time="0"/>
 *     </testsuite>
 *     <testsuite name="LAB/sum" ...>
 *       <testcase name="empty array" classname="LAB/sum" time="0.001">
 *         <failure message="a0 after sum" type="fail">details</failure>
 *         <system-out>points 0/1</system-out>
 *       </testcase>
 *     </testsuite>
 *   </testsuites>
 *
 * A build that fails is an <error>: the tests never ran as written.
 */
#include "ui/grade/gbuf.h"
#include "ui/grade/writers.h"

#include <stdlib.h>
#include <string.h>

static void suite_open(struct gbuf *b, const char *lab, const char *group, int tests, int fail,
		       int err, int skip, double secs)
{
	gb_add(b, "  <testsuite name=\"");
	gb_xml(b, lab);
	gb_add(b, "/");
	gb_xml(b, group);
	gb_printf(b, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" "
		  "time=\"%.3f\">\n", tests, fail, err, skip, secs);
}

static void case_open(struct gbuf *b, const char *lab, const char *group, const char *name,
		      double secs)
{
	gb_add(b, "    <testcase name=\"");
	gb_xml(b, name);
	gb_add(b, "\" classname=\"");
	gb_xml(b, lab);
	gb_add(b, "/");
	gb_xml(b, group);
	gb_printf(b, "\" time=\"%.3f\">\n", secs);
}

static void test_case(struct gbuf *b, const char *lab, const struct gr_test *t)
{
	case_open(b, lab, *t->group ? t->group : "tests", t->name, t->seconds);
	if (t->status == GR_FAIL) {
		gb_add(b, "      <failure message=\"");
		gb_xml(b, t->message);
		gb_add(b, "\" type=\"fail\">");
		gb_xml(b, t->output);
		gb_add(b, "</failure>\n");
	} else if (t->status == GR_SKIP) {
		gb_add(b, "      <skipped message=\"");
		gb_xml(b, t->message);
		gb_add(b, "\"/>\n");
	}
	gb_add(b, "      <system-out>points ");
	gb_points(b, t->points);
	gb_add(b, "/");
	gb_points(b, t->max_points);
	gb_add(b, "</system-out>\n    </testcase>\n");
}

char *gr_write_junit(const struct gr_result *r)
{
	struct gbuf b = { 0 };
	int berr = 0;

	for (int i = 0; i < r->nbuilds; i++)
		berr += !r->builds[i].ok;
	gb_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	gb_xml(&b, r->lab);
	gb_printf(&b, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" "
		  "time=\"%.3f\">\n", r->ntests + r->nbuilds, gr_count(r, GR_FAIL), berr,
		  gr_count(r, GR_SKIP), r->seconds);
	if (r->nbuilds) {
		suite_open(&b, r->lab, "build", r->nbuilds, 0, berr, 0, 0);
		for (int i = 0; i < r->nbuilds; i++) {
			const struct gr_build *g = &r->builds[i];
			struct gbuf nm = { 0 };
			gb_add(&nm, "build ");
			gb_add(&nm, g->name);
			case_open(&b, r->lab, "build", nm.s ? nm.s : "build", 0);
			free(gb_take(&nm));
			if (!g->ok) {
				gb_add(&b, "      <error message=\"the submission does not build\" "
					   "type=\"build\">");
				gb_xml(&b, g->output);
				gb_add(&b, "</error>\n");
			}
			gb_add(&b, "    </testcase>\n");
		}
		gb_add(&b, "  </testsuite>\n");
	}
	for (int i = 0; i < r->ntests;) {
		const char *group = r->tests[i].group;
		int j = i, fail = 0, skip = 0;
		double secs = 0;
		while (j < r->ntests && !strcmp(r->tests[j].group, group)) {
			fail += r->tests[j].status == GR_FAIL;
			skip += r->tests[j].status == GR_SKIP;
			secs += r->tests[j].seconds;
			j++;
		}
		suite_open(&b, r->lab, *group ? group : "tests", j - i, fail, 0, skip, secs);
		for (; i < j; i++)
			test_case(&b, r->lab, &r->tests[i]);
		gb_add(&b, "  </testsuite>\n");
	}
	gb_add(&b, "</testsuites>\n");
	return gb_take(&b);
}
