# priv.s -- lab 04's directed guest: a tiny kernel that uses each
# privileged instruction once or twice and prints what it saw, one line
# per instruction group ("cr:", "rfe:", "psw:", "tlb:", "ptbr:", "halt:").
# Bare metal and the monitor must print the same lines (grade.lua).
#
#   memory (paging on for tlb: and ptbr: only):
#   0x20000 PD   dir 0 -> PT_ID (identity, 1 MiB), dir 1 -> PT_X, devices
#   0x21000 PD2  the same, but dir 1 -> PT_Y
#   0x30000 FA (0x1111), 0x31000 FB (0x2222): VA 0x400000 maps one of them
        .equ INTC,   0xf0000000
        .equ TIMER,  0xf0001000
        .equ UART,   0xf0002000
        .equ POWER,  0xf0004000
        .equ RNG,    0xf0006000
        .equ P, 1
        .equ W, 2
        .equ PD, 0x20000
        .equ PD2, 0x21000
        .equ PT_ID, 0x22000
        .equ PT_DEV, 0x23000
        .equ PT_X, 0x24000
        .equ PT_Y, 0x25000
        .equ FA, 0x30000
        .equ FB, 0x31000
        .equ VA, 0x400000
        .text
_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, 0x80000
# mfcr, mtcr of plain registers; a read-only one
        la    a0, m_cr
        call  puts
        li    t0, 0x1234abcd
        mtcr  scratch, t0
        mfcr  a0, scratch
        call  puthex
        mfcr  a0, tvec
        call  puthex
        mfcr  a0, cpuid
        call  puthex
        mfcr  a0, memsize
        call  puthex
        li    t0, 5
        mtcr  cpuid, t0              # illegal: read-only
        mfcr  a0, cpuid
        call  puthex
        call  newline
# rfe into ring 3 and back through the trap handler
        la    a0, m_rfe
        call  puts
        la    s1, 1f
        la    t0, user1
        mtcr  epc, t0
        li    t0, 3
        mtcr  epsw, t0
        rfe
user1:  li    a0, 5
        syscall                      # from ring 3
        li    a0, 0x99
        syscall                      # back to 1: in ring 0
1:      call  newline
# rdpsw, wrpsw
        la    a0, m_psw
        call  puts
        rdpsw a0
        call  puthex
        li    t0, 4                  # IE (no line is enabled)
        wrpsw t0
        rdpsw a0
        call  puthex
        wrpsw zero
        rdpsw a0
        call  puthex
        la    s1, 2f
        li    t0, 3
        wrpsw t0                     # ring 3 from here
        li    a0, 0x99
        syscall
2:      call  newline
# paging: tlbinv, tlbflush
        li    t0, PT_ID
        li    t1, P | W
        li    t2, 0x100000 | P | W
        li    t3, 0x1000
3:      sw    t1, 0(t0)
        addi  t0, t0, 4
        add   t1, t1, t3
        bne   t1, t2, 3b
        li    t0, PT_DEV
        li    t1, INTC | P | W
        li    t2, RNG + 0x1000 | P | W
4:      sw    t1, 0(t0)
        addi  t0, t0, 4
        add   t1, t1, t3
        bne   t1, t2, 4b
        li    t0, PD
        li    t1, PT_ID | P | W
        sw    t1, 0(t0)
        li    t1, PT_X | P | W
        sw    t1, 4(t0)
        li    t1, PT_DEV | P | W
        sw    t1, 0xf00(t0)
        li    t0, PD2
        li    t1, PT_ID | P | W
        sw    t1, 0(t0)
        li    t1, PT_Y | P | W
        sw    t1, 4(t0)
        li    t1, PT_DEV | P | W
        sw    t1, 0xf00(t0)
        li    t0, PT_X
        li    t1, FA | P | W
        sw    t1, 0(t0)
        li    t0, PT_Y
        li    t1, FB | P | W
        sw    t1, 0(t0)
        li    t0, FA
        li    t1, 0x1111
        sw    t1, 0(t0)
        li    t0, FB
        li    t1, 0x2222
        sw    t1, 0(t0)
        li    t0, PD
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  mmu, t0
        la    a0, m_tlb
        call  puts
        li    s0, VA
        lw    a0, 0(s0)
        call  puthex
        li    t0, PT_X
        li    t1, FB | P | W
        sw    t1, 0(t0)
        tlbinv s0
        lw    a0, 0(s0)
        call  puthex
        li    t0, PT_X
        li    t1, FA | P | W
        sw    t1, 0(t0)
        tlbflush
        lw    a0, 0(s0)
        call  puthex
        call  newline
