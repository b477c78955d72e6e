# disk.s -- the block disk with DMA, paging off: capacity; a two-block
# read completed by interrupt while the kernel sleeps in halt; a write
# and a read back (polled); the errors (block out of range, count 0, a
# buffer outside RAM, an unknown command).  Run with --disk: a four-block
# file whose blocks 0 and 1 hold text (tests/vmm/run.sh makes it).
        .include "../kdefs.inc"
        .equ BUF, 0x10000

_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, 0x9000
        li    s0, DISK
        la    a0, m_cap
        call  puts
        lw    a0, 0x14(s0)            # CAPACITY
        call  putdec
        call  newline
        li    t0, INTC                # line 2: the disk
        li    t1, 4
        sw    t1, 4(t0)
        li    t1, 1
        sw    t1, 0x18(s0)            # CTRL: interrupt
        la    t0, 1f                  # interrupts on
        mtcr  epc, t0
        li    t0, IE
        mtcr  epsw, t0
        rfe
1:      li    a0, 0                   # blocks 0, 1 -> BUF
        li    a1, BUF
        li    a2, 2
        li    a3, 1
        call  command
2:      halt                          # the handler sets done
        la    t0, done
        lw    t0, 0(t0)
        beqz  t0, 2b
        li    a0, BUF
        call  puts
        li    a0, BUF + 512
        call  puts
        sw    zero, 0x18(s0)          # no more interrupts: poll
        la    a0, m_wr                # block 2 <- the message, then read back
        mv    a1, a0
        li    a0, 2
        li    a2, 1
        li    a3, 2
        call  command
        call  wait
        li    a0, 2
        li    a1, BUF + 2048
        li    a2, 1
        li    a3, 1
        call  command
        call  wait
        li    a0, BUF + 2048
        call  puts
        li    a0, 4                   # errors: beyond capacity
        li    a1, BUF
        li    a2, 1
        li    a3, 1
        call  command
        call  wait
        li    a0, 0                   # count 0
        li    a1, BUF
        li    a2, 0
        li    a3, 1
        call  command
        call  wait
        li    a0, 0                   # buffer beyond RAM
        li    a1, 0x01fffe00
        li    a2, 1
        li    a3, 1
        call  command
        call  wait
        li    a0, 0                   # no such command
        li    a1, BUF
        li    a2, 1
        li    a3, 9
        call  command
        call  wait
        la    a0, m_done
        call  puts
        li    a0, 0
        j     poweroff

command: # block a0, address a1, count a2, command a3
        sw    a0, 0(s0)
        sw    a1, 4(s0)
        sw    a2, 8(s0)
        sw    a3, 12(s0)
        ret

wait:   # poll until the command is over; print STATUS and clear it
        lw    t0, 0x10(s0)
        andi  t1, t0, 1
        bnez  t1, wait
        push  ra
        push  t0
        la    a0, m_status
        call  puts
        pop   a0
        push  a0
        call  puthex
        call  newline
        pop   t0
        pop   ra
        sw    t0, 0x10(s0)            # w1c
        ret

        VECTORS on_irq, unexpected
on_irq: lw    t0, 0x10(s0)            # DONE: acknowledge, note it
        sw    t0, 0x10(s0)
        la    t1, done
        sw    t0, 0(t1)
        rfe

        .include "../klib.inc"

        .data
m_cap:    .asciz "capacity "
m_wr:     .asciz "block 2, written by the guest\n"
m_status: .asciz "status "
m_done:   .asciz "done\n"
        .align 4
done:     .word 0
