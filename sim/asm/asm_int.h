/*
 * asm_int.h -- the assembler's private state, shared by sim/asm*.c.
 *
 * The files, in the order the data flows through them:
 *   asm_source.c  source stack: files, .include, macro expansions -> lines
 *   asm_lex.c     one line -> tokens
 *   asm_stmt.c    one line's tokens -> labels, then a directive, a macro
 *                 call or an instruction (pass 1)
 *   asm_cond.c    .if/.elif/.else/.endif/.ifdef/.ifndef
 *   asm_macro.c   .macro definitions and their expansion
 *   asm_dir.c     the other directives
 *   asm_insn.c    instructions and pseudo-instructions: operands, encoding
 *   asm_expr.c    expressions: parse to a tree, evaluate
 *   asm_sym.c     symbols and numeric local labels
 *   asm_diag.c    diagnostics
 *   asm_util.c    arena, growable arrays, string map
 *   asm.c         the driver: pass 1, layout, pass 2, image and listing
 */
#ifndef VMLAB_ASM_INT_H
#define VMLAB_ASM_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sim/asm/asm.h"
#include "sim/isa.h"

/* Limits that keep a hostile or runaway source from eating the host. */
#define AS_MAX_ERRORS       1000        /* then stop with "too many errors"  */
#define AS_MAX_LINES        2000000u    /* lines read, macro expansions included */
#define AS_MAX_INCLUDE      32          /* .include nesting                  */
#define AS_MAX_MACRO_DEPTH  64          /* macro calls inside macro calls    */
#define AS_MAX_EXPANSION    (1u << 20)  /* bytes of macro-expanded text, all calls: a
					   macro doubling its text at each level
					   stops here, long before the host's memory */
#define AS_MAX_SECTION      (64u << 20) /* bytes in one section              */
#define AS_MAX_FILE         (16u << 20) /* bytes in one source file          */
#define AS_DEFAULT_TEXT     0x1000u     /* .text when no .org places it      */

/* ---- memory ---------------------------------------------------------- */

/* Everything that lives as long as the assembler (lines, trees, symbols)
 * comes from one arena, freed at once by asm_free. */
struct as_chunk;
struct as_arena {
	struct as_chunk *chunks; /* newest first */
};
void *as_alloc(struct assembler *as, size_t n);                /* zeroed */
void as_arena_free(struct as_arena *a);
char *as_strndup(struct assembler *as, const char *s, size_t n);
char *as_strdup(struct assembler *as, const char *s);
/* malloc/realloc that abort() on exhaustion: running out of host memory
 * is not something the user's program can be told about usefully. */
void *as_xrealloc(void *p, size_t n);
/* Make room for one more element in a growable array. */
#define AS_GROW(arr, n, cap) \
	do { \
		if ((n) == (cap)) { \
			(cap) = (cap) ? 2 * (cap) : 16; \
			(arr) = as_xrealloc((arr), (cap) * sizeof *(arr)); \
		} \
	} while (0)

/* A string -> pointer hash map; keys are not copied. */
struct as_map {
	const char **keys;
	void **vals;
	size_t cap, count;
};
void *as_map_get(const struct as_map *m, const char *key);
void as_map_put(struct as_map *m, const char *key, void *val);
void as_map_free(struct as_map *m);

/* ---- source lines ------------------------------------------------------ */

struct as_line {
	const char *text;              /* the line, without newline (arena)     */
	uint32_t file;                 /* index in as->files of the text's file */
	uint32_t line;                 /* 1-based line in that file             */
	uint32_t seq;                  /* processing order; sorts diagnostics   */
	const struct as_line *invoked; /* macro call this line came from, or NULL */
	uint32_t inv_col, inv_len;     /* the macro name's place in *invoked     */
	const char *macro;             /* that macro's name                      */
};
/* The line a statement is attributed to in the line table and listing:
 * for a macro expansion, the outermost call. */
