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

        .text

# disk_init(): remember the capacity, interrupts on.
disk_init:
        li    t0, DISK
        DEV_READ t1, DISK_CAPACITY, t0
        la    t2, disk_blocks
        sw    t1, 0(t2)
        li    t1, 1
        DEV_WRITE t1, DISK_CTRL, t0
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
3:      la    t0, disk_status
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
