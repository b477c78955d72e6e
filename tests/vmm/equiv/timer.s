# timer.s -- the timer and interrupts, paging off: a periodic tick taken
# while the kernel sleeps in halt with interrupts on; a one-shot timer
# that wakes a halt with interrupts off (polled afterwards); interrupts
# kept off across a system call (the handler returns with IE clear); the
# interrupt controller's registers.
        .include "../kdefs.inc"
        .equ KSTACK, 0x9000
        .equ PERIOD, 200000

_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, KSTACK
        li    t0, INTC
        li    t1, 1                   # line 0: the timer
        sw    t1, 4(t0)
        li    t0, TIMER
        li    t1, PERIOD
        sw    t1, 4(t0)
        li    t1, 7                   # enable, periodic, interrupt
        sw    t1, 0(t0)
        la    t0, 1f                  # interrupts on: rfe with epsw.IE
        mtcr  epc, t0
        li    t0, IE
        mtcr  epsw, t0
        rfe
1:      halt                          # the tick handler counts
        la    t0, ticks
        lw    t0, 0(t0)
        li    t1, 5
        bltu  t0, t1, 1b
        li    a0, 0                   # system call 0: interrupts off
        syscall
        li    t0, TIMER
        sw    zero, 0(t0)             # stop
        lw    a0, 12(t0)              # COUNT of a stopped timer: 0
        call  puthex
        call  newline
        li    t0, TIMER               # one-shot, slept through with IE off
        li    t1, 5000
        sw    t1, 4(t0)
        li    t1, 5                   # enable, interrupt, one-shot
        sw    t1, 0(t0)
        halt
        lw    a0, 8(t0)               # STATUS: expired
        call  puthex
        li    a0, ' '
        call  putc
        lw    a0, 0(t0)               # CTRL: enable cleared by the expiry
        call  puthex
        li    a0, ' '
        call  putc
        li    t1, INTC
        lw    a0, 0(t1)               # PENDING
        call  puthex
        li    a0, ' '
        call  putc
        lw    a0, 8(t1)               # ACTIVE
        call  puthex
        li    a0, ' '
        call  putc
        lw    a0, 12(t1)              # CLAIM
        call  puthex
        call  newline
        li    t1, 1
        sw    t1, 8(t0)               # acknowledge: the line drops
        li    t1, INTC
        lw    a0, 12(t1)
        call  puthex
        call  newline
        la    a0, m_done
        call  puts
        li    a0, 0
        j     poweroff

        VECTORS on_irq, on_sys_or_bad
on_sys_or_bad:
        mfcr  t0, cause
        andi  t0, t0, 0xff
        li    t1, 1
        bne   t0, t1, unexpected
        j     on_sys
on_irq: mtcr  scratch, t0
        push  t1
        push  a0
        push  a1
        push  a2
        push  a3
        push  ra
        li    t0, INTC
        lw    t1, 12(t0)              # CLAIM: the timer
        bnez  t1, unexpected
        li    t0, TIMER
        li    t1, 1
        sw    t1, 8(t0)               # acknowledge
        la    t0, ticks
        lw    t1, 0(t0)
        addi  t1, t1, 1
        sw    t1, 0(t0)
        la    a0, m_tick
        call  puts
        mv    a0, t1
        call  putdec
        call  newline
        pop   ra
        pop   a3
        pop   a2
        pop   a1
        pop   a0
        pop   t1
        mfcr  t0, scratch
        rfe
on_sys: mfcr  t0, epsw                # system call 0: return with IE off
        andi  t0, t0, ~IE & 0xffff
        mtcr  epsw, t0
        la    a0, m_cli
        call  puts
        rfe

        .include "../klib.inc"

        .data
m_tick: .asciz "tick "
m_cli:  .asciz "interrupts off\n"
m_done: .asciz "done\n"
        .align 4
ticks:  .word 0
