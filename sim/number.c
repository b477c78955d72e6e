/*
 * number.c -- strict unsigned numbers (see number.h for why not strtoull).
 */
#include "sim/number.h"

#include <string.h>

static int digit(char c, unsigned base)
{
	int d = c >= '0' && c <= '9' ? c - '0'
	      : c >= 'a' && c <= 'f' ? c - 'a' + 10
	      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
	return d < (int)base ? d : -1;
}

enum num_result num_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	if (len == SIZE_MAX)
		len = strlen(s);
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return num_parse_digits(s + 2, len - 2, 16, max, out);
	return num_parse_digits(s, len, 10, max, out);
}

enum num_result num_parse_digits(const char *s, size_t len, unsigned base, uint64_t max,
				 uint64_t *out)
{
	uint64_t v = 0;
	bool range = false;

	if (len == 0)
		return NUM_SYNTAX;
	for (size_t i = 0; i < len; i++) {
		int d = digit(s[i], base);
		if (d < 0)
			return NUM_SYNTAX;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			range = true; /* keep going: "99999999999999999999x" is syntax */
		else
			v = v * base + (uint64_t)d;
	}
	if (range || v > max)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}
