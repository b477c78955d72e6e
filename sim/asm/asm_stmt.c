/*
 * asm_stmt.c -- one source line in pass 1:
 *
 *     [label:]... [NAME = expr | .directive operands | macro args | mnemonic operands]
 *
 * Labels are defined even when the rest of the line is wrong, so one bad
 * line does not turn into "undefined symbol" errors wherever its label
 * is used.
 */
#include "sim/asm/asm_int.h"

#include <ctype.h>

static bool is_punct(const struct tok *t, int p)
{
	return t->kind == TOK_PUNCT && t->punct == p;
}

/* `12:` is a numeric local label only if written in plain decimal. */
static bool plain_decimal(const struct as_line *ln, const struct tok *t)
{
	for (uint32_t i = 0; i < t->len; i++)
		if (!isdigit((unsigned char)ln->text[t->col - 1 + i]))
			return false;
	return t->len <= 9;
}

void as_statement(struct assembler *as, const struct as_line *ln)
{
	struct toks tk;
	bool lexed = as_lex(as, ln, &tk);
	const struct tok *t = tk.v, *end = tk.v + tk.n;

	while (t < end && is_punct(t + 1, ':')) {
		if (t->kind == TOK_IDENT) {
			as_define_label(as, ln, t);
		} else if (t->kind == TOK_NUM && plain_decimal(ln, t)) {
			as_define_local(as, (uint32_t)t->num);
		} else {
			as_at_tok(as, ln, t, "expected a label name before ':', got '%s'",
				  as_tok_text(as, ln, t));
			return;
		}
		t += 2;
	}
	if (!lexed || t == end)
		return;
	if (t->kind != TOK_IDENT) {
		as_at_tok(as, ln, t, "expected an instruction or a directive, got '%s'",
			  as_tok_text(as, ln, t));
		return;
	}
	if (is_punct(t + 1, '=')) {
		as_assign(as, ln, t, as_parse_range(as, ln, t + 2, end, "a value"), true);
		return;
	}
	if (t->str[0] == '.') {
		as_directive(as, ln, &tk, t);
		return;
	}
	if (as_macro_call(as, ln, &tk, t) || as_instruction(as, ln, &tk, t))
		return;
	as_at_tok(as, ln, t, "unknown instruction '%s'", t->str);
}
