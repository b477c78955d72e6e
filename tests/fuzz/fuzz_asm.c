/*
 * fuzz_asm.c -- the assembler on arbitrary source text: any input must end
 * in an image or in diagnostics, within the documented limits (docs/asm.md
 * §15), never in a crash, a hang or unbounded memory.  The image, if any,
 * is written and read back (the ELF writer and reader agree).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/asm/asm.h"
#include "sim/image.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	struct assembler *as = asm_new();

	if (text && as) {
		bool ok = asm_assemble_string(as, "fuzz.s", text);
		for (size_t i = 0; i < asm_diag_count(as); i++)
			if (!asm_diag_get(as, i))
				abort();
		if (ok && asm_image(as)) {
			char path[64], err[256];
			snprintf(path, sizeof path, "/tmp/vmlab-fuzz-asm.%ld.elf", (long)getpid());
			if (image_write_elf(asm_image(as), path, err, sizeof err)) {
				struct image *back = image_read_elf(path, err, sizeof err);
				if (!back)
					abort(); /* the reader refuses what the writer wrote */
				image_free(back);
			}
			unlink(path);
		}
	}
	asm_free(as);
	free(text);
	return 0;
}
