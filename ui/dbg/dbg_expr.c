/*
 * dbg_expr.c -- expressions: a small recursive-descent evaluator over
 * 32-bit words, used by print, set, x, break *EXPR, conditions, display.
 *
 * Grammar (C's precedence, lowest first):
 *
 *   assign  := lor [ '=' assign ]                 (only where allowed)
 *   lor     := land { '||' land }
 *   land    := bor { '&&' bor }
 *   bor     := bxor { '|' bxor }
 *   bxor    := band { '^' band }
 *   band    := equal { '&' equal }
 *   equal   := rel { ('==' | '!=') rel }
 *   rel     := shift { ('<' | '<=' | '>' | '>=') shift }
 *   shift   := add { ('<<' | '>>') add }
 *   add     := mul { ('+' | '-') mul }
 *   mul     := unary { ('*' | '/' | '%') unary }
 *   unary   := ('-' | '~' | '!') unary | '*' unary | '{' SIZE '}' unary | primary
 *   primary := NUMBER | 'c' | SYMBOL | REGISTER | $N | $ | '(' assign ')'
 *
 * Values are unsigned 32-bit words: arithmetic wraps, comparisons,
 * division and >> are unsigned.  *ADDR reads the word at virtual address
 * ADDR (through the page tables, as ring 0 sees memory); {b} {h} {w} read
 * a byte, half or word there, {pb} {ph} {pw} physical memory.  A register
 * is $name or a bare name that is not a symbol: r0..r15, zero a0..a3
 * t0..t4 s0..s3 sp ra, pc, psw, every control register by name (ptbr,
 * cause, ...), and the read-only cycles and instret (low 32 bits).  $N is
 * the Nth value print produced, $ the last.
 *
 * Labels, as gdb treats symbols without debug information: a data label
 * (.data, .bss) is a word variable -- its value is the word stored there,
 * and it can be assigned -- except where an address is expected
 * (EXPR_ADDR); a code label stands for its address, like a function.
 * &label is the address of either; an .equ constant is its value.
 */
#include "ui/dbg/dbg_priv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sim/asm/disasm.h"
#include "sim/image.h"
#include "sim/number.h"

struct val {
	uint32_t v;
	struct dbg_lval lv;
};

struct ep {
	struct dbg *d;
	const char *p;      /* next character                         */
	unsigned flags;     /* EXPR_ASSIGN                            */
	char *err;
	size_t errlen;
	bool failed;
	int skip;           /* > 0: operand of a short-circuit not taken */
	bool wrote;         /* an assignment changed the machine      */
	int depth;          /* nesting: '(', unary operators, a = b =  */
};

/* Each nesting costs host stack (a dozen frames for a parenthesis), and a
 * breakpoint condition or a script line is as untrusted as any input:
 * past this many levels an expression is refused, not a crash. */
#define EXPR_MAX_NESTING 100

static bool fail(struct ep *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct ep *e, const char *fmt, ...)
{
	va_list ap;

	if (!e->failed) {
		va_start(ap, fmt);
		vsnprintf(e->err, e->errlen, fmt, ap);
		va_end(ap);
		e->failed = true;
	}
	return false;
}

static void ws(struct ep *e)
{
	e->p = dbg_skip_ws(e->p);
}

/* Consume operator op if it is next (and not the start of a longer one
 * that `not_followed` lists). */
static bool eat(struct ep *e, const char *op, const char *not_followed)
{
	size_t n = strlen(op);

	ws(e);
	if (strncmp(e->p, op, n) || (not_followed && e->p[n] && strchr(not_followed, e->p[n])))
		return false;
	e->p += n;
	return true;
}

static bool assign(struct ep *e, struct val *out);

/* fn one level deeper, or an error past EXPR_MAX_NESTING. */
static bool nested(struct ep *e, bool (*fn)(struct ep *, struct val *), struct val *out)
{
	bool ok;

	if (e->depth >= EXPR_MAX_NESTING)
		return fail(e, "Expression nested too deeply (more than %d levels).",
			    EXPR_MAX_NESTING);
	e->depth++;
	ok = fn(e, out);
	e->depth--;
	return ok;
}

/* ---- memory ----------------------------------------------------------- */

