# matrix.s -- lab 05's directed guest: every PTE (P, W, U) x ring (0, 3) x
# access (read, write, fetch), one line each, then a remapped page.  Bare
# metal and the monitor must print the same lines (grade.lua).
#
# A case (line "m I CAUSE BADVA PTE", I = pte * 6 + ring3 * 3 + access):
#   PTE(TVA) = 0, tlbinv TVA; PTE(TVA) = tpage | bits
#   if P: the kernel reads TVA first (so the monitor has filled a shadow
#         entry before the access under test, as a running kernel would)
#   the access, from the ring: CAUSE = the trap that ended it (a page
#   fault, or the syscall after it when it worked), BADVA, then the
#   guest's PTE as the access left it (A and D)
# The remap line: TVA -> FA, read; PTE(TVA) = FB, tlbflush, read: a write
# to a page table must reach the shadow (tracing), tlbflush or not.
#
#   0x10000 PD: dir 0 -> PT_ID (identity, 1 MiB, P W U), dir 2 -> PT_T,
#           devices (P W)       0x12000 PT_T: entry 0 maps TVA 0x800000
        .equ UART,   0xf0002000
        .equ POWER,  0xf0004000
        .equ PD,     0x10000
        .equ PT_ID,  0x11000
        .equ PT_T,   0x12000
        .equ PT_DEV, 0x13000
        .equ FA,     0x20000
        .equ FB,     0x21000
        .equ TVA,    0x00800000
        .text
_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, 0x80000
        li    t0, PT_ID             # identity map of [0, 1 MiB), P W U
        li    t1, 7
        li    t2, 0x100007
        li    t3, 0x1000
1:      sw    t1, 0(t0)
        addi  t0, t0, 4
        add   t1, t1, t3
        bne   t1, t2, 1b
        li    t0, PT_DEV            # the console and power, kernel only
        li    t1, UART | 3
        sw    t1, 8(t0)
        li    t1, POWER | 3
        sw    t1, 16(t0)
        li    t0, PD
        li    t1, PT_ID | 7
        sw    t1, 0(t0)
        li    t1, PT_T | 7
        sw    t1, 8(t0)
        li    t1, PT_DEV | 3
        sw    t1, 0xf00(t0)
        li    t1, 0x1111
        li    t0, FA
        sw    t1, 0(t0)
        li    t1, 0x2222
        li    t0, FB
        sw    t1, 0(t0)
        li    t0, PD
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  mmu, t0
        li    s0, 0                 # the case
case:   li    t0, PT_T
        sw    zero, 0(t0)
        li    t1, TVA
        tlbinv t1
        li    t1, 6
        divu  t2, s0, t1            # the PTE's bits
        la    t1, tpage
        or    t1, t1, t2
        sw    t1, 0(t0)
        andi  t2, t2, 1
        beqz  t2, 2f
        li    a0, 0                 # P: the kernel reads it first
        li    a1, 0
        call  access
2:      li    t1, 6
        remu  t2, s0, t1
        li    t1, 3
        divu  a0, t2, t1
        mul   a0, a0, t1            # ring 0 or 3
        remu  a1, t2, t1            # read, write, fetch
        call  access
        la    a0, m_case
        call  puts
        mv    a0, s0
        call  puthex
        mv    a0, s2
        call  puthex
        mv    a0, s3
        call  puthex
        li    t0, PT_T
        lw    a0, 0(t0)
        call  puthex
        call  newline
        addi  s0, s0, 1
        li    t0, 48
        bne   s0, t0, case
# a remapped page
        la    a0, m_remap
        call  puts
        li    t0, PT_T
        li    t1, FA | 3
        sw    t1, 0(t0)
        li    t1, TVA
        tlbinv t1
        lw    a0, 0(t1)
        call  puthex
        li    t0, PT_T              # the kernel's own mapping of its table:
        tlbinv t0                   # dropped, then used again (D is set now)
        lw    t2, 0(t0)
        li    t1, FB | 3
        sw    t1, 0(t0)
        tlbflush
        li    t1, TVA
        lw    a0, 0(t1)
        call  puthex
        call  newline
        li    t0, POWER
        sw    zero, 0(t0)

# access(a0 = ring, a1 = 0 read / 1 write / 2 fetch) of TVA + 16 (a fetch:
# TVA, where tpage's code is), from that ring; the trap that ends it is
# left in s2 (cause) and s3 (badva)
access: la    s1, 3f
        slli  a1, a1, 4
        la    t0, stubs
        add   t0, t0, a1
        mtcr  epc, t0
        mtcr  epsw, a0
        li    t0, TVA
        rfe
3:      ret
        .align 16
stubs:  lw    t1, 16(t0)
        syscall
        nop
        nop
        sw    t0, 16(t0)
        syscall
        nop
        nop
        jalr  t2, t0, 0             # (not ra: access returns through it)
        syscall

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
trap:   mfcr  s2, cause
        mfcr  s3, badva
        mtcr  epc, s1
        mtcr  epsw, zero
        rfe

puts:   li    a1, UART
4:      lbu   a2, 0(a0)
        beqz  a2, 5f
        sw    a2, 0(a1)
        addi  a0, a0, 1
        j     4b
5:      ret
puthex: li    a1, UART               # a0 as %08x and a space
        li    a2, 28
6:      srl   a3, a0, a2
        andi  a3, a3, 15
        addi  a3, a3, '0'
        slti  a3, a3, '9' + 1
        bnez  a3, 7f
        srl   a3, a0, a2
        andi  a3, a3, 15
        addi  a3, a3, 'a' - 10
        j     8f
7:      srl   a3, a0, a2
        andi  a3, a3, 15
        addi  a3, a3, '0'
8:      sw    a3, 0(a1)
        addi  a2, a2, -4
        bge   a2, zero, 6b
        li    a3, ' '
        sw    a3, 0(a1)
        ret
newline: li   a1, UART
        li    a2, '\n'
        sw    a2, 0(a1)
        ret
        .data
m_case: .asciz "m "
m_remap: .asciz "remap: "
        .align 4096
tpage:  jalr  zero, t2, 0
        .space 4092
