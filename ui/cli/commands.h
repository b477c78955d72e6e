/*
 * commands.h -- the subcommands of build/vmlab.  Each takes the arguments
 * after `vmlab` (argv[0] is the subcommand's name) and returns the exit
 * status: 0 success, 1 assembly errors, 2 bad usage or input, and for
 * `run` the guest's own status (docs/isa.md, "Exit status").
 */
#ifndef VMLAB_COMMANDS_H
#define VMLAB_COMMANDS_H

int cmd_asm(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_isa(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_tui(int argc, char **argv);
int cmd_script(int argc, char **argv);
int cmd_grade(int argc, char **argv);

#endif
