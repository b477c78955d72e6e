/*
 * bytes.h -- files as bytes, for tests that damage a file on purpose
 * (images, checkpoints): read it whole, write it back, little-endian
 * words at an offset.
 */
#ifndef VMLAB_TEST_BYTES_H
#define VMLAB_TEST_BYTES_H

#include <stddef.h>
#include <stdint.h>

uint8_t *g_file_read(const char *path, size_t *n);       /* malloc'd */
void g_file_write(const char *path, const uint8_t *p, size_t n);
uint32_t g_rd32(const uint8_t *p);
void g_wr32(uint8_t *p, uint32_t v);

#endif
