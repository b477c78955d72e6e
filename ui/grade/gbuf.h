/*
 * gbuf.h -- a growing text buffer for the writers, with the escapes each
 * format needs.  Out of memory sticks (gb.oom) and gb_take returns NULL.
 */
#ifndef VMLAB_GBUF_H
#define VMLAB_GBUF_H

#include <stdbool.h>
#include <stddef.h>

struct gbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

void gb_add(struct gbuf *b, const char *s);
void gb_addn(struct gbuf *b, const char *s, size_t n);
void gb_printf(struct gbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal, quotes included (also a YAML 1.2 double-quoted
 * scalar: TAP's diagnostics use it). */
void gb_json_str(struct gbuf *b, const char *s);
/* Text for XML content or a double-quoted attribute. */
void gb_xml(struct gbuf *b, const char *s);
/* A number of points: "2", "0.5", "1.25" (at most two decimals). */
void gb_points(struct gbuf *b, double v);
/* Every line of s with prefix before it (s's last newline optional);
 * with width > 0, lines longer than width bytes go on in the next line. */
void gb_indent(struct gbuf *b, const char *prefix, const char *s, size_t width);
/* The buffer as a malloc'd string (NULL after out of memory); b is reset. */
char *gb_take(struct gbuf *b);

/* Text any format can carry: valid UTF-8 (a bad byte becomes "\xHH"),
 * no control characters but newline and tab (others as "\xHH", CR
 * dropped), cut to max bytes keeping the head and the tail around a note.
 * malloc'd; NULL when out of memory. */
char *gr_clean_text(const char *s, size_t len, size_t max);

#endif
