# console.s -- the console driver: interrupt-driven input with a line
# discipline, and output.
#
# Input takes two steps.
#   1. console_intr (the UART interrupt) moves received bytes from the UART
#      into cons_buf, a ring of CONS_BUF bytes, and wakes the readers.  When
#      the ring is full it turns the UART's receive interrupt off: the bytes
#      wait in the UART (flow control), nothing is lost.  When it sees
#      RX_EOF (the input has ended and every byte was read) it sets cons_eof.
#   2. console_read (the read system call) takes bytes from the ring and
#      applies the line discipline: it echoes each byte, turns CR into LF,
#      lets backspace erase, and returns at the end of a line.  It sleeps
#      while the ring is empty; at the end of the input it returns 0.
# Echoing when a byte is *read*, not when it arrives, keeps a scripted
# session readable: a command typed ahead shows up when the shell reads
# it, after the previous command's output.
#
# Output is written straight to the UART, which is always ready (kputc).
#
# UART registers: DATA 0x0, STATUS 0x4 (RX_READY 1, TX_READY 2, RX_EOF 4),
# CTRL 0x8 (RX_IRQ_ENABLE 1).  Line IRQ_UART = RX_IRQ_ENABLE && (RX_READY ||
# the end of input not yet seen in STATUS): a Ctrl-D typed while the
# shell sleeps wakes console_intr, which sees RX_EOF and sets cons_eof.

        .text

# console_init(): receive interrupts on.
console_init:
        li    t0, UART
        li    t1, 1
        DEV_WRITE t1, UART_CTRL, t0
        DEV_READ t1, UART_STATUS, t0    # no input at all?
        andi  t1, t1, UART_RX_EOF
        beqz  t1, 1f
        la    t0, cons_eof
        sw    t1, 0(t0)
1:      ret

# console_intr(): the UART interrupt.  Clobbers t0-t4.
console_intr:
        push  ra
        li    t4, UART
1:      DEV_READ t0, UART_STATUS, t4
        andi  t1, t0, UART_RX_READY
        beqz  t1, 3f
        la    t1, cons_w                # a byte: room for it?
        lw    t2, 0(t1)
        la    t3, cons_r
        lw    t3, 0(t3)
        sub   t3, t2, t3
        li    t0, CONS_BUF
        bltu  t3, t0, 2f
        DEV_WRITE zero, UART_CTRL, t4   # full: leave it in the UART for now
        j     4f
2:      DEV_READ t0, UART_DATA, t4
        andi  t3, t2, CONS_BUF - 1
        la    t1, cons_buf
        add   t3, t3, t1
        sb    t0, 0(t3)
        addi  t2, t2, 1
        la    t1, cons_w
        sw    t2, 0(t1)
        j     1b
3:      andi  t0, t0, UART_RX_EOF
        beqz  t0, 4f
        la    t1, cons_eof
        sw    t0, 0(t1)
4:      la    a0, cons_buf              # readers sleep on the buffer
        call  wakeup
        pop   ra
        ret

# console_read(a0 = user buffer, a1 = length >= 1; checked by the caller)
# -> a0 = bytes stored: a line with its LF, or len bytes of it, or what
# was left when the input ended; 0 at the end of the input.
console_read:
        push  ra
        push  s0
        push  s1
        push  s2
        mv    s0, a0                    # s0 = buffer
        mv    s1, a1                    # s1 = length
        li    s2, 0                     # s2 = bytes stored
1:      la    t0, cons_r                # wait for a byte
        lw    t1, 0(t0)
        la    t2, cons_w
        lw    t2, 0(t2)
        bne   t1, t2, 2f
        la    t0, cons_eof
        lw    t0, 0(t0)
        bnez  t0, 9f                    # no byte will ever come
        la    a0, cons_buf
        call  sleep
        j     1b
2:      andi  t2, t1, CONS_BUF - 1      # take it
        la    t3, cons_buf
        add   t2, t2, t3
        lbu   a0, 0(t2)
        addi  t1, t1, 1
        sw    t1, 0(t0)
        li    t0, UART                  # there is room again: let the UART
        li    t1, 1                     # interrupt (it may hold more bytes)
        DEV_WRITE t1, UART_CTRL, t0
        li    t0, '\r'
        bne   a0, t0, 3f
        li    a0, '\n'
3:      li    t0, 8                     # backspace or delete: erase one
        beq   a0, t0, 4f
        li    t0, 127
        beq   a0, t0, 4f
        call  kputc                     # echo
        add   t0, s0, s2
        sb    a0, 0(t0)
        addi  s2, s2, 1
        li    t0, '\n'
        beq   a0, t0, 9f
        beq   s2, s1, 9f
        j     1b
4:      beqz  s2, 1b
        addi  s2, s2, -1
        la    a0, bs_erase
        call  kputs
        j     1b
9:      mv    a0, s2
        pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

        .data
bs_erase:   .asciz "\b \b"
        .align 4
cons_r:     .word 0                     # bytes taken out of the ring so far
cons_w:     .word 0                     # bytes put into it so far
cons_eof:   .word 0                     # nonzero: the input has ended

        .bss
cons_buf:   .space CONS_BUF
