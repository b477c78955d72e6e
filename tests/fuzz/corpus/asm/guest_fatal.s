# fatal.s -- a fault with no trap vector (tvec = 0) stops the machine:
# vmlab run exits 125 and reports the trap on stderr (fatal.err).
        .include "lib.inc"

        .org  0x2000
_start: SAY   "about to fault\n"
        li    t0, 0x7001
        lw    t1, 0(t0)               # misaligned, and nowhere to go
        SAY   "not reached\n"
        li    a0, 0
        j     exit
