/*
 * dbg_show.c -- looking at the machine: the location of a stop with its
 * source line, info registers/cr/tlb/devices/stats/symbol/line, x and xp,
 * the page-walk explainer `page`, disassembly, source listing, displays
 * and tracing.  Nothing here changes the machine (devices are read only
 * through registers that have no side effect on reading).
 */
#include "ui/dbg/dbg_priv.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/asm/disasm.h"
#include "sim/image.h"
#include "ui/dbg/report.h"
#include "ui/dbg/trace.h"
#include "ui/dbg/walk.h"

/* ---- source files and lines -------------------------------------------- */

bool dbg_line_of(struct dbg *d, uint32_t addr, const char **file, uint32_t *line)
{
	const struct image *img = dbg_image_at(d, addr);
	const struct image_line *l = image_line_at(img, addr);
	bool in_code = false;

	if (!l || l->file >= img->nfiles)
		return false;
	for (size_t i = 0; i < img->nsegs; i++)
		if ((img->segs[i].flags & SEG_X) &&
		    addr - image_seg_vaddr(&img->segs[i]) < img->segs[i].memsz &&
		    l->addr - image_seg_vaddr(&img->segs[i]) < img->segs[i].memsz)
			in_code = true;
	if (!in_code)
		return false;
	*file = img->files[l->file];
	*line = l->line;
	return true;
}

/* Why a source file of img could not be read ("" if it was, or was never
 * tried). */
static const char *source_why(const struct dbg *d, const struct image *img, uint32_t file)
{
	for (size_t i = 0; img && file < img->nfiles && i < d->nsrc; i++)
		if (!strcmp(d->src[i].name, img->files[file]))
			return d->src[i].why ? d->src[i].why : "";
	return "";
}

/* A source file of img, read once (by name: several images may share it). */
static struct dbg_source *source(struct dbg *d, const struct image *img, uint32_t file)
{
	struct dbg_source *s, *ns;

	if (!img || file >= img->nfiles)
		return NULL;
	for (size_t i = 0; i < d->nsrc; i++)
		if (!strcmp(d->src[i].name, img->files[file]))
			return d->src[i].text ? &d->src[i] : NULL;
	ns = realloc(d->src, (d->nsrc + 1) * sizeof *ns);
	if (!ns)
		return NULL;
	d->src = ns;
	s = &d->src[d->nsrc];
	memset(s, 0, sizeof *s);
	s->name = dbg_strdup(img->files[file]);
	if (s->name)
		d->nsrc++;
	if (!s->name)
		return NULL;
	char why[600];
	s->text = dbg_source_read(s->name, d->image_path, d->source_root, why, sizeof why);
	if (!s->text)
		s->why = dbg_strdup(why);
	if (!s->text)
		return NULL;
	for (char *p = s->text; *p; p++)
		s->nlines += *p == '\n';
	s->nlines++;
	s->lines = malloc(s->nlines * sizeof *s->lines);
	if (!s->lines) {
		free(s->text);
		s->text = NULL;
		return NULL;
	}
	size_t i = 0;
	for (char *p = s->text; i < s->nlines; i++) {
		s->lines[i] = p;
		p += strcspn(p, "\n");
		if (*p)
			*p++ = '\0';
	}
	if (s->nlines > 1 && !*s->lines[s->nlines - 1])
		s->nlines--; /* the file ends with a newline */
	return s;
}

/* The text of a source line, or NULL. */
static const char *source_line(struct dbg *d, const struct image *img, uint32_t file, uint32_t line)
{
	struct dbg_source *s = source(d, img, file);

	if (!s || line == 0 || line > s->nlines)
		return NULL;
	return s->lines[line - 1];
}

/* The text of line `line` of the file that addr's line is in (dbg_view.c). */
const char *dbg_source_text(struct dbg *d, uint32_t addr, uint32_t line)
{
	const struct image *img = dbg_image_at(d, addr);
	const struct image_line *l = image_line_at(img, addr);

	return l ? source_line(d, img, l->file, line) : NULL;
}

void dbg_sources_free(struct dbg *d)
{
	for (size_t i = 0; i < d->nsrc; i++) {
		free(d->src[i].name);
		free(d->src[i].text);
		free(d->src[i].why);
		free(d->src[i].lines);
	}
	free(d->src);
	d->src = NULL;
	d->nsrc = 0;
}

/* ---- the location of a stop ------------------------------------------------ */

/* Columns a line takes on a terminal with tabs every 8. */
static size_t columns(const char *s)
{
	size_t col = 0;

	for (; *s; s++)
		col = *s == '\t' ? (col | 7) + 1 : col + 1;
	return col;
}

/* Cut a line that would pass 80 columns short, ending it with "...". */
static void fit80(char *line)
{
	size_t col = 0;

	if (columns(line) <= 80)
		return;
	for (char *p = line; *p; p++) {
		size_t next = *p == '\t' ? (col | 7) + 1 : col + 1;
		if (next > 77) {
			strcpy(p, "...");
			return;
		}
		col = next;
	}
}

/* "LEAD=> ADDR <sym>:<TAB>WORD<TAB>insn", made to fit 80 columns by
 * design: without the instruction word if it would not, then with the
 * disassembly cut short ("..."). */
