# guest.s -- a guest for vmlab run --vmm trap --lua tests: it writes
# scratch (an mtcr exit), reads it back (an mfcr exit), adds s1, prints
# "ok" (mmio exits) and powers off with scratch + s1: 21 + 1 = 22 when
# no script interferes.
        .equ UART, 0xf0002000
        .equ POWER, 0xf0004000
        .text
_start: li    s1, 1
        li    t1, 21
        mtcr  scratch, t1
        mfcr  s0, scratch
        add   s0, s0, s1
        li    t0, UART
        li    a0, 111          # 'o'
        sw    a0, 0(t0)
        li    a0, 107          # 'k'
        sw    a0, 0(t0)
        li    a0, 10
        sw    a0, 0(t0)
        li    t0, POWER
        sw    s0, 0(t0)
