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
# Output: natively kputc (lib.s) stores each byte to the UART, which is
# always ready.  The paravirtual build (PARAVIRT, below) hands it to the
# monitor through a shared ring instead, in batches; the input stays on the
# emulated UART in both (docs/paravirt.md, section 6, says why).
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
        CONS_FLUSH                      # (paravirtual: the echo so far)
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
9:      CONS_FLUSH
        mv    a0, s2
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

        .if PARAVIRT
        .text
# ---- paravirtual output: the console ring, queue 0 (docs/paravirt.md) ----------
# kputc appends to cout_buf; console_flush makes the bytes appended since
# the last flush (mark .. head) one descriptor of the ring, so a write()
# is one chain however long it is.  The queue is set up polled (flag
# POLL): the monitor drains it at every exit of this VM and asks for no
# kick (used.flags NO_NOTIFY), so output costs no exit of its own.  A kick
# (notify) is made only when it must be: every descriptor in flight, the
# buffer full, or the machine about to power off (console_sync).  The
# monitor consumes synchronously: after a kick everything is in the used
# ring and the buffer starts over.
#
#   cout_ring (16-aligned)                 cout_buf (COUT_BUF bytes)
#   +0        desc[CQ]  {addr, 0, len, 0}  +-----------+----------+-------+
#   +16CQ     avail {flags, idx, ring[CQ]} | published | appended |  free |
#   +CQ_USED  used  {flags, idx, {id,len}} +-----------+----------+-------+
#                                          0          mark       head
#
# Descriptor i is always ring slot i (i = chains published % CQ).  The
# buffer is reused from 0 once nothing is in flight (used.idx caught up).
# Flushes (arch.inc's CONS_FLUSH): where the kernel has printed (the end
# of a write, a read's echo, a kill report, the self-test) and before the
# idle loop sleeps; console_sync before power off (CONS_SYNC).  Published
# bytes reach the console at the VM's next exit: the sleep's block, a
# tick, a kick.  Input stays on the UART (console_intr above).

        .ifndef CQ                      # (tests/pv/run.sh builds a toyos-pv
        .equ CQ,            16          # with a tiny ring and buffer, to
        .endif                          # make every kick happen often)
        .ifndef COUT_BUF
        .equ COUT_BUF,      1024        # bytes of output buffer
        .endif
        .equ CQ_AVAIL,      16 * CQ     # ring offsets (monitor/pv_ring.c)
        .equ CQ_USED,       (16 * CQ + 6 + 2 * CQ + 3) & ~3
        .equ CQ_BYTES,      CQ_USED + 6 + 8 * CQ
        .equ CQ_POLL,       1           # queue_init flag: the monitor polls
# (the hypercall numbers and ring flags: arch.inc)

# kputc(a0 = byte): append it to the buffer.  Clobbers t0 (as natively).
kputc:
        addi  sp, sp, -12
        sw    ra, 0(sp)
        sw    t1, 4(sp)
        sw    t2, 8(sp)
        la    t1, cout_mark             # t1 = the state: mark, head, avail
        lw    t0, 4(t1)                 # t0 = head
        lw    t2, 0(t1)
        bne   t0, t2, 2f                # the first byte of a chunk: with
        lw    t2, 8(t1)                 # nothing in flight (used.idx =
        la    t0, cout_ring             # chains published), start over
        lhu   t0, CQ_USED + 2(t0)
        xor   t0, t0, t2
        andi  t0, t0, 0xffff
        bnez  t0, 1f
        sw    zero, 0(t1)
        sw    zero, 4(t1)
1:      lw    t0, 4(t1)
2:      xori  t2, t0, COUT_BUF
        bnez  t2, 3f
        call  console_sync              # full: out with all of it (an exit)
        lw    t0, 4(t1)                 # (0 now)
3:      la    t2, cout_buf
        add   t2, t2, t0
        sb    a0, 0(t2)
        addi  t0, t0, 1
        sw    t0, 4(t1)
        lw    ra, 0(sp)
        lw    t1, 4(sp)
        lw    t2, 8(sp)
        addi  sp, sp, 12
        ret

# kputs(a0 = NUL-terminated string).  Clobbers a0, t0, t1.
kputs:
        push  ra
        mv    t1, a0
1:      lbu   a0, 0(t1)
        beqz  a0, 2f
        call  kputc                     # (keeps t1)
        addi  t1, t1, 1
        j     1b
2:      pop   ra
        ret

# kputhex(a0 = number), as 0x%08x.  Clobbers a0, t0-t3.
kputhex:
        push  ra
        mv    t1, a0
        li    a0, '0'
        call  kputc
        li    a0, 'x'
        call  kputc
        li    t2, 28
1:      srl   t0, t1, t2
        andi  t0, t0, 15
        slti  t3, t0, 10
        bnez  t3, 2f
        addi  t0, t0, 'a' - '0' - 10
2:      addi  a0, t0, '0'
        call  kputc                     # (keeps t1, t2, t3)
        addi  t2, t2, -4
        bge   t2, zero, 1b
        pop   ra
        ret

# The kick: notify(queue 0).  The monitor consumes every chain before it
# returns.  t0 = its result (< 0: the ring was found broken).
        .macro CONS_KICK
        li    a0, 0
        li    t0, HC_NOTIFY
        hypercall
        .endm

