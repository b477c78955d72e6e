/*
 * conlog.c -- console recordings (format in conlog.h): a checking reader
 * and a line-at-a-time writer.
 */
#include "ui/cli/conlog.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/hostfile.h"

/* ---- reading ---- */

struct parse {
	struct conlog *log;
	const char *path;
	unsigned line;
	char *err;
	size_t errlen;
};

static bool bad(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "%s:%u: ", p->path, p->line);

	if (n < 0 || (size_t)n >= p->errlen)
		return false;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static bool add(struct parse *p, struct conlog_entry e)
{
	struct conlog *log = p->log;

	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 64;
		struct conlog_entry *ne = realloc(log->e, cap * sizeof *ne);
		if (!ne)
			return bad(p, "out of memory");
		log->e = ne;
		log->cap = cap;
	}
	log->e[log->n++] = e;
	return true;
}

static bool decimal(const char **s, const char *end, uint64_t *out)
{
	const char *q = *s;
	uint64_t v = 0;

	if (q == end || *q < '0' || *q > '9')
		return false;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (v > (UINT64_MAX - (uint64_t)(*q - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	*s = q;
	*out = v;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A C string from *s (at its opening quote) into the log's bytes, which
 * have room: a string is never longer than its line. */
static bool cstring(struct parse *p, const char **s, const char *end, size_t *len)
{
	const char *q = *s + 1;
	uint8_t *out = p->log->bytes + p->log->nbytes;
	size_t n = 0;

	for (;;) {
		if (q == end)
			return bad(p, "string without its closing quote");
		if (*q == '"')
			break;
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			return bad(p, "control character in a string (write it as \\xHH)");
		if (*q != '\\') {
			out[n++] = (uint8_t)*q++;
			continue;
		}
		if (++q == end)
			return bad(p, "string without its closing quote");
		switch (*q) {
		case 'r': out[n++] = '\r'; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case '\\': out[n++] = '\\'; break;
		case '"': out[n++] = '"'; break;
		case 'x':
			if (end - q < 3 || hexval(q[1]) < 0 || hexval(q[2]) < 0)
				return bad(p, "\\x needs two hex digits");
			out[n++] = (uint8_t)(hexval(q[1]) << 4 | hexval(q[2]));
			q += 2;
			break;
		default:
			return bad(p, "unknown escape '\\%c' (\\r \\n \\t \\\\ \\\" \\xHH)", *q);
		}
		q++;
	}
	if (n == 0)
		return bad(p, "empty string");
	*s = q + 1;
	*len = n;
	return true;
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static bool word(const char **s, const char *end, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(end - *s) < n || memcmp(*s, w, n) ||
	    ((size_t)(end - *s) > n && (*s)[n] != ' ' && (*s)[n] != '\t' && (*s)[n] != '#'))
		return false;
	*s += n;
	return true;
}

/* One line after the header: an arrival, or nothing. */
static bool parse_line(struct parse *p, const char *s, const char *end)
{
	struct conlog *log = p->log;
	const struct conlog_entry *last = log->n ? &log->e[log->n - 1] : NULL;
	struct conlog_entry e = { 0 };

	s = skip_blanks(s, end);
	if (s == end || *s == '#')
		return true;
	if (!decimal(&s, end, &e.cycle))
		return bad(p, "expected a cycle number (decimal)");
	if (last && last->kind == CONLOG_STOP)
		return bad(p, "nothing may follow 'stop'");
	if (last && e.cycle < last->cycle)
		return bad(p, "cycle %llu is before the previous line's %llu",
			   (unsigned long long)e.cycle, (unsigned long long)last->cycle);
	s = skip_blanks(s, end);
	if (s < end && *s == '"') {
		if (last && last->kind == CONLOG_EOF)
			return bad(p, "input after 'eof'");
		e.kind = CONLOG_BYTES;
		e.off = log->nbytes;
		if (!cstring(p, &s, end, &e.len))
			return false;
		log->nbytes += e.len;
	} else if (word(&s, end, "eof")) {
		if (last && last->kind == CONLOG_EOF)
			return bad(p, "a second 'eof'");
		e.kind = CONLOG_EOF;
	} else if (word(&s, end, "stop")) {
		e.kind = CONLOG_STOP;
		s = skip_blanks(s, end);
		if (!decimal(&s, end, &e.insns))
			return bad(p, "'stop' needs the instruction count (decimal)");
		if (e.insns > e.cycle)
			return bad(p, "%llu instructions cannot retire in %llu cycles",
				   (unsigned long long)e.insns, (unsigned long long)e.cycle);
	} else {
		return bad(p, "expected \"BYTES\", eof or stop after the cycle");
	}
	s = skip_blanks(s, end);
	if (s < end && *s != '#')
		return bad(p, "unexpected text after the arrival");
	return add(p, e);
}

bool conlog_read(struct conlog *log, const char *path, char *err, size_t errlen)
{
	struct parse p = { .log = log, .path = path, .err = err, .errlen = errlen };
	size_t len;
	uint8_t *buf;
	const char *s, *end;
	bool ok = true;

	memset(log, 0, sizeof *log);
	buf = hostfile_read(path, CONLOG_MAX, "a console recording", &len, err, errlen);
	if (!buf)
		return false;
	log->bytes = malloc(len + 1); /* the bytes are never more than the text */
	if (!log->bytes) {
		free(buf);
		snprintf(err, errlen, "%s: out of memory", path);
		return false;
	}
	s = (const char *)buf;
	end = s + len;
	if (memchr(s, '\0', len)) {
		snprintf(err, errlen, "%s: not a console recording (a NUL byte: binary?)", path);
		ok = false;
	}
	while (ok && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		p.line++;
		if (eol > s && eol[-1] == '\r')
			eol--; /* a file edited on Windows */
		if (p.line == 1) {
			size_t hl = strlen(CONLOG_HEADER);
			if ((size_t)(eol - s) != hl || memcmp(s, CONLOG_HEADER, hl))
				ok = bad(&p, "not a console recording (the first line must be '%s')",
					 CONLOG_HEADER);
		} else {
			ok = parse_line(&p, s, eol);
		}
		s = nl ? nl + 1 : end;
	}
	if (ok && p.line == 0) {
		snprintf(err, errlen, "%s: empty file, not a console recording", path);
		ok = false;
	}
	free(buf);
	if (!ok)
		conlog_free(log);
	return ok;
}

void conlog_free(struct conlog *log)
{
	free(log->e);
	free(log->bytes);
	memset(log, 0, sizeof *log);
}

/* ---- writing ---- */

FILE *conlog_create(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fprintf(f, "%s\n# cycle, then what arrived: \"bytes\", eof, or stop INSNS\n",
		CONLOG_HEADER);
	fflush(f);
	return f;
}

void conlog_put_bytes(FILE *f, uint64_t cycle, const uint8_t *bytes, size_t n)
{
	fprintf(f, "%llu \"", (unsigned long long)cycle);
	for (size_t i = 0; i < n; i++) {
		uint8_t b = bytes[i];
		if (b == '\r')
			fputs("\\r", f);
		else if (b == '\n')
			fputs("\\n", f);
		else if (b == '\t')
			fputs("\\t", f);
		else if (b == '\\' || b == '"')
			fprintf(f, "\\%c", b);
		else if (b < 0x20 || b >= 0x7f)
			fprintf(f, "\\x%02x", b);
		else
			fputc(b, f);
	}
	fputs("\"\n", f);
	fflush(f);
}

void conlog_put_eof(FILE *f, uint64_t cycle)
{
	fprintf(f, "%llu eof\n", (unsigned long long)cycle);
	fflush(f);
}

void conlog_put_stop(FILE *f, uint64_t cycle, uint64_t insns)
{
	fprintf(f, "%llu stop %llu\n", (unsigned long long)cycle, (unsigned long long)insns);
	fflush(f);
}
