/*
 * fuzz_vmopt.c -- the parsers of option values on arbitrary text: --vm
 * SPEC, --vmm-cost SPEC, sizes and numbers (one strict parser).  A value
 * or a message, never a crash; a number accepted is the number written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/vmm.h"
#include "sim/number.h"
#include "tests/fuzz/fuzz.h"
#include "ui/cli/options.h"
#include "ui/cli/session.h"
#include "ui/cli/vm_front.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm_front front;
	char *text = fuzz_cstring(data, size), err[256];
	struct session s;
	struct vmm_costs costs;
	uint64_t v;
	uint32_t sz;

	if (!text)
		return 0;
	session_init(&s, "fuzz");
	vm_front_init(&front);
	(void)vm_front_parse(&front, "fuzz", text, &s);
	vmm_costs_defaults(&costs);
	(void)vmm_costs_parse(&costs, text, err, sizeof err);
	if (opt_u64("fuzz", "--n", text, &v)) {
		char back[32];
		snprintf(back, sizeof back, "%llu", (unsigned long long)v);
		if (strcmp(back, text) && strncmp(text, "0x", 2) && strncmp(text, "0X", 2) &&
		    text[0] != '0')
			abort(); /* a decimal accepted must read back the same */
	}
	(void)opt_size("fuzz", "--mem", text, &sz);
	if (num_parse_u64(text, size, UINT64_MAX, &v) == NUM_OK && memchr(text, ' ', size))
		abort(); /* no blanks in a number */
	free(text);
	return 0;
}