const struct as_line *as_line_root(const struct as_line *ln);

/* ---- tokens ------------------------------------------------------------ */

enum tok_kind {
	TOK_EOL,   /* end of the line (or a comment)                 */
	TOK_IDENT, /* name, directive, mnemonic, register            */
	TOK_NUM,   /* integer or character constant                  */
	TOK_LOCAL, /* numeric local label reference: 1b, 2f           */
	TOK_STR,   /* "string", escapes decoded                      */
	TOK_DOT,   /* `.` alone: the current address                  */
	TOK_PUNCT, /* operator or punctuation                         */
};
/* Two-character operators; one-character ones are their own char. */
enum { P_SHL = 256, P_SHR, P_LE, P_GE, P_EQ, P_NE, P_ANDAND, P_OROR };

struct tok {
	enum tok_kind kind;
	int punct;          /* TOK_PUNCT: the character or a P_ value        */
	uint32_t col, len;  /* 1-based column and length in the line          */
	int64_t num;        /* TOK_NUM value; TOK_LOCAL label number          */
	bool forward;       /* TOK_LOCAL: `f` (forward) rather than `b`        */
	const char *str;    /* TOK_IDENT name, TOK_STR bytes (NUL-terminated) */
	size_t slen;        /* TOK_STR: bytes, not counting the NUL           */
};

/* A line's tokens; v[n] is always TOK_EOL.  Valid until the next line is
 * lexed (the buffers are reused). */
struct toks {
	struct tok *v;
	size_t n;
};
/* Tokenize; false after reporting the first lexical error, with the
 * tokens before it still in out. */
bool as_lex(struct assembler *as, const struct as_line *ln, struct toks *out);
/* The name a line starts with, after blanks (a directive, without lexing
 * the line): its length (0 if none), and its offset in *start. */
size_t as_leading_name(const char *text, size_t *start);
/* Report any text but a comment after byte `from` of the line (the end of
 * `dir`, a directive that takes no operands). */
void as_nothing_after(struct assembler *as, const struct as_line *ln, size_t from, const char *dir);
/* Printable text for a token in a message ("end of line" for TOK_EOL). */
const char *as_tok_text(struct assembler *as, const struct as_line *ln, const struct tok *t);
/* The source text from token a to token b inclusive. */
const char *as_span_text(struct assembler *as, const struct as_line *ln,
			 const struct tok *a, const struct tok *b);

/* ---- sections ---------------------------------------------------------- */

enum { SEC_ABS = -1, SEC_TEXT, SEC_DATA, SEC_BSS, SEC_COUNT };

/* A section's address is decided by the last .org before its first byte
 * (or by default: .text 0x1000, the others after the end of pass 1).
 * Zero-size statements do not fix it; but once pass 1 has computed a
 * value from it (`.equ X, .`, an .if on a label), moving it is an error,
 * and `used` says where that happened. */
struct as_section {
	const char *name;   /* ".text"                                        */
	unsigned flags;     /* SEG_*                                          */
	uint32_t base;      /* address of offset 0, once base_known           */
	bool base_known;    /* .org placed it, or it is .text (default known) */
	bool has_content;   /* some statement produced bytes: base is fixed   */
	bool too_big;       /* "larger than AS_MAX_SECTION" was reported      */
	const struct as_line *used;  /* first pass-1 use of base, or NULL     */
	uint32_t used_col, used_len;
	uint64_t size;      /* location counter (offset from base)            */
	uint32_t align;     /* largest .align, for placing a default base     */
	uint8_t *bytes;     /* pass 2: the contents (size bytes)              */
};

/* A .phase block: the bytes at offsets [start, end) of section sec run
 * at address run, so labels and `.` inside it take run addresses while
 * the bytes stay where they are assembled (docs/asm.md). */
struct as_phase {
	int sec;
	uint64_t start, end;
	uint32_t run;
	const struct as_line *line; /* the .phase, for "no .dephase" */
	uint32_t col, len;
};