static void show_insn_line(struct dbg *d, uint32_t pc, const char *lead)
{
	char sym[96], text[128], err[200], line[400];
	uint32_t word;
	int n;

	disasm_symbolize(dbg_image_at(d, pc), pc, sym, sizeof sym);
	n = snprintf(line, sizeof line, "%s=> 0x%08x%s%s:", lead, pc, sym[0] ? " " : "", sym);
	if (!dbg_read_mem(d, pc, false, &word, 4, err, sizeof err)) {
		const char *why = strstr(err, ": ");
		dbg_printf(d, "%s\t<cannot fetch%s%s>\n", line, why ? ": " : "", why ? why + 2 : "");
		return;
	}
	disasm_insn(pc, word, dbg_image_at(d, pc), text, sizeof text);
	snprintf(line + n, sizeof line - (size_t)n, "\t%08x\t%s", word, text);
	if (columns(line) > 80)
		snprintf(line + n, sizeof line - (size_t)n, "\t%s", text);
	if (columns(line) > 80)
		snprintf(line + n, sizeof line - (size_t)n, " %s", text);
	fit80(line);
	dbg_printf(d, "%s\n", line);
}

void dbg_show_location(struct dbg *d)
{
	uint32_t pc = dbg_pc(d), line;
	const char *file;
	char lead[32];

	if (machine_dead(d->m) || dbg_vm_ended(d))
		return;
	if (d->vm) /* the VM it is about */
		snprintf(lead, sizeof lead, "[vm%d ring %u] ", dbg_vm_selected(d), dbg_psw(d) & PSW_RING_MASK);
	else
		snprintf(lead, sizeof lead, "[ring %u] ", dbg_psw(d) & PSW_RING_MASK);
	show_insn_line(d, pc, lead);
	if (dbg_line_of(d, pc, &file, &line))
		dbg_show_source_line(d, pc);
}

/* "FILE:LINE:<TAB>source", cut to 80 columns; list goes on from there. */
void dbg_show_source_line(struct dbg *d, uint32_t addr)
{
	const struct image *img = dbg_image_at(d, addr);
	const struct image_line *l = image_line_at(img, addr);
	const char *file = img->files[l->file], *text = source_line(d, img, l->file, l->line);
	char buf[400];

	snprintf(buf, sizeof buf, "%s:%u:\t%s", file, l->line, text ? text : "");
	fit80(buf);
	dbg_printf(d, "%s\n", buf);
	d->list_img = img;
	d->list_file = (int)l->file;
	d->list_next = l->line > 5 ? l->line - 5 : 1;
}

/* ---- info registers, cr, tlb, devices, stats ---------------------------------- */

static void psw_text(uint32_t psw, char *buf, size_t len)
{
	snprintf(buf, len, "ring %u, interrupts %s, flags 0x%02x", psw & PSW_RING_MASK,
		 psw & PSW_IE ? "on" : "off", (psw & PSW_FLAGS_MASK) >> 8);
}

static int dbgi_regs(struct dbg *d, const char *args)
{
	char word[64], buf[72], err[200], text[96];
	const char *p = args;
	uint32_t v;

	if (!dbg_is_blank(args)) {
		int r = DBG_OK;
		while (dbg_next_word(&p, word, sizeof word)) {
			snprintf(buf, sizeof buf, "$%s", word[0] == '$' ? word + 1 : word);
			if (!dbg_expr(d, buf, 0, &v, err, sizeof err)) {
				r = dbg_error(d, "Invalid register \"%s\"", word);
				continue;
			}
			dbg_format_value(v, 0, text, sizeof text);
			dbg_printf(d, "%-8s %s\n", buf + 1, text);
		}
		return r;
	}
	/* four to a line in 79 columns */
	for (unsigned i = 0; i < ISA_NREGS; i++)
		dbg_printf(d, "r%-2u %-4s 0x%08x%s", i, isa_reg_abi_name(i), dbg_reg(d, i),
			   i % 4 == 3 ? "\n" : " ");
	disasm_symbolize(dbg_image_at(d, dbg_pc(d)), dbg_pc(d), text, sizeof text);
	dbg_printf(d, "pc       0x%08x %s\n", dbg_pc(d), text);
	psw_text(dbg_psw(d), text, sizeof text);
	dbg_printf(d, "psw      0x%08x %s\n", dbg_psw(d), text);
	dbg_printf(d, "cycles   %llu   instret %llu   steps %llu\n",
		   (unsigned long long)machine_cycles(d->m), (unsigned long long)machine_instret(d->m),
		   (unsigned long long)dbg_steps(d));
	return DBG_OK;
}

static int dbgi_cr(struct dbg *d, const char *args)
{
	char text[128];

	for (unsigned cr = 0; cr < CR_COUNT; cr++) {
		const char *name = isa_cr_name(cr);
		uint32_t v;
		if (!name || !dbg_cr(d, cr, &v))
			continue;
		text[0] = '\0';
		switch (cr % CR_RING1_BASE) {
		case CR_EPSW:
			psw_text(v, text, sizeof text);
			break;
		case CR_CAUSE:
			dbg_cause_text(v, text, sizeof text);
			snprintf(text + strlen(text), sizeof text - strlen(text), ", ring %u", CAUSE_RING(v));
			break;
		case CR_TVEC:
			disasm_symbolize(dbg_image_at(d, v & ~3u), v & ~3u, text, sizeof text);
			break;
		default:
			break;
		}
		if (cr == CR_MMU)
			snprintf(text, sizeof text, "paging %s", v & MMU_PG ? "on" : "off");
		else if (cr == CR_CPUID)
			snprintf(text, sizeof text, "%s machine", v & CPUID_STRICT ? "strict" : "classic");
		else if (cr == CR_MEMSIZE)
			snprintf(text, sizeof text, "%u KiB of RAM", v >> 10);
		else if (cr == CR_DELEG && v) {
			size_t n = 0;
			n += (size_t)snprintf(text, sizeof text, "to ring 1:");
			for (unsigned c = 0; c < TRAP_NCAUSES && n < sizeof text; c++)
				if (v >> c & 1)
					n += (size_t)snprintf(text + n, sizeof text - n, " %s", isa_cause_name(c));
		}
		dbg_printf(d, "%-9s 0x%08x%s%s\n", name, v, text[0] ? "  " : "", text);
	}
	return DBG_OK;
}

