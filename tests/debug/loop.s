# loop.s -- a kernel that never ends: the debugger's budget must end it.
        .text
_start:
        li    t0, 0
spin:
        addi  t0, t0, 1
        j     spin
