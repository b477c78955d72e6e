/*
 * main.c -- `vmlab COMMAND ...`: find the subcommand and run it.  This is
 * the only place that decides the process's exit status.
 */
#include "ui/cli/commands.h"
#include "ui/cli/version.h"

#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "asm", cmd_asm, "assemble a .s file into an ELF image" },
	{ "disasm", cmd_disasm, "disassemble an image" },
	{ "run", cmd_run, "run an image or a .s file on the machine" },
	{ "debug", cmd_debug, "debug a program: step, break, inspect, reverse" },
	{ "tui", cmd_tui, "the debugger on the whole terminal (panes, MMU walks)" },
	{ "bench", cmd_bench, "measure the simulator's speed on fixed workloads" },
	{ "script", cmd_script, "run a Lua script that drives machines (docs/lua.md)" },
	{ "grade", cmd_grade, "grade a lab submission (docs/grading.md)" },
	{ "isa", cmd_isa, "print the instruction set (from the ISA table)" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
	fprintf(out, "usage: vmlab COMMAND [ARGS...]\n\n"
		     "vmlab simulates a small 32-bit machine with privilege rings, paging\n"
		     "and devices, for learning how operating systems and virtual machine\n"
		     "monitors work.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n`vmlab help COMMAND` (or `vmlab COMMAND --help`) describes a command;\n"
		     "`vmlab --version` prints the version.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("vmlab %s\n", VMLAB_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") && argc > 2) { /* vmlab help CMD: CMD --help */
		char *args[] = { argv[2], "--help", NULL };
		if (argc > 3) {
			fprintf(stderr, "vmlab help: one command at a time\n");
			return 2;
		}
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (!strcmp(argv[2], commands[i].name))
				return commands[i].run(2, args);
		fprintf(stderr, "vmlab help: unknown command '%s' (see vmlab --help)\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "vmlab: unknown command '%s' (see vmlab --help)\n", argv[1]);
	return 2;
}
