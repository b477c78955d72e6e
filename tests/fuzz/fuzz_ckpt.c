/*
 * fuzz_ckpt.c -- checkpoint loading on arbitrary bytes.  The header's
 * length and checksum are put right first (anyone can compute them), so
 * that the body itself is fuzzed: every field must be checked against what
 * the machine can reach.  A state that loads is run on for a while (with a
 * cycle budget): a device assertion or a hang after a load is a finding.
 *
 * The machine and image are fixed (ckpt_prog.s, 1 MiB of RAM), as are the
 * seeds in corpus/ckpt/, which `make fuzz-seeds` writes with vmlab debug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/asm/asm.h"
#include "sim/image.h"
#include "sim/machine.h"
#include "tests/fuzz/fuzz.h"

#include "tests/fuzz/ckpt_prog.h"

static void fix_header(uint8_t *b, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u, len = n - 28;

	for (size_t i = 28; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3u;
	}
	for (int i = 0; i < 8; i++) {
		b[12 + i] = (uint8_t)(len >> (8 * i));
		b[20 + i] = (uint8_t)(h >> (8 * i));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct image *img;
	static struct machine *m;
	static struct machine_state *fresh; /* the machine just after loading */
	char err[512];
	struct machine_state *s, *again;
	uint8_t *buf;

	if (!img) { /* one machine for all inputs: each starts from `fresh` */
		struct assembler *as = asm_new();
		struct machine_config cfg;
		if (!asm_assemble_string(as, "ckpt_prog.s", ckpt_prog))
			abort();
		img = asm_take_image(as);
		asm_free(as);
		machine_config_defaults(&cfg);
		cfg.mem_bytes = 1u << 20;
		m = machine_new(&cfg, err, sizeof err);
		if (!m || !machine_load_image(m, img, err, sizeof err) ||
		    !(fresh = machine_state_save(m, err, sizeof err)))
			abort();
	}
	if (!machine_state_restore(m, fresh, err, sizeof err))
		abort();
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (size >= 28)
		fix_header(buf, size);
	struct machine_image_id id = { "ckpt_prog.s", img };
	s = machine_state_from_bytes(buf, size, "fuzz.ck", m, &id, size && (data[0] & 1), NULL,
				     err, sizeof err);
	if (s && machine_state_restore(m, s, err, sizeof err)) {
		/* What loaded saves back, and loads and saves back the same (not
		 * byte for byte the file: loading may normalize, e.g. the UART
		 * clamps how much of its console tape has arrived to the tape
		 * this machine has), and runs on within its budget. */
		struct machine_state *once = machine_state_save(m, err, sizeof err);
		if (!once || !machine_state_restore(m, once, err, sizeof err) ||
		    !(again = machine_state_save(m, err, sizeof err)) ||
		    !machine_state_equal(once, again, err, sizeof err)) {
			fprintf(stderr, "fuzz_ckpt: a loaded state saves back otherwise: %s\n", err);
			abort();
		}
		machine_state_free(once);
		machine_state_free(again);
		machine_set_budget(m, machine_cycles(m) + 200000, true);
		machine_run(m, 20000);
		machine_set_budget(m, UINT64_MAX, false);
	}
	machine_state_free(s);
	free(buf);
	return 0;
}
