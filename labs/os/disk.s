# disk.s -- the disk driver: one 512-byte block at a time, by DMA, waiting
# for the completion interrupt.
#
# The disk moves data between a block and *physical* memory.  The driver
# uses a bounce buffer in the kernel (disk_buf, whose physical address is
# its kernel address) and copies to or from the process's buffer, so a
# user buffer that straddles two pages is no problem.  One request at a
# time: disk_busy says the disk (and disk_buf) are taken; the others sleep
# until it is free.
#
# Disk registers: BLOCK 0x00, ADDR 0x04, COUNT 0x08, CMD 0x0c (1 read,
# 2 write), STATUS 0x10 (BUSY 1, DONE 2, ERROR 4; write 1 to clear),
# CAPACITY 0x14 (blocks, 0 = no disk), CTRL 0x18 (IRQ_ENABLE 1).
# Line IRQ_DISK = (DONE || ERROR) && IRQ_ENABLE.
#
# The paravirtual build (PARAVIRT) sends the same one-block requests over
# the monitor's disk queue instead (docs/paravirt.md, section 6): a
# virtio-blk request in a shared ring, one notify hypercall per block,
# done when the call returns.  Only the capacity is still read from the
# emulated disk, once, at boot.

        .text

# disk_init(): remember the capacity; interrupts on (native) or the disk
# queue set up (paravirtual).
disk_init:
        li    t0, DISK
        DEV_READ t1, DISK_CAPACITY, t0
        la    t2, disk_blocks
        sw    t1, 0(t2)
        .if PARAVIRT
        DISK_QUEUE_INIT dq_ring, DQ
        .else
        li    t1, 1
        DEV_WRITE t1, DISK_CTRL, t0
        .endif
        ret

# disk_intr(): a command finished.  Clobbers a0, t0-t3.
disk_intr:
        push  ra
        li    t0, DISK
        DEV_READ t1, DISK_STATUS, t0
        andi  t1, t1, DISK_DONE | DISK_ERROR
        DEV_WRITE t1, DISK_STATUS, t0   # clear what we saw: the line drops
        la    t0, disk_status
        sw    t1, 0(t0)
        la    a0, disk_status
        call  wakeup
        pop   ra
        ret

# disk_rw(a0 = block, a1 = user buffer of BLOCK_SIZE bytes, checked,
# a2 = DISK_READ or DISK_WRITE) -> a0 = 0, E_INVAL (no such block) or E_IO.
disk_rw:
        push  ra
        push  s0
        push  s1
        push  s2
        mv    s0, a0
        mv    s1, a1
        mv    s2, a2
        li    a0, E_IO                  # no disk
        la    t0, disk_blocks
        lw    t0, 0(t0)
        beqz  t0, 9f
        li    a0, E_INVAL
        bgeu  s0, t0, 9f
1:      la    t0, disk_busy             # wait for the disk to be free
        lw    t1, 0(t0)
        beqz  t1, 2f
        mv    a0, t0
        call  sleep
        j     1b
2:      li    t1, 1
        sw    t1, 0(t0)
        li    t0, DISK_WRITE
        bne   s2, t0, 3f
        la    a0, disk_buf              # write: the user's bytes first
        mv    a1, s1
        call  bytecopy
3:
        .if PARAVIRT
        mv    a0, s0                    # through the disk queue
        mv    a1, s2
        call  disk_cmd
        bnez  a0, 7f
        .else
        la    t0, disk_status
        sw    zero, 0(t0)
        li    t0, DISK
        DEV_WRITE s0, DISK_BLOCK, t0
        la    t1, disk_buf
        DEV_WRITE t1, DISK_ADDR, t0
        li    t1, 1
        DEV_WRITE t1, DISK_COUNT, t0
        DEV_WRITE s2, DISK_CMD, t0      # go
4:      la    t0, disk_status           # sleep until the interrupt
        lw    t0, 0(t0)
        bnez  t0, 5f
        la    a0, disk_status
        call  sleep
        j     4b
5:      andi  t0, t0, DISK_ERROR
        li    a0, E_IO
        bnez  t0, 7f
        .endif
        li    t0, DISK_READ
        bne   s2, t0, 6f
        mv    a0, s1                    # read: give the user the bytes
        la    a1, disk_buf
        call  bytecopy
