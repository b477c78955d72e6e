# hostile upper: floods the console
upper:  li    t0, UART
        li    t1, 80           # 'P'
1:      sw    t1, 0(t0)
        j     1b
