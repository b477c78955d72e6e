# traps.s -- every trap cause, from the kernel (ring 0) and from user code
# (ring 3), paging off.  The handler prints what the hardware reported and
# skips the instruction; the same output bare and under the monitor.
        .include "../kdefs.inc"
        .equ KSTACK, 0x9000

_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, KSTACK
        la    a0, m_kernel
        call  puts
        li    t0, 0x1001
        lw    t1, 0(t0)               # misaligned read
        sh    t1, 0(t0)               # misaligned write
        li    t1, 0
        div   t2, t0, t1              # divide by zero
        remu  t2, t0, t1
        .word 0xff000000              # not an instruction
        .word 0x01123001              # add with a reserved bit set
        break
        hypercall                     # illegal on this machine
        li    t0, UART
        lb    t1, 0(t0)               # byte access to a device
        li    t0, 0xf0008000
        lw    t1, 0(t0)               # no device there
        li    t0, 0x02000000
        sw    t1, 0(t0)               # beyond RAM (16 MiB)
        li    t0, POWER
        lw    t1, 0(t0)               # a write-only register
        li    t0, 0x1002
        jalr  ra, t0, 0               # misaligned jump target
        mfcr  t1, cause               # cause of the last trap
        mv    a0, t1
        call  puthex
        call  newline
        syscall
        la    a0, m_user
        call  puts
        la    t0, user
        mtcr  epc, t0
        li    t0, 3
        mtcr  epsw, t0
        rfe

user:   li    t0, 0x1003
        lw    t1, 0(t0)
        li    t1, 0
        rem   t2, t0, t1
        .word 0x7f000000
        break
        hypercall
        mfcr  t1, epc                 # privileged
        mtcr  tvec, t1
        rfe
        tlbinv t1
        tlbflush
        halt
        rdpsw t1                      # strict machine: privileged too
        wrpsw t1
        rdcycle t1
        li    t0, RNG
        lh    t1, 2(t0)
        li    a0, 3                   # exit
        syscall

# ---- the handler: print cause, epc, badva, epsw; skip; syscall a0 = 3 exits
        VECTORS trap, trap
trap:   mtcr  scratch, sp
        li    sp, KSTACK - 256
        push  ra
        push  a0
        push  a1
        push  a2
        push  a3
        la    a0, m_trap
        call  puts
        mfcr  a0, cause
        call  puthex
        li    a0, ' '
        call  putc
        mfcr  a0, epc
        call  puthex
        li    a0, ' '
        call  putc
        mfcr  a0, badva
        call  puthex
        li    a0, ' '
        call  putc
        mfcr  a0, epsw
        call  puthex
        call  newline
        pop   a3
        pop   a2
        pop   a1
        pop   a0
        pop   ra
        mfcr  t4, cause
        andi  t4, t4, 0xff
        li    t3, 1
        bne   t4, t3, 1f
        li    t3, 3                   # syscall: exit?
        beq   a0, t3, 2f
        j     3f
1:      mfcr  t4, epc                 # a fault: skip the instruction
        addi  t4, t4, 4
        mtcr  epc, t4
3:      mfcr  sp, scratch
        rfe
2:      la    a0, m_done
        call  puts
        li    a0, 0
        j     poweroff

        .include "../klib.inc"

        .data
m_kernel: .asciz "kernel traps\n"
m_user:   .asciz "user traps\n"
m_trap:   .asciz "trap "
m_done:   .asciz "done\n"