static void flags_text(uint32_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%c %c %c %c", flags & PTE_W ? 'W' : '-', flags & PTE_U ? 'U' : '-',
		 flags & PTE_G ? 'G' : '-', flags & PTE_D ? 'D' : '-');
}

static int dbgi_tlb(struct dbg *d, const char *args)
{
	unsigned n = machine_tlb_size(d->m), valid = 0;
	uint32_t asid = 0;
	struct tlb_view t;
	char f[16];

	machine_cr(d->m, CR_ASID, &asid);
	for (unsigned i = 0; i < n; i++) {
		machine_tlb_entry(d->m, i, &t);
		valid += t.valid;
	}
	dbg_printf(d, "TLB: %u entries, %u valid; current asid %u\n", n, valid, asid);
	if (!valid)
		return DBG_OK;
	dbg_printf(d, "slot  virtual     physical    asid  flags\n");
	for (unsigned i = 0; i < n; i++) {
		machine_tlb_entry(d->m, i, &t);
		if (!t.valid)
			continue;
		flags_text(t.flags, f, sizeof f);
		dbg_printf(d, "%4u  0x%08x  0x%08x  %4u  %s%s\n", i, t.vpn << PAGE_SHIFT, t.pfn << PAGE_SHIFT,
			   t.asid, f, (t.flags & PTE_G) || t.asid == asid ? "" : "  (other address space)");
	}
	return DBG_OK;
}

/* Registers that can be read without side effects, per device. */
struct dev_reg { const char *name; uint32_t off; };
static const struct {
	const char *dev;
	int irq;
	struct dev_reg regs[7];
} dev_regs[] = {
	{ "intc", -1, { { "pending", 0x00 }, { "enable", 0x04 }, { "active", 0x08 }, { "claim", 0x0c } } },
	{ "timer", IRQ_TIMER, { { "ctrl", 0x00 }, { "period", 0x04 }, { "status", 0x08 }, { "count", 0x0c } } },
	{ "uart", IRQ_UART, { { "status", 0x04 }, { "ctrl", 0x08 } } },
	{ "disk", IRQ_DISK, { { "block", 0x00 }, { "addr", 0x04 }, { "count", 0x08 }, { "status", 0x10 },
			      { "capacity", 0x14 }, { "ctrl", 0x18 } } },
	{ "power", -1, { { NULL, 0 } } },
	{ "debug", -1, { { NULL, 0 } } },
	{ "rng", -1, { { NULL, 0 } } },
};

static int dbgi_devices(struct dbg *d, const char *args)
{
	const char *name;
	uint32_t base, size, lines = machine_irq_lines(d->m), en = machine_irq_enabled(d->m);

	dbg_printf(d, "device  base        irq line        registers\n");
	for (unsigned i = 0; machine_device_info(d->m, i, &name, &base, &size); i++) {
		char irq[32] = "-";
		size_t k = 0;
		while (k < sizeof dev_regs / sizeof dev_regs[0] && strcmp(dev_regs[k].dev, name))
			k++;
		bool known = k < sizeof dev_regs / sizeof dev_regs[0];
		if (known && dev_regs[k].irq >= 0)
			snprintf(irq, sizeof irq, "%d %s%s", dev_regs[k].irq,
				 lines >> dev_regs[k].irq & 1 ? "high" : "low",
				 en >> dev_regs[k].irq & 1 ? " (on)" : "");
		const struct dev_reg *r = known ? dev_regs[k].regs : NULL;
		dbg_printf(d, r && r->name ? "%-7s 0x%08x  %-15s" : "%-7s 0x%08x  %s", name, base, irq);
		for (; r && r->name; r++) {
			uint32_t v;
			if (machine_bus_read(d->m, base + r->off, &v))
				dbg_printf(d, " %s 0x%x", r->name, v);
		}
		dbg_printf(d, "\n");
	}
	dbg_printf(d, "interrupt lines 0x%08x, enabled 0x%08x, psw interrupts %s\n", lines, en,
		   machine_psw(d->m) & PSW_IE ? "on" : "off");
	return DBG_OK;
}

static int dbgi_stats(struct dbg *d, const char *args)
{
	fflush(d->out);
	report_stats_text(d->m, d->out);
	dbg_printf(d, "steps          %llu\n", (unsigned long long)dbg_steps(d));
	return DBG_OK;
}

