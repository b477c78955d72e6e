# harness.s -- lab 01: the machine around the student's trap handler.
#
# Ring 0 sets up the trap vectors and drops to ring 3 at the address in
# the word user_entry (the grader changes it to pick a test program).  The
# user programs use `mac` (mac.inc), which the machine lacks: every one
# traps illegal-instruction into on_illegal, the student's handler in
# mac.s.  A user program ends with `syscall`; `done` then prints a0 on the
# debug device and powers off with status 0.
#
# Memory (no paging: virtual = physical):
#   0x1000   this code, then mac.s, then the data
#   0x20000  top of the user stack (ring 3)
        .include "mac.inc"
        .equ    POWER, 0xf0004000
        .equ    DEBUG, 0xf0005000

_start: la      t0, vectors
        mtcr    tvec, t0
        la      t0, user_entry
        lw      t0, 0(t0)
        mtcr    epc, t0
        li      t0, 3                   # epsw: ring 3, interrupts off
        mtcr    epsw, t0
        li      sp, 0x20000
        li      t0, 0
        rfe                             # to ring 3, at user_entry

# one slot per cause (docs/isa.md, section 6)
vectors:
        j       unexpected              # 0 interrupt
        j       done                    # 1 syscall: the program is done
        j       unexpected              # 2 breakpoint
        j       on_illegal              # 3 illegal-instruction: mac.s
        j       unexpected              # 4 privileged-instruction
        j       unexpected              # 5 misaligned
        j       unexpected              # 6 divide-by-zero
        j       unexpected              # 7 page-fault
        j       unexpected              # 8 bus-error
        j       unexpected              # 9-15 reserved
        j       unexpected
        j       unexpected
        j       unexpected
        j       unexpected
        j       unexpected
        j       unexpected

# syscall from the user program: print a0, power off with status 0
done:   li      t0, DEBUG
        sw      a0, 4(t0)               # PUTDEC
        li      t0, POWER
        sw      zero, 0(t0)

# any other trap: power off with status 100 + the cause code
unexpected:
        mfcr    t0, cause
        andi    t0, t0, 0xff
        addi    t0, t0, 100
        li      t1, POWER
        sw      t0, 0(t1)

# ---- ring 3 programs ----

# the default: the dot product of (1, 2, 3, 4) and (5, 6, 7, 8) = 70
user_main:
        li      a0, 0
        la      s0, vec_a
        la      s1, vec_b
        li      s2, 4
1:      lw      a1, 0(s0)
        lw      a2, 0(s1)
        mac     a0, a1, a2              # a0 += a1 * a2: traps, emulated
        addi    s0, s0, 4
        addi    s1, s1, 4
        addi    s2, s2, -1
        bnez    s2, 1b
        syscall

# one mac; the grader sets the registers before and reads them after
t_one:  mac     t3, s1, s2
        syscall

# mac on the registers a handler is most likely to use itself
t_sp:   mac     sp, t0, t1
        mac     ra, sp, t1
        mac     t0, t0, t0
        mac     zero, t1, t1            # r0 stays 0
        syscall

# illegal words that are not mac: counted, skipped
t_unknown:
        li      a0, 1
        .word   0xee000000              # no such opcode
        addi    a0, a0, 1
        hypercall                       # no monitor here: illegal too
        addi    a0, a0, 1
        mac     a0, a0, a0              # 3 + 3 * 3 = 12
        syscall

        .include "mac.s"

        .data
user_entry:
        .word   user_main
vec_a:  .word   1, 2, 3, 4
vec_b:  .word   5, 6, 7, 8
