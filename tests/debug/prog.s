# prog.s -- a ring-0 program for the debugger's transcripts: calls, a
# loop, a counter in memory, console output, and a power-off.
        .equ UART,  0xf0002000
        .equ POWER, 0xf0004000

        .text
_start:
        la    sp, stack_top
        li    s0, 0                   # i
loop:
        mv    a0, s0
        call  square
        la    t0, counter
        lw    t1, 0(t0)
        add   t1, t1, a0
        sw    t1, 0(t0)
        addi  s0, s0, 1
        li    t2, 5
        blt   s0, t2, loop
        la    a0, message
        call  puts
        la    t0, counter
        lw    a0, 0(t0)
        li    t0, POWER
        sw    a0, 0(t0)

# a0 = a0 * a0, through a helper to have a call two deep
square:
        push  ra
        mv    a1, a0
        call  multiply
        pop   ra
        ret

multiply:
        mul   a0, a0, a1
        ret

# print the string at a0
puts:
        li    t1, UART
1:      lbu   t2, 0(a0)
        beqz  t2, 2f
        sw    t2, 0(t1)
        addi  a0, a0, 1
        j     1b
2:      ret

        .data
counter:
        .word 0
message:
        .asciz "squares summed\n"
        .align 4
        .space 256
stack_top:
