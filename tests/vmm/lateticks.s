# lateticks.s -- what becomes of ticks that fall due while a kernel cannot
# take them.  A periodic tick every PERIOD cycles; a system call whose
# handler keeps interrupts off for ten and a half periods (by the kernel's
# own clock, the timer's NOW_LO); then the kernel looks at how many ticks
# arrived between the system call's return and its next instruction:
#
#     late ticks N
#
# Bare metal merges the ten into one (N = 1), as does --vmm-timer merge and
# guest; late delivers all ten, back to back; drop delivers none (they fell
# due with interrupts off).  docs/monitor.md, "Time".
        .include "kdefs.inc"
        .equ PERIOD, 20000

_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, 0x9000
        li    t0, INTC
        li    t1, 1
        sw    t1, 4(t0)
        li    t0, TIMER
        li    t1, PERIOD
        sw    t1, 4(t0)
        li    t1, 7
        sw    t1, 0(t0)
        la    t0, main
        mtcr  epc, t0
        li    t0, IE
        mtcr  epsw, t0
        rfe

main:   la    s0, ticks
        lw    s1, 0(s0)             # ticks before
        syscall                     # ten periods with interrupts off
        lw    s2, 0(s0)             # ticks after: the held ones came
        li    t0, TIMER
        sw    zero, 0(t0)
        la    a0, m_late
        call  puts
        sub   a0, s2, s1
        call  putdec
        call  newline
        li    t0, POWER
        sw    zero, 0(t0)

trap:   mfcr  t0, cause             # only the system call comes here
        li    t1, 1
        bne   t0, t1, unexpected
        li    t0, TIMER
        lw    t1, 0x10(t0)          # NOW_LO at entry
        li    t2, PERIOD * 21 / 2
1:      lw    t3, 0x10(t0)
        sub   t3, t3, t1
        bltu  t3, t2, 1b
        rfe                         # epc is the next instruction

        TICK_HANDLER tick, ticks

        .include "klib.inc"
        VECTORS tick, trap

m_late: .asciz "late ticks "

        .data
        .align 4096
ticks:  .word 0
