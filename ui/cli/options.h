/*
 * options.h -- command-line parsing shared by the subcommands.
 *
 * Long options as `--name value` or `--name=value`, short ones as `-x
 * value`; everything else is positional; `--` ends the options.  Errors
 * are one line on stderr, `vmlab CMD: ...`, and the caller exits 2.
 */
#ifndef VMLAB_OPTIONS_H
#define VMLAB_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

struct opt_spec {
	const char *name;  /* long name without "--"              */
	char short_name;   /* 0 if none                           */
	bool has_arg;
	int id;            /* returned by opt_next                */
};

enum { OPT_END = -1, OPT_ERROR = -2, OPT_POSITIONAL = -3 };

struct opt_parser {
	const char *cmd;   /* for messages: "run"                  */
	int argc;
	char **argv;
	int i;             /* next argument                        */
	bool only_positional;
};

void opt_init(struct opt_parser *p, const char *cmd, int argc, char **argv);
/* The next option's id (its argument in *arg), OPT_POSITIONAL with the
 * argument in *arg, OPT_END, or OPT_ERROR after printing why. */
int opt_next(struct opt_parser *p, const struct opt_spec *specs, const char **arg);

/* Numbers: decimal, 0x hex, parsed strictly by sim/number.h (no sign, no
 * white space: " -1" is an error, not 2^64-1); sizes also take K, M, G
 * suffixes (powers of 1024).  false after printing "vmlab CMD: --opt: ..." */
bool opt_u64(const char *cmd, const char *opt, const char *s, uint64_t *out);
bool opt_size(const char *cmd, const char *opt, const char *s, uint32_t *out);

#endif