static int dbgi_symbol(struct dbg *d, const char *args)
{
	char err[200];
	uint32_t v;
	const struct image_symbol *s;

	if (!dbg_expr(d, args, EXPR_ADDR, &v, err, sizeof err))
		return dbg_error(d, "%s", err);
	const struct image *img = dbg_image_at(d, v);
	s = image_symbol_near(img, v);
	if (!s) {
		dbg_printf(d, "No symbol matches 0x%08x.\n", v);
		return DBG_OK;
	}
	for (size_t i = 0; img && i < img->nsegs; i++) {
		const struct image_segment *seg = &img->segs[i];
		if (v - image_seg_vaddr(seg) < seg->memsz) {
			if (v == s->value)
				dbg_printf(d, "%s in section %s\n", s->name, seg->name);
			else
				dbg_printf(d, "%s + %u in section %s\n", s->name, v - s->value, seg->name);
			return DBG_OK;
		}
	}
	dbg_printf(d, "No symbol matches 0x%08x.\n", v);
	return DBG_OK;
}

static int dbgi_line(struct dbg *d, const char *args)
{
	uint32_t addr = machine_pc(d->m), line;
	const char *file;
	char sym[96];

	if (!dbg_is_blank(args) && !dbg_parse_location(d, args, &addr))
		return DBG_ERROR;
	disasm_symbolize(dbg_image_at(d, addr), addr, sym, sizeof sym);
	if (!dbg_line_of(d, addr, &file, &line))
		dbg_printf(d, "No line number information for address 0x%08x%s%s\n", addr, sym[0] ? " " : "", sym);
	else
		dbg_printf(d, "Line %u of \"%s\" starts at address 0x%08x%s%s.\n", line, file,
			   image_line_at(dbg_image_at(d, addr), addr)->addr, sym[0] ? " " : "", sym);
	return DBG_OK;
}

/* ---- info ---------------------------------------------------------------------------- */

static int dbgi_display(struct dbg *d, const char *args);

static const struct {
	const char *name;
	int (*fn)(struct dbg *d, const char *args);
} infos[] = {
	{ "registers", dbgi_regs }, { "regs", dbgi_regs }, { "r", dbgi_regs }, { "cr", dbgi_cr },
	{ "tlb", dbgi_tlb }, { "devices", dbgi_devices }, { "stats", dbgi_stats },
	{ "breakpoints", dbgi_break }, { "break", dbgi_break }, { "b", dbgi_break },
	{ "watchpoints", dbgi_break }, { "display", dbgi_display },
	{ "checkpoints", dbgi_checkpoints }, { "symbol", dbgi_symbol }, { "line", dbgi_line },
	{ "frame", dbgi_frame },
};
#define NINFOS (sizeof infos / sizeof infos[0])

int dbgc_info(struct dbg *d, const char *args, const char *fmt)
{
	char word[64];
	const char *p = args;
	int found = -1, count = 0;

	if (!dbg_next_word(&p, word, sizeof word))
		return dbg_error(d, "info what? registers, cr, tlb, devices, stats, breakpoints, display, "
			      "checkpoints, symbol ADDR, line [LOCATION]");
	if (dbg_vm_info(d, word, dbg_skip_ws(p), &found)) /* vms, vcpu, shadow, exits */
		return found;
	for (size_t i = 0; i < NINFOS; i++) {
		if (!strcmp(infos[i].name, word)) {
			found = (int)i;
			count = 1;
			break;
		}
		if (!strncmp(infos[i].name, word, strlen(word)) && (found < 0 || infos[found].fn != infos[i].fn)) {
			found = (int)i;
			count++;
		}
	}
	if (count != 1)
		return dbg_error(d, "%s info command \"%s\" (registers, cr, tlb, devices, stats, breakpoints, "
			      "display, checkpoints, symbol, line)", count ? "Ambiguous" : "Undefined", word);
	return infos[found].fn(d, dbg_skip_ws(p));
}

/* ---- x and xp ----------------------------------------------------------------------------- */

static bool parse_xfmt(struct dbg *d, const char *fmt, struct dbg_xfmt *x)
{
	const char *p = fmt;

	if (!fmt)
		return true;
	if (isdigit((unsigned char)*p)) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);
		if (n == 0 || n > 4096) {
			dbg_error(d, "Item count %lu: use 1 to 4096.", n);
			return false;
		}
		x->count = (unsigned)n;
		p = end;
	} else {
		x->count = 1;
	}
	bool sized = false;
	for (; *p; p++) {
		if (strchr("xduotcasi", *p)) {
			x->fmt = *p;
		} else if (*p == 'b' || *p == 'h' || *p == 'w') {
			x->size = *p == 'b' ? 1 : *p == 'h' ? 2 : 4;
			sized = true;
		} else {
			dbg_error(d, "Undefined output format \"%c\" (formats x d u o t c a s i, sizes b h w).", *p);
			return false;
		}
	}
	if (x->fmt == 'a' || x->fmt == 'i')
		x->size = 4;
	else if ((x->fmt == 'c' || x->fmt == 's') && !sized)
		x->size = 1;
	return true;
}

static void unit_text(struct dbg *d, uint32_t v, unsigned size, char fmt, char *buf, size_t len)
{
	char sym[96];

	switch (fmt) {
	case 'x':
		snprintf(buf, len, "0x%0*x", (int)size * 2, v);
		break;
	case 'd':
		snprintf(buf, len, "%d", size == 1 ? (int8_t)v : size == 2 ? (int16_t)v : (int32_t)v);
		break;
	case 'a':
		disasm_symbolize(dbg_image_at(d, v), v, sym, sizeof sym);
		snprintf(buf, len, "0x%08x%s%s", v, sym[0] ? " " : "", sym);
		break;
	default:
		dbg_format_value(v, fmt, buf, len);
		break;
	}
}

