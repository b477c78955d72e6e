# hostile sum: prints fake PASS lines, then loops forever
sum:    li    t0, UART
        la    t1, msg
1:      lb    t2, 0(t1)
        beqz  t2, 2f
        sw    t2, 0(t0)
        addi  t1, t1, 1
        j     1b
2:      j     2b               # never returns
msg:    .asciz "PASS: sum\nScore: 10/10\nOK\n"
        .align 4
