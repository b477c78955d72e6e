/*
 * asm_lex.c -- one source line to tokens.
 *
 * Comments run from `#`, `;` or `//` to the end of the line.  Names may
 * hold letters, digits, `_`, `.` and `$` and not start with a digit, so
 * directives (.word) and local-looking names (.Lloop) are names too; a
 * `.` on its own is the current address.  Numbers: decimal, 0x hex, 0b
 * binary, 'c' characters.  `1b`/`1f` refer to the numeric local label 1
 * backward/forward.
 *
 * Token strings are built in a scratch buffer reused line after line:
 * tokens live only while their line is processed; whatever must last is
 * copied into the arena by whoever keeps it.
 */
#include "sim/asm/asm_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct lexer {
	struct assembler *as;
	const struct as_line *ln;
	const char *s; /* the line */
	size_t i;      /* current byte */
	size_t n;      /* tokens so far */
};

static bool ident_start(int c)
{
	return isalpha(c) || c == '_' || c == '.' || c == '$';
}

static bool ident_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '$';
}

/* Append bytes to the scratch buffer; returns their offset. */
static size_t scratch_put(struct assembler *as, const char *p, size_t n)
{
	size_t off = as->scratch_len;
	while (as->scratch_len + n + 1 > as->scratch_cap) {
		as->scratch_cap = as->scratch_cap ? 2 * as->scratch_cap : 256;
		as->scratch = as_xrealloc(as->scratch, as->scratch_cap);
	}
	memcpy(as->scratch + off, p, n);
	as->scratch_len += n;
	return off;
}

