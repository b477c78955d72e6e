# crash.s -- computes a little, then loads from a misaligned address with
# no trap vector (tvec = 0): the VM crashes, as a bare machine would.
_start: li    t2, 50000
1:      addi  t2, t2, -1
        bnez  t2, 1b
        lw    t0, 1(zero)