/* The current location as a label or `.` sees it: (section, offset), or
 * (SEC_ABS, run address) inside a .phase block of the current section. */
void as_here(const struct assembler *as, int *sec, int64_t *off);
struct stmt;
/* The address a statement's bytes have when they run. */
uint32_t as_stmt_addr(const struct assembler *as, const struct stmt *s);
/* End of the source: report a .phase never ended. */
void as_phase_finish(struct assembler *as);

/* ---- values, expressions, symbols --------------------------------------- */

/* A value: absolute (sec == SEC_ABS) or an offset in a section whose
 * address pass 1 does not know yet. */
struct val {
	int64_t v;
	int sec;
};

enum val_status {
	VAL_OK,      /* *out holds the value                               */
	VAL_UNKNOWN, /* pass 1 only: depends on something not known yet   */
	VAL_BAD,     /* an error (reported if report was asked)             */
};

/* Why a value is unknown, for "must be known here" errors. */
struct val_why {
	const struct expr *node; /* the symbol node to blame, or NULL */
	const char *reason;      /* "is not defined yet"               */
};

enum expr_kind {
	EX_NUM,   /* num                                                 */
	EX_SYM,   /* sym                                                 */
	EX_LOCAL, /* numeric local label: local_num, local_idx           */
	EX_DOT,   /* `.`: sec and num are the section and offset         */
	EX_UNARY, /* op a: '-', '~', '!'                                 */
	EX_BINARY,/* a op b                                              */
	EX_HI,    /* hi(a) = (a >> 16) & 0xffff                          */
	EX_LO,    /* lo(a) = a & 0xffff                                  */
};

struct symbol;

struct expr {
	enum expr_kind kind;
	int op;                /* EX_UNARY/EX_BINARY: char or P_ value        */
	uint32_t col, len;     /* where it was written (operator or leaf)     */
	uint32_t scol, slen;   /* whole operand (root of as_parse_range only)  */
	int64_t num;
	int sec;
	struct symbol *sym;
	uint32_t local_num;    /* EX_LOCAL: the label number                  */
	uint32_t local_idx;    /* EX_LOCAL: which definition of it (0-based)  */
	bool local_fwd;        /* EX_LOCAL: written as `Nf`                    */
	struct expr *a, *b;
};

/* A cursor over a range of a line's tokens. */
struct pcur {
	const struct as_line *ln;
	const struct tok *t; /* current token                        */
	const struct tok *end; /* one past the last token of the range */
};
/* Parse an expression from cur (stops at the first token that cannot
 * continue it); NULL after reporting an error. */
struct expr *as_parse_expr(struct assembler *as, struct pcur *cur);
/* Parse a whole token range as one expression; "what" names it in the
 * message when the range is empty ("an immediate"). */
struct expr *as_parse_range(struct assembler *as, const struct as_line *ln,
			    const struct tok *a, const struct tok *end, const char *what);
/* Evaluate.  report: print errors (undefined symbols, division by zero);
 * otherwise VAL_BAD is silent.  In pass 1 a value may be VAL_UNKNOWN and
 * why says which symbol made it so. */
enum val_status as_eval(struct assembler *as, const struct expr *e, const struct as_line *ln,
			bool report, struct val *out, struct val_why *why);
/* Evaluate an expression that pass 1 needs now (.if, .space, .org,
 * .align): an unknown value is an error "WHAT must be known here: ...".
 * A relocatable result is returned as such (sec != SEC_ABS). */
bool as_eval_now(struct assembler *as, const struct expr *e, const struct as_line *ln,
		 const char *what, struct val *out);
/* Same, for an absolute number. */
bool as_eval_now_abs(struct assembler *as, const struct expr *e, const struct as_line *ln,
		     const char *what, int64_t *out);

