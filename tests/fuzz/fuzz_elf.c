/*
 * fuzz_elf.c -- the ELF loader on arbitrary bytes: an image or a one-line
 * reason, never a crash.  An image that loads is put into a machine (which
 * must accept it or say why) and its lookups are exercised.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/image.h"
#include "sim/machine.h"
#include "sim/asm/disasm.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct image *img = image_parse_elf(data, size, "fuzz.elf", err, sizeof err);

	if (!img) {
		if (!err[0] || strlen(err) >= sizeof err)
			abort(); /* a refusal always says why */
		return 0;
	}
	struct machine_config cfg;
	machine_config_defaults(&cfg);
	cfg.mem_bytes = 1u << 20;
	struct machine *m = machine_new(&cfg, err, sizeof err);
	if (m && machine_load_image(m, img, err, sizeof err)) {
		/* as vmlab run does: a halt no tick wakes still ends */
		machine_set_budget(m, 200000, true);
		machine_run(m, 1000);
	}
	for (uint32_t a = 0; a < 64; a++) {
		uint32_t addr = img->entry + a * 4, l;
		const char *file;
		(void)image_symbol_near(img, addr);
		(void)image_line_at(img, addr);
		file = img->nfiles ? img->files[0] : "x";
		(void)image_line_addr(img, file, a, &l);
	}
	machine_free(m);
	image_free(img);
	return 0;
}