static void line_label(struct dbg *d, uint32_t addr, bool phys)
{
	char sym[96] = "";

	if (!phys)
		disasm_symbolize(dbg_image_at(d, addr), addr, sym, sizeof sym);
	dbg_printf(d, "0x%08x%s%s:", addr, sym[0] ? " " : "", sym);
}

/* Print count units of memory from addr; returns where it stopped. */
static bool examine(struct dbg *d, uint32_t addr, bool phys, const struct dbg_xfmt *x, uint32_t *next)
{
	char err[256], text[128];
	unsigned per_line = x->size == 4 ? 4 : 8;

	*next = addr;
	for (unsigned i = 0; i < x->count; i++) {
		if (x->fmt == 'i') {
			uint32_t word;
			if (!dbg_read_mem(d, addr, phys, &word, 4, err, sizeof err))
				goto bad;
			char sym[96] = "";
			if (!phys)
				disasm_symbolize(dbg_image_at(d, addr), addr, sym, sizeof sym);
			disasm_insn(addr, word, dbg_image_at(d, addr), text, sizeof text);
			dbg_printf(d, "%s0x%08x%s%s:\t%08x\t%s\n", !phys && addr == machine_pc(d->m) ? "=> " : "   ",
				   addr, sym[0] ? " " : "", sym, word, text);
			addr += 4;
		} else if (x->fmt == 's') {
			uint8_t c;
			if (!dbg_read_mem(d, addr, phys, &c, 1, err, sizeof err))
				goto bad;
			line_label(d, addr, phys);
			dbg_printf(d, "\t\"");
			for (unsigned n = 0;; n++) {
				if (!dbg_read_mem(d, addr, phys, &c, 1, err, sizeof err)) {
					dbg_printf(d, "\"\n");
					goto bad;
				}
				addr++;
				if (!c || n == 200) {
					dbg_printf(d, "\"%s\n", c ? "..." : "");
					break;
				}
				if (c == '\n')
					dbg_printf(d, "\\n");
				else if (c == '"' || c == '\\')
					dbg_printf(d, "\\%c", c);
				else if (isprint(c))
					dbg_printf(d, "%c", c);
				else
					dbg_printf(d, "\\%03o", c);
			}
		} else {
			uint8_t b[4] = { 0 };
			if (!dbg_read_mem(d, addr, phys, b, x->size, err, sizeof err)) {
				if (i % per_line)
					dbg_printf(d, "\n");
				goto bad;
			}
			if (i % per_line == 0)
				line_label(d, addr, phys);
			uint32_t v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
			if (x->fmt == 'c')
				v &= x->size == 4 ? 0xffffffffu : (1u << (8 * x->size)) - 1;
			unit_text(d, v, x->size, x->fmt, text, sizeof text);
			dbg_printf(d, "\t%s", text);
			addr += x->size;
			if (i % per_line == per_line - 1 || i + 1 == x->count)
				dbg_printf(d, "\n");
		}
		*next = addr;
	}
	return true;
bad:
	*next = addr;
	dbg_error(d, "%s", err);
	return false;
}

static int examine_cmd(struct dbg *d, const char *args, const char *fmt, bool phys)
{
	struct dbg_xfmt x = d->xfmt;
	bool cont = dbg_is_blank(args), used = x.count != 0;
	char err[256];
	uint32_t addr, next;

	if (!cont || !used)
		x.count = 1; /* the count only carries over when x goes on */
	if (!parse_xfmt(d, fmt, &x))
		return DBG_ERROR;
	if (cont) {
		if (!used)
			return dbg_error(d, "Argument required (starting display address).");
		addr = d->xnext;
	} else if (!dbg_expr(d, args, EXPR_ADDR, &addr, err, sizeof err)) {
		return dbg_error(d, "%s", err);
	}
	d->xfmt = x;
	bool ok = examine(d, addr, phys, &x, &next);
	d->xnext = next;
	d->xphys = phys;
	return ok ? DBG_OK : DBG_ERROR;
}

int dbgc_x(struct dbg *d, const char *args, const char *fmt)
{
	return examine_cmd(d, args, fmt, false);
}

int dbgc_xp(struct dbg *d, const char *args, const char *fmt)
{
	return examine_cmd(d, args, fmt, true);
}

/* ---- page: the walk, explained ------------------------------------------------------------ */

static void pte_text(uint32_t e, char *buf, size_t len)
{
	snprintf(buf, len, "frame 0x%08x  %c %c %c %c %c %c%s", PTE_FRAME(e), e & PTE_P ? 'P' : '-',
		 e & PTE_W ? 'W' : '-', e & PTE_U ? 'U' : '-', e & PTE_G ? 'G' : '-',
		 e & PTE_A ? 'A' : '-', e & PTE_D ? 'D' : '-', e & PTE_SW_MASK ? "  (software bits set)" : "");
}

static const char *where_is(struct dbg *d, uint32_t pa, char *buf, size_t len)
{
	const char *dev = dbg_device_name_at(d, pa);

	if (pa < machine_mem_bytes(d->m))
		snprintf(buf, len, "RAM");
	else if (dev)
		snprintf(buf, len, "the %s's registers", dev);
	else
		snprintf(buf, len, "nothing there: an access is a bus error");
	return buf;
}

