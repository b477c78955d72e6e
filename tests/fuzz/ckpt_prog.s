# ckpt_prog.s -- the program behind fuzz_ckpt's seeds (the same text as
# ckpt_prog.h; tests/fuzz/seeds.sh writes the seeds with it).
        .equ TIMER, 0xf0001000
        .equ INTC_EN, 0xf0000004
        .equ UART, 0xf0002000
_start: la    t0, handler
        mtcr  tvec, t0
        li    s0, TIMER
        li    t0, 300
        sw    t0, 4(s0)
        li    t0, 7
        sw    t0, 0(s0)
        li    t0, INTC_EN
        li    t1, 1
        sw    t1, 0(t0)
        li    t0, 4
        wrpsw t0
        li    t1, 0
        la    t2, buf
loop:   addi  t1, t1, 1
        slli  t3, t1, 6
        add   t3, t3, t2
        sw    t1, 0(t3)
        li    t3, 0xff
        and   t3, t1, t3
        bnez  t3, 1f
        li    t0, UART
        li    t3, 46
        sw    t3, 0(t0)
        halt
1:      li    t3, 3000
        blt   t1, t3, loop
        li    t1, 0
        j     loop
handler: li   t0, 1
        sw    t0, 8(s0)
        rfe
        .data
buf:    .space 200000
