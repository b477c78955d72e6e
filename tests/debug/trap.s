# trap.s -- a small kernel for the debugger's transcripts: page tables,
# a drop to ring 3, system calls, demand paging, and timer interrupts.
        .equ INTC,      0xf0000000
        .equ TIMER,     0xf0001000
        .equ UART,      0xf0002000
        .equ POWER,     0xf0004000
        .equ PD,        0x10000       # page directory
        .equ PT0,       0x11000       # 0 .. 4 MiB: identity, supervisor
        .equ PT1,       0x12000       # 4 .. 8 MiB: user data, on demand
        .equ PTD,       0x13000       # the devices
        .equ USER_DATA, 0x400000
        .equ SYS_PUTC,  1
        .equ SYS_EXIT,  2

        .text
_start:
        la    t0, vectors
        mtcr  tvec, t0
        # PT0: identity map of the first MiB, present and writable
        li    t0, PT0
        li    t1, 3
        li    t2, 0x100003
        li    t3, 0x1000
1:      sw    t1, 0(t0)
        addi  t0, t0, 4
        add   t1, t1, t3
        bne   t1, t2, 1b
        # ring 3 may use the page of user_main
        la    t0, user_main
        srli  t0, t0, 12
        slli  t0, t0, 2
        li    t1, PT0
        add   t0, t0, t1
        lw    t1, 0(t0)
        ori   t1, t1, 4
        sw    t1, 0(t0)
        # the devices, supervisor only
        li    t0, PTD
        li    t1, INTC | 3
        sw    t1, 0(t0)
        li    t1, TIMER | 3
        sw    t1, 4(t0)
        li    t1, UART | 3
        sw    t1, 8(t0)
        li    t1, POWER | 3
        sw    t1, 16(t0)
        li    t0, PD
        li    t1, PT0 | 7
        sw    t1, 0(t0)
        li    t1, PT1 | 7
        sw    t1, 4(t0)
        li    t1, PTD | 3
        sw    t1, 0xf00(t0)
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  mmu, t0
        # a periodic timer interrupt every 3000 cycles
        li    t0, TIMER
        li    t1, 3000
        sw    t1, 4(t0)
        li    t1, 7
        sw    t1, 0(t0)
        li    t0, INTC
        li    t1, 1
        sw    t1, 4(t0)
        # ring 3, interrupts on
        la    t0, user_main
        mtcr  epc, t0
        li    t0, 7
        mtcr  epsw, t0
        rfe

        .align 16
vectors:
        j     irq_entry               # 0 interrupt
        j     sys_entry               # 1 syscall
        j     fatal                   # 2 breakpoint
        j     fatal                   # 3 illegal instruction
        j     fatal                   # 4 privileged instruction
        j     fatal                   # 5 misaligned
        j     fatal                   # 6 divide by zero
        j     pf_entry                # 7 page fault
        j     fatal                   # 8 bus error

# a0 = SYS_PUTC: print the byte in a1; SYS_EXIT: power off with a1
sys_entry:
        mtcr  scratch, t0
        li    t0, SYS_PUTC
        beq   a0, t0, 1f
        li    t0, POWER
        sw    a1, 0(t0)
1:      li    t0, UART
        sw    a1, 0(t0)
        mfcr  t0, scratch
        rfe

# map a fresh frame at the faulting page of the user region
pf_entry:
        mtcr  scratch, t0
        la    t0, save_area
        sw    t1, 0(t0)
        sw    t2, 4(t0)
        mfcr  t1, badva
        srli  t1, t1, 12
        andi  t1, t1, 0x3ff
        slli  t1, t1, 2
        li    t2, PT1
        add   t1, t1, t2
        lw    t2, 8(t0)
        ori   t2, t2, 7
        sw    t2, 0(t1)
        lw    t2, 8(t0)
        li    t1, 0x1000
        add   t2, t2, t1
        sw    t2, 8(t0)
        lw    t1, 0(t0)
        lw    t2, 4(t0)
        mfcr  t0, scratch
        rfe

# the timer: acknowledge it and count
irq_entry:
        mtcr  scratch, t0
        la    t0, save_area
        sw    t1, 0(t0)
        li    t1, TIMER
        li    t0, 1
        sw    t0, 8(t1)
        la    t0, ticks
        lw    t1, 0(t0)
        addi  t1, t1, 1
        sw    t1, 0(t0)
        la    t0, save_area
        lw    t1, 0(t0)
        mfcr  t0, scratch
        rfe

fatal:
        li    t0, POWER
        li    t1, 99
        sw    t1, 0(t0)

        .align 4096
user_main:
        li    a0, SYS_PUTC
        li    a1, 'h'
        syscall
        li    a1, 'i'
        syscall
        li    a1, '\n'
        syscall
        li    t0, USER_DATA
        li    t1, 42
        sw    t1, 0(t0)
        lw    t2, 0(t0)
        sw    t1, 0x1000(t0)
        li    t3, 3000
2:      addi  t3, t3, -1
        bnez  t3, 2b
        li    a0, SYS_EXIT
        li    a1, 0
        syscall

        .data
save_area:
        .word 0, 0, 0x40000
ticks:
        .word 0