6:      li    a0, 0
7:      la    t0, disk_busy             # free the disk for the next one
        sw    zero, 0(t0)
        push  a0
        mv    a0, t0
        call  wakeup
        pop   a0
9:      pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

        .if PARAVIRT
# disk_cmd(a0 = block, a1 = DISK_READ or DISK_WRITE): one block between
# the disk and disk_buf, through the disk queue -> a0 = 0 or E_IO.  The
# chain is always descriptors 0 (header), 1 (disk_buf), 2 (status); only
# the header and the data descriptor's direction change.  Clobbers a0,
# t0-t2.
disk_cmd:
        la    t0, dq_hdr
        addi  t1, a1, -1                # DISK_READ 1 -> IN 0, DISK_WRITE 2 -> OUT 1
        sw    t1, 0(t0)
        sw    a0, 8(t0)
        li    t2, 0xff                  # the device overwrites it
        sb    t2, dq_status - dq_hdr(t0)
        la    t0, dq_ring
        li    t2, DESC_NEXT | (2 << 16) # data -> status
        bnez  t1, 1f
        ori   t2, t2, DESC_WRITE        # a read: the device writes disk_buf
1:      sw    t2, 16 + 12(t0)
        lhu   t1, DQ_AVAIL + 2(t0)      # avail.ring[idx % DQ] = head 0,
        andi  t2, t1, DQ - 1            # then idx + 1
        slli  t2, t2, 1
        add   t2, t2, t0
        sh    zero, DQ_AVAIL + 4(t2)
        addi  t1, t1, 1
        andi  t1, t1, 0xffff
        sh    t1, DQ_AVAIL + 2(t0)
        lhu   t2, DQ_USED(t0)           # kick, unless the monitor polls
        andi  t2, t2, USED_NO_NOTIFY
        bnez  t2, 2f
        DISK_KICK
        la    t0, dq_ring
2:      lhu   t2, DQ_USED + 2(t0)       # done when used.idx catches up (at
        bne   t2, t1, 2b                # once after a kick; a polling
        la    t0, dq_status             # monitor drains at its next exit)
        lbu   t0, 0(t0)
        li    a0, 0
        beqz  t0, 3f
        li    a0, E_IO
3:      ret
        .endif

# bytecopy(a0 = destination, a1 = source): one block, byte by byte (a user
# buffer need not be aligned).  Clobbers a0, a1, t0, t1.
bytecopy:
        li    t1, BLOCK_SIZE
        add   t1, a0, t1
1:      lbu   t0, 0(a1)
        sb    t0, 0(a0)
        addi  a0, a0, 1
        addi  a1, a1, 1
        bne   a0, t1, 1b
        ret

        .data
        .align 4
disk_blocks: .word 0                    # capacity in blocks, 0 = no disk
disk_busy:   .word 0                    # a request owns the disk
disk_status: .word 0                    # DONE or ERROR of the last command

        .bss
        .align 16
disk_buf:    .space BLOCK_SIZE          # the DMA bounce buffer

        .if PARAVIRT
# ---- the paravirtual disk queue (docs/paravirt.md, section 6) ------------
# Inside the kernel's image (KERNEL_END does not move): a ring of DQ
# descriptors, 16-byte aligned, and one request's header and status.
        .equ DQ, 4                      # descriptors (a request takes 3)
        .equ DQ_AVAIL, 16 * DQ          # the ring's layout (pv_ring.c)
        .equ DQ_USED, (16 * DQ + 6 + 2 * DQ + 3) & ~3
        # (descriptor flags, USED_NO_NOTIFY: arch.inc)

        .data
        .align 16
dq_ring:                                # desc {addr, 0, len, flags | next << 16}
        .word dq_hdr, 0, 16, DESC_NEXT | (1 << 16)      # 0 header: readable
        .word disk_buf, 0, BLOCK_SIZE, DESC_NEXT | (2 << 16) # 1 data (set per request)
        .word dq_status, 0, 1, DESC_WRITE               # 2 status: the device's
        .word 0, 0, 0, 0                                # 3 (unused)
        .space DQ_USED + 6 + 8 * DQ - 16 * DQ           # avail, used: zero
        .align 4
dq_hdr:      .word 0, 0, 0, 0           # type (0 read, 1 write), 0, block, 0
dq_status:   .word 0                    # its first byte: 0 OK, 1 IOERR, 2 UNSUPP
        .endif
