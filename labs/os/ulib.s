# ulib.s -- the user library: what every user program may call.  It runs
# in ring 3, in the process's address space, and reaches the kernel only
# through `syscall`.
#
# Part of the user image (see user.s): it is assembled inside the kernel
# image, `.phase USER_BASE`, so its labels are the addresses it runs at.
#
#   u_putc(a0 = byte)          buffered output; a line goes out at its '\n'
#   u_puts(a0 = string)
#   u_putdec(a0 = number)      signed decimal
#   u_putdecw(a0 = n >= 0, a1 = width)   right-aligned in width columns
#   u_puthex(a0 = number)      0x%08x
#   u_flush()                  write out what is buffered
#   u_exit(a0 = status)        flush, then exit
#   u_fork()                   flush, then fork (so the child does not
#                              inherit and print the parent's pending line)
#   u_atoi(a0 = string)        -> a0 = decimal number after spaces, -1 if none;
#                                 a1 = where it stopped
#   u_arg(a0 = string, a1 = default) -> a0 = u_atoi, or the default
#   u_skipsp(a0 = string)      -> a0 past leading spaces
#   u_strlen(a0)               -> a0
#   u_streq(a0, a1)            -> a0 = 1 if equal
#   u_strerror(a0 = E_* code)  -> a0 = a short description
#
# Same register convention as the kernel: a0-a3 arguments and results,
# t0-t4 clobbered, s0-s3 preserved.  The output functions clobber a0-a2
# and t0-t2 (they may call the kernel).

        .equ OBUF_SIZE, 128

# ---- output ---------------------------------------------------------------------
u_putc:
        la    t0, u_ocount
        lw    t1, 0(t0)
        la    t2, u_obuf
        add   t2, t2, t1
        sb    a0, 0(t2)
        addi  t1, t1, 1
        sw    t1, 0(t0)
        li    t2, '\n'
        beq   a0, t2, u_flush           # (a tail call: u_flush returns for us)
        li    t2, OBUF_SIZE
        beq   t1, t2, u_flush
        ret

u_flush:
        la    t0, u_ocount
        lw    a2, 0(t0)
        beqz  a2, 1f
        sw    zero, 0(t0)
        la    a1, u_obuf
        SYS   SYS_WRITE
1:      ret

u_puts:
        push  ra
        push  s0
        mv    s0, a0
1:      lbu   a0, 0(s0)
        beqz  a0, 2f
        call  u_putc
        addi  s0, s0, 1
        j     1b
2:      pop   s0
        pop   ra
        ret

u_putdec:
        push  ra
        push  s0
        push  s1
        addi  sp, sp, -16               # the digits, built backwards
        mv    s0, a0
        bge   a0, zero, 1f
        li    a0, '-'
        call  u_putc
        sub   s0, zero, s0
1:      addi  s1, sp, 15
        sb    zero, 0(s1)
        li    t1, 10
2:      remu  t0, s0, t1
        divu  s0, s0, t1
        addi  t0, t0, '0'
        addi  s1, s1, -1
        sb    t0, 0(s1)
        bnez  s0, 2b
        mv    a0, s1
        call  u_puts
        addi  sp, sp, 16
        pop   s1
        pop   s0
        pop   ra
        ret

u_putdecw:
        push  ra
        push  s0
        push  s1
        mv    s0, a0
        li    t0, 1                     # t0 = how many digits
        li    t2, 10
        mv    t1, a0
1:      divu  t1, t1, t2
        beqz  t1, 2f
        addi  t0, t0, 1
        j     1b
2:      sub   s1, a1, t0                # s1 = spaces to print first
3:      ble   s1, zero, 4f
        li    a0, ' '
        call  u_putc
        addi  s1, s1, -1
        j     3b
4:      mv    a0, s0
        call  u_putdec
        pop   s1
        pop   s0
        pop   ra
        ret

u_puthex:
        push  ra
        push  s0
        push  s1
        mv    s0, a0
        li    a0, '0'
        call  u_putc
        li    a0, 'x'
        call  u_putc
        li    s1, 28
1:      srl   a0, s0, s1
        andi  a0, a0, 15
        slti  t0, a0, 10
        bnez  t0, 2f
        addi  a0, a0, 'a' - '0' - 10
2:      addi  a0, a0, '0'
        call  u_putc
        addi  s1, s1, -4
        bge   s1, zero, 1b
        pop   s1
        pop   s0
        pop   ra
        ret

# ---- processes ------------------------------------------------------------------
u_exit:
        push  a0
        call  u_flush
        pop   a1
        SYS   SYS_EXIT                  # does not return

u_fork:
        push  ra
        call  u_flush
        pop   ra
        SYS   SYS_FORK
        ret

# ---- strings and numbers ----------------------------------------------------------
u_skipsp:
        li    t1, ' '
1:      lbu   t0, 0(a0)
        bne   t0, t1, 2f
        addi  a0, a0, 1
        j     1b
2:      ret

u_atoi:
        push  ra
        call  u_skipsp
        pop   ra
        li    t2, -1                    # t2 = the number; -1 = no digit yet
1:      lbu   t0, 0(a0)
        addi  t0, t0, -'0'
        sltiu t1, t0, 10
        beqz  t1, 3f
        bge   t2, zero, 2f
        li    t2, 0
2:      li    t1, 10
        mul   t2, t2, t1
        add   t2, t2, t0
        addi  a0, a0, 1
        j     1b
3:      mv    a1, a0
        mv    a0, t2
        ret

u_arg:
        push  ra
        push  a1
        call  u_atoi
        pop   a1
        pop   ra
        bge   a0, zero, 1f
        mv    a0, a1
1:      ret

        STRLEN u_strlen                 # (strings.inc)

        STREQ u_streq

u_strerror:
        sub   a0, zero, a0              # E_* are -1 .. -8
        addi  a0, a0, -1
        sltiu t0, a0, 8
        bnez  t0, 1f
        li    a0, 8                     # anything else
1:      slli  a0, a0, 2
        la    t0, u_errors
        add   a0, a0, t0
        lw    a0, 0(a0)
        ret

u_e1:   .asciz "invalid argument"
u_e2:   .asciz "bad address"
u_e3:   .asciz "no such system call"
u_e4:   .asciz "out of memory"
u_e5:   .asciz "no child processes"
u_e6:   .asciz "no such program"
u_e7:   .asciz "too many processes"
u_e8:   .asciz "I/O error"
u_e9:   .asciz "unknown error"
        .align 4
u_errors:
        .word u_e1, u_e2, u_e3, u_e4
        .word u_e5, u_e6, u_e7, u_e8, u_e9

u_ocount: .word 0                       # bytes waiting in u_obuf
u_obuf:   .space OBUF_SIZE