# console_flush(): publish what was appended since the last flush; kick
# only if the monitor asks for kicks.  console_sync(): the same, then kick
# if anything is in flight, so the monitor has every byte when it returns.
# Both keep every register.
console_sync:
        addi  sp, sp, -40
        sw    t2, 12(sp)
        li    t2, 1                     # t2 = kick if anything is in flight
        j     1f
console_flush:
        addi  sp, sp, -40
        sw    t2, 12(sp)
        li    t2, 0
1:      sw    ra, 0(sp)
        sw    t0, 4(sp)
        sw    t1, 8(sp)
        sw    t3, 16(sp)
        sw    t4, 20(sp)
        sw    a0, 24(sp)
        sw    a1, 28(sp)
        sw    a2, 32(sp)
        sw    a3, 36(sp)
        la    t4, cout_mark             # t4 = the state: mark, head, avail
        la    t1, cout_ring             # t1 = the ring
        lw    a1, 0(t4)                 # a1 = mark
        lw    a2, 4(t4)                 # a2 = head
        la    t0, cout_ready
        lw    t0, 0(t0)
        bnez  t0, 2f
        beq   a1, a2, 9f                # nothing yet: nothing to set up
        sw    zero, 8(t4)               # the first flush: set the queue up,
        sh    zero, CQ_AVAIL + 2(t1)    # avail.idx from 0, polled
        li    a0, 0
        la    a1, cout_ring
        li    a2, CQ
        li    a3, CQ_POLL
        li    t0, HC_QUEUE_INIT
        hypercall
        bnez  t0, 8f                    # refused: console_write instead
        la    t0, cout_ready
        li    a0, 1
        sw    a0, 0(t0)
        lw    a1, 0(t4)
        lw    a2, 4(t4)
2:      beq   a1, a2, 5f                # nothing new to publish
        lw    a3, 8(t4)                 # a3 = chains published (mod 2^16)
        lhu   t0, CQ_USED + 2(t1)       # a free descriptor?  in flight =
        sub   t0, a3, t0                # published - used.idx
        andi  t0, t0, 0xffff
        sltiu t0, t0, CQ
        bnez  t0, 3f
        CONS_KICK                       # every one in flight: out with them
        blt   t0, zero, 7f
3:      andi  t3, a3, CQ - 1            # t3 = descriptor = slot
        slli  t0, t3, 4
        add   t0, t0, t1
        la    a0, cout_buf
        add   a0, a0, a1
        sw    a0, 0(t0)                 # {addr, high word 0, len, flags 0}
        sw    zero, 4(t0)
        sub   a0, a2, a1
        sw    a0, 8(t0)
        sw    zero, 12(t0)
        slli  t0, t3, 1
        add   t0, t0, t1
        sh    t3, CQ_AVAIL + 4(t0)      # avail.ring[slot] = the chain's head,
        addi  a3, a3, 1                 # then avail.idx: the monitor may
        sw    a3, 8(t4)                 # take it from now on
        sh    a3, CQ_AVAIL + 2(t1)
        sw    a2, 0(t4)                 # mark = head
        lhu   t0, CQ_USED(t1)           # kicks wanted?
        andi  t0, t0, USED_NO_NOTIFY
        bnez  t0, 5f
        li    t2, 1
5:      beqz  t2, 9f                    # kick if asked and anything in flight
        lw    a3, 8(t4)
        lhu   t0, CQ_USED + 2(t1)
        xor   t0, t0, a3
        andi  t0, t0, 0xffff
        beqz  t0, 9f
        CONS_KICK
        blt   t0, zero, 7f
        sw    zero, 0(t4)               # all consumed: start over
        sw    zero, 4(t4)
        j     9f
7:      la    t0, cout_ready            # the ring is broken (a kernel bug):
        sw    zero, 0(t0)               # what was in it is lost; the next
        sw    zero, 0(t4)               # flush sets the queue up again
        sw    zero, 4(t4)
        j     9f
8:      lw    a1, 0(t4)                 # no queue: the bytes by console_write
        lw    a2, 4(t4)
        la    a0, cout_buf
        add   a0, a0, a1
        sub   a1, a2, a1
        li    t0, HC_CONSOLE_WRITE
        hypercall
        sw    zero, 0(t4)
        sw    zero, 4(t4)
9:      lw    ra, 0(sp)
        lw    t0, 4(sp)
        lw    t1, 8(sp)
        lw    t2, 12(sp)
        lw    t3, 16(sp)
        lw    t4, 20(sp)
        lw    a0, 24(sp)
        lw    a1, 28(sp)
        lw    a2, 32(sp)
        lw    a3, 36(sp)
        addi  sp, sp, 40
        ret

        .data
        .align 16
cout_ring:  .space CQ_BYTES             # the ring (the monitor checks 16-alignment)
cout_buf:   .space COUT_BUF
        .align 4
cout_mark:  .word 0                     # bytes published so far (offset in cout_buf)
cout_head:  .word 0                     # bytes appended so far
cout_avail: .word 0                     # chains published (avail.idx, mod 2^16)
cout_ready: .word 0                     # 1: the queue is set up
        .text
        .endif
