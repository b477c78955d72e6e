# rng.s -- the random-number device: four values from the seed the
# machine was given (--seed, or a VM's seed=), then reseeded with 1 by the
# guest: the documented 0x89025cc1 0x658eec67 0xfb32555e.  Paging off.
        .include "../kdefs.inc"

_start: li    sp, 0x9000
        li    s0, RNG
        li    s1, 4
1:      lw    a0, 0(s0)
        call  puthex
        li    a0, ' '
        call  putc
        addi  s1, s1, -1
        bnez  s1, 1b
        call  newline
        li    t0, 1
        sw    t0, 4(s0)               # SEED
        li    s1, 3
2:      lw    a0, 0(s0)
        call  puthex
        li    a0, ' '
        call  putc
        addi  s1, s1, -1
        bnez  s1, 2b
        call  newline
        li    a0, 0
        j     poweroff

        .include "../klib.inc"