bool dbg_translate(struct dbg *d, uint32_t va, uint32_t *pa, char *why, size_t whylen)
{
	struct mmu_walk w;

	if (d->vm) /* the selected guest's own tables */
		return dbg_vm_translate(d, va, pa, why, whylen);
	machine_walk(d->m, va, ACC_READ, 0, &w);
	if (!w.fault) {
		*pa = w.pa;
		return true;
	}
	if (!w.pde_ok)
		snprintf(why, whylen, "the directory entry at pa 0x%08x is not in RAM", w.pde_pa);
	else if (!(w.pde & PTE_P))
		snprintf(why, whylen, "page not present (directory entry at pa 0x%08x is 0x%08x)",
			 w.pde_pa, w.pde);
	else if (!w.pte_ok)
		snprintf(why, whylen, "the table entry at pa 0x%08x is not in RAM", w.pte_pa);
	else
		snprintf(why, whylen, "page not present (table entry at pa 0x%08x is 0x%08x)",
			 w.pte_pa, w.pte);
	return false;
}

/* Run fn over [addr, addr+len) page by page with physical addresses. */
static bool mem_access(struct dbg *d, uint32_t addr, bool phys, uint8_t *buf, uint32_t len,
		       bool write, char *err, size_t errlen)
{
	while (len) {
		uint32_t chunk = PAGE_SIZE - (addr & PAGE_MASK), pa;
		char why[160];
		const char *dev;
		if (chunk > len)
			chunk = len;
		if (phys) {
			if (!dbg_vm_phys(d, addr, &pa, why, sizeof why)) { /* guest-physical */
				snprintf(err, errlen, "Cannot access memory at address 0x%08x: %s", addr, why);
				return false;
			}
		} else if (!dbg_translate(d, addr, &pa, why, sizeof why)) {
			snprintf(err, errlen, "Cannot access memory at address 0x%08x: %s", addr, why);
			return false;
		}
		bool ok = write ? machine_phys_write(d->m, pa, buf, chunk)
				: machine_phys_read(d->m, pa, buf, chunk);
		if (!ok) {
			dev = dbg_device_name_at(d, pa);
			if (dev)
				snprintf(err, errlen, "Cannot access memory at %s 0x%08x: the %s's registers "
					 "(the debugger does not touch devices; see info devices)",
					 phys ? "physical address" : "address", addr, dev);
			else if (phys || pa == addr)
				snprintf(err, errlen, "Cannot access memory at %s 0x%08x: not RAM "
					 "(RAM is 0x00000000..0x%08x)", phys ? "physical address" : "address",
					 addr, machine_mem_bytes(d->m) - 1);
			else
				snprintf(err, errlen, "Cannot access memory at address 0x%08x: "
					 "physical 0x%08x is not RAM", addr, pa);
			return false;
		}
		addr += chunk;
		buf += chunk;
		len -= chunk;
	}
	return true;
}

bool dbg_read_mem(struct dbg *d, uint32_t addr, bool phys, void *buf, uint32_t len,
		  char *err, size_t errlen)
{
	return mem_access(d, addr, phys, buf, len, false, err, errlen);
}

bool dbg_write_mem(struct dbg *d, uint32_t addr, bool phys, const void *buf, uint32_t len,
		   char *err, size_t errlen)
{
	return mem_access(d, addr, phys, (uint8_t *)buf, len, true, err, errlen);
}

static bool load(struct ep *e, uint32_t addr, unsigned size, bool phys, uint32_t *v)
{
	uint8_t b[4] = { 0 };

	*v = 0;
	if (e->skip)
		return true;
	if (!dbg_read_mem(e->d, addr, phys, b, size, e->err, e->errlen)) {
		e->failed = true;
		return false;
	}
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return true;
}

/* ---- registers ------------------------------------------------------------ */

/* Look a register name up (without '$'); false if there is none. */
static bool reg_lookup(struct dbg *d, const char *name, struct val *out)
{
	int n;
	uint32_t v;

	memset(out, 0, sizeof *out);
	if (!strcmp(name, "pc")) {
		out->lv.kind = LV_PC;
		out->v = dbg_pc(d);
	} else if (!strcmp(name, "psw")) {
		out->lv.kind = LV_PSW;
		out->v = dbg_psw(d);
	} else if (!strcmp(name, "cycles")) {
		out->lv.kind = LV_READONLY;
		out->v = (uint32_t)machine_cycles(d->m);
	} else if (!strcmp(name, "instret")) {
		out->lv.kind = LV_READONLY;
		out->v = (uint32_t)machine_instret(d->m);
	} else if ((n = isa_reg_lookup(name)) >= 0) {
		out->lv = (struct dbg_lval){ .kind = LV_REG, .n = (unsigned)n };
		out->v = dbg_reg(d, (unsigned)n);
	} else if ((n = isa_cr_lookup(name)) >= 0 && dbg_cr(d, (unsigned)n, &v)) {
		out->lv = (struct dbg_lval){ .kind = LV_CR, .n = (unsigned)n };
		out->v = v;
	} else {
		return false;
	}
	/* under the monitor the PSW and control registers shown are virtual,
	 * and a VM off the CPU has no registers in the machine to change */
	if (d->vm && (out->lv.kind == LV_PSW || out->lv.kind == LV_CR || dbg_vm_readonly(d)))
		out->lv.kind = LV_READONLY;
	return true;
}

