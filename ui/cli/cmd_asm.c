/*
 * cmd_asm.c -- the subcommands around programs as text:
 *   vmlab asm FILE.s [-o OUT.elf] [-l] [-I DIR]...   assemble
 *   vmlab disasm IMAGE [--lines] [-I DIR]...          disassemble
 *   vmlab isa [--markdown]                            the instruction table
 * Exit status: 0 done, 1 assembly errors (or the image could not be
 * written), 2 bad usage or a bad image.
 */
#include "ui/cli/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/asm/asm.h"
#include "sim/asm/disasm.h"
#include "sim/image.h"
#include "sim/isa.h"
#include "ui/cli/asm_front.h"
#include "ui/cli/options.h"
#include "ui/dbg/report.h"

enum { OPT_HELP = 1, OPT_OUTPUT, OPT_LISTING, OPT_INCLUDE, OPT_LINES, OPT_MARKDOWN };

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* ---- vmlab asm ---- */

static void asm_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab asm FILE.s [-o OUT.elf] [-l] [-I DIR]...\n\n"
		"Assemble FILE.s into an ELF image, FILE.elf unless -o names another.\n"
		"Errors are reported as FILE:LINE:COL, every one of them, and then\n"
		"nothing is written.\n\n"
		"  -o, --output OUT   write the image to OUT\n"
		"  -l, --listing      print a listing (address, words, file:line, source)\n"
		"  -I, --include DIR  look for .include files in DIR too (repeatable)\n"
		"  -h, --help         this text\n");
}

/* FILE.s -> FILE.elf; anything else gets .elf appended. */
static char *default_output(const char *src)
{
	size_t n = strlen(src);
	if (has_suffix(src, ".s") || has_suffix(src, ".S"))
		n -= 2;
	else if (has_suffix(src, ".asm"))
		n -= 4;
	char *out = malloc(n + 5);
	if (out) {
		memcpy(out, src, n);
		memcpy(out + n, ".elf", 5);
	}
	return out;
}

int cmd_asm(int argc, char **argv)
{
	static const struct opt_spec opts[] = {
		{ "help", 'h', false, OPT_HELP }, { "output", 'o', true, OPT_OUTPUT },
		{ "listing", 'l', false, OPT_LISTING }, { "include", 'I', true, OPT_INCLUDE },
		{ NULL, 0, false, 0 },
	};
	struct opt_parser p;
	const char *arg, *src = NULL, *out = NULL;
	bool listing = false;
	int id, status = 0;
	struct assembler *as = asm_new();

	opt_init(&p, "asm", argc, argv);
	while ((id = opt_next(&p, opts, &arg)) != OPT_END) {
		switch (id) {
		case OPT_HELP:
			asm_usage(stdout);
			asm_free(as);
			return 0;
		case OPT_OUTPUT:
			out = arg;
			break;
		case OPT_LISTING:
			listing = true;
			break;
		case OPT_INCLUDE:
			asm_add_include_dir(as, arg);
			break;
		case OPT_POSITIONAL:
			if (src) {
				fprintf(stderr, "vmlab asm: more than one source file ('%s' and '%s')\n", src, arg);
				asm_free(as);
				return 2;
			}
			src = arg;
			break;
		default:
			asm_free(as);
			return 2;
		}
	}
	if (!src) {
		fprintf(stderr, "vmlab asm: no source file given (see vmlab asm --help)\n");
		asm_free(as);
		return 2;
	}
	if (out && strcmp(out, src) == 0) {
		fprintf(stderr, "vmlab asm: the image would overwrite the source '%s'\n", src);
		asm_free(as);
		return 2;
	}
	char *def = out ? NULL : default_output(src);
	bool ok = asm_assemble_file(as, src);
	asm_front_print_diags(as, stderr);
	if (ok) {
		char err[512];
		if (listing)
			asm_front_print_listing(as, stdout);
		if (!image_write_elf(asm_image(as), out ? out : def, err, sizeof err)) {
			fprintf(stderr, "vmlab asm: %s\n", err);
			status = 1;
		}
	} else {
		status = 1;
	}
	free(def);
	asm_free(as);
	return status;
}

/* ---- vmlab disasm ---- */

static void disasm_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab disasm IMAGE [--lines] [-I DIR]...\n\n"
		"Disassemble an ELF image (or a .s file, assembled first): each\n"
		"executable segment as instructions under its labels, the others as\n"
		"data words.\n\n"
		"  -l, --lines        show the source file:line where each line starts\n"
		"  -I, --include DIR  assembling a .s file, look for .include files in DIR\n"
		"                     too (repeatable), as vmlab asm does\n"
		"  -h, --help         this text\n");
}

