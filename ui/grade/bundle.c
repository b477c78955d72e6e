#include "ui/grade/grade.h"
bool grade_bundle(const char *kind, const char *lab, const char *src, const char *out,
		  char *err, size_t errlen)
{
	(void)kind, (void)lab, (void)src, (void)out;
	snprintf(err, errlen, "not yet");
	return false;
}
