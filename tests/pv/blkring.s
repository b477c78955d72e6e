# blkring.s -- exits per KiB of disk input: the emulated disk's registers
# against the paravirtual disk queue (docs/paravirt.md, section 6).  Run
# it as three paravirtual guests, each with a disk of 128 blocks (64 KiB);
# each reads the whole disk, one 512-byte block per request, then writes
# what it read to its console (16 console_write calls, the same for all),
# and picks its way by its VM number (the shared page's start info):
#
#   vm0   the emulated disk, as toyos drives it: BLOCK, ADDR, COUNT, CMD
#         (four stores, four exits), block until the completion interrupt,
#         read and clear STATUS
#   vm1   the disk queue, a kick (notify) per request
#   vm2   the disk queue, ten requests in the ring per kick
#
# tests/pv/run.sh compares the three outputs with the disk and their exits.

        .include "pvguest.inc"
        .equ BLOCKS, 128
        .equ Q, 32                      # 10 requests of 3 descriptors
        .equ AVAIL, 16 * Q              # pv_ring.c's layout
        .equ USED, (16 * Q + 6 + 2 * Q + 3) & ~3
        .equ NEXT, DESC_NEXT
        .equ WRITE, DESC_WRITE
        .equ INTC, 0xf0000000
        .equ DISK, 0xf0003000

        .data
__vmlab_paravirt: .word 1
        .bss
        .align 4096
shared:   .space 4096
ring:     .space 4096
hdrs:     .space 16 * 10                # a header and a status per slot
stats:    .space 4 * 10
          .space 1024
stack_top:
        .align 4096
data:     .space BLOCKS * 512           # the whole disk, read

        .text
        .align 4
vectors:                                # vm0 takes the disk's interrupt
        VECTORS on_irq

_start:
        PV_BOOT                         # s3 = this VM's number: the way
        bnez  s3, by_ring

        # vm0: the emulated disk, one command per block, interrupt-driven
        li    t1, INTC
        li    t2, 1 << 2                # the disk's line
        sw    t2, 4(t1)
        li    t1, DISK
        li    t2, 1
        sw    t2, 0x18(t1)              # CTRL: IRQ_ENABLE
        li    s0, 0                     # s0 = block
1:      li    t1, DISK
        sw    s0, 0x00(t1)              # BLOCK
        slli  t2, s0, 9
        la    t3, data
        add   t2, t2, t3
        sw    t2, 0x04(t1)              # ADDR
        li    t2, 1
        sw    t2, 0x08(t1)              # COUNT
        sw    t2, 0x0c(t1)              # CMD: read
        li    t0, HC_BLOCK              # until the interrupt (on_irq)
        hypercall
        addi  s0, s0, 1
        li    t1, BLOCKS
        bne   s0, t1, 1b
        j     done

on_irq:                                 # the disk finished: clear DONE
        li    t1, DISK
        lw    t0, 0x10(t1)
        li    t2, 2
        bne   t0, t2, unexpected        # DONE, not ERROR
        sw    t0, 0x10(t1)
        rfe                             # back after the block hypercall

by_ring:
        li    a0, 1                     # the disk queue
        la    a1, ring
        li    a2, Q
        li    a3, 0
        li    t0, HC_QUEUE_INIT
        hypercall
        bnez  t0, unexpected
        la    s1, ring
        li    s0, 0                     # s0 = blocks requested
        li    s2, 0                     # s2 = slot in this batch
2:      call  post
        addi  s0, s0, 1
        addi  s2, s2, 1
        li    t1, 1                     # vm1: a kick per request
        beq   s3, t1, 3f
        li    t1, 10                    # vm2: a kick per 10, and the last
        beq   s2, t1, 3f
        li    t1, BLOCKS
        bne   s0, t1, 2b
3:      li    a0, 1
        li    t0, HC_NOTIFY
        hypercall
        bne   t0, s2, unexpected        # every request consumed
        lhu   t1, USED + 2(s1)
        bne   t1, s0, unexpected
4:      beqz  s2, 5f                    # and each one's status 0
        addi  s2, s2, -1
        la    t1, stats
        slli  t2, s2, 2
        add   t1, t1, t2
        lbu   t1, 0(t1)
        bnez  t1, unexpected
        j     4b
5:      li    t1, BLOCKS
        bne   s0, t1, 2b

done:   la    s0, data                  # what it read, to the console
        li    s1, 16
6:      mv    a0, s0
        li    a1, 4096
        li    t0, HC_CONSOLE_WRITE
        hypercall
        li    t1, 4096
        bne   t0, t1, unexpected
        li    t1, 4096
        add   s0, s0, t1
        addi  s1, s1, -1
        bnez  s1, 6b
        li    t0, POWER
        sw    zero, 0(t0)

# post(): a read of block s0 into data + 512 s0, in slot s2 (descriptors
# 3 s2 .. 3 s2 + 2, header and status s2), made available.  Clobbers
# a0-a3, t0-t4.
post:
        slli  t0, s2, 4                 # header: IN, block s0
        la    a1, hdrs
        add   a1, a1, t0
        sw    zero, 0(a1)
        sw    zero, 4(a1)
        sw    s0, 8(a1)
        sw    zero, 12(a1)
        slli  t0, s2, 2
        la    a2, stats
        add   a2, a2, t0                # a2 = its status byte
        li    t0, 0xff
        sb    t0, 0(a2)
        slli  a0, s2, 1                 # a0 = first descriptor, 3 s2
        add   a0, a0, s2
        slli  t4, a0, 4
        add   t4, t4, s1                # t4 = its address
        sw    a1, 0(t4)                 # header
        sw    zero, 4(t4)
        li    t0, 16
        sw    t0, 8(t4)
        addi  t1, a0, 1
        slli  t1, t1, 16
        ori   t1, t1, NEXT
        sw    t1, 12(t4)
        slli  t0, s0, 9                 # data
        la    t1, data
        add   t0, t0, t1
        sw    t0, 16(t4)
        sw    zero, 20(t4)
        li    t0, 512
        sw    t0, 24(t4)
        addi  t1, a0, 2
        slli  t1, t1, 16
        ori   t1, t1, NEXT | WRITE
        sw    t1, 28(t4)
        sw    a2, 32(t4)                # status
        sw    zero, 36(t4)
        li    t0, 1
        sw    t0, 40(t4)
        li    t0, WRITE
        sw    t0, 44(t4)
        andi  t1, s0, Q - 1             # avail.ring[s0 % Q] = head, then idx
        slli  t1, t1, 1
        add   t1, t1, s1
        sh    a0, AVAIL + 4(t1)
        addi  t0, s0, 1
        sh    t0, AVAIL + 2(s1)
        ret

unexpected:
        li    t0, POWER
        li    t1, 99
        sw    t1, 0(t0)