static struct tok *new_tok(struct lexer *lx, enum tok_kind kind, size_t start)
{
	struct assembler *as = lx->as;
	if (lx->n + 1 >= as->tokcap) {
		as->tokcap = as->tokcap ? 2 * as->tokcap : 64;
		as->tokv = as_xrealloc(as->tokv, as->tokcap * sizeof *as->tokv);
	}
	struct tok *t = &as->tokv[lx->n++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->col = (uint32_t)start + 1;
	t->len = (uint32_t)(lx->i - start);
	return t;
}

static void lex_error(struct lexer *lx, size_t at, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void lex_error(struct lexer *lx, size_t at, size_t len, const char *fmt, ...)
{
	char msg[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	as_error(lx->as, lx->ln, (uint32_t)at + 1, (uint32_t)len, "%s", msg);
}

/* One character or escape sequence inside '...' or "..."; false after
 * reporting a bad escape. */
static bool lex_char(struct lexer *lx, int *out)
{
	const char *s = lx->s;
	size_t at = lx->i;

	if (s[lx->i] != '\\') {
		*out = (unsigned char)s[lx->i++];
		return true;
	}
	lx->i++;
	int c = (unsigned char)s[lx->i];
	lx->i++;
	switch (c) {
	case 'n': *out = '\n'; return true;
	case 't': *out = '\t'; return true;
	case 'r': *out = '\r'; return true;
	case 'a': *out = '\a'; return true;
	case 'b': *out = '\b'; return true;
	case 'f': *out = '\f'; return true;
	case 'v': *out = '\v'; return true;
	case 'e': *out = 0x1b; return true;
	case '\\': case '\'': case '"': case '?': *out = c; return true;
	case 'x': {
		int v = 0, digits = 0;
		while (isxdigit((unsigned char)s[lx->i]) && digits < 2) {
			int d = (unsigned char)s[lx->i++];
			v = v * 16 + (isdigit(d) ? d - '0' : tolower(d) - 'a' + 10);
			digits++;
		}
		if (!digits) {
			lex_error(lx, at, lx->i - at, "\\x used with no following hex digits");
			return false;
		}
		*out = v;
		return true;
	}
	default:
		if (c >= '0' && c <= '7') {
			int v = c - '0';
			for (int k = 0; k < 2 && s[lx->i] >= '0' && s[lx->i] <= '7'; k++)
				v = v * 8 + (s[lx->i++] - '0');
			if (v > 255) {
				lex_error(lx, at, lx->i - at, "octal escape sequence out of range");
				return false;
			}
			*out = v;
			return true;
		}
		if (!c) {
			lx->i--;
			*out = '\\';
			return true; /* the caller reports the missing quote */
		}
		{
			char esc[3] = { '\\', (char)c, 0 };
			lex_error(lx, at, 2, "unknown escape sequence '%s'", esc);
		}
		return false;
	}
}

static bool lex_string(struct lexer *lx)
{
	struct assembler *as = lx->as;
	size_t start = lx->i++;
	size_t off = as->scratch_len;

	while (lx->s[lx->i] != '"') {
		if (!lx->s[lx->i]) {
			lex_error(lx, start, 1, "unterminated string");
			return false;
		}
		int c;
		if (!lex_char(lx, &c))
			return false;
		char ch = (char)c;
		scratch_put(as, &ch, 1);
	}
	lx->i++;
	size_t len = as->scratch_len - off;
	scratch_put(as, "", 1); /* NUL, so a name from a string is a C string */
	struct tok *t = new_tok(lx, TOK_STR, start);
	t->str = (const char *)(uintptr_t)off; /* fixed up at the end */
	t->slen = len;
	return true;
}

static bool lex_charlit(struct lexer *lx)
{
	const char *s = lx->s;
	size_t start = lx->i++;
	int c;

	if (s[lx->i] == '\'') {
		lex_error(lx, start, 2, "empty character constant");
		return false;
	}
	if (s[lx->i] && !lex_char(lx, &c))
		return false;
	if (s[lx->i] != '\'') {
		size_t e = lx->i;
		while (s[e] && s[e] != '\'')
			e++;
		if (s[e] == '\'')
			lex_error(lx, start, e + 1 - start, "character constant too long");
		else
			lex_error(lx, start, 1, "unterminated character constant");
		return false;
	}
	lx->i++;
	new_tok(lx, TOK_NUM, start)->num = c;
	return true;
}

static bool lex_number(struct lexer *lx)
{
	const char *s = lx->s;
	size_t start = lx->i;
	unsigned base = 10;
	uint64_t v = 0;
	bool overflow = false;

	if (s[lx->i] == '0' && (s[lx->i + 1] == 'x' || s[lx->i + 1] == 'X')) {
		base = 16;
		lx->i += 2;
		if (!isxdigit((unsigned char)s[lx->i])) {
			lex_error(lx, start, lx->i - start, "invalid hexadecimal constant '%.2s'",
				  s + start);
			return false;
		}
	} else if (s[lx->i] == '0' && (s[lx->i + 1] == 'b' || s[lx->i + 1] == 'B') &&
		   (s[lx->i + 2] == '0' || s[lx->i + 2] == '1')) {
		base = 2;
		lx->i += 2;
	}
	for (;;) {
		int c = (unsigned char)s[lx->i];
		unsigned d;
		if (isdigit(c))
			d = (unsigned)(c - '0');
		else if (base == 16 && isxdigit(c))
			d = (unsigned)(tolower(c) - 'a' + 10);
		else
			break;
		if (d >= base) {
			char digit[2] = { (char)c, 0 };
			lex_error(lx, lx->i, 1, "invalid digit '%s' in binary constant", digit);
			return false;
		}
		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		v = v * base + d;
		lx->i++;
	}
	/* 1b / 1f: a numeric local label reference */
	if (base == 10 && (s[lx->i] == 'b' || s[lx->i] == 'f') &&
	    !ident_char((unsigned char)s[lx->i + 1])) {
		bool fwd = s[lx->i] == 'f';
		lx->i++;
		if (overflow || v > UINT32_MAX) {
			lex_error(lx, start, lx->i - start, "local label number is too large");
			return false;
		}
		struct tok *t = new_tok(lx, TOK_LOCAL, start);
		t->num = (int64_t)v;
		t->forward = fwd;
		return true;
	}
	if (ident_char((unsigned char)s[lx->i])) {
		size_t e = lx->i;
		while (ident_char((unsigned char)s[e]))
			e++;
		lex_error(lx, lx->i, e - lx->i, "invalid suffix '%.*s' on integer constant",
			  (int)(e - lx->i), s + lx->i);
		return false;
	}
	if (overflow) {
		lex_error(lx, start, lx->i - start, "integer constant is too large");
		return false;
	}
	new_tok(lx, TOK_NUM, start)->num = (int64_t)v;
	return true;
}

static bool lex_punct(struct lexer *lx)
{
	static const struct { char a, b; int code; } two[] = {
		{ '<', '<', P_SHL }, { '>', '>', P_SHR }, { '<', '=', P_LE }, { '>', '=', P_GE },
		{ '=', '=', P_EQ }, { '!', '=', P_NE }, { '&', '&', P_ANDAND }, { '|', '|', P_OROR },
	};
	const char *s = lx->s;
	size_t start = lx->i;

	for (size_t k = 0; k < sizeof two / sizeof two[0]; k++)
		if (s[start] == two[k].a && s[start + 1] == two[k].b) {
			lx->i += 2;
			new_tok(lx, TOK_PUNCT, start)->punct = two[k].code;
			return true;
		}
	if (strchr("(),:=+-*/%~!<>&^|", s[start])) {
		lx->i++;
		new_tok(lx, TOK_PUNCT, start)->punct = s[start];
		return true;
	}
	unsigned char c = (unsigned char)s[start];
	if (isprint(c))
		lex_error(lx, start, 1, "unexpected character '%c'", c);
	else
		lex_error(lx, start, 1, "unexpected character 0x%02x", c);
	return false;
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Does a comment start at p? */
static bool comment_at(const char *p)
{
	return *p == '#' || *p == ';' || (p[0] == '/' && p[1] == '/');
}

size_t as_leading_name(const char *text, size_t *start)
{
	size_t i = 0;
	while (is_blank((unsigned char)text[i]))
		i++;
	*start = i;
	if (!ident_start((unsigned char)text[i]))
		return 0;
	while (ident_char((unsigned char)text[i]))
		i++;
	return i - *start;
}

void as_nothing_after(struct assembler *as, const struct as_line *ln, size_t from, const char *dir)
{
	const char *s = ln->text;
	size_t i = from, end;
	while (is_blank((unsigned char)s[i]))
		i++;
	for (end = i; s[end] && !comment_at(s + end); end++)
		;
	while (end > i && is_blank((unsigned char)s[end - 1]))
		end--;
	if (end > i)
		as_error(as, ln, (uint32_t)i + 1, (uint32_t)(end - i), "unexpected text after %s", dir);
}

bool as_lex(struct assembler *as, const struct as_line *ln, struct toks *out)
{
	struct lexer lx = { as, ln, ln->text, 0, 0 };
	const char *s = ln->text;
	bool ok = true;

	as->scratch_len = 0;
	for (;;) {
		while (is_blank((unsigned char)s[lx.i]))
			lx.i++;
		int c = (unsigned char)s[lx.i];
		if (!c || comment_at(s + lx.i))
			break;
		size_t start = lx.i;
		if (ident_start(c)) {
			while (ident_char((unsigned char)s[lx.i]))
				lx.i++;
			if (lx.i - start == 1 && c == '.') {
				new_tok(&lx, TOK_DOT, start);
				continue;
			}
			size_t off = scratch_put(as, s + start, lx.i - start);
			scratch_put(as, "", 1);
			new_tok(&lx, TOK_IDENT, start)->str = (const char *)(uintptr_t)off;
		} else if (isdigit(c)) {
			ok = lex_number(&lx);
		} else if (c == '"') {
			ok = lex_string(&lx);
		} else if (c == '\'') {
			ok = lex_charlit(&lx);
		} else {
			ok = lex_punct(&lx);
		}
		if (!ok)
			break;
	}
	struct tok *eol = new_tok(&lx, TOK_EOL, lx.i);
	eol->len = 0;
	lx.n--;
	/* the scratch buffer may have moved while growing: offsets -> pointers */
	for (size_t k = 0; k < lx.n; k++)
		if (as->tokv[k].kind == TOK_IDENT || as->tokv[k].kind == TOK_STR)
			as->tokv[k].str = as->scratch + (uintptr_t)as->tokv[k].str;
	out->v = as->tokv;
	out->n = lx.n;
	return ok;
}

const char *as_tok_text(struct assembler *as, const struct as_line *ln, const struct tok *t)
{
	if (t->kind == TOK_EOL)
		return "end of line";
	return as_strndup(as, ln->text + t->col - 1, t->len);
}

const char *as_span_text(struct assembler *as, const struct as_line *ln, const struct tok *a,
			 const struct tok *b)
{
	if (a->kind == TOK_EOL)
		return "end of line";
	return as_strndup(as, ln->text + a->col - 1, b->col + b->len - a->col);
}
