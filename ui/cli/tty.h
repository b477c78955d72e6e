/*
 * tty.h -- the terminal while a guest owns the keyboard.
 *
 * tty_raw() puts a terminal in the mode a guest's console wants: no line
 * editing and no echo by the host (the guest's own line discipline echoes,
 * as toyos's console_read does), Enter sends CR, output still turns LF
 * into CR LF.  Ctrl-C still makes SIGINT, which only sets a flag
 * (tty_interrupted) so that the front end stops the machine between two
 * instructions and reports.  The terminal's own settings come back on
 * every way out: tty_restore(), exit(), and the signals that end or
 * suspend the process (SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, and crashes:
 * SIGSEGV, SIGBUS, SIGFPE, SIGABRT); SIGCONT puts the guest's mode back.
 */
#ifndef VMLAB_TTY_H
#define VMLAB_TTY_H

#include <stdbool.h>

/* Watch for Ctrl-C (SIGINT) from now on, terminal or not. */
void tty_catch_interrupt(void);
/* Ctrl-C since the last call?  (Reading clears it.) */
bool tty_interrupted(void);
/* Leave SIGINT to its default again. */
void tty_release_interrupt(void);

/* fd is a terminal: switch it to the guest's mode; false if it is not a
 * terminal or cannot be switched (the run goes on in its mode). */
bool tty_raw(int fd);
/* Back to the settings tty_raw found; harmless when not switched. */
void tty_restore(void);

/* The byte the terminal sends for end of input (Ctrl-D by default). */
unsigned char tty_eof_char(void);

#endif
