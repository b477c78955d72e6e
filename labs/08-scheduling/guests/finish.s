# finish.s -- computes for 200000 iterations (600000 instructions), then
# powers off: from then on its share belongs to the others.
_start: li    t2, 200000
1:      addi  t2, t2, -1
        addi  t0, t0, 1
        bnez  t2, 1b
        li    t0, 0xf0004000     # POWER
        sw    zero, 0(t0)
