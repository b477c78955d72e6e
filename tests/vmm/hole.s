# hole.s -- the virtualization hole of the classic machine (docs/isa.md
# section 5, docs/monitor.md section 3).  The kernel reads its PSW with
# rdpsw at boot, after turning interrupts on (rfe), and after turning them
# off again with wrpsw; then it spins in what it believes is a critical
# section while a timer interrupt comes due.  Bare, and under the monitor
# on the strict machine: ring 0, IE as set, not interrupted.  Under the
# monitor on the classic machine, rdpsw shows ring 1 and the real IE = 1,
# wrpsw cannot clear IE, and the interrupt arrives inside the section.
        .include "kdefs.inc"

_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, 0x9000
        rdpsw s0
        la    t0, 1f                  # interrupts on: rfe with epsw.IE
        mtcr  epc, t0
        li    t0, IE
        mtcr  epsw, t0
        rfe
1:      rdpsw s1
        li    t0, 0x300               # interrupts off, two software flags
        wrpsw t0
        rdpsw s2
        li    t0, INTC
        li    t1, 1
        sw    t1, 4(t0)
        li    t0, TIMER               # due in 2000 cycles
        li    t1, 2000
        sw    t1, 4(t0)
        li    t1, 5
        sw    t1, 0(t0)
        li    t1, 5000                # the "critical section"
2:      addi  t1, t1, -1
        bnez  t1, 2b
        li    t1, 1
        sw    t1, 8(t0)               # acknowledge
        la    a0, m_boot
        mv    a1, s0
        call  show
        la    a0, m_on
        mv    a1, s1
        call  show
        la    a0, m_off
        mv    a1, s2
        call  show
        la    t0, interrupted
        lw    t0, 0(t0)
        la    a0, m_clean
        beqz  t0, 3f
        la    a0, m_broken
3:      call  puts
        li    a0, 0
        j     poweroff

show:   push  ra                      # a0 = label, a1 = psw
        push  a1
        call  puts
        pop   a0
        push  a0
        call  puthex
        la    a0, m_ring
        call  puts
        pop   a0
        push  a0
        andi  a0, a0, 3
        call  putdec
        la    a0, m_ie
        call  puts
        pop   a0
        srli  a0, a0, 2
        andi  a0, a0, 1
        call  putdec
        call  newline
        pop   ra
        ret

        VECTORS on_irq, unexpected
on_irq: mtcr  scratch, t2
        push  t3
        la    t2, interrupted
        li    t3, 1
        sw    t3, 0(t2)
        li    t2, TIMER
        sw    t3, 8(t2)               # acknowledge
        pop   t3
        mfcr  t2, scratch
        rfe

        .include "klib.inc"

        .data
m_boot:   .asciz "psw at boot             "
m_on:     .asciz "psw after rfe with IE   "
m_off:    .asciz "psw after wrpsw IE off  "
m_ring:   .asciz "  ring "
m_ie:     .asciz "  ie "
m_clean:  .asciz "critical section: not interrupted\n"
m_broken: .asciz "critical section: interrupted\n"
        .align 4
interrupted: .word 0
