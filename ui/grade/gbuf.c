/*
 * gbuf.c -- the writers' buffer, escapes, and the cleaning of text that
 * came from a guest or a compiler (anything: bytes, floods, escapes).
 */
#include "ui/grade/gbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool grow(struct gbuf *b, size_t more)
{
	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = realloc(b->s, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->s = p;
	b->cap = cap;
	return true;
}

void gb_addn(struct gbuf *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void gb_add(struct gbuf *b, const char *s)
{
	gb_addn(b, s, strlen(s));
}

void gb_printf(struct gbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		gb_addn(b, small, (size_t)n);
		return;
	}
	if (!grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void gb_json_str(struct gbuf *b, const char *s)
{
	gb_add(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			gb_printf(b, "\\%c", c);
		else if (c == '\n')
			gb_add(b, "\\n");
		else if (c == '\t')
			gb_add(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			gb_printf(b, "\\u%04x", c);
		else
			gb_addn(b, (const char *)&c, 1);
	}
	gb_add(b, "\"");
}

void gb_xml(struct gbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': gb_add(b, "&lt;"); break;
		case '>': gb_add(b, "&gt;"); break;
		case '&': gb_add(b, "&amp;"); break;
		case '"': gb_add(b, "&quot;"); break;
		case '\'': gb_add(b, "&apos;"); break;
		default: gb_addn(b, s, 1);
		}
	}
}

void gb_points(struct gbuf *b, double v)
{
	double r = round(v * 100) / 100;
	char tmp[64];

	if (r == floor(r) && fabs(r) < 1e15) {
		gb_printf(b, "%.0f", r);
		return;
	}
	snprintf(tmp, sizeof tmp, "%.2f", r);
	size_t n = strlen(tmp);
	while (n > 0 && tmp[n - 1] == '0')
		tmp[--n] = '\0';
	gb_add(b, tmp);
}

void gb_indent(struct gbuf *b, const char *prefix, const char *s, size_t width)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s), skip = nl ? 1 : 0;
		if (width && n > width) {
			size_t sp = width;
			while (sp > width / 2 && s[sp] != ' ')
				sp--;
			if (s[sp] == ' ') { /* at a space: the space goes */
				n = sp;
				skip = 1;
			} else {
				n = width;
				while (n > 1 && ((unsigned char)s[n] & 0xc0) == 0x80)
					n--; /* not inside a UTF-8 sequence */
				skip = 0;
			}
		}
		gb_add(b, prefix);
		gb_addn(b, s, n);
		gb_add(b, "\n");
		s += n + skip;
	}
}

char *gb_take(struct gbuf *b)
{
	char *s = b->oom ? NULL : b->s;

	if (b->oom)
		free(b->s);
	if (!b->oom && !s)
		s = calloc(1, 1);
	memset(b, 0, sizeof *b);
	return s;
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t k;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		k = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		k = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		k = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are not text */
	if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return k;
}

static void clean_into(struct gbuf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = utf8_len(s + i, n - i);
		if (k == 1 && (s[i] == '\n' || s[i] == '\t' || (s[i] >= 0x20 && s[i] != 0x7f))) {
			gb_addn(b, (const char *)s + i, 1);
		} else if (k == 1 && s[i] == '\r') {
			/* dropped: CRLF reads as LF everywhere */
		} else if (k <= 1) {
			gb_printf(b, "\\x%02x", s[i]);
			k = 1;
		} else {
			gb_addn(b, (const char *)s + i, k);
		}
		i += k;
	}
}

/* Back off from cut so as not to split a UTF-8 sequence. */
static size_t char_start(const char *s, size_t cut)
{
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	return cut;
}

char *gr_clean_text(const char *s, size_t len, size_t max)
{
	struct gbuf b = { 0 };

	clean_into(&b, (const unsigned char *)(s ? s : ""), s ? len : 0);
	if (b.oom || b.len <= max)
		return gb_take(&b);
	/* keep three quarters from the head, the rest from the tail */
	char note[160];
	size_t head = char_start(b.s, max * 3 / 4);
	size_t tail = char_start(b.s, b.len - max / 4);
	snprintf(note, sizeof note, "\n[... %zu bytes cut: output is kept to %zu bytes "
		 "per part (docs/grading.md) ...]\n", tail - head, max);
	struct gbuf out = { 0 };
	gb_addn(&out, b.s, head);
	gb_add(&out, note);
	gb_addn(&out, b.s + tail, b.len - tail);
	free(b.s);
	return gb_take(&out);
}
