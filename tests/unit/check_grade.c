/*
 * check_grade.c -- the grader's text handling and writers (ui/grade):
 * what a guest or a compiler prints becomes text every format can carry
 * (valid UTF-8, no control bytes, cut to size without splitting a
 * character); points print the same way everywhere; the writers agree
 * with the tree they are given (TAP's plan, PrairieLearn's score and
 * gradable flag, the text's last line).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ui/grade/gbuf.h"
#include "ui/grade/grade.h"

/* true if s is valid UTF-8 with no control bytes but \n and \t */
static bool clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int k = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
			: (*p & 0xf8) == 0xf0 ? 4 : 0;
		if (!k || (k == 1 && *p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			return false;
		for (int i = 1; i < k; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += k;
	}
	return true;
}

static char *cl(const char *s, size_t max)
{
	char *r = gr_clean_text(s, strlen(s), max);
	ck_assert_ptr_nonnull(r);
	return r;
}

START_TEST(clean_bytes)
{
	char *r = cl("a\x01" "b\r\nc\t\x7f", 100);
	ck_assert_str_eq(r, "a\\x01b\nc\t\\x7f");
	free(r);
	r = cl("\xff\xc0\xaf ok \xc3\xa9 \xed\xa0\x80", 100); /* bad, overlong, é, surrogate */
	ck_assert_str_eq(r, "\\xff\\xc0\\xaf ok \xc3\xa9 \\xed\\xa0\\x80");
	ck_assert(clean(r));
	free(r);
}
END_TEST

START_TEST(clean_cut)
{
	char *big = malloc(10001), *r;
	memset(big, 'x', 10000);
	big[10000] = '\0';
	big[0] = 'H';
	big[9999] = 'T';
	r = cl(big, 4096);
	ck_assert(strlen(r) <= 4096 + 120);
	ck_assert_ptr_nonnull(strstr(r, "bytes cut: output is kept to 4096 bytes"));
	ck_assert_int_eq(r[0], 'H');                 /* the head ...        */
	ck_assert_int_eq(r[strlen(r) - 1], 'T');     /* ... and the tail    */
	free(r);
	/* two-byte characters: the cut never splits one */
	for (int i = 0; i < 10000; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	for (size_t max = 4095; max <= 4100; max++) {
		r = cl(big, max);
		ck_assert(clean(r));
		free(r);
	}
	free(big);
}
END_TEST

START_TEST(points_and_json)
{
	struct gbuf b = { 0 };
	gb_points(&b, 2);
	gb_add(&b, " ");
	gb_points(&b, 0.5);
	gb_add(&b, " ");
	gb_points(&b, 1.25);
	gb_add(&b, " ");
	gb_points(&b, 1.0 / 3);
	gb_add(&b, " ");
	gb_json_str(&b, "q\"\\\n\x01");
	char *s = gb_take(&b);
	ck_assert_str_eq(s, "2 0.5 1.25 0.33 \"q\\\"\\\\\\n\\u0001\"");
	free(s);
}
END_TEST

/* A tree by hand: one build, a group of two tests, one ungrouped test. */
static struct gr_result *tree(bool build_ok)
{
	struct gr_result *r = calloc(1, sizeof *r);
	r->lab = strdup("lab");
	r->submission = strdup("sub");
	r->nbuilds = 1;
	r->builds = calloc(1, sizeof *r->builds);
	r->builds[0] = (struct gr_build){ strdup("prog"), build_ok, strdup("") };
	r->ntests = 3;
	r->tests = calloc(3, sizeof *r->tests);
	const char *names[] = { "a # one", "b", "c" }, *groups[] = { "g", "g", "" };
	for (int i = 0; i < 3; i++) {
		struct gr_test *t = &r->tests[i];
		t->name = strdup(names[i]);
		t->group = strdup(groups[i]);
		t->visibility = strdup("visible");
		t->number = strdup("1.1");
		t->message = strdup(i == 1 ? "wrong" : "");
		t->output = strdup(i == 1 ? "FAIL wrong\n" : "");
		t->replay = strdup("");
		t->status = i == 1 ? GR_FAIL : GR_PASS;
		t->max_points = i == 2 ? 1 : 1.5;
		t->points = t->status == GR_PASS ? t->max_points : 0;
	}
	return r;
}

START_TEST(writers_agree)
{
	struct gr_result *r = tree(true);
	char *text = gr_write(r, GR_TEXT), *tap = gr_write(r, GR_TAP);
	char *pl = gr_write(r, GR_PRAIRIELEARN);

	ck_assert_ptr_nonnull(strstr(text, "\nScore: 2.5/4\n"));
	ck_assert_str_eq(text + strlen(text) - strlen("Score: 2.5/4\n"), "Score: 2.5/4\n");
	/* a build, a group (subtest), an ungrouped test: plan 1..3 */
	ck_assert_ptr_nonnull(strstr(tap, "TAP version 14\n1..3\n"));
	ck_assert_ptr_nonnull(strstr(tap, "    1..2\n"));
	ck_assert_ptr_nonnull(strstr(tap, "    ok 1 - a \\# one\n"));
	ck_assert_ptr_nonnull(strstr(tap, "not ok 2 - g\n"));
	ck_assert_ptr_nonnull(strstr(pl, "\"gradable\": true"));
	ck_assert_ptr_nonnull(strstr(pl, "\"score\": 0.6250"));
	free(text);
	free(tap);
	free(pl);
	gr_free(r);
	r = tree(false);
	pl = gr_write(r, GR_PRAIRIELEARN);
	ck_assert_ptr_nonnull(strstr(pl, "\"gradable\": false"));
	ck_assert_ptr_null(strstr(pl, "\"score\""));
	ck_assert(!gr_gradable(r));
	free(pl);
	gr_free(r);
}
END_TEST

START_TEST(format_names)
{
	for (int f = 0; f < GR_NFORMATS; f++)
		ck_assert_int_eq(gr_format_parse(gr_format_name((enum gr_format)f)), f);
	ck_assert_int_eq(gr_format_parse("yaml"), -1);
}
END_TEST

static Suite *grade_suite(void)
{
	Suite *s = suite_create("grade");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, clean_bytes);
	tcase_add_test(tc, clean_cut);
	tcase_add_test(tc, points_and_json);
	tcase_add_test(tc, writers_agree);
	tcase_add_test(tc, format_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(grade_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
