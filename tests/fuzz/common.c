/*
 * common.c -- small helpers shared by the fuzz targets.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}
