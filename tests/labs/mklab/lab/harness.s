# the lab's data: calls the student's add(2, 3) and powers off with it
_start: li    sp, 0x10000
        li    a0, 2
        li    a1, 3
        jal   add
        li    t0, 0xf0004000
        sw    a0, 0(t0)
        .include "add.s"
