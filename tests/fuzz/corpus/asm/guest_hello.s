# hello.s -- the smallest complete program: print a line, power off with 0.
        .include "lib.inc"
_start: la    a0, msg
        call  puts
        li    a0, 0
        j     exit
msg:    .asciz "hello, world\n"
