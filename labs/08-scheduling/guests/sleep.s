# sleep.s -- sleeps, then computes: halts until its one-shot timer fires
# 8 million cycles of its clock after the start (halt wakes on an active
# interrupt line whatever IE says), then counts forever.
_start: li    t0, 0xf0000000     # INTC
        li    t1, 1
        sw    t1, 4(t0)          # ENABLE: line 0, the timer
        li    t0, 0xf0001000     # timer
        li    t1, 8000000
        sw    t1, 4(t0)          # PERIOD
        li    t1, 5
        sw    t1, 0(t0)          # ENABLE | IRQ_ENABLE: one-shot
        halt
        li    t0, 0
1:      addi  t0, t0, 1
        j     1b
