# manyas.s -- a guest with many address spaces, each with many page
# tables: the monitor's resource-control case (docs/monitor.md, "The
# monitor's own work").  Seven address spaces of 40 page tables each are
# built, used and rebuilt ROUNDS times, the tables alternating between two
# banks of frames.  Each table is written through the kernel's identity
# map (so a shadow maps its frame writable) and then used (so the monitor
# traces it and must write-protect that mapping).  Bare, this is a few
# hundred thousand instructions; under the monitor its cost must stay
# proportional to them (scripts/vmm-many-as.sh measures host time).
# Prints "manyas: N loads" and exits 0.
        .include "kdefs.inc"
        .equ NAS, 7                  # address spaces (with the kernel's: 8, all shadowed)
        .equ NT, 40                  # page tables in each
        .equ ROUNDS, 20
        .equ KPD, 0x1f000            # the kernel's own directory
        .equ PD, 0x20000             # directories of the address spaces
        .equ PT_ID, 0x10000          # identity map of [0, 4 MiB)
        .equ PT_DEV, 0x11000         # the devices
        .equ DATA, 0x30000           # the page every table maps
        .equ BANK0, 0x100000         # table frames: two banks of NAS * NT
        .equ BANK_SIZE, NAS * NT * 0x1000

_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, 0x9000
        MAP_RANGE PT_ID, P | W, 0x400000 | P | W   # identity map, kernel only
        MAP_RANGE PT_DEV, INTC | P | W, RNG + 0x1000 | P | W
        li    a0, KPD
        call  kernel_pdes
        li    s0, 0                  # a: address space
3:      slli  a0, s0, 12
        li    t0, PD
        add   a0, a0, t0
        call  kernel_pdes
        addi  s0, s0, 1
        li    t0, NAS
        bne   s0, t0, 3b
        li    t0, KPD
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  mmu, t0                # paging on
        li    s3, 0                  # loads done
        li    s2, 0                  # round
round:  li    s0, 0                  # a
space:  andi  t0, s2, 1              # s1 = first table frame of (bank, a)
        li    t1, BANK_SIZE
        mul   t0, t0, t1
        li    t1, BANK0
        add   t0, t0, t1
        li    t1, NT * 0x1000
        mul   t1, t1, s0
        add   s1, t0, t1
        slli  a1, s0, 12             # a1 = its directory
        li    t0, PD
        add   a1, a1, t0
        li    a2, 0                  # t: table
4:      slli  t0, a2, 12             # t0 = table frame
        add   t0, t0, s1
        li    t1, DATA | P | W
        sw    t1, 0(t0)              # entry 0 maps DATA
        ori   t0, t0, P | W
        slli  t1, a2, 2
        add   t1, t1, a1
        sw    t0, 4(t1)              # directory slot 1 + t
        addi  a2, a2, 1
        li    t0, NT
        bne   a2, t0, 4b
        mtcr  ptbr, a1               # into the address space
        tlbflush
        li    a2, 0
5:      addi  t0, a2, 1              # load from (1 + t) << 22
        slli  t0, t0, 22
        lw    t1, 0(t0)
        addi  s3, s3, 1
        addi  a2, a2, 1
        li    t0, NT
        bne   a2, t0, 5b
        li    t0, KPD                # back to the kernel's
        mtcr  ptbr, t0
        tlbflush
        addi  s0, s0, 1
        li    t0, NAS
        bne   s0, t0, space
        addi  s2, s2, 1
        li    t0, ROUNDS
        bne   s2, t0, round
        la    a0, m_done
        call  puts
        mv    a0, s3
        call  putdec
        la    a0, m_loads
        call  puts
        li    a0, 0
        j     poweroff

# kernel_pdes(a0 = directory): map the kernel's identity table and the
# devices in it.
kernel_pdes:
        li    t0, PT_ID | P | W
        sw    t0, 0(a0)
        li    t0, PT_DEV | P | W
        li    t1, INTC >> 22 << 2
        add   t1, t1, a0
        sw    t0, 0(t1)
        ret

        .include "klib.inc"
        VECTORS unexpected, unexpected

m_done:  .asciz "manyas: "
m_loads: .asciz " loads\n"