static bool store(struct ep *e, const struct dbg_lval *lv, uint32_t v)
{
	struct dbg *d = e->d;
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	switch (lv->kind) {
	case LV_REG:
		if (lv->n == 0)
			return fail(e, "r0 (zero) always reads 0 and cannot be set");
		machine_set_reg(d->m, lv->n, v);
		break;
	case LV_PC:
		machine_set_pc(d->m, v);
		break;
	case LV_PSW:
		machine_set_psw(d->m, v);
		break;
	case LV_CR:
		if (!machine_set_cr(d->m, lv->n, v))
			return fail(e, "control register %s is read-only", isa_cr_name(lv->n));
		break;
	case LV_VMEM:
	case LV_PMEM:
		if (!dbg_write_mem(d, lv->addr, lv->kind == LV_PMEM, b, lv->size, e->err, e->errlen)) {
			e->failed = true;
			return false;
		}
		break;
	case LV_READONLY:
		if (d->vm) /* dbg_vm.c: the virtual CPU is the monitor's to change */
			return fail(e, "under the monitor only the running VM's registers and memory "
				       "can change");
		return fail(e, "$cycles and $instret are read-only");
	default:
		return fail(e, "Left operand of assignment is not an lvalue.");
	}
	e->wrote = true;
	return true;
}

/* ---- primaries -------------------------------------------------------------- */

static bool ident_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || c == '.' || (!first && isdigit((unsigned char)c));
}

static bool number(struct ep *e, struct val *out)
{
	const char *s = e->p, *end;
	uint64_t v;
	unsigned base = 10;

	if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s))
		return fail(e, "Invalid number \"%.*s\".", (int)(s - e->p + 1), e->p);
	for (end = s; ident_char(*end, false); end++)
		;
	switch (num_parse_digits(s, (size_t)(end - s), base, 0xffffffffu, &v)) {
	case NUM_OK:
		break;
	case NUM_RANGE:
		return fail(e, "Numeric constant too large: %.*s", (int)(end - e->p), e->p);
	default:
		return fail(e, "Invalid number \"%.*s\".", (int)strcspn(e->p, " \t)+-*/"), e->p);
	}
	out->v = (uint32_t)v;
	e->p = end;
	return true;
}

static bool char_literal(struct ep *e, struct val *out)
{
	static const char esc_from[] = "ntr0\\'", esc_to[] = "\n\t\r\0\\'";
	const char *s = e->p + 1;
	char c;

	if (!*s)
		return fail(e, "Unmatched single quote.");
	c = *s++;
	if (c == '\\') {
		const char *k;
		if (!*s)
			return fail(e, "Unmatched single quote.");
		k = strchr(esc_from, *s);
		c = k ? esc_to[k - esc_from] : *s;
		s++;
	}
	if (*s != '\'')
		return fail(e, "Unmatched single quote.");
	out->v = (uint8_t)c;
	e->p = s + 1;
	return true;
}

static bool history(struct ep *e, struct val *out)
{
	struct dbg *d = e->d;
	const char *s = e->p + 1;
	unsigned long n;
	char *end;

	if (!isdigit((unsigned char)*s)) {
		if (!d->nvals)
			return fail(e, "History is empty: no value printed yet.");
		out->v = d->vals[d->nvals - 1];
		e->p = s;
		return true;
	}
	n = strtoul(s, &end, 10);
	e->p = end;
	if (n == 0 || n > d->nvals)
		return fail(e, "History has not yet reached $%lu.", n);
	out->v = d->vals[n - 1];
	return true;
}

