# disk.s -- the block disk (vmlab run --disk FILE): capacity, a DMA read,
# a write that reaches the host file (disk.check looks), reading it back,
# an error for a block past the end.  Completion wakes `halt` through the
# disk's interrupt line (IE = 0); a command takes 5000 + 512 * COUNT
# cycles.  run.sh's disk has 16 blocks; every byte of block b is 'A' + b.
        .include "lib.inc"
        .equ D_BLOCK, 0x00
        .equ D_ADDR, 0x04
        .equ D_COUNT, 0x08
        .equ D_CMD, 0x0c
        .equ D_STATUS, 0x10
        .equ D_CAPACITY, 0x14
        .equ D_CTRL, 0x18
        .equ BUF, 0x10000

_start: la    sp, stack_top
        li    s0, DISK
        lw    s1, D_CAPACITY(s0)
        SHOW  "capacity: ", s1
        li    t0, 1
        sw    t0, D_CTRL(s0)          # IRQ_ENABLE
        li    t0, INTC_EN
        li    t1, 4                   # line 2: the disk
        sw    t1, 0(t0)

        li    a0, 1                   # read blocks 1 and 2 into BUF
        li    a1, BUF
        li    a2, 2
        li    a3, 1
        call  disk_cmd
        li    a0, BUF
        sb    zero, 4(a0)
        call  puts
        li    a0, BUF + 1020
        sb    zero, 4(a0)
        call  puts
        call  newline

        li    s1, BUF + 0x1000        # write "vmlab disk test\n" to block 3
        la    t0, text
1:      lbu   t1, 0(t0)
        sb    t1, 0(s1)
        addi  t0, t0, 1
        addi  s1, s1, 1
        bnez  t1, 1b
        li    a0, 3
        li    a1, BUF + 0x1000
        li    a2, 1
        li    a3, 2
        call  disk_cmd
        li    a0, 3                   # and read it back elsewhere
        li    a1, BUF + 0x2000
        li    a2, 1
        li    a3, 1
        call  disk_cmd
        li    a0, BUF + 0x2000
        call  puts

        li    a0, 16                  # past the end: ERROR
        li    a1, BUF
        li    a2, 1
        li    a3, 1
        call  disk_cmd
        li    a0, 0
        j     exit

# a0 = block, a1 = address, a2 = count, a3 = command; waits, prints the
# status and the cycles the command took, clears DONE/ERROR.
disk_cmd:
        mv    s3, ra
        sw    a0, D_BLOCK(s0)
        sw    a1, D_ADDR(s0)
        sw    a2, D_COUNT(s0)
        rdcycle s1
        sw    a3, D_CMD(s0)
1:      lw    t0, D_STATUS(s0)
        andi  t0, t0, 1               # BUSY
        beqz  t0, 2f
        halt
        j     1b
2:      rdcycle t0
        sub   s1, t0, s1
        lw    t0, D_STATUS(s0)
        SHOW  "status: ", t0
        SAY   "cycles: "
        mv    a0, s1
        call  putdec
        call  newline
        li    t0, 6
        sw    t0, D_STATUS(s0)        # clear DONE and ERROR
        mv    ra, s3
        ret

text:   .asciz "vmlab disk test\n"

        STACKS
