# upper: copy the console input to the console output, a-z made A-Z,
# until the end of input; returns a0 = 0.
upper:  li    t0, UART
1:      lw    t1, 4(t0)        # STATUS
        andi  t2, t1, 1        # RX_READY
        bnez  t2, 2f
        andi  t2, t1, 4        # RX_EOF
        bnez  t2, 3f
        j     1b
2:      lw    t1, 0(t0)
        li    t2, 97           # 'a'
        blt   t1, t2, 4f
        li    t2, 123          # 'z' + 1
        bge   t1, t2, 4f
        addi  t1, t1, -32
4:      sw    t1, 0(t0)
        j     1b
3:      li    a0, 0
        ret
