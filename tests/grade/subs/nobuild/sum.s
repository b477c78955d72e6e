# sum: does not assemble
sum:    li    t0, 0
        frob  a0, a1
        ret