static void flags_text(unsigned f, char out[4])
{
	out[0] = f & SEG_R ? 'r' : '-';
	out[1] = f & SEG_W ? 'w' : '-';
	out[2] = f & SEG_X ? 'x' : '-';
	out[3] = 0;
}

/* `00001000 <name>:` for every label at addr.  Addresses only grow within
 * a segment, so *next walks the (sorted) symbols once. */
static void labels_at(const struct image *img, uint32_t addr, size_t *next, FILE *f)
{
	while (*next < img->nsyms && img->syms[*next].value < addr)
		(*next)++;
	for (size_t i = *next; i < img->nsyms && img->syms[i].value == addr; i++)
		if (img->syms[i].kind != SYM_ABS)
			fprintf(f, "\n%08x <%s>:\n", addr, img->syms[i].name);
}

static void source_ref(const struct image *img, uint32_t addr, bool lines, FILE *f)
{
	const struct image_line *l = lines ? image_line_at(img, addr) : NULL;
	if (l && l->addr == addr && l->file < img->nfiles)
		fprintf(f, "  ; %s:%u", img->files[l->file], l->line);
	fputc('\n', f);
}

static void dump_segment(const struct image *img, const struct image_segment *g, bool lines,
			 FILE *f)
{
	char fl[4], text[256];
	uint32_t base = image_seg_vaddr(g); /* a .phase block: where it runs */
	flags_text(g->flags, fl);
	fprintf(f, "\nsegment %s  0x%08x-0x%08x  %s", g->name, base, (uint32_t)(base + g->memsz - 1),
		fl);
	if (g->run_offset)
		fprintf(f, "  (loaded at 0x%08x)", g->addr);
	fputc('\n', f);
	uint32_t off = 0;
	size_t next = 0;
	while (off < g->filesz) {
		uint32_t addr = base + off;
		labels_at(img, addr, &next, f);
		if (g->filesz - off < 4) {
			fprintf(f, "  %08x:  %-8s  .byte", addr, "");
			for (uint32_t k = off; k < g->filesz; k++)
				fprintf(f, "%s 0x%02x", k > off ? "," : "", g->data[k]);
			source_ref(img, addr, lines, f);
			break;
		}
		const uint8_t *b = g->data + off;
		uint32_t w = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			     (uint32_t)b[3] << 24;
		if (g->flags & SEG_X)
			disasm_insn(addr, w, img, text, sizeof text);
		else
			snprintf(text, sizeof text, ".word 0x%08x", w);
		fprintf(f, "  %08x:  %08x  %s", addr, w, text);
		source_ref(img, addr, lines, f);
		off += 4;
	}
	if (g->memsz > g->filesz) {
		labels_at(img, base + g->filesz, &next, f);
		fprintf(f, "  %08x:  %-8s  .space %u\n", base + g->filesz, "", g->memsz - g->filesz);
	}
}

/* Disassemble an image, or a .s file assembled first (with incdirs). */
static int disasm_path(const char *path, const char *const *incdirs, bool lines)
{
	struct image *img;
	if (has_suffix(path, ".s") || has_suffix(path, ".S")) {
		if (!(img = asm_front_assemble(path, incdirs, stderr)))
			return 1;
	} else {
		char err[512];
		if (!(img = image_read_elf(path, err, sizeof err))) {
			fprintf(stderr, "vmlab disasm: %s\n", err);
			return 2;
		}
	}
	printf("%s: entry 0x%08x\n", path, img->entry);
	for (size_t i = 0; i < img->nsegs; i++)
		dump_segment(img, &img->segs[i], lines, stdout);
	image_free(img);
	return 0;
}

int cmd_disasm(int argc, char **argv)
{
	static const struct opt_spec opts[] = {
		{ "help", 'h', false, OPT_HELP }, { "lines", 'l', false, OPT_LINES },
		{ "include", 'I', true, OPT_INCLUDE }, { NULL, 0, false, 0 },
	};
	struct opt_parser p;
	const char *arg, *path = NULL;
	bool lines = false;
	int id, status = -1; /* -1: go on */
	/* the -I directories, NULL-terminated; fewer than argc */
	const char **incdirs = calloc((size_t)argc + 1, sizeof *incdirs);
	size_t nincdirs = 0;

	if (!incdirs) {
		fprintf(stderr, "vmlab disasm: out of memory\n");
		return 2;
	}
	opt_init(&p, "disasm", argc, argv);
	while (status < 0 && (id = opt_next(&p, opts, &arg)) != OPT_END) {
		switch (id) {
		case OPT_HELP:
			disasm_usage(stdout);
			status = 0;
			break;
		case OPT_LINES:
			lines = true;
			break;
		case OPT_INCLUDE:
			incdirs[nincdirs++] = arg;
			break;
		case OPT_POSITIONAL:
			if (path) {
				fprintf(stderr, "vmlab disasm: more than one image ('%s' and '%s')\n", path, arg);
				status = 2;
			}
			path = arg;
			break;
		default:
			status = 2;
			break;
		}
	}
	if (status < 0 && !path) {
		fprintf(stderr, "vmlab disasm: no image given (see vmlab disasm --help)\n");
		status = 2;
	}
	if (status < 0)
		status = disasm_path(path, incdirs, lines);
	free(incdirs);
	return status;
}

