# psw.s -- the sensitive instructions (docs/isa.md section 5), run in
# ring 1 and ring 3.  On the classic machine they run: rdpsw shows the
# real ring and IE, wrpsw changes only FLAGS (ring and IE silently kept),
# rdcycle reads the real counter.  On the strict machine (psw.strict.*)
# each traps PRIVILEGED.  mfcr of a ring-1 register is allowed in ring 1
# only, on both.
        .include "lib.inc"
        .include "skip.inc"

        .org  0x2000
_start: BOOT  vectors
        mfcr  s0, cpuid
        SHOW  "cpuid = ", s0
        li    t0, 0x77
        mtcr  epc1, t0
        SAY   "ring 1\n"
        la    t0, probe1
        li    t1, 1 | 4 | 0x1100      # ring 1, IE, FLAGS 0x11
        call  enter
        SAY   "ring 3\n"
        la    t0, probe3
        li    t1, 3 | 4 | 0x1100
        call  enter
        li    a0, 0
        j     exit

enter:  mtcr  epc, t0                 # rfe into t0 with psw t1
        mtcr  epsw, t1
        mtcr  scratch1, ra
        rfe
back:   mfcr  ra, scratch1
        ret

probe1:
probe3: li    s0, 0xdead
        rdpsw s0
        SHOW  "rdpsw = ", s0
        li    t0, 0xff00              # ring 0, IE 0, FLAGS 0xff
        wrpsw t0
        li    s0, 0xdead
        rdpsw s0
        SHOW  "after wrpsw 0xff00, rdpsw = ", s0
        li    s0, 0
        li    s1, 0
        rdcycle s0
        addi  zero, zero, 0
        rdcycle s1
        sub   s1, s1, s0
        SHOW  "rdcycle delta = ", s1
        li    s0, 0xdead
        mfcr  s0, epc1
        SHOW  "mfcr epc1 = ", s0
        li    a0, 99                  # back to ring 0
        syscall
        j     back

        STACKS