int dbgc_page(struct dbg *d, const char *args, const char *fmt)
{
	static const char *const acc_name[] = { "read", "write", "fetch" };
	char err[256], text[128], buf[96];
	struct mmu_walk w;
	uint32_t va, ptbr = 0, asid = 0;

	if (dbg_is_blank(args))
		return dbg_error(d, "page needs a virtual address (page VA)");
	if (!dbg_expr(d, args, EXPR_ADDR, &va, err, sizeof err))
		return dbg_error(d, "%s", err);
	machine_walk(d->m, va, ACC_READ, 0, &w);
	if (!w.paging) {
		dbg_printf(d, "va 0x%08x: paging is off, so pa = va = 0x%08x (%s)\n", va, va,
			   where_is(d, va, text, sizeof text));
		dbg_printf(d, "every ring may read, write and fetch there (no protection without paging)\n");
		return DBG_OK;
	}
	machine_cr(d->m, CR_PTBR, &ptbr);
	machine_cr(d->m, CR_ASID, &asid);
	dbg_printf(d, "va 0x%08x: directory index 0x%03x, table index 0x%03x, offset 0x%03x\n", va,
		   VA_DIR(va), VA_TABLE(va), va & PAGE_MASK);
	dbg_printf(d, "  ptbr 0x%08x: page directory at pa 0x%08x, asid %u\n", ptbr, ptbr & ~PAGE_MASK, asid);
	if (!w.pde_ok) {
		dbg_printf(d, "  directory entry at pa 0x%08x: not in RAM (bus error)\n", w.pde_pa);
	} else {
		pte_text(w.pde, text, sizeof text);
		dbg_printf(d, "  directory entry at pa 0x%08x = 0x%08x  %s\n", w.pde_pa, w.pde, text);
		if (!(w.pde & PTE_P))
			dbg_printf(d, "  (not present: no page table; the rest of the walk does not happen)\n");
		else if (!w.pte_ok)
			dbg_printf(d, "  table entry     at pa 0x%08x: not in RAM (bus error)\n", w.pte_pa);
		else {
			pte_text(w.pte, text, sizeof text);
			dbg_printf(d, "  table entry     at pa 0x%08x = 0x%08x  %s\n", w.pte_pa, w.pte, text);
		}
	}
	if (!w.fault)
		dbg_printf(d, "  -> pa 0x%08x (%s)\n", w.pa, where_is(d, w.pa, text, sizeof text));
	else
		dbg_printf(d, "  -> no translation\n");
	/* the TLB may still hold something else: show the slot */
	struct tlb_view t;
	unsigned slot = (va >> PAGE_SHIFT) & (machine_tlb_size(d->m) - 1);
	machine_tlb_entry(d->m, slot, &t);
	if (t.valid && t.vpn == va >> PAGE_SHIFT) {
		flags_text(t.flags, buf, sizeof buf);
		dbg_printf(d, "  TLB slot %u: 0x%08x -> 0x%08x asid %u %s%s\n", slot, t.vpn << PAGE_SHIFT,
			   t.pfn << PAGE_SHIFT, t.asid, buf,
			   (t.flags & PTE_G) || t.asid == asid ? "" : " (another address space: not used now)");
		if (((t.flags & PTE_G) || t.asid == asid) && (w.fault || t.pfn != w.pa >> PAGE_SHIFT))
			dbg_printf(d, "  note: the TLB entry disagrees with the page tables (stale until tlbinv/tlbflush)\n");
	} else {
		dbg_printf(d, "  TLB slot %u: no entry for this page\n", slot);
	}
	/* every ring and access; rings that behave alike share a line */
	struct walk_verdict v[4][3];
	const char *res[4][3];
	walk_verdicts(d->m, va, v);
	for (unsigned ring = 0; ring < 4; ring++)
		for (unsigned a = ACC_READ; a <= ACC_FETCH; a++)
			res[ring][a] = v[ring][a].reason;
	for (unsigned lo = 0, hi; lo < 4; lo = hi + 1) {
		for (hi = lo; hi + 1 < 4 && !strcmp(res[hi + 1][0], res[lo][0]) &&
			      !strcmp(res[hi + 1][1], res[lo][1]) && !strcmp(res[hi + 1][2], res[lo][2]); hi++)
			continue;
		if (hi > lo)
			dbg_printf(d, "  rings %u-%u:", lo, hi);
		else
			dbg_printf(d, "  ring %u:   ", lo);
		if (!strcmp(res[lo][0], res[lo][1]) && !strcmp(res[lo][1], res[lo][2])) {
			dbg_printf(d, " read, write, fetch: %s\n", res[lo][0]);
			continue;
		}
		for (unsigned a = ACC_READ; a <= ACC_FETCH; a++)
			dbg_printf(d, " %s: %s%s", acc_name[a], res[lo][a], a < ACC_FETCH ? ";" : "\n");
	}
	return DBG_OK;
}

/* ---- disassemble ----------------------------------------------------------------------------- */

/* The address of the first label after addr, or 0 if none. */
static uint32_t next_label(const struct image *img, uint32_t addr)
{
	for (size_t i = 0; img && i < img->nsyms; i++)
		if (img->syms[i].kind != SYM_ABS && img->syms[i].value > addr)
			return img->syms[i].value;
	return 0;
}

