# good.s -- a well-behaved guest for the isolation tests: it fills 256 KiB
# of its RAM with a marker word (the hostile guest looks for it), sleeps
# through ten timer ticks printing each, checks its memory, and exits 0.
# Run beside hostile.s, it must print exactly what it prints alone.
        .include "kdefs.inc"
        .equ MAGIC, 0x600d600d
        .equ LO, 0x20000
        .equ HI, 0x60000

_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, 0x9000
        li    t0, LO
        li    t1, HI
        li    t2, MAGIC
1:      sw    t2, 0(t0)
        addi  t0, t0, 4
        bne   t0, t1, 1b
        li    t0, INTC
        li    t1, 1
        sw    t1, 4(t0)
        li    t0, TIMER
        li    t1, 100000
        sw    t1, 4(t0)
        li    t1, 7
        sw    t1, 0(t0)
        li    s0, 0
2:      halt                          # IE off: poll after waking
        li    t0, TIMER
        li    t1, 1
        sw    t1, 8(t0)
        addi  s0, s0, 1
        la    a0, m_tick
        call  puts
        mv    a0, s0
        call  putdec
        call  newline
        li    t1, 10
        bne   s0, t1, 2b
        li    t0, TIMER
        sw    zero, 0(t0)
        li    t0, LO                  # the marker is still everywhere
        li    t1, HI
        li    t2, MAGIC
        li    s1, 0
3:      lw    t3, 0(t0)
        beq   t3, t2, 4f
        addi  s1, s1, 1
4:      addi  t0, t0, 4
        bne   t0, t1, 3b
        la    a0, m_bad
        call  puts
        mv    a0, s1
        call  putdec
        call  newline
        mv    a0, s1
        j     poweroff

        VECTORS unexpected, unexpected

        .include "klib.inc"

        .data
m_tick: .asciz "good: tick "
m_bad:  .asciz "good: words changed: "
