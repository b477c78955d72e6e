# budget.s -- a runaway loop under --max-insns 1000: exit 124.
        .include "lib.inc"

_start: SAY   "spinning\n"
1:      addi  t0, t0, 1
        j     1b