enum sym_state {
	SYM_UNDEF,   /* only referenced (or named by .global) so far       */
	SYM_LABEL,   /* sec + value (offset)                               */
	SYM_VALUE,   /* .equ/.set with a value (maybe section-relative)    */
	SYM_PENDING, /* .equ/.set whose value pass 1 could not compute yet */
	SYM_BAD,     /* its definition had an error (already reported)     */
};

struct symbol {
	const char *name;
	enum sym_state state;
	int sec;                      /* SEC_ABS or the section of a label/value */
	int64_t value;                /* offset in sec, or absolute value         */
	const struct expr *expr;      /* SYM_PENDING: the defining expression    */
	const struct as_line *expr_line;
	bool is_set;                  /* .set / `=`: may be assigned again        */
	bool is_equ;                  /* defined by .equ/.set/= (not a label)     */
	bool global;                  /* named by .global                          */
	const struct as_line *global_line;
	uint32_t global_col, global_len;
	const struct as_line *def_line; /* first definition, for "first defined here" */
	uint32_t def_col, def_len;
	uint32_t order;               /* creation order: deterministic output    */
};

struct symbol *as_sym_get(struct assembler *as, const char *name); /* creates */
struct symbol *as_sym_find(const struct assembler *as, const char *name);
/* Define a label at the current location; reports duplicates. */
void as_define_label(struct assembler *as, const struct as_line *ln, const struct tok *t);
/* Define a numeric local label `N:` at the current location. */
void as_define_local(struct assembler *as, uint32_t num);
/* How many times `N:` has been defined so far. */
uint32_t as_local_count(const struct assembler *as, uint32_t num);
/* The idx-th definition of `N:`; false if there is none. */
bool as_local_get(const struct assembler *as, uint32_t num, uint32_t idx, int *sec, int64_t *off);
/* .equ/.set/= NAME, EXPR (pass 1). */
void as_assign(struct assembler *as, const struct as_line *ln, const struct tok *name,
	       struct expr *e, bool is_set);
/* End of pass 1: compute what forward references allow; report cycles
 * and .global names never defined. */
void as_resolve_pending(struct assembler *as);
void as_locals_free(struct assembler *as);
/* A name that cannot be a symbol (a register): reports and returns true. */
bool as_reserved_name(struct assembler *as, const struct as_line *ln, const struct tok *t);

/* ---- statements ---------------------------------------------------------- */

enum stmt_kind {
	ST_INSN,  /* an instruction or pseudo-instruction                 */
	ST_DATA,  /* .word/.half/.byte: expressions of `width` bytes       */
	ST_BYTES, /* .ascii & co.: bytes known in pass 1                    */
	ST_FILL,  /* .space, .align and .org gaps: size bytes of `fill`     */
	ST_SET,   /* .equ/.set/=: replayed in pass 2 so .set works in order */
};

/* Pseudo-instructions are numbered after the real ones. */
enum {
	PS_LI = OP_COUNT, PS_LA, PS_MV, PS_NOP, PS_NOT, PS_NEG, PS_CALL, PS_RET,
	PS_JR, PS_B, PS_BEQZ, PS_BNEZ, PS_BGT, PS_BLE, PS_BGTU, PS_BLEU,
	PS_PUSH, PS_POP, PS_END
};

struct stmt {
	enum stmt_kind kind;
	bool bad;              /* pass 1 reported an error: pass 2 skips it   */
	bool no_line;          /* padding: not a line-table entry              */
	uint32_t phase;        /* 1 + index of its .phase block, or 0          */
	const struct as_line *line;
	uint32_t col, len;     /* the mnemonic (len set for instructions only)  */
	int sec;
	uint32_t off, size;
	union {
		struct {
			int op;            /* enum isa_op or PS_*                  */
			uint8_t r[3];      /* registers, in the order written      */
			int cr;            /* control register (mfcr/mtcr)         */
			struct expr *e;    /* immediate, offset or target          */
		} insn;
		struct {
			unsigned width;    /* 1, 2 or 4                            */
			size_t n;
			struct expr **v;
		} data;
		struct {
			const uint8_t *p;
		} bytes;
		struct {
			uint8_t fill;
		} fill;
		struct {
			struct symbol *sym;
			struct expr *e;
			bool known;        /* pass 1 computed v: no re-evaluation   */
			struct val v;
		} set;
	} u;
};

