# ring.s -- exits per KiB of console output: the emulated UART against a
# paravirtual shared ring (docs/paravirt.md, section 6).  Run it as three
# paravirtual guests; each writes the same 16 KiB (256 lines of 64 bytes)
# and picks its way by its VM number (the shared page's start info):
#
#   vm0   the emulated UART: one store, one exit, per byte
#   vm1   the console ring, a kick (notify) after every line
#   vm2   the console ring, polled by the monitor (used.flags NO_NOTIFY):
#         a kick only when all 16 descriptors are in flight
#
# tests/pv/run.sh compares the three outputs and their exits.

        .include "pvguest.inc"         # hypercalls, VECTORS
        .equ Q, 16
        .equ LINES, 256
        .equ UART, 0xf0002000
        .equ AVAIL, 16 * Q              # ring layout (pv_ring.c)
        .equ USED, (16 * Q + 6 + 2 * Q + 3) & ~3

        .data
__vmlab_paravirt: .word 1
line:   .ascii "0123456789abcdef the quick brown fox jumps over the lazy dog ..\n"
        .bss
        .align 4096
shared: .space 4096
ring:   .space 4096
        .space 1024
stack_top:

        .text
        .align 4
vectors:                                # no trap is expected: power off 99
        VECTORS unexpected

_start:
        PV_BOOT                         # s3 = this VM's number: the way
        bnez  s3, by_ring

        # vm0: the UART, byte by byte
        li    s0, LINES
        li    t1, UART
1:      la    t2, line
        li    t3, 64
2:      lbu   t0, 0(t2)
        sw    t0, 0(t1)
        addi  t2, t2, 1
        addi  t3, t3, -1
        bnez  t3, 2b
        addi  s0, s0, -1
        bnez  s0, 1b
        j     done

by_ring:
        li    a0, 0                     # the console queue
        la    a1, ring
        li    a2, Q
        addi  a3, s3, -1                # vm1: flags 0; vm2: POLL
        li    t0, HC_QUEUE_INIT
        hypercall
        bnez  t0, unexpected
        la    s1, ring
        li    s0, 0                     # s0 = lines made available
3:      li    t0, LINES
        beq   s0, t0, 6f
        # a free descriptor?  in flight = s0 - used.idx (16-bit counters)
4:      lhu   t1, USED + 2(s1)
        sub   t1, s0, t1
        andi  t1, t1, 0xffff
        li    t2, Q
        bltu  t1, t2, 5f
        li    a0, 0                     # all in flight: kick, and re-check
        li    t0, HC_NOTIFY
        hypercall
        j     4b
5:      andi  t1, s0, Q - 1             # descriptor and ring slot s0 % Q
        slli  t2, t1, 4
        add   t2, t2, s1
        la    t3, line
        sw    t3, 0(t2)                 # addr (low, high), len, flags
        sw    zero, 4(t2)
        li    t3, 64
        sw    t3, 8(t2)
        sw    zero, 12(t2)
        slli  t2, t1, 1
        add   t2, t2, s1
        sh    t1, AVAIL + 4(t2)         # avail.ring[s0 % Q] = head
        addi  s0, s0, 1
        sh    s0, AVAIL + 2(s1)         # then avail.idx
        lhu   t1, USED(s1)              # the monitor polls: no kick
        andi  t1, t1, 1
        bnez  t1, 3b
        li    a0, 0
        li    t0, HC_NOTIFY
        hypercall
        j     3b
6:      li    a0, 0                     # the last ones out
        li    t0, HC_NOTIFY
        hypercall
        lhu   t1, USED + 2(s1)
        bne   t1, s0, unexpected

done:   li    t0, POWER
        sw    zero, 0(t0)

unexpected:
        li    t0, POWER
        li    t1, 99
        sw    t1, 0(t0)
