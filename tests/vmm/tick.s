# tick.s -- an ordinary kernel with a short periodic tick (every 5000
# cycles).  Its timer handler costs five exits under the monitor (mtcr,
# mfcr, mfcr, the acknowledging store, rfe): more than the period, in the
# monitor's cycles.  It counts to LOOPS (the count in `count`), stops the
# timer and prints how many ticks it took and what its clock read:
#
#     ticks N
#     clock C
#
# Bare it finishes.  Under the monitor, whether it finishes depends on the
# timer policy (--vmm-timer; docs/monitor.md, "Time").
        .include "kdefs.inc"
        .equ PERIOD, 5000
        .equ LOOPS, 150000

_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, 0x9000
        li    t0, INTC
        li    t1, 1
        sw    t1, 4(t0)             # the timer's line
        li    t0, TIMER
        li    t1, PERIOD
        sw    t1, 4(t0)
        li    t1, 7                 # ENABLE | PERIODIC | IRQ_ENABLE
        sw    t1, 0(t0)
        la    t0, main              # interrupts on: rfe into main, IE = 1
        mtcr  epc, t0
        li    t0, IE
        mtcr  epsw, t0
        rfe

main:   la    s0, count
        li    s1, 0
        li    s2, LOOPS
1:      addi  s1, s1, 1
        sw    s1, 0(s0)
        bne   s1, s2, 1b
        li    t0, TIMER
        sw    zero, 0(t0)           # timer off
        lw    s3, 0x10(t0)          # NOW_LO: the kernel's clock
        la    a0, m_ticks
        call  puts
        la    t0, ticks
        lw    a0, 0(t0)
        call  putdec
        call  newline
        la    a0, m_clock
        call  puts
        mv    a0, s3
        call  putdec
        call  newline
        li    t0, POWER
        sw    zero, 0(t0)

tick:   mtcr  scratch, t0           # an ordinary handler: save, look,
        mfcr  t0, cause
        mfcr  t0, scratch
        TICK_HANDLER count_tick, ticks  # acknowledge, count, return

        .include "klib.inc"
        VECTORS tick, unexpected

m_ticks: .asciz "ticks "
m_clock: .asciz "clock "

        .data                       # not on a code page
        .align 4096
ticks:  .word 0
count:  .word 0
