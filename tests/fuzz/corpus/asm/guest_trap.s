# trap.s -- one of each synchronous trap, from ring 0 and from ring 3
# (docs/isa.md section 6), each reported by skip.inc's handler.
        .include "lib.inc"
        .include "skip.inc"

        .org  0x2000                  # fixed addresses for the epc values below
_start: BOOT  vectors
        li    t0, 0x5a00              # FLAGS = 0x5a, kept by every entry
        wrpsw t0
        SAY   "ring 0\n"
        syscall
        break
        .word 0                       # zeroed memory
        hypercall                     # no monitor: illegal
        li    t4, 0x55
        div   t4, t4, zero            # rd stays 0x55
        SHOW  "after div: t4 = ", t4
        li    t0, 0x7001
        lw    t1, 0(t0)
        sh    t1, 2(t0)
        li    t0, 0xe0000000          # nothing there
        lw    t1, 0(t0)
        li    t0, 0x2002
        li    ra, 0x1234
        jalr  ra, t0, 0               # misaligned target: ra stays
        SHOW  "after jalr: ra = ", ra

        SAY   "ring 3\n"
        la    t0, user
        mtcr  epc, t0
        li    t0, 0x5a03
        mtcr  epsw, t0
        rfe
user:   syscall
        mfcr  t0, cause               # privileged
        li    t0, UART
        lb    t1, 0(t0)               # byte access to a device
        tlbflush
        li    a0, 99
        syscall
        SAY   "back in ring 0: psw = "
        rdpsw a0
        call  puthex
        call  newline
        li    a0, 0
        j     exit

        STACKS
