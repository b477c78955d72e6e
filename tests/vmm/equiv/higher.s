# higher.s -- a higher-half kernel (docs/isa.md section 9): loaded at
# physical 0, it maps its own frames again at 0x80000000, jumps there,
# drops the low mapping and edits its page tables from the higher half:
# the table for 0x80400000 (directory slot 513) is in use, so under the
# monitor it is traced and every store into it is a pt-write on a slot
# above 511.  Prints what it read through the remapped page:
#
#     higher: aaaa0001 bbbb0002 12345678
        .include "../kdefs.inc"
        .equ HI, 0x80000000
        .equ PD, 0x10000
        .equ PT_LO, 0x11000          # [0, 4 MiB) at 0, for the jump
        .equ PT_HI, 0x12000          # the same frames at HI
        .equ PT_DEV, 0x13000
        .equ PT_X, 0x14000           # [HI + 4 MiB, HI + 8 MiB): slot 513
        .equ FA, 0x20000
        .equ FB, 0x21000
        .equ XVA, HI + 0x400000

        # reg = the higher-half address of sym
        .macro LAH reg, sym
        la    \reg, \sym
        li    t3, HI
        add   \reg, \reg, t3
        .endm

_start: LAH   t0, vectors
        mtcr  tvec, t0
        MAP_RANGE PT_LO, P | W, 0x400000 | P | W
        MAP_RANGE PT_HI, P | W, 0x400000 | P | W
        MAP_RANGE PT_DEV, INTC | P | W, RNG + 0x1000 | P | W
        li    t0, PD
        li    t1, PT_LO | P | W
        sw    t1, 0(t0)
        li    t1, PT_HI | P | W
        sw    t1, 512 * 4(t0)
        li    t1, PT_X | P | W
        sw    t1, 513 * 4(t0)
        li    t1, PT_DEV | P | W
        sw    t1, (INTC >> 22) * 4(t0)
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  mmu, t0                # paging on
        LAH   t0, high
        jalr  zero, t0, 0

high:   li    sp, HI + 0x9000
        li    t0, HI + PD            # the low half goes: only HI maps the kernel
        sw    zero, 0(t0)
        tlbflush
        li    t0, HI + FA
        li    t1, 0xaaaa0001
        sw    t1, 0(t0)
        li    t0, HI + FB
        li    t1, 0xbbbb0002
        sw    t1, 0(t0)
        li    t0, HI + PT_X          # XVA -> FA
        li    t1, FA | P | W
        sw    t1, 0(t0)
        li    t2, XVA
        lw    s0, 0(t2)              # PT_X is in use now (traced)
        li    t1, FB | P | W         # XVA -> FB: a store into a traced table
        sw    t1, 0(t0)
        tlbinv t2
        lw    s1, 0(t2)
        li    t1, 0x12345678         # write through XVA, read through HI + FB
        sw    t1, 0(t2)
        li    t0, HI + FB
        lw    s2, 0(t0)
        LAH   a0, m_hi
        call  puts
        mv    a0, s0
        call  puthex
        li    a0, ' '
        call  putc
        mv    a0, s1
        call  puthex
        li    a0, ' '
        call  putc
        mv    a0, s2
        call  puthex
        call  newline
        li    t0, POWER
        sw    zero, 0(t0)

        .include "../klib.inc"
        VECTORS unexpected, unexpected

m_hi:   .asciz "higher: "
