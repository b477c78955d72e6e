# storm.s -- a guest whose timer fires every cycle with interrupts off:
# an interrupt storm.  Beside it, other guests must run as they do alone.
_start: li    t0, 0xf0001000
        li    t1, 1
        sw    t1, 4(t0)          # PERIOD = 1
        li    t1, 7
        sw    t1, 0(t0)          # ENABLE | PERIODIC | IRQ_ENABLE
        li    t2, 3000000
1:      addi  t2, t2, -1
        bnez  t2, 1b
        li    t0, 0xf0004000
        sw    zero, 0(t0)