static bool primary(struct ep *e, struct val *out)
{
	char name[64];
	size_t n = 0;
	bool dollar;

	memset(out, 0, sizeof *out);
	ws(e);
	if (*e->p == '(') {
		e->p++;
		if (!nested(e, assign, out))
			return false;
		if (!eat(e, ")", NULL))
			return fail(e, "Missing ')' in expression.");
		return true;
	}
	if (isdigit((unsigned char)*e->p))
		return number(e, out);
	if (*e->p == '\'')
		return char_literal(e, out);
	dollar = *e->p == '$';
	if (dollar && !ident_char(e->p[1], true))
		return history(e, out);
	if (!ident_char(e->p[dollar], true)) {
		if (!*e->p)
			return fail(e, "Missing operand at the end of the expression.");
		return fail(e, "A syntax error in expression, near `%s'.", e->p);
	}
	e->p += dollar;
	while (ident_char(*e->p, n == 0)) {
		if (n + 1 < sizeof name)
			name[n++] = *e->p;
		e->p++;
	}
	name[n] = '\0';
	if (dollar) {
		if (!reg_lookup(e->d, name, out))
			return fail(e, "Unknown register \"$%s\" (registers: r0..r15, a0, sp, ra, ..., pc, psw, "
				    "cycles, instret, control registers by name)", name);
		return true;
	}
	const struct image_symbol *sym = dbg_symbol_find(e->d, name, NULL);
	if (sym) {
		out->v = sym->value;
		if (sym->kind == SYM_ABS)
			return true;
		if (sym->kind != SYM_OBJECT || (e->flags & EXPR_ADDR)) {
			out->lv = (struct dbg_lval){ .kind = LV_LABEL, .addr = sym->value };
			return true;
		}
		out->lv = (struct dbg_lval){ .kind = LV_VMEM, .addr = sym->value, .size = 4 };
		return load(e, sym->value, 4, false, &out->v);
	}
	if (reg_lookup(e->d, name, out))
		return true;
	return fail(e, "No symbol \"%s\" in current context.", name);
}

/* ---- operators ----------------------------------------------------------------- */

static bool unary(struct ep *e, struct val *out)
{
	ws(e);
	if (*e->p == '-' || *e->p == '~' || (*e->p == '!' && e->p[1] != '=')) {
		char op = *e->p++;
		if (!nested(e, unary, out))
			return false;
		out->v = op == '-' ? (uint32_t)-out->v : op == '~' ? ~out->v : !out->v;
		out->lv.kind = LV_NONE;
		return true;
	}
	if (*e->p == '&' && e->p[1] != '&') {
		e->p++;
		if (!unary(e, out))
			return false;
		if (out->lv.kind != LV_VMEM && out->lv.kind != LV_PMEM && out->lv.kind != LV_LABEL)
			return fail(e, "Attempt to take address of value not located in memory.");
		out->v = out->lv.addr;
		out->lv.kind = LV_NONE;
		return true;
	}
	if (*e->p == '*' || *e->p == '{') {
		unsigned size = 4;
		bool phys = false;
		if (*e->p == '{') {
			const char *s = e->p + 1;
			phys = *s == 'p';
			s += phys;
			size = *s == 'b' ? 1 : *s == 'h' ? 2 : *s == 'w' ? 4 : 0;
			if (!size || s[1] != '}')
				return fail(e, "Unknown size {%.*s}: use {b} {h} {w}, or {pb} {ph} {pw} for physical",
					    (int)strcspn(e->p + 1, "}"), e->p + 1);
			e->p = s + 2;
		} else {
			e->p++;
		}
		/* the operand is an address: *counter and {b}msg read at the label */
		unsigned flags = e->flags;
		e->flags |= EXPR_ADDR;
		bool ok = nested(e, unary, out);
		e->flags = flags;
		if (!ok)
			return false;
		out->lv = (struct dbg_lval){ .kind = phys ? LV_PMEM : LV_VMEM, .addr = out->v, .size = size };
		return load(e, out->lv.addr, size, phys, &out->v);
	}
	return primary(e, out);
}

/* One level of left-associative binary operators. */
struct binop { const char *op, *not_followed; };

static bool level(struct ep *e, int lvl, struct val *out);

