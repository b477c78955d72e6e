# timer.s -- the clock: a periodic timer interrupt every TICK_CYCLES cycles
# (250 Hz at the nominal 1 GHz; why that rate: docs/monitor.md, "Time").
#
# Each tick counts in `ticks` (what uptime and sleep use), wakes the
# processes sleeping on it, and charges the running process one tick of
# its time slice.  When a process has used QUANTUM_TICKS ticks, trap()
# makes it yield on its way back to user mode: that is the preemption of
# the round-robin scheduler.  Time is virtual, so all of this happens at
# the same instruction in every run.
#
# Timer registers: CTRL 0x0 (ENABLE 1, PERIODIC 2, IRQ_ENABLE 4),
# PERIOD 0x4, STATUS 0x8 (EXPIRED 1, write 1 to clear).
# Line IRQ_TIMER = EXPIRED && IRQ_ENABLE.

        .text

# timer_init(): start the periodic tick.
timer_init:
        li    t0, TIMER
        li    t1, TICK_CYCLES
        DEV_WRITE t1, TIMER_PERIOD, t0
        li    t1, TIMER_ON
        DEV_WRITE t1, TIMER_CTRL, t0
        ret

# timer_intr(): one tick.  Clobbers a0, t0-t3.
timer_intr:
        push  ra
        li    t0, TIMER
        li    t1, 1
        DEV_WRITE t1, TIMER_STATUS, t0  # clear EXPIRED: the line drops
        la    t0, ticks
        lw    t1, 0(t0)
        addi  t1, t1, 1
        sw    t1, 0(t0)
        la    t0, current               # charge the running process
        lw    t0, 0(t0)
        beqz  t0, 1f
        lw    t1, P_QUANTUM(t0)
        addi  t1, t1, 1
        sw    t1, P_QUANTUM(t0)
1:      la    a0, ticks                 # sleep() sleeps on ticks
        call  wakeup
        pop   ra
        ret

        .data
        .align 4
ticks:      .word 0                     # timer ticks since boot