/* ---- vmlab isa ---- */

static void isa_usage(FILE *out)
{
	fprintf(out,
		"usage: vmlab isa [--markdown]\n\n"
		"Print the instruction set, from the table the simulator, assembler and\n"
		"disassembler are built from (sim/isa.def).\n\n"
		"  --markdown   as the Markdown table of docs/isa.md, section 4\n"
		"  -h, --help   this text\n");
}

/* Opcode groups, by the high hex digit (see the top of sim/isa.def). */
static const char *group_title(unsigned hi)
{
	static const char *const titles[] = {
		"ALU, register-register", "Multiply and divide", "ALU, register-immediate",
		"Memory", "Branches", "Jumps", "System (trap on purpose)", "Sensitive",
		"Privileged",
	};
	return hi < sizeof titles / sizeof titles[0] ? titles[hi] : "Other";
}

/* `add rd, rs1, rs2` */
static void written_form(const struct isa_info *in, char *buf, size_t len)
{
	const char *ops = disasm_format_syntax(in->format);
	snprintf(buf, len, "%s%s%s", in->name, *ops ? " " : "", ops);
}

static void markdown_cell(const char *s, FILE *f)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void isa_markdown(FILE *f)
{
	int group = -1;
	char form[64];
	for (unsigned op = 1; op < OP_COUNT; op++) {
		const struct isa_info *in = isa_info((enum isa_op)op);
		if (in->opcode >> 4 != group) {
			group = in->opcode >> 4;
			fprintf(f, "%s### %s (opcodes 0x%x_)\n\n", op > 1 ? "\n" : "", group_title((unsigned)group),
				(unsigned)group);
			fprintf(f, "| instruction | opcode | format | immediate | class | operation |\n"
				   "|---|---|---|---|---|---|\n");
		}
		written_form(in, form, sizeof form);
		fprintf(f, "| `%s` | `0x%02x` | %s | %s | %s | ", form, in->opcode,
			disasm_format_name(in->format),
			in->imm == IMM_NONE ? "—" : disasm_imm_name(in->imm), disasm_class_name(in->cls));
		markdown_cell(in->summary, f);
		fprintf(f, " |\n");
	}
}

static void isa_table(FILE *f)
{
	char form[64];
	/* narrow columns, so the operation has room within 80 */
	fprintf(f, "%-21s %-4s %-5s %-10s %s\n", "instruction", "op", "fmt", "class", "operation");
	for (unsigned op = 1; op < OP_COUNT; op++) {
		const struct isa_info *in = isa_info((enum isa_op)op);
		written_form(in, form, sizeof form);
		int col = fprintf(f, "%-21s 0x%02x %-5s %-10s ", form, in->opcode,
				  disasm_format_name(in->format), disasm_class_name(in->cls));
		report_wrap(f, (size_t)col, (size_t)col, in->summary); /* 80 columns */
	}
}

int cmd_isa(int argc, char **argv)
{
	static const struct opt_spec opts[] = {
		{ "help", 'h', false, OPT_HELP }, { "markdown", 0, false, OPT_MARKDOWN },
		{ NULL, 0, false, 0 },
	};
	struct opt_parser p;
	const char *arg;
	bool markdown = false;
	int id;

	opt_init(&p, "isa", argc, argv);
	while ((id = opt_next(&p, opts, &arg)) != OPT_END) {
		switch (id) {
		case OPT_HELP:
			isa_usage(stdout);
			return 0;
		case OPT_MARKDOWN:
			markdown = true;
			break;
		case OPT_POSITIONAL:
			fprintf(stderr, "vmlab isa: unexpected argument '%s' (see vmlab isa --help)\n", arg);
			return 2;
		default:
			return 2;
		}
	}
	if (markdown)
		isa_markdown(stdout);
	else
		isa_table(stdout);
	return 0;
}