/* Add a statement of `size` bytes at the current location and advance
 * it; returns it (pointer valid until the next as_add_stmt). */
struct stmt *as_add_stmt(struct assembler *as, enum stmt_kind kind, const struct as_line *ln,
			 uint32_t col, uint64_t size);
/* Current location: the section and its offset. */
int as_cur_sec(const struct assembler *as);
uint64_t as_cur_off(const struct assembler *as);
/* Make a section-relative value absolute if its section's address is
 * known; in pass 1 that is a use of the address (ln, col, len say where),
 * after which .org may no longer move the section.  true if v is absolute. */
bool as_sec_addr(struct assembler *as, struct val *v, const struct as_line *ln, uint32_t col,
		 uint32_t len);

/* ---- pass 1 pieces ---------------------------------------------------------- */

/* One line: labels, then a statement. */
void as_statement(struct assembler *as, const struct as_line *ln);
/* Directives; `t` is the directive token. */
void as_directive(struct assembler *as, const struct as_line *ln, const struct toks *tk,
		  const struct tok *t);
/* Is name an instruction or pseudo-instruction as the ISA spells it
 * (`nop`, not `NOP`)?  A macro of that name hides it where it is written
 * that way; `NOP` hides only `NOP`, a deliberate choice (arch.inc's HALT). */
bool as_is_mnemonic(const char *name);
/* An instruction or pseudo-instruction; false if t is not a mnemonic. */
bool as_instruction(struct assembler *as, const struct as_line *ln, const struct toks *tk,
		    const struct tok *t);
/* Pass 2: encode an instruction statement into dst (stmt->size bytes). */
void as_encode_insn(struct assembler *as, const struct stmt *s, uint32_t pc, uint8_t *dst);
/* Split [a, end) at top-level commas: fills starts[] (up to max) and
 * returns the number of operands (0 for an empty range). */
size_t as_split_operands(const struct tok *a, const struct tok *end, const struct tok **starts,
			 const struct tok **ends, size_t max);

/* Conditional assembly.  as_cond_line: handle the line if it is a
 * conditional directive or if the current block is skipped; true if the
 * line was consumed. */
bool as_cond_line(struct assembler *as, const struct as_line *ln);
bool as_cond_active(const struct assembler *as);
size_t as_cond_depth(const struct assembler *as);
/* Close every conditional opened beyond `depth`, reporting each. */
void as_cond_unwind(struct assembler *as, size_t depth, const char *where);
void as_cond_free(struct assembler *as);

/* Macros.  as_macro_line: record the line if a definition is open; true
 * if consumed.  as_macro_call: expand if t names a macro. */
bool as_macro_line(struct assembler *as, const struct as_line *ln);
void as_macro_define(struct assembler *as, const struct as_line *ln, const struct toks *tk,
		     const struct tok *t);
bool as_macro_call(struct assembler *as, const struct as_line *ln, const struct toks *tk,
		   const struct tok *t);
void as_macro_finish(struct assembler *as); /* EOF: unterminated .macro */
void as_macro_free(struct assembler *as);

/* Sources.  as_push_file: false with the reason in why (and *missing if
 * the file does not exist); an .include (from != NULL) must be a regular
 * file of at most AS_MAX_FILE bytes. */
bool as_push_file(struct assembler *as, const char *path, const struct as_line *from,
		  uint32_t col, uint32_t len, char *why, size_t whylen, bool *missing);
void as_push_text(struct assembler *as, const char *name, const char *text);
/* Push a macro expansion: lines (text, file, line) already substituted. */
struct as_expansion {
	char **text;
	uint32_t *file, *line;
	size_t n;
};
bool as_push_expansion(struct assembler *as, const struct as_expansion *x, const struct as_line *call,
		       uint32_t col, uint32_t len, const char *macro);
