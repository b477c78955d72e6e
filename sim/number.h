/*
 * number.h -- the one strict parser of unsigned numbers for every layer
 * (command-line options, --vm and --vmm-cost fields, the debugger).
 *
 * strtoull() skips leading white space and accepts a sign, so " -1" reads
 * as 2^64-1 and "+5" as 5; numbers typed by a user or a grader are never
 * meant that way.  Accepted: decimal digits, or 0x / 0X and hex digits,
 * nothing before or after, no overflow past max.
 */
#ifndef VMLAB_NUMBER_H
#define VMLAB_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum num_result { NUM_OK, NUM_SYNTAX, NUM_RANGE };

/* Parse s[0..len) (len = SIZE_MAX: up to the NUL) as above; on NUM_OK *out
 * holds the value, which is at most max. */
enum num_result num_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);
/* Only digits of base (2..16), no prefix: for callers with other prefixes. */
enum num_result num_parse_digits(const char *s, size_t len, unsigned base, uint64_t max,
				 uint64_t *out);

#endif
