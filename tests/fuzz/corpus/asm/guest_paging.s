# paging.s -- two-level paging (docs/isa.md sections 8 and 9): protection
# and not-present faults with their CAUSE codes from ring 0 and ring 3,
# demand paging by a fault handler, accessed and dirty bits set by the
# hardware, a stale TLB entry until tlbinv.
#
#   0 .. 4 MiB       identity, user, writable, except three test pages:
#     RO  0x30000    present, user, read-only
#     SUP 0x31000    present, supervisor only
#     NP  0x32000    not present
#   4 .. 8 MiB       nothing: the handler maps a page on first touch
#   0xf0000000 ...   the UART and power devices, supervisor
        .include "lib.inc"
        .equ PD,     0x20000
        .equ PT0,    0x21000
        .equ PT1,    0x22000
        .equ PTDEV,  0x23000
        .equ RO,     0x30000
        .equ SUP,    0x31000
        .equ NP,     0x32000
        .equ DEMAND, 0x400000
        .equ P, 1
        .equ W, 2
        .equ U, 4

        .org  0x2000                  # fixed addresses for the epc values below
_start: BOOT  vectors
        li    t0, PT0                 # identity 0 .. 4 MiB, P W U
        li    t1, P | W | U
        li    t2, 0x400000 | P | W | U
        li    t3, 0x1000
1:      sw    t1, 0(t0)
        addi  t0, t0, 4
        add   t1, t1, t3
        bne   t1, t2, 1b
        li    t0, PT0 + (RO >> 10)
        li    t1, RO | P | U
        sw    t1, 0(t0)
        li    t1, SUP | P | W
        sw    t1, 4(t0)
        sw    zero, 8(t0)
        li    t0, PTDEV
        li    t1, UART | P | W
        sw    t1, 8(t0)
        li    t1, POWER | P | W
        sw    t1, 16(t0)
        li    t0, PD
        li    t1, PT0 | P | W | U
        sw    t1, 0(t0)
        li    t1, PT1 | P | W | U
        sw    t1, 4(t0)
        li    t1, PTDEV | P | W
        sw    t1, 0xf00(t0)
        li    t1, RO
        li    t2, 0x600d
        sw    t2, 0(t1)               # paging is still off
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  mmu, t0
        SAY   "paging on\n"

        li    s0, RO
        sw    s0, 0(s0)               # read-only, even for ring 0
        lw    s1, 0(s0)
        SHOW  "read RO: ", s1
        li    s0, NP
        lw    s1, 0(s0)
        li    s0, DEMAND
        li    s1, 0x1111
        sw    s1, 0(s0)               # faults in
        lw    s1, 0x1000(s0)          # faults in
        lw    s1, 0(s0)
        SHOW  "demand page holds ", s1
        li    s0, PT1
        lw    s1, 0(s0)
        SHOW  "pte 0x400000 (written) = ", s1
        lw    s1, 4(s0)
        SHOW  "pte 0x401000 (read) = ", s1

        li    t0, 0x401000 | P | W | U  # remap 0x400000 without tlbinv
        sw    t0, 0(s0)
        li    s0, DEMAND
        lw    s1, 0(s0)
        SHOW  "stale TLB entry reads ", s1
        tlbinv s0
        lw    s1, 0(s0)
        SHOW  "after tlbinv it reads ", s1

        SAY   "ring 3\n"
        la    t0, user
        mtcr  epc, t0
        li    t0, 3
        mtcr  epsw, t0
        rfe
user:   li    s0, SUP
        lw    s1, 0(s0)               # supervisor page
        li    s0, RO
        sw    s1, 0(s0)               # read-only page
        li    s0, DEMAND + 0x3000
        sw    s0, 0(s0)               # faults in, as a user page
        lw    s1, 0(s0)
        li    t0, SUP
        jalr  ra, t0, 0               # fetch from a supervisor page
        li    t0, UART
        sw    t0, 0(t0)               # the device page is supervisor only
        syscall                       # done

        .align 4
vectors:
        j     unexpected              # 0
        j     finish                  # 1 syscall: the end
        j     unexpected              # 2
        j     unexpected              # 3
        j     unexpected              # 4
        j     unexpected              # 5
        j     unexpected              # 6
        j     pagefault               # 7
        j     unexpected              # 8

pagefault:
        SAVE
        SAY   "page fault: cause="
        mfcr  a0, cause
        call  puthex
        SAY   " badva="
        mfcr  a0, badva
        call  puthex
        SAY   " epc="
        mfcr  a0, epc
        call  puthex
        call  newline
        mfcr  t0, cause                 # not present in 4 .. 8 MiB: map it
        li    t1, 0xf000
        and   t1, t0, t1
        bnez  t1, 2f                    # protection
        mfcr  t0, badva
        srli  t1, t0, 22
        li    t2, 1
        bne   t1, t2, 2f
        srli  t0, t0, 12
        slli  t1, t0, 12
        ori   t1, t1, P | W | U
        andi  t0, t0, 0x3ff
        slli  t0, t0, 2
        li    t2, PT1
        add   t0, t0, t2
        sw    t1, 0(t0)
        j     3f                        # retry the access
2:      mfcr  t0, cause                 # a fetch: return to ra; else skip
        srli  t0, t0, 8
        andi  t0, t0, 0xf
        li    t1, 2
        bne   t0, t1, 4f
        lw    t0, 24(sp)                # the interrupted ra
        mtcr  epc, t0
        j     3f
4:      mfcr  t0, epc
        addi  t0, t0, 4
        mtcr  epc, t0
3:      RESTORE
        rfe

unexpected:
        SAY   "unexpected trap, cause="
        mfcr  a0, cause
        call  puthex
        call  newline
        li    a0, 1
        j     exit

finish: SAY   "done\n"
        li    a0, 0
        j     exit

        STACKS
