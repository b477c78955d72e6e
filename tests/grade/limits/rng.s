# rng.s -- powers off with the low 2 bits of the first random number:
# whether that is 0 depends on the seed (a "flaky" program for --seeds).
_start: li    t0, 0xf0006000
        lw    a0, 0(t0)
        andi  a0, a0, 3
        li    t0, 0xf0004000
        sw    a0, 0(t0)
