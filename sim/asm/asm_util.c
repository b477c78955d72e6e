/*
 * asm_util.c -- the assembler's memory: an arena for everything that lives
 * as long as the assembler, growable arrays, and a string hash map.
 */
#include "sim/asm/asm_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct as_chunk {
	struct as_chunk *next;
	size_t used, cap;
	max_align_t data[]; /* aligned for any object */
};

#define CHUNK_BYTES (64u * 1024)

void *as_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		abort(); /* out of host memory */
	return q;
}

void *as_alloc(struct assembler *as, size_t n)
{
	struct as_chunk *c = as->arena.chunks;
	size_t need = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);

	if (!c || c->cap - c->used < need) {
		size_t cap = need > CHUNK_BYTES ? need : CHUNK_BYTES;
		c = as_xrealloc(NULL, sizeof *c + cap);
		c->cap = cap;
		c->used = 0;
		c->next = as->arena.chunks;
		as->arena.chunks = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, need);
	return p;
}

void as_arena_free(struct as_arena *a)
{
	while (a->chunks) {
		struct as_chunk *next = a->chunks->next;
		free(a->chunks);
		a->chunks = next;
	}
}

char *as_strndup(struct assembler *as, const char *s, size_t n)
{
	char *p = as_alloc(as, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *as_strdup(struct assembler *as, const char *s)
{
	return as_strndup(as, s, strlen(s));
}

char *as_printf(struct assembler *as, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = as_alloc(as, (size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* ---- string map: open addressing, FNV-1a, load factor <= 1/2 ---- */

static size_t hash(const char *s)
{
	size_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static size_t slot_of(const struct as_map *m, const char *key)
{
	size_t i = hash(key) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *as_map_get(const struct as_map *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t i = slot_of(m, key);
	return m->keys[i] ? m->vals[i] : NULL;
}

void as_map_put(struct as_map *m, const char *key, void *val)
{
	if (2 * (m->count + 1) > m->cap) {
		struct as_map old = *m;
		m->cap = old.cap ? 2 * old.cap : 64;
		m->keys = calloc(m->cap, sizeof *m->keys);
		m->vals = calloc(m->cap, sizeof *m->vals);
		if (!m->keys || !m->vals)
			abort();
		m->count = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				as_map_put(m, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	size_t i = slot_of(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->count++;
	}
	m->vals[i] = val;
}

void as_map_free(struct as_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}