int dbgc_disas(struct dbg *d, const char *args, const char *fmt)
{
	char err[256], sym[96], title[128] = "";
	uint32_t start, end, pc = machine_pc(d->m);
	const char *comma;

	if (dbg_is_blank(args)) {
		const struct image *img = dbg_image_at(d, pc);
		const struct image_symbol *s = image_symbol_near(img, pc);
		start = s && pc - s->value < 64 * 4 ? s->value : pc;
		end = next_label(img, start);
		if (!end || end <= pc || end - start > 64 * 4)
			end = (pc > start + 32 * 4 ? pc : start) + 32 * 4;
		if (end - start > 64 * 4)
			end = start + 64 * 4;
		for (size_t i = 0; img && i < img->nsegs; i++) { /* not past the code */
			const struct image_segment *seg = &img->segs[i];
			uint32_t va = image_seg_vaddr(seg);
			if (start - va < seg->memsz && end - va > seg->memsz)
				end = va + seg->memsz;
		}
		if (s && start == s->value)
			snprintf(title, sizeof title, "for %s", s->name);
	} else {
		char *a = dbg_strdup(args);
		if (!a)
			return dbg_error(d, "out of memory");
		comma = strchr(args, ',');
		if (comma)
			a[comma - args] = '\0';
		bool ok = dbg_expr(d, a, EXPR_ADDR, &start, err, sizeof err);
		free(a);
		if (!ok)
			return dbg_error(d, "%s", err);
		end = start + 8 * 4;
		if (comma) {
			const char *e = dbg_skip_ws(comma + 1);
			bool plus = *e == '+';
			if (!dbg_expr(d, e + plus, EXPR_ADDR, &end, err, sizeof err))
				return dbg_error(d, "%s", err);
			if (plus)
				end += start;
		}
		if (end <= start || end - start > 4096 * 4)
			return dbg_error(d, "Bad range 0x%08x..0x%08x", start, end);
	}
	start &= ~3u;
	uint32_t word;
	if (!dbg_read_mem(d, start, false, &word, 4, err, sizeof err))
		return dbg_error(d, "%s", err);
	if (!title[0])
		snprintf(title, sizeof title, "from 0x%08x to 0x%08x", start, end);
	dbg_printf(d, "Dump of assembler code %s:\n", title);
	for (uint32_t a = start; a < end; a += 4) {
		char text[128];
		if (!dbg_read_mem(d, a, false, &word, 4, err, sizeof err)) {
			dbg_printf(d, "End of assembler dump.\n");
			return dbg_error(d, "%s", err);
		}
		disasm_symbolize(dbg_image_at(d, a), a, sym, sizeof sym);
		disasm_insn(a, word, dbg_image_at(d, a), text, sizeof text);
		dbg_printf(d, "%s0x%08x%s%s:\t%08x\t%s\n", a == pc ? "=> " : "   ", a, sym[0] ? " " : "", sym,
			   word, text);
	}
	dbg_printf(d, "End of assembler dump.\n");
	return DBG_OK;
}

/* ---- list ------------------------------------------------------------------------------------ */

int dbgc_list(struct dbg *d, const char *args, const char *fmt)
{
	uint32_t addr, line;
	const char *file;
	struct dbg_source *s;

	if (!dbg_is_blank(args)) {
		if (!dbg_parse_location(d, args, &addr))
			return DBG_ERROR;
		if (!dbg_line_of(d, addr, &file, &line))
			return dbg_error(d, "No line number information for address 0x%08x.", addr);
		d->list_img = dbg_image_at(d, addr);
		d->list_file = (int)image_line_at(d->list_img, addr)->file;
		d->list_next = line > 5 ? line - 5 : 1;
	} else if (d->list_file < 0) {
		if (!dbg_line_of(d, machine_pc(d->m), &file, &line))
			return dbg_error(d, "No source here (pc 0x%08x has no line information).", machine_pc(d->m));
		d->list_img = dbg_image_at(d, machine_pc(d->m));
		d->list_file = (int)image_line_at(d->list_img, machine_pc(d->m))->file;
		d->list_next = line > 5 ? line - 5 : 1;
	}
	s = source(d, d->list_img, (uint32_t)d->list_file);
	if (!s)
	{
		const char *why = source_why(d, d->list_img, (uint32_t)d->list_file);
		return dbg_error(d, "Cannot read the source file \"%s\"%s%s.",
				 d->list_img->files[d->list_file], *why ? ": " : "", why);
	}
	if (d->list_next > s->nlines)
		return dbg_error(d, "Line number %u out of range; \"%s\" has %zu lines.", d->list_next,
				 s->name, s->nlines);
	for (uint32_t i = d->list_next; i < d->list_next + 10 && i <= s->nlines; i++)
		dbg_printf(d, "%u\t%s\n", i, s->lines[i - 1]);
	d->list_next += 10;
	return DBG_OK;
}

/* ---- display ----------------------------------------------------------------------------------- */

/* /FMT that examines memory rather than printing a value. */
static bool examine_fmt(const char *fmt)
{
	return fmt[0] && strpbrk(fmt, "isbhw0123456789");
}

