/*
 * options.c -- a small option parser with messages that say what is wrong
 * and where (getopt's are terse and name the wrong program).
 */
#include "ui/cli/options.h"
#include "sim/number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void opt_init(struct opt_parser *p, const char *cmd, int argc, char **argv)
{
	*p = (struct opt_parser){ .cmd = cmd, .argc = argc, .argv = argv, .i = 1 };
}

static const struct opt_spec *find_long(const struct opt_spec *specs, const char *name, size_t len)
{
	for (; specs->name; specs++)
		if (strlen(specs->name) == len && !strncmp(specs->name, name, len))
			return specs;
	return NULL;
}

static const struct opt_spec *find_short(const struct opt_spec *specs, char c)
{
	for (; specs->name; specs++)
		if (specs->short_name && specs->short_name == c)
			return specs;
	return NULL;
}

int opt_next(struct opt_parser *p, const struct opt_spec *specs, const char **arg)
{
	const struct opt_spec *s;
	const char *a, *eq;

	*arg = NULL;
	if (p->i >= p->argc)
		return OPT_END;
	a = p->argv[p->i++];
	if (p->only_positional || a[0] != '-' || a[1] == '\0') {
		*arg = a;
		return OPT_POSITIONAL;
	}
	if (!strcmp(a, "--")) {
		p->only_positional = true;
		return opt_next(p, specs, arg);
	}
	if (a[1] == '-') {
		eq = strchr(a + 2, '=');
		s = find_long(specs, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (!s) {
			fprintf(stderr, "vmlab %s: unknown option '%.*s' (see vmlab %s --help)\n",
				p->cmd, eq ? (int)(eq - a) : (int)strlen(a), a, p->cmd);
			return OPT_ERROR;
		}
		if (!s->has_arg && eq) {
			fprintf(stderr, "vmlab %s: option '--%s' takes no value\n", p->cmd, s->name);
			return OPT_ERROR;
		}
		if (s->has_arg) {
			if (eq) {
				*arg = eq + 1;
			} else if (p->i < p->argc) {
				*arg = p->argv[p->i++];
			} else {
				fprintf(stderr, "vmlab %s: option '--%s' needs a value\n", p->cmd, s->name);
				return OPT_ERROR;
			}
		}
		return s->id;
	}
	s = a[2] == '\0' ? find_short(specs, a[1]) : NULL;
	if (!s) {
		fprintf(stderr, "vmlab %s: unknown option '%s' (see vmlab %s --help)\n", p->cmd, a, p->cmd);
		return OPT_ERROR;
	}
	if (s->has_arg) {
		if (p->i >= p->argc) {
			fprintf(stderr, "vmlab %s: option '-%c' needs a value\n", p->cmd, s->short_name);
			return OPT_ERROR;
		}
		*arg = p->argv[p->i++];
	}
	return s->id;
}

bool opt_u64(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
	switch (num_parse_u64(s, SIZE_MAX, UINT64_MAX, out)) {
	case NUM_OK:
		return true;
	case NUM_RANGE:
		fprintf(stderr, "vmlab %s: %s: '%s' is too large (at most 2^64 - 1)\n", cmd, opt, s);
		return false;
	default:
		fprintf(stderr, "vmlab %s: %s: '%s' is not a non-negative integer\n", cmd, opt, s);
		return false;
	}
}

bool opt_size(const char *cmd, const char *opt, const char *s, uint32_t *out)
{
	size_t n = strlen(s), digits = n;
	unsigned shift = 0;
	uint64_t v;

	/* the unit: K, M, G, optionally as KiB, MiB, GiB */
	if (digits >= 3 && (s[digits - 1] == 'B' || s[digits - 1] == 'b') &&
	    (s[digits - 2] == 'i' || s[digits - 2] == 'I') && strchr("kKmMgG", s[digits - 3]))
		digits -= 2;
	if (digits >= 2 && strchr("kKmMgG", s[digits - 1])) { /* no hex digit is a unit */
		char u = s[digits - 1];
		shift = u == 'k' || u == 'K' ? 10 : u == 'm' || u == 'M' ? 20 : 30;
		digits--;
	}
	switch (num_parse_u64(s, digits, 0xffffffffull >> shift, &v)) {
	case NUM_OK:
		*out = (uint32_t)(v << shift);
		return true;
	case NUM_RANGE:
		fprintf(stderr, "vmlab %s: %s: '%s' is too large (at most 4 GiB - 1)\n", cmd, opt, s);
		return false;
	default:
		fprintf(stderr, "vmlab %s: %s: '%s' is not a size (bytes, or with K, M, G)\n", cmd, opt, s);
		return false;
	}
}
