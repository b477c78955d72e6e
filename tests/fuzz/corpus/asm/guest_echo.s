# echo.s -- console input (vmlab run --console-in FILE): sleep in halt
# until the UART's receive interrupt line rises (IE = 0: halt wakes
# without taking the interrupt), echo each byte upper-cased, stop at end
# of input and report the byte count and the cycle (bytes arrive 100
# cycles after the previous one was read).
        .include "lib.inc"
        .equ RX_READY, 1
        .equ RX_EOF, 4

_start: li    s0, UART
        li    t0, 1                   # RX_IRQ_ENABLE
        sw    t0, 8(s0)
        li    t0, INTC_EN
        li    t1, 2                   # line 1: the UART
        sw    t1, 0(t0)
        li    s1, 0
1:      lw    t0, 4(s0)               # STATUS
        andi  t1, t0, RX_READY
        bnez  t1, 2f
        andi  t1, t0, RX_EOF
        bnez  t1, 3f
        halt
        j     1b
2:      lw    a0, 0(s0)               # DATA
        addi  s1, s1, 1
        li    t0, 'a'
        blt   a0, t0, 4f
        li    t0, 'z'
        bgt   a0, t0, 4f
        addi  a0, a0, 'A' - 'a'
4:      sw    a0, 0(s0)
        j     1b
3:      rdcycle s2
        SAY   "bytes: "
        mv    a0, s1
        call  putdec
        SAY   ", cycle "
        mv    a0, s2
        call  putdec
        call  newline
        li    a0, 0
        j     exit