static void show_display(struct dbg *d, const struct dbg_display *ds)
{
	char err[256], text[128];
	uint32_t v, next;

	if (!dbg_expr(d, ds->expr, examine_fmt(ds->fmt) ? EXPR_ADDR : 0, &v, err, sizeof err)) {
		dbg_printf(d, "%d: %s = <%s>\n", ds->num, ds->expr, err);
		return;
	}
	if (examine_fmt(ds->fmt)) {
		struct dbg_xfmt x = { 1, 'x', 4 };
		dbg_printf(d, "%d: x/%s %s\n", ds->num, ds->fmt, ds->expr);
		if (parse_xfmt(d, ds->fmt, &x))
			examine(d, v, false, &x, &next);
		return;
	}
	dbg_format_value(v, ds->fmt[0], text, sizeof text);
	dbg_printf(d, "%d: %s%s%s%s = %s\n", ds->num, ds->fmt[0] ? "/" : "", ds->fmt, ds->fmt[0] ? " " : "",
		   ds->expr, text);
}

void dbg_show_displays(struct dbg *d)
{
	if (machine_dead(d->m))
		return;
	for (size_t i = 0; i < d->ndisp; i++)
		if (d->disp[i].enabled)
			show_display(d, &d->disp[i]);
}

int dbgc_display(struct dbg *d, const char *args, const char *fmt)
{
	struct dbg_display *nd, ds = { 0 };
	struct dbg_xfmt x = { 1, 'x', 4 };
	char err[256];
	uint32_t v;

	if (dbg_is_blank(args)) {
		dbg_show_displays(d);
		return DBG_OK;
	}
	if (fmt && strlen(fmt) >= sizeof ds.fmt)
		return dbg_error(d, "Format /%s is too long", fmt);
	if (fmt && (examine_fmt(fmt) ? !parse_xfmt(d, fmt, &x)
				     : (strlen(fmt) != 1 || !strchr("xduotca", fmt[0]))))
		return fmt && !examine_fmt(fmt) ? dbg_error(d, "Unknown display format /%s", fmt) : DBG_ERROR;
	if (!dbg_expr(d, args, fmt && examine_fmt(fmt) ? EXPR_ADDR : 0, &v, err, sizeof err))
		return dbg_error(d, "%s", err);
	nd = realloc(d->disp, (d->ndisp + 1) * sizeof *nd);
	if (!nd)
		return dbg_error(d, "out of memory");
	d->disp = nd;
	ds.num = d->next_disp++;
	ds.expr = dbg_strdup(dbg_skip_ws(args));
	ds.enabled = true;
	snprintf(ds.fmt, sizeof ds.fmt, "%s", fmt ? fmt : "");
	if (!ds.expr)
		return dbg_error(d, "out of memory");
	d->disp[d->ndisp++] = ds;
	show_display(d, &ds);
	return DBG_OK;
}

int dbgc_undisplay(struct dbg *d, const char *args, const char *fmt)
{
	char word[32];
	const char *p = args;
	uint64_t n;

	if (dbg_is_blank(args)) {
		dbg_displays_free(d);
		return DBG_OK;
	}
	while (dbg_next_word(&p, word, sizeof word)) {
		size_t i;
		if (!dbg_parse_count(word, &n))
			return dbg_error(d, "Bad display number \"%s\"", word);
		for (i = 0; i < d->ndisp && d->disp[i].num != (int)n; i++)
			continue;
		if (i == d->ndisp)
			return dbg_error(d, "No display number %llu.", (unsigned long long)n);
		free(d->disp[i].expr);
		memmove(&d->disp[i], &d->disp[i + 1], (d->ndisp - i - 1) * sizeof *d->disp);
		d->ndisp--;
	}
	return DBG_OK;
}

static int dbgi_display(struct dbg *d, const char *args)
{
	if (!d->ndisp) {
		dbg_printf(d, "There are no auto-display expressions now.\n");
		return DBG_OK;
	}
	dbg_printf(d, "Auto-display expressions now in effect:\nNum Enb Expression\n");
	for (size_t i = 0; i < d->ndisp; i++)
		dbg_printf(d, "%-3d %-3s %s%s%s%s\n", d->disp[i].num, d->disp[i].enabled ? "y" : "n",
			   d->disp[i].fmt[0] ? "/" : "", d->disp[i].fmt, d->disp[i].fmt[0] ? " " : "",
			   d->disp[i].expr);
	return DBG_OK;
}

void dbg_displays_free(struct dbg *d)
{
	for (size_t i = 0; i < d->ndisp; i++)
		free(d->disp[i].expr);
	free(d->disp);
	d->disp = NULL;
	d->ndisp = 0;
}

/* ---- trace -------------------------------------------------------------------------------------- */

void dbg_trace_apply(struct dbg *d)
{
	if (d->tr)
		trace_set(d->tr, d->replaying ? 0 : d->trace_cats);
}

int dbgc_trace(struct dbg *d, const char *args, const char *fmt)
{
	char word[128];
	const char *p = args, *bad;
	size_t badlen;
	unsigned cats;

	if (!dbg_next_word(&p, word, sizeof word)) {
		dbg_printf(d, "Tracing is %s.\n", d->trace_cats ? "on" : "off");
		return DBG_OK;
	}
	if (!strcmp(word, "on"))
		cats = TRACE_INSN | TRACE_TRAP;
	else if (!strcmp(word, "off"))
		cats = 0;
	else if (!trace_parse(word, &cats, &bad, &badlen))
		return dbg_error(d, "Unknown trace category \"%.*s\" (on, off, or insn,trap,mmu,irq,dev,all)",
				 (int)badlen, bad);
	d->trace_cats = cats;
	dbg_trace_apply(d);
	dbg_printf(d, "Tracing %s.\n", cats ? "on" : "off");
	return DBG_OK;
}
