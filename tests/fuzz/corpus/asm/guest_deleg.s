# deleg.s -- trap delegation (docs/isa.md section 6): with bit 1 of deleg
# set and tvec1 set, a syscall from ring 3 goes straight to a ring-1
# handler (cause1, epc1; IE unchanged) that returns with rfe in ring 1;
# what is not delegated (a privileged instruction) still enters ring 0.
        .include "lib.inc"
        .include "skip.inc"

        .org  0x2000
_start: BOOT  vectors
        la    t0, vectors1
        mtcr  tvec1, t0
        li    t0, 1 << 1              # delegate syscalls
        mtcr  deleg, t0
        la    t0, user
        mtcr  epc, t0
        li    t0, 3 | 0x0900          # ring 3, FLAGS 0x09
        mtcr  epsw, t0
        rfe
user:   li    a0, 7
        syscall                       # to ring 1
        SHOW  "back in ring 3, a0 = ", a0
        halt                          # privileged: to ring 0
        li    a0, 0
        j     exit

        .align 4
vectors1:
        j     .                       # 0: never delegated
        j     sys1                    # 1 syscall
sys1:   mv    s0, a0
        mfcr  t4, cause1
        SHOW  "ring 1: cause1 = ", t4
        mfcr  t4, epc1
        SHOW  "ring 1: epc1 = ", t4
        mfcr  t4, epsw1
        SHOW  "ring 1: epsw1 = ", t4
        rdpsw t4
        SHOW  "ring 1: psw = ", t4
        addi  a0, s0, 100
        rfe                           # ring 1 returns through epc1/epsw1

        STACKS
