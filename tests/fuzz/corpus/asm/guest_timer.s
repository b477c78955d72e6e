# timer.s -- timer interrupts (docs/isa.md section 7): a periodic timer of
# 1000 cycles wakes `halt` five times; each interrupt comes exactly one
# period after the last (the handler prints the timer's NOW at a fixed
# point after entry).  Then, with IE = 0, a pending line waits; wrpsw
# setting IE takes it at once, with epc = the instruction after wrpsw.
        .include "lib.inc"
        .equ T_CTRL, 0
        .equ T_PERIOD, 4
        .equ T_STATUS, 8
        .equ T_NOW_LO, 0x10
        .equ ENABLE, 1
        .equ PERIODIC, 2
        .equ IRQ, 4
        .equ IE, 4

        .org  0x2000
_start: BOOT  vectors
        li    s0, TIMER
        li    t0, 1000
        sw    t0, T_PERIOD(s0)
        li    t0, ENABLE | PERIODIC | IRQ
        sw    t0, T_CTRL(s0)
        li    t0, INTC_EN
        li    t1, 1
        sw    t1, 0(t0)
        li    t0, IE
        wrpsw t0
1:      halt                          # sleep until the next tick
        li    t0, 5
        bne   s1, t0, 1b
        sw    zero, T_CTRL(s0)        # stop the timer
        SAY   "five ticks\n"

        li    t0, 0                   # IE = 0: a pending line waits
        wrpsw t0
        li    t0, 50
        sw    t0, T_PERIOD(s0)
        li    t0, ENABLE | IRQ
        sw    t0, T_CTRL(s0)
        li    t0, 100
2:      addi  t0, t0, -1
        bnez  t0, 2b
        li    t0, INTC_EN - 4         # PENDING
        lw    t1, 0(t0)
        SHOW  "pending lines: ", t1
        SHOW  "ticks so far: ", s1
        li    t0, IE
        wrpsw t0
after:  SHOW  "ticks now: ", s1
        li    a0, 0
        j     exit

        .align 4
vectors:
        j     tick                    # 0 interrupt
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected

tick:   SAVE
        push  s3
        lw    s3, T_NOW_LO(s0)        # the cycle as this load sees it
        li    t0, 1
        sw    t0, T_STATUS(s0)        # acknowledge: the line drops
        addi  s1, s1, 1
        SAY   "tick "
        mv    a0, s1
        call  putdec
        SAY   " at cycle "
        mv    a0, s3
        call  putdec
        SAY   ", epc="
        mfcr  a0, epc
        call  puthex
        call  newline
        pop   s3
        RESTORE
        rfe

unexpected:
        SAY   "unexpected trap\n"
        li    a0, 1
        j     exit

        STACKS