# mtcr ptbr: another address space
        la    a0, m_ptbr
        call  puts
        li    t0, PD2
        mtcr  ptbr, t0
        tlbflush                     # same ASID: the old space's entries go
        lw    a0, 0(s0)
        call  puthex
        mfcr  a0, ptbr
        call  puthex
        li    t0, PD
        mtcr  ptbr, t0
        tlbflush
        lw    a0, 0(s0)
        call  puthex
        mtcr  mmu, zero
        mfcr  a0, mmu
        call  puthex
        call  newline
# halt until the timer's interrupt line is high (IE off)
        la    a0, m_halt
        call  puts
        li    t0, INTC
        li    t1, 1
        sw    t1, 4(t0)              # ENABLE line 0
        li    t0, TIMER
        li    t1, 500
        sw    t1, 4(t0)              # PERIOD
        li    t1, 5
        sw    t1, 0(t0)              # ENABLE | IRQ_ENABLE
        halt
        lw    a0, 8(t0)              # STATUS: expired
        call  puthex
        li    t1, 1
        sw    t1, 8(t0)
        sw    zero, 0(t0)
        li    t0, INTC
        lw    a0, 8(t0)              # ACTIVE: nothing now
        call  puthex
        call  newline
        li    t0, POWER
        sw    zero, 0(t0)

        .align 64
vectors: j trap
        j trap
        j trap
        j trap
        j trap
        j trap
        j trap
        j trap
        j trap
# any trap: print cause, epc, badva, epsw; a0 = 0x99 at a system call
# returns to s1 in ring 0; others resume after the instruction
trap:   mtcr  scratch, ra
        push  a0
        push  a1
        push  a2
        push  a3
        la    a0, m_trap
        call  puts
        mfcr  a0, cause
        call  puthex
        mfcr  a0, epc
        call  puthex
        mfcr  a0, badva
        call  puthex
        mfcr  a0, epsw
        call  puthex
        pop   a3
        pop   a2
        pop   a1
        pop   a0
        mfcr  t0, cause
        andi  t0, t0, 0xff
        li    t1, 1
        bne   t0, t1, 5f
        li    t1, 0x99
        bne   a0, t1, 6f
        mtcr  epc, s1
        mtcr  epsw, zero
        j     6f
5:      mfcr  t0, epc
        addi  t0, t0, 4
        mtcr  epc, t0
6:      mfcr  ra, scratch
        rfe

puts:   li    a1, UART
7:      lbu   a2, 0(a0)
        beqz  a2, 8f
        sw    a2, 0(a1)
        addi  a0, a0, 1
        j     7b
8:      ret
puthex: li    a1, UART               # a0 as %08x and a space
        li    a2, 28
9:      srl   a3, a0, a2
        andi  a3, a3, 15
        addi  a3, a3, '0'
        slti  a3, a3, '9' + 1
        bnez  a3, 10f
        srl   a3, a0, a2
        andi  a3, a3, 15
        addi  a3, a3, 'a' - 10
        j     11f
10:     srl   a3, a0, a2
        andi  a3, a3, 15
        addi  a3, a3, '0'
11:     sw    a3, 0(a1)
        addi  a2, a2, -4
        bge   a2, zero, 9b
        li    a3, ' '
        sw    a3, 0(a1)
        ret
newline: li   a1, UART
        li    a2, '\n'
        sw    a2, 0(a1)
        ret
        .data
m_cr:   .asciz "cr: "
m_rfe:  .asciz "rfe: "
m_psw:  .asciz "psw: "
m_tlb:  .asciz "tlb: "
m_ptbr: .asciz "ptbr: "
m_halt: .asciz "halt: "
m_trap: .asciz "trap "
