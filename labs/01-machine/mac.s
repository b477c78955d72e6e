# mac.s -- lab 01: your trap handler.  harness.s jumps here on every
# illegal-instruction trap (cause 3), from ring 3, with every general
# register still holding the user program's values.
#
# Emulate `mac rd, rs1, rs2` (rd = rd + rs1 * rs2, opcode 0x17, mac.inc)
# and count it in mac_count; count any other illegal word in bad_count and
# skip it.  Either way return to the user program just past the word,
# with every register but rd as it was.
#
# The handler runs in ring 0 with no stack of its own: park t0 in the
# scratch control register, then save the user's registers in `saved`,
# one word per register number, so that a register number decoded from
# the instruction indexes the array.

on_illegal:
        # BEGIN SOLUTION TODO: save r1-r15 in saved[1..15] (t0 via scratch), saved[0] = 0
        mtcr    scratch, t0
        la      t0, saved
        sw      zero, 0(t0)
        sw      r1, 4(t0)
        sw      r2, 8(t0)
        sw      r3, 12(t0)
        sw      r4, 16(t0)
        mfcr    r1, scratch             # the user's t0 (r5)
        sw      r1, 20(t0)
        sw      r6, 24(t0)
        sw      r7, 28(t0)
        sw      r8, 32(t0)
        sw      r9, 36(t0)
        sw      r10, 40(t0)
        sw      r11, 44(t0)
        sw      r12, 48(t0)
        sw      r13, 52(t0)
        sw      r14, 56(t0)
        sw      r15, 60(t0)
        # END SOLUTION

        # BEGIN SOLUTION TODO: fetch the word at epc; if it is mac, rd = rd + rs1 * rs2 in saved[], count it
        mfcr    t1, epc
        lw      t2, 0(t1)               # the instruction (no paging here)
        srli    t3, t2, 24
        li      t4, 0x17
        bne     t3, t4, .Lunknown
        srli    t3, t2, 16              # rs1
        andi    t3, t3, 15
        slli    t3, t3, 2
        add     t3, t3, t0
        lw      t3, 0(t3)
        srli    t4, t2, 12              # rs2
        andi    t4, t4, 15
        slli    t4, t4, 2
        add     t4, t4, t0
        lw      t4, 0(t4)
        mul     t3, t3, t4
        srli    t4, t2, 20              # rd
        andi    t4, t4, 15
        beqz    t4, .Lcounted_mac       # r0 stays 0
        slli    t4, t4, 2
        add     t4, t4, t0
        lw      t2, 0(t4)
        add     t2, t2, t3
        sw      t2, 0(t4)
.Lcounted_mac:
        la      t4, mac_count
        j       .Lcount
.Lunknown:
        la      t4, bad_count
.Lcount:
        lw      t3, 0(t4)
        addi    t3, t3, 1
        sw      t3, 0(t4)
        # END SOLUTION

        # BEGIN SOLUTION TODO: return past the word: epc + 4
        addi    t1, t1, 4
        mtcr    epc, t1
        # END SOLUTION

        # BEGIN SOLUTION TODO: restore r1-r15 from saved[] (t0, the base, last)
        lw      r1, 4(t0)
        lw      r2, 8(t0)
        lw      r3, 12(t0)
        lw      r4, 16(t0)
        lw      r6, 24(t0)
        lw      r7, 28(t0)
        lw      r8, 32(t0)
        lw      r9, 36(t0)
        lw      r10, 40(t0)
        lw      r11, 44(t0)
        lw      r12, 48(t0)
        lw      r13, 52(t0)
        lw      r14, 56(t0)
        lw      r15, 60(t0)
        lw      r5, 20(t0)
        # END SOLUTION
        rfe

        .data
saved:  .space  64                      # the user's r0..r15
mac_count:
        .word   0                       # mac instructions emulated
bad_count:
        .word   0                       # other illegal words skipped
        .text
