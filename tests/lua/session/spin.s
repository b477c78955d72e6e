# spin.s -- a guest that only computes, for the scheduler test
# (examples/lua/share.lua under vmlab run --lua).
        .text
_start: li    t0, 0
1:      addi  t0, t0, 1
        j     1b
