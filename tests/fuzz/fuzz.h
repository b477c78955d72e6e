/*
 * fuzz.h -- the entry point every fuzz target defines (libFuzzer's), built
 * either with clang's -fsanitize=fuzzer (make fuzz) or with replay.c as a
 * plain driver that runs saved inputs (make fuzz-smoke, any compiler).
 */
#ifndef VMLAB_FUZZ_H
#define VMLAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data as a NUL-terminated string (malloc'd; NULL if out of memory). */
char *fuzz_cstring(const uint8_t *data, size_t size);

#endif
