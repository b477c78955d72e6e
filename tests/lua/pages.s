# pages.s -- page tables for tests/lua/run.sh, which compares the
# debugger's `page` with Lua's mmu:walk(va) at `done`:
#   0x0000-0xffff identity (P W U), but 0x6000 supervisor-only (P W) and
#   0x7000 read-only (P U); 0x10000 and up not present.
        .equ PD, 0x20000
        .equ PT, 0x21000
_start: li    t0, PT
        li    t1, 7                     # P W U, frame 0
        li    t2, 0x10007
        li    t3, 0x1000
1:      sw    t1, 0(t0)
        addi  t0, t0, 4
        add   t1, t1, t3
        bne   t1, t2, 1b
        li    t0, PT
        li    t1, 0x6003
        sw    t1, 24(t0)
        li    t1, 0x7005
        sw    t1, 28(t0)
        li    t0, PD
        li    t1, PT | 7
        sw    t1, 0(t0)
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  mmu, t0
done:   j     done
