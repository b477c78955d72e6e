# crash.s -- a guest with no trap vector (tvec = 0) that divides by zero:
# the machine has nowhere to send the trap.  Bare: vmlab stops with "no
# trap vector" (status 125).  Under the monitor: this guest is reported
# crashed, with the cause and pc, and the others run on.
        .include "kdefs.inc"

_start: li    sp, 0x9000
        la    a0, m_hello
        call  puts
        li    t0, 7
        li    t1, 0
crash:  div   t2, t0, t1
        la    a0, m_after
        call  puts
        li    a0, 0
        j     poweroff

        .include "klib.inc"

        .data
m_hello: .asciz "crash: dividing by zero with no trap vector\n"
m_after: .asciz "crash: still alive?\n"
