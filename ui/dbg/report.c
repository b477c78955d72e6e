/*
 * report.c -- statistics and stop reports for people and for programs.
 */
#include "ui/dbg/report.h"

#include <errno.h>
#include <string.h>

#include "sim/asm/disasm.h"
#include "sim/image.h"

static const char *access_name(unsigned a)
{
	return a == ACC_WRITE ? "write" : a == ACC_FETCH ? "fetch" : "read";
}

void report_wrap(FILE *out, size_t col, size_t indent, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t room = col < 80 ? 80 - col : 0, n = strlen(p), cut = n;
		if (n > room) { /* the last space that fits, else the first at all */
			cut = 0;
			for (size_t i = 0; i <= room && i < n; i++)
				if (p[i] == ' ')
					cut = i;
			if (!cut)
				cut = strcspn(p, " ");
		}
		fprintf(out, "%.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
		if (*p) {
			fprintf(out, "%*s", (int)indent, "");
			col = indent;
		}
	}
	if (!*text)
		fputc('\n', out);
}

void report_stats_text(struct machine *m, FILE *out)
{
	struct machine_stats s;

	machine_get_stats(m, &s);
	fprintf(out, "--- statistics ---\n");
	fprintf(out, "instructions   %llu\n", (unsigned long long)s.instret);
	fprintf(out, "cycles         %llu\n", (unsigned long long)s.cycles);
	for (unsigned c = 0; c < TRAP_NCAUSES; c++)
		if (s.traps[c])
			fprintf(out, "trap %-22s %llu\n", isa_cause_name(c), (unsigned long long)s.traps[c]);
	fprintf(out, "interrupts     %llu\n", (unsigned long long)s.irqs_taken);
	fprintf(out, "tlb misses     %llu (page walks that filled the TLB)\n",
		(unsigned long long)s.tlb_misses);
	fprintf(out, "tlb flushes    %llu\n", (unsigned long long)s.tlb_flushes);
	fprintf(out, "device reads   %llu\n", (unsigned long long)s.mmio_reads);
	fprintf(out, "device writes  %llu\n", (unsigned long long)s.mmio_writes);
	fprintf(out, "decoded        %llu instructions (%llu code writes)\n",
		(unsigned long long)s.decoded, (unsigned long long)s.code_writes);
}

bool report_stats_json(struct machine *m, const char *cmd, const char *path)
{
	struct machine_stats s;
	FILE *f = fopen(path, "w");
	const char *sep = "";

	if (!f) {
		fprintf(stderr, "vmlab %s: --stats-json: %s: %s\n", cmd, path, strerror(errno));
		return false;
	}
	machine_get_stats(m, &s);
	fprintf(f, "{\"instructions\":%llu,\"cycles\":%llu,\"traps\":{",
		(unsigned long long)s.instret, (unsigned long long)s.cycles);
	for (unsigned c = 0; c < TRAP_NCAUSES; c++) {
		fprintf(f, "%s\"%s\":%llu", sep, isa_cause_name(c), (unsigned long long)s.traps[c]);
		sep = ",";
	}
	fprintf(f, "},\"interrupts\":%llu,\"tlb_misses\":%llu,\"tlb_flushes\":%llu,"
		   "\"device_reads\":%llu,\"device_writes\":%llu,\"decoded\":%llu,\"code_writes\":%llu}\n",
		(unsigned long long)s.irqs_taken, (unsigned long long)s.tlb_misses,
		(unsigned long long)s.tlb_flushes, (unsigned long long)s.mmio_reads,
		(unsigned long long)s.mmio_writes, (unsigned long long)s.decoded,
		(unsigned long long)s.code_writes);
	if (fclose(f) != 0) {
		fprintf(stderr, "vmlab %s: --stats-json: %s: write failed\n", cmd, path);
		return false;
	}
	return true;
}

void report_fatal(struct machine *m, const struct image *img, FILE *out)
{
	const struct machine_fatal *f = machine_fatal_report(m);
	unsigned code;
	const char *name;

	if (!f)
		return;
	code = CAUSE_CODE(f->cause);
	name = isa_cause_name(code);
	fprintf(out, "vmlab: machine stopped: %s\n", f->reason);
	if (!f->trap) {
		fprintf(out, "  pc     0x%08x  ring %u\n", f->pc, f->ring);
		return;
	}
	fprintf(out, "  cause  %s (0x%08x", name ? name : "none", f->cause);
	if (code == TRAP_PAGE_FAULT)
		fprintf(out, ": %s, %s", access_name(CAUSE_ACCESS(f->cause)),
			CAUSE_PROT(f->cause) ? "protection" : "not present");
	else if (code == TRAP_ALIGN || code == TRAP_BUS_ERROR)
		fprintf(out, ": %s", access_name(CAUSE_ACCESS(f->cause)));
	fprintf(out, ")\n  pc     0x%08x  ring %u\n  badva  0x%08x\n", f->pc, f->ring, f->badva);
	/* a system call's epc is the next instruction: show the syscall */
	report_insn_source(m, img, code == TRAP_SYSCALL ? f->pc - 4 : f->pc, out);
}

void report_insn_source(struct machine *m, const struct image *img, uint32_t pc, FILE *out)
{
	struct mmu_walk w;
	uint32_t word;
	char text[128];

	machine_walk(m, pc, ACC_FETCH, 0, &w);
	if (!w.fault && machine_phys_read(m, w.pa, &word, 4)) {
		disasm_insn(pc, word, img, text, sizeof text);
		fprintf(out, "  insn   0x%08x: %08x  %s\n", pc, word, text);
	}
	if (img) {
		const struct image_line *l = image_line_at(img, pc);
		if (l && l->file < img->nfiles)
			fprintf(out, "  source %s:%u\n", img->files[l->file], l->line);
	}
}
