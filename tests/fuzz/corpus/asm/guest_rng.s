# rng.s -- the seeded random-number device: the values depend only on the
# seed (vmlab run --seed N, default 1; rng.seed42.* runs with 42), and a
# guest write to SEED restarts the sequence.
        .include "lib.inc"

_start: li    s0, RNG
        li    s1, 4
1:      lw    a0, 0(s0)
        call  puthex
        call  newline
        addi  s1, s1, -1
        bnez  s1, 1b
        li    t0, 1
        sw    t0, 4(s0)               # reseed with 1
        lw    s1, 0(s0)
        SHOW  "after SEED = 1: ", s1
        li    a0, 0
        j     exit
