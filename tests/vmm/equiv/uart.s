# uart.s -- console input: the first line polled, the rest by sleeping in
# halt (interrupts off) until the UART's receive line rises, every letter
# upper-cased and echoed, to the end of input (RX_EOF).  Paging off.
        .include "../kdefs.inc"

_start: li    sp, 0x9000
        li    s0, UART
1:      lw    t0, 4(s0)               # STATUS: poll for the first line
        andi  t1, t0, 1
        beqz  t1, 1b
        lw    a0, 0(s0)
        call  echo
        li    t1, '\n'
        bne   a0, t1, 1b
        la    a0, m_irq
        call  puts
        li    t0, INTC
        li    t1, 2                   # line 1: the UART
        sw    t1, 4(t0)
        li    t1, 1
        sw    t1, 8(s0)               # CTRL: receive interrupt
2:      lw    t0, 4(s0)
        andi  t1, t0, 1
        bnez  t1, 3f
        andi  t1, t0, 4               # RX_EOF
        bnez  t1, 4f
        halt                          # until the line rises (IE is off)
        j     2b
3:      lw    a0, 0(s0)
        call  echo
        j     2b
4:      la    a0, m_eof               # (how often it slept is a matter of timing)
        call  puts
        li    a0, 0
        j     poweroff

echo:   push  ra                      # a0 = byte: upper-cased to the console
        push  a0
        li    t1, 'a'
        blt   a0, t1, 1f
        li    t1, 'z'
        bgt   a0, t1, 1f
        addi  a0, a0, 'A' - 'a'
1:      call  putc
        pop   a0
        pop   ra
        ret

        .include "../klib.inc"

        .data
m_irq:  .asciz "(by interrupt line)\n"
m_eof:  .asciz "(end of input)\n"