void as_include(struct assembler *as, const struct as_line *ln, const char *name,
		uint32_t col, uint32_t len);
/* Next line, or NULL when every source is exhausted. */
const struct as_line *as_next_line(struct assembler *as);
void as_sources_free(struct assembler *as);
size_t as_macro_depth(const struct assembler *as);

/* ---- diagnostics ------------------------------------------------------------ */

/* Report at a line (col 0: no column).  A report inside a macro
 * expansion adds "in expansion of macro" notes. */
void as_error(struct assembler *as, const struct as_line *ln, uint32_t col, uint32_t len,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void as_warning(struct assembler *as, const struct as_line *ln, uint32_t col, uint32_t len,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void as_note(struct assembler *as, const struct as_line *ln, uint32_t col, uint32_t len,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A whole-file problem (cannot open, sections overlap): `file: error: msg`,
 * after every diagnostic that has a line. */
void as_file_error(struct assembler *as, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void as_file_warning(struct assembler *as, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void as_at_tok(struct assembler *as, const struct as_line *ln, const struct tok *t,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void as_diag_sort(struct assembler *as);
void as_diag_free(struct assembler *as);
/* Format into the arena (messages keep quoted pieces short). */
char *as_printf(struct assembler *as, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the assembler ------------------------------------------------------------- */

struct as_file {
	char *name;     /* as opened (include paths joined), shown in messages */
	dev_t dev;      /* identity, for include-cycle detection               */
	ino_t ino;
	bool has_id;
};

struct as_src;
struct as_cond;
struct as_macro_def;
struct as_local;

struct assembler {
	struct as_arena arena;

	/* inputs */
	char **incdirs;              /* -I directories                         */
	size_t nincdirs, capincdirs;
	struct as_file *files;       /* every file read, by index              */
	size_t nfiles, capfiles;
	bool used;                   /* asm_assemble_* was called               */

	/* reading */
	struct as_src *src;          /* innermost source (file or expansion)    */
	size_t include_depth;
	size_t macro_depth;
	uint32_t lines_read;         /* for AS_MAX_LINES and as_line.seq         */
	bool stopped;                /* a limit was hit: read no more            */
	struct as_cond *cond;        /* innermost open .if                       */
	size_t cond_depth;
	struct as_map macros;        /* name -> struct as_macro_def              */
	struct as_macro_def *defining; /* between .macro and .endm               */
	uint32_t expansions;         /* \@ counter                               */
	uint64_t expanded_bytes;     /* for AS_MAX_EXPANSION                     */

	/* lexing scratch, reused line after line */
	struct tok *tokv;
	size_t tokcap;
	char *scratch;
	size_t scratch_len, scratch_cap;

	/* symbols */
	struct as_map symtab;        /* name -> struct symbol                    */
	struct symbol **syms;        /* in creation order                        */
	size_t nsyms, capsyms;
	struct as_map locals;        /* "N" -> struct as_local                   */

	/* layout */
	int pass;                    /* 1 or 2                                   */
	struct as_section sec[SEC_COUNT];
	int cur;                     /* current section                          */
	uint32_t dot_bias;           /* `.` in item i of .word: offset of item i */
	struct as_phase *phases;     /* .phase blocks, in order                  */
	size_t nphases, capphases;
	bool phase_open;             /* the last one has no .dephase yet         */
	struct stmt *stmts;
	size_t nstmts, capstmts;

	/* diagnostics */
	struct asm_diag *diags;
	uint64_t *diag_keys;         /* sort key per diagnostic                  */
	size_t ndiags, capdiags;
	size_t nerrors;
	uint32_t cur_seq;            /* seq of the line being processed           */
	bool too_many;

	/* results */
	struct image *img;
	struct asm_listing *listing;
	size_t nlisting;
};

#endif