static const struct binop levels[][4] = {
	{ { "||", NULL } },
	{ { "&&", NULL } },
	{ { "|", "|" } },
	{ { "^", NULL } },
	{ { "&", "&" } },
	{ { "==", NULL }, { "!=", NULL } },
	{ { "<=", NULL }, { ">=", NULL }, { "<", "<=" }, { ">", ">=" } },
	{ { "<<", NULL }, { ">>", NULL } },
	{ { "+", NULL }, { "-", NULL } },
	{ { "*", NULL }, { "/", NULL }, { "%", NULL } },
};
#define NLEVELS (int)(sizeof levels / sizeof levels[0])

static bool apply(struct ep *e, const char *op, uint32_t a, uint32_t b, uint32_t *r)
{
	switch (op[0]) {
	case '|': *r = op[1] ? (a || b) : a | b; break;
	case '&': *r = op[1] ? (a && b) : a & b; break;
	case '^': *r = a ^ b; break;
	case '=': *r = a == b; break;
	case '!': *r = a != b; break;
	case '<': *r = op[1] == '<' ? (b >= 32 ? 0 : a << b) : op[1] == '=' ? a <= b : a < b; break;
	case '>': *r = op[1] == '>' ? (b >= 32 ? 0 : a >> b) : op[1] == '=' ? a >= b : a > b; break;
	case '+': *r = a + b; break;
	case '-': *r = a - b; break;
	case '*': *r = a * b; break;
	case '/':
	case '%':
		if (b == 0) {
			if (e->skip) {
				*r = 0;
				break;
			}
			return fail(e, "Division by zero");
		}
		*r = op[0] == '/' ? a / b : a % b;
		break;
	default:
		return fail(e, "internal error: operator %s", op);
	}
	return true;
}

static bool level(struct ep *e, int lvl, struct val *out)
{
	if (lvl == NLEVELS)
		return unary(e, out);
	if (!level(e, lvl + 1, out))
		return false;
	for (;;) {
		const struct binop *found = NULL;
		for (int i = 0; i < 4 && levels[lvl][i].op; i++) {
			const char *save = e->p;
			/* '=' after '<' '>' '!' '=' is a comparison, not an assignment */
			if (eat(e, levels[lvl][i].op, levels[lvl][i].not_followed)) {
				found = &levels[lvl][i];
				break;
			}
			e->p = save;
		}
		if (!found)
			return true;
		/* a lone '=' is assignment: '==' was tried at its level */
		bool shortcut = (found->op[0] == '|' || found->op[0] == '&') && found->op[1] &&
				(found->op[0] == '|' ? out->v != 0 : out->v == 0);
		struct val rhs;
		e->skip += shortcut;
		bool ok = level(e, lvl + 1, &rhs);
		e->skip -= shortcut;
		if (!ok || !apply(e, found->op, out->v, rhs.v, &out->v))
			return false;
		out->lv.kind = LV_NONE;
	}
}

static bool assign(struct ep *e, struct val *out)
{
	struct val rhs;

	if (!level(e, 0, out))
		return false;
	ws(e);
	if (e->p[0] != '=' || e->p[1] == '=')
		return true;
	e->p++;
	if (!(e->flags & EXPR_ASSIGN))
		return fail(e, "An assignment is not allowed here.");
	if (out->lv.kind == LV_NONE)
		return fail(e, "Left operand of assignment is not an lvalue.");
	if (!nested(e, assign, &rhs))
		return false;
	if (!e->skip && !store(e, &out->lv, rhs.v))
		return false;
	out->v = rhs.v;
	return true;
}

/* Evaluate text; with a non-NULL end, stop at the first thing that cannot
 * continue the expression and report where. */
static bool eval(struct dbg *d, const char *text, unsigned flags, uint32_t *value,
		 struct dbg_lval *lv, const char **end, char *err, size_t errlen)
{
	struct ep e = { .d = d, .p = text, .flags = flags, .err = err, .errlen = errlen };
	struct val v;
	bool ok;

	if (errlen)
		err[0] = '\0';
	if (dbg_is_blank(text)) {
		snprintf(err, errlen, "An expression is needed here.");
		return false;
	}
	ok = assign(&e, &v);
	ws(&e);
	if (ok && !end && *e.p)
		ok = fail(&e, "A syntax error in expression, near `%s'.", e.p);
	if (end)
		*end = e.p;
	if (e.wrote) {
		/* the machine is not on its recorded path any more */
		dbg_history_restart(d);
		dbg_bp_refresh(d);
	}
	*value = v.v;
	if (lv)
		*lv = v.lv;
	return ok;
}

