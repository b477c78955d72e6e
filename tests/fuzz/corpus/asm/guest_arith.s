# arith.s -- integer arithmetic as docs/isa.md section 4 defines it:
# wrapping, signed and unsigned comparisons and products, division toward
# zero with INT_MIN / -1, zero- vs sign-extended immediates, and calls
# (a loop, a recursive function with a stack).
        .include "lib.inc"

        .macro DEC msg, reg
        mv    s2, \reg
        SAY   \msg
        mv    a0, s2
        call  putsdec
        call  newline
        .endm

_start: la    sp, stack_top
        li    t0, 100                 # sum 1..100
        li    s0, 0
1:      add   s0, s0, t0
        addi  t0, t0, -1
        bnez  t0, 1b
        DEC   "sum 1..100 = ", s0

        li    t0, 0x7fffffff
        addi  s0, t0, 1
        SHOW  "0x7fffffff + 1 = ", s0
        li    t0, 5
        li    t1, 7
        sub   s0, t0, t1
        SHOW  "5 - 7 = ", s0

        li    s0, -7
        li    s1, 2
        div   t0, s0, s1
        DEC   "-7 / 2 = ", t0
        rem   t0, s0, s1
        DEC   "-7 % 2 = ", t0
        li    s0, 7
        li    s1, -2
        rem   t0, s0, s1
        DEC   "7 % -2 = ", t0
        li    s0, 0x80000000
        li    s1, -1
        div   t0, s0, s1
        SHOW  "INT_MIN / -1 = ", t0
        rem   t0, s0, s1
        SHOW  "INT_MIN % -1 = ", t0
        divu  t0, s0, s1
        SHOW  "0x80000000 /u 0xffffffff = ", t0

        li    s0, 0x12345678
        li    s1, 0x9abcdef0
        mul   t0, s0, s1
        SHOW  "mul = ", t0
        mulh  t0, s0, s1
        SHOW  "mulh = ", t0
        mulhu t0, s0, s1
        SHOW  "mulhu = ", t0
        li    s0, -1
        mulh  t0, s0, s0
        SHOW  "mulh(-1, -1) = ", t0
        mulhu t0, s0, s0
        SHOW  "mulhu(-1, -1) = ", t0

        li    s0, 0x80000000
        li    s1, 31
        sra   t0, s0, s1
        SHOW  "0x80000000 sra 31 = ", t0
        srl   t0, s0, s1
        SHOW  "0x80000000 srl 31 = ", t0
        li    s1, 33
        sll   t0, s0, s1
        SHOW  "0x80000000 sll 33 = ", t0
        srai  t0, s0, 4
        SHOW  "0x80000000 srai 4 = ", t0

        li    s0, -1
        li    s1, 1
        slt   t0, s0, s1
        DEC   "-1 <s 1 = ", t0
        sltu  t0, s0, s1
        DEC   "-1 <u 1 = ", t0
        sltiu t0, zero, 1
        DEC   "seqz 0 = ", t0

        andi  t0, s0, 0x8000
        SHOW  "-1 andi 0x8000 = ", t0
        ori   t0, zero, 0x8000
        SHOW  "0 ori 0x8000 = ", t0
        addi  t0, zero, -32768
        SHOW  "0 addi -32768 = ", t0
        lui   t0, 0xabcd
        SHOW  "lui 0xabcd = ", t0

        li    a0, 10
        call  fact
        DEC   "10! = ", a0
        li    a0, 20
        call  fib
        DEC   "fib(20) = ", a0
        li    a0, 0
        j     exit

fact:   li    t0, 1                   # a0 = n!, by a loop
1:      beqz  a0, 2f
        mul   t0, t0, a0
        addi  a0, a0, -1
        j     1b
2:      mv    a0, t0
        ret

fib:    li    t0, 2                   # a0 = fib(a0), recursively
        blt   a0, t0, 1f
        push  ra
        push  a0
        addi  a0, a0, -1
        call  fib
        lw    t0, 0(sp)               # n
        sw    a0, 0(sp)               # fib(n - 1)
        addi  a0, t0, -2
        call  fib
        pop   t0
        add   a0, a0, t0
        pop   ra
1:      ret

        STACKS
