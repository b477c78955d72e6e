# lib.s -- the kernel's small library: console output, numbers, memory
# and string helpers, panic.
#
# Register convention, here and in every kernel file:
#   a0-a3  arguments and results      t0-t4  temporaries (clobbered by calls)
#   s0-s3  saved: a function that uses one restores it before returning
#   sp     stack pointer (grows down)  ra    return address
# A function that calls another saves ra on the stack first.
# Every function below says which t registers it clobbers when it is
# used from places that count on fewer.

        .text

        .if !PARAVIRT                   # the paravirtual build's: console.s
# kputc(a0 = byte): send one byte to the console.  Clobbers t0.
kputc:
        li    t0, UART
        DEV_WRITE a0, UART_DATA, t0
        ret

# kputs(a0 = NUL-terminated string).  Clobbers a0, t0, t1.
kputs:
        li    t0, UART
1:      lbu   t1, 0(a0)
        beqz  t1, 2f
        DEV_WRITE t1, UART_DATA, t0
        addi  a0, a0, 1
        j     1b
2:      ret
        .endif

# kputdec(a0 = unsigned number), in decimal.
kputdec:
        addi  sp, sp, -16
        sw    ra, 0(sp)
        addi  t1, sp, 15                # digits are built backwards in sp+4..sp+14
        sb    zero, 0(t1)
        li    t2, 10
1:      remu  t3, a0, t2
        divu  a0, a0, t2
        addi  t3, t3, '0'
        addi  t1, t1, -1
        sb    t3, 0(t1)
        bnez  a0, 1b
        mv    a0, t1
        call  kputs
        lw    ra, 0(sp)
        addi  sp, sp, 16
        ret

        .if !PARAVIRT
# kputhex(a0 = number), as 0x%08x.  Clobbers a0, t0-t3.
kputhex:
        li    t1, UART
        li    t0, '0'
        DEV_WRITE t0, UART_DATA, t1
        li    t0, 'x'
        DEV_WRITE t0, UART_DATA, t1
        li    t2, 28
1:      srl   t0, a0, t2
        andi  t0, t0, 15
        slti  t3, t0, 10
        bnez  t3, 2f
        addi  t0, t0, 'a' - '0' - 10
2:      addi  t0, t0, '0'
        DEV_WRITE t0, UART_DATA, t1
        addi  t2, t2, -4
        bge   t2, zero, 1b
        ret
        .endif

# memzero(a0 = address, a1 = bytes, a multiple of 16; both 4-aligned).
# Clobbers a0, t0.
memzero:
        add   t0, a0, a1
        beq   a0, t0, 2f
1:      sw    zero, 0(a0)
        sw    zero, 4(a0)
        sw    zero, 8(a0)
        sw    zero, 12(a0)
        addi  a0, a0, 16
        bne   a0, t0, 1b
2:      ret

# memcopy(a0 = destination, a1 = source, a2 = bytes, a multiple of 4;
# both 4-aligned; the areas do not overlap).  Clobbers a0-a2, t0.
memcopy:
        beqz  a2, 2f
1:      lw    t0, 0(a1)
        sw    t0, 0(a0)
        addi  a0, a0, 4
        addi  a1, a1, 4
        addi  a2, a2, -4
        bnez  a2, 1b
2:      ret

# kstrcpy(a0 = destination, a1 = source, a2 = room in bytes, >= 1):
# copies a string, cutting it to fit; the copy is always NUL-terminated.
# Clobbers a0-a2, t0.
kstrcpy:
1:      addi  a2, a2, -1
        beqz  a2, 2f                    # room for the NUL only
        lbu   t0, 0(a1)
        sb    t0, 0(a0)
        beqz  t0, 3f
        addi  a0, a0, 1
        addi  a1, a1, 1
        j     1b
2:      sb    zero, 0(a0)
3:      ret

# kstrlen(a0 = string) -> a0 = its length.  Clobbers t0, t1.
        STRLEN kstrlen

# streq(a0, a1 = strings) -> a0 = 1 if they are equal, else 0.
# Clobbers a1, t0, t1.
        STREQ streq

# panic(a0 = message): something the kernel believed impossible happened.
# Say so and power the machine off with status PANIC_STATUS.
        .equ PANIC_STATUS, 100
panic:
        mv    s0, a0
        la    a0, msg_panic
        call  kputs
        mv    a0, s0
        call  kputs
        li    a0, '\n'
        call  kputc
        CONS_SYNC
        li    t0, POWER
        li    t1, PANIC_STATUS
        DEV_WRITE t1, 0, t0
1:      j     1b                        # not reached: the machine is off

        .data
msg_panic:  .asciz "toyos: panic: "