bool dbg_expr(struct dbg *d, const char *text, unsigned flags, uint32_t *value,
	      char *err, size_t errlen)
{
	return eval(d, text, flags, value, NULL, NULL, err, errlen);
}

bool dbg_expr_lval(struct dbg *d, const char *text, unsigned flags, uint32_t *value,
		   struct dbg_lval *lv, const char **end, char *err, size_t errlen)
{
	return eval(d, text, flags, value, lv, end, err, errlen);
}

bool dbg_eval(struct dbg *d, const char *expr, uint32_t *value, char *err, size_t errlen)
{
	return dbg_expr(d, expr, 0, value, err, errlen);
}

/* ---- print and set ---------------------------------------------------------------- */

void dbg_format_value(uint32_t v, char fmt, char *buf, size_t len)
{
	switch (fmt) {
	case 'x':
		snprintf(buf, len, "0x%x", v);
		break;
	case 'd':
		snprintf(buf, len, "%d", (int32_t)v);
		break;
	case 'u':
		snprintf(buf, len, "%u", v);
		break;
	case 'o':
		snprintf(buf, len, "0%o", v);
		break;
	case 't': {
		char bits[33];
		int n = 0;
		for (int i = 31; i >= 0; i--)
			if (n || (v >> i & 1) || i == 0)
				bits[n++] = (char)('0' + (v >> i & 1));
		bits[n] = '\0';
		snprintf(buf, len, "%s", bits);
		break;
	}
	case 'c':
		if (v < 0x80 && isprint((int)v))
			snprintf(buf, len, "%u '%c'", v, (char)v);
		else
			snprintf(buf, len, "%u '\\%03o'", v & 0xffu, v & 0xffu);
		break;
	default:
		if ((int32_t)v < 0)
			snprintf(buf, len, "0x%08x (%d)", v, (int32_t)v);
		else
			snprintf(buf, len, "0x%08x (%u)", v, v);
		break;
	}
}

static bool valid_print_fmt(const char *fmt)
{
	return !fmt || (strlen(fmt) == 1 && strchr("xduotca", fmt[0]));
}

int dbgc_print(struct dbg *d, const char *args, const char *fmt)
{
	char err[256], text[160];
	uint32_t v;

	if (!valid_print_fmt(fmt))
		return dbg_error(d, "Unknown print format /%s (use x d u o t c a)", fmt);
	if (!dbg_expr(d, args, EXPR_ASSIGN, &v, err, sizeof err))
		return dbg_error(d, "%s", err);
	if (d->nvals == d->capvals) {
		size_t cap = d->capvals ? d->capvals * 2 : 16;
		uint32_t *nv = realloc(d->vals, cap * sizeof *nv);
		if (!nv)
			return dbg_error(d, "out of memory");
		d->vals = nv;
		d->capvals = cap;
	}
	d->vals[d->nvals++] = v;
	if (fmt && fmt[0] == 'a') {
		char sym[96];
		disasm_symbolize(dbg_image_at(d, v), v, sym, sizeof sym);
		snprintf(text, sizeof text, "0x%08x%s%s", v, sym[0] ? " " : "", sym);
	} else {
		dbg_format_value(v, fmt ? fmt[0] : 0, text, sizeof text);
	}
	dbg_printf(d, "$%zu = %s\n", d->nvals, text);
	return DBG_OK;
}

int dbgc_set(struct dbg *d, const char *args, const char *fmt)
{
	char err[256];
	uint32_t v;
	const char *p = dbg_skip_ws(args);

	/* gdb's `set var X = Y` and `set variable`: the same thing here */
	if (!strncmp(p, "var ", 4))
		p += 4;
	else if (!strncmp(p, "variable ", 9))
		p += 9;
	/* an assignment: an '=' that is not part of == <= >= != */
	const char *eq = p;
	while ((eq = strchr(eq, '=')) && (eq[1] == '=' || (eq > p && strchr("=<>!", eq[-1]))))
		eq += eq[1] == '=' ? 2 : 1;
	if (!eq)
		return dbg_error(d, "usage: set LVALUE = EXPR (e.g. set $a0 = 5, set {b}0x8000 = 'x')");
	if (!dbg_expr(d, p, EXPR_ASSIGN, &v, err, sizeof err))
		return dbg_error(d, "%s", err);
	return DBG_OK;
}

void dbg_vals_free(struct dbg *d)
{
	free(d->vals);
	d->vals = NULL;
	d->nvals = d->capvals = 0;
}
