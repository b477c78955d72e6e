/*
 * session.h -- one machine with one program loaded, built from the options
 * that `run` and `debug` share (one table, SESSION_OPT_SPECS):
 *
 *   --machine classic|strict  --mem SIZE  --tlb N  --seed N
 *   --console-in FILE|-  --record FILE  --replay FILE  --disk FILE
 *   --trace CATS  -I DIR  --max-insns N
 *
 * It owns the machine, the image and the tracer, and routes the machine's
 * console and debug output to the terminal; console input comes through
 * struct console (console.h: batch, interactive, replayed, recorded).
 */
#ifndef VMLAB_SESSION_H
#define VMLAB_SESSION_H

#include <stdint.h>
#include <stdio.h>

#include "sim/machine.h"
#include "ui/cli/console.h"
#include "ui/cli/options.h"

struct image;
struct trace;

enum {
	SOPT_MACHINE = 1000, SOPT_MEM, SOPT_TLB, SOPT_SEED, SOPT_CONSOLE_IN,
	SOPT_DISK, SOPT_TRACE, SOPT_INCLUDE, SOPT_RECORD, SOPT_REPLAY, SOPT_MAX_INSNS,
};
#define SESSION_OPT_SPECS \
	{ "machine", 0, true, SOPT_MACHINE }, { "mem", 0, true, SOPT_MEM }, \
	{ "tlb", 0, true, SOPT_TLB }, { "seed", 0, true, SOPT_SEED }, \
	{ "console-in", 0, true, SOPT_CONSOLE_IN }, { "disk", 0, true, SOPT_DISK }, \
	{ "trace", 0, true, SOPT_TRACE }, { "include", 'I', true, SOPT_INCLUDE }, \
	{ "record", 0, true, SOPT_RECORD }, { "replay", 0, true, SOPT_REPLAY }, \
	{ "max-insns", 0, true, SOPT_MAX_INSNS }
#define SESSION_OPT_HELP \
	"  --machine classic|strict  machine variant (default classic: x86-like holes)\n" \
	"  --mem SIZE        RAM size, e.g. 16M (default), 64K, 1G\n" \
	"  --tlb N           TLB entries, a power of two (default 64)\n" \
	"  --seed N          seed of the random-number device (default 1)\n" \
	"  --console-in F    console input from file F, or - for standard input\n" \
	"                    (default: the terminal, when vmlab runs on one)\n" \
	"  --record F        write the console input, with the cycle of each\n" \
	"                    byte, to F\n" \
	"  --replay F        console input from a --record file, cycle for cycle\n" \
	"  --disk FILE       back the block disk with FILE (size a multiple of 512)\n" \
	"  --trace CATS      trace to stderr: insn,trap,mmu,irq,dev,exit or all\n" \
	"  -I DIR            include directory when assembling a .s file\n" \
	"  --max-insns N     stop after N instructions (exit status 124)\n"

#define SESSION_MAX_INCLUDES 16

struct session {
	const char *cmd;                 /* "run": prefix of messages      */
	struct machine_config cfg;
	const char *image_path;
	const char *console_in;          /* NULL: the terminal, or none    */
	const char *record, *replay;     /* --record, --replay files       */
	bool interactive;                /* the terminal may give input    */
	struct console con;              /* console input while running    */
	const char *includes[SESSION_MAX_INCLUDES + 1];
	int nincludes;
	unsigned trace_cats;             /* TRACE_* bits                   */
	uint64_t max_insns;              /* budget; UINT64_MAX: none        */
	FILE *console;                   /* guest console output           */
	struct machine *m;
	struct image *img;
	struct trace *tr;
};

void session_init(struct session *s, const char *cmd);
/* Handle a shared option: 1 done, 0 not a session option, -1 error. */
int session_option(struct session *s, int id, const char *arg);
/* Assemble or read the image, build the machine, load, feed console
 * input.  0, or the exit status to return (1 assembly, 2 input). */
int session_start(struct session *s);
void session_end(struct session *s);
/* Load an image from an ELF file or (by its .s suffix) a source file;
 * messages go to stderr.  NULL with *status set on failure. */
struct image *session_load_image(const char *cmd, const char *path,
				 const char *const *includes, int *status);
/* A whole file, or standard input for "-"; NULL with err filled. */
uint8_t *session_slurp(const char *path, size_t *len, char *err, size_t errlen);
/* A command's argument: the program (the one positional argument) or a
 * shared option.  1 done, 0 neither, -1 error (message printed). */
int session_argument(struct session *s, int id, const char *arg);

#endif
