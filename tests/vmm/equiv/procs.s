# procs.s -- two user processes, each in its own address space (its own
# page directory and ASID, the same virtual addresses on other frames),
# preempted by a periodic timer interrupt, with system calls (yield, exit)
# and demand-zero page faults.  What it prints does not depend on where
# the interrupts land: each process exits with a checksum of its own work,
# and the kernel prints the checksums once both are done.
        .include "../kdefs.inc"
        .equ PT_K,    0x100000        # identity map of [0, 4 MiB), supervisor
        .equ PT_DEV,  0x101000        # the devices, supervisor
        .equ PD0,     0x102000        # process 0: directory, user table
        .equ PT_U0,   0x103000
        .equ PD1,     0x104000
        .equ PT_U1,   0x105000
        .equ FRAMES,  0x200000        # demand-zero frames from here
        .equ KSTACK,  0x0ff000
        .equ USER_LO, 0x400000        # the user region, one table
        .equ USER_HI, 0x800000
        .equ PERIOD,  100000        # cycles: long enough for a trapping handler
        # a process control block: r1..r15 at 4*n, then
        .equ PCB_PC,  64
        .equ PCB_PSW, 68
        .equ PCB_DONE, 72
        .equ PCB_EXIT, 76
        .equ PCB_PD,  80
        .equ PCB_SIZE, 96

_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, KSTACK
        # PT_K: identity, supervisor; the user code page also U
        li    t0, PT_K
        li    t1, P | W
        li    t2, 0x400000 | P | W
        li    t3, 0x1000
1:      sw    t1, 0(t0)
        addi  t0, t0, 4
        add   t1, t1, t3
        bne   t1, t2, 1b
        la    t0, ucode
        srli  t0, t0, 12
        slli  t0, t0, 2
        li    t1, PT_K
        add   t0, t0, t1
        lw    t1, 0(t0)
        ori   t1, t1, U
        sw    t1, 0(t0)
        li    t0, PT_DEV
        li    t1, INTC | P | W
        sw    t1, 0(t0)
        li    t1, TIMER | P | W
        sw    t1, 4(t0)
        li    t1, UART | P | W
        sw    t1, 8(t0)
        li    t1, POWER | P | W
        sw    t1, 16(t0)
        # the two directories: kernel, devices, and a user table each
        li    a0, PD0
        li    a1, PT_U0
        call  mkdir
        li    a0, PD1
        li    a1, PT_U1
        call  mkdir
        # the process control blocks: pc, psw (ring 3, IE), a1 = number
        la    t0, pcbs
        la    t1, ucode
        li    t2, 3 | IE
        sw    t1, PCB_PC(t0)
        sw    t2, PCB_PSW(t0)
        li    t3, PD0
        sw    t3, PCB_PD(t0)
        sw    t1, PCB_SIZE + PCB_PC(t0)
        sw    t2, PCB_SIZE + PCB_PSW(t0)
        li    t3, PD1
        sw    t3, PCB_SIZE + PCB_PD(t0)
        li    t3, 1
        sw    t3, PCB_SIZE + 8(t0)    # process 1 starts with a1 = 1
        # paging on in process 0's space, the timer periodic with interrupts
        li    t0, PD0
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  asid, t0
        mtcr  mmu, t0
        la    a0, m_boot
        call  puts
        li    t0, INTC
        li    t1, 1
        sw    t1, 4(t0)
        li    t0, TIMER
        li    t1, PERIOD
        sw    t1, 4(t0)
        li    t1, 7                   # enable, periodic, interrupt
        sw    t1, 0(t0)
        la    t0, pcbs
        j     resume

mkdir:  # a0 = directory, a1 = user table
        li    t0, PT_K | P | W | U
        sw    t0, 0(a0)
        ori   t0, a1, P | W | U
        sw    t0, 4(a0)
        li    t0, PT_DEV | P | W
        sw    t0, 0xf00(a0)
        ret

# ---- traps: save the running process, handle, resume one --------------------
        VECTORS entry, entry
entry:  mtcr  scratch, t0
        la    t0, cur
        lw    t0, 0(t0)               # the running process's PCB
        sw    r1, 4(t0)
        sw    r2, 8(t0)
        sw    r3, 12(t0)
        sw    r4, 16(t0)
        sw    r6, 24(t0)
        sw    r7, 28(t0)
        sw    r8, 32(t0)
        sw    r9, 36(t0)
        sw    r10, 40(t0)
        sw    r11, 44(t0)
        sw    r12, 48(t0)
        sw    r13, 52(t0)
        sw    r14, 56(t0)
        sw    r15, 60(t0)
        mfcr  t1, scratch
        sw    t1, 20(t0)
        mfcr  t1, epc
        sw    t1, PCB_PC(t0)
        mfcr  t1, epsw
        sw    t1, PCB_PSW(t0)
        li    sp, KSTACK
        mv    s0, t0                  # s0 = this PCB while in the kernel
        mfcr  t1, cause
        andi  t1, t1, 0xff
        beqz  t1, on_irq
        li    t2, 1
        beq   t1, t2, on_sys
        li    t2, 7
        beq   t1, t2, on_pf
        j     unexpected

on_irq: li    t0, TIMER
        li    t1, 1
        sw    t1, 8(t0)               # acknowledge
        la    t0, ticks
        lw    t1, 0(t0)
        addi  t1, t1, 1
        sw    t1, 0(t0)
        j     switch

on_sys: lw    t1, 4(s0)               # a0: 1 yield, 2 exit(a1)
        li    t2, 2
        beq   t1, t2, 1f
        j     switch
1:      lw    t1, 8(s0)
        sw    t1, PCB_EXIT(s0)
        li    t1, 1
        sw    t1, PCB_DONE(s0)
        j     switch

on_pf:  mfcr  t0, badva               # demand zero in the user region
        li    t1, USER_LO
        bltu  t0, t1, 9f
        li    t1, USER_HI
        bgeu  t0, t1, 9f
        la    t1, next_frame
        lw    t2, 0(t1)
        li    t3, 0x1000
        add   t3, t2, t3
        sw    t3, 0(t1)
        mv    t3, t2                  # zero it (identity-mapped)
        li    t1, 0x1000
        add   t1, t1, t2
2:      sw    zero, 0(t3)
        addi  t3, t3, 4
        bne   t3, t1, 2b
        lw    t1, PCB_PD(s0)          # its PTE, in this process's table
        lw    t1, 4(t1)
        srli  t1, t1, 12
        slli  t1, t1, 12
        srli  t3, t0, 12
        andi  t3, t3, 0x3ff
        slli  t3, t3, 2
        add   t3, t3, t1
        ori   t2, t2, P | W | U
        sw    t2, 0(t3)
        la    t0, faults
        lw    t1, 0(t0)
        addi  t1, t1, 1
        sw    t1, 0(t0)
        mv    t0, s0
        j     resume
9:      la    a0, m_segv
        call  puts
        mfcr  a0, badva
        call  puthex
        call  newline
        li    a0, 1
        j     poweroff

# Run the other process if it can run, else this one; both done: report.
switch: la    t0, pcbs
        addi  t1, t0, PCB_SIZE
        beq   s0, t0, 1f
        mv    t1, t0                  # t1 = the other one
1:      lw    t2, PCB_DONE(t1)
        beqz  t2, 2f
        lw    t2, PCB_DONE(s0)
        beqz  t2, 3f
        j     report
2:      mv    s0, t1
3:      mv    t0, s0
        la    t1, cur
        sw    t0, 0(t1)
        lw    t1, PCB_PD(t0)          # its address space
        mtcr  ptbr, t1
        la    t2, pcbs
        sub   t1, t0, t2
        sltu  t1, zero, t1            # asid 1 or 2
        addi  t1, t1, 1
        mtcr  asid, t1
        j     resume

# t0 = the PCB to run
resume: la    t1, cur
        sw    t0, 0(t1)
        lw    t1, PCB_PD(t0)
        mtcr  ptbr, t1
        lw    t1, PCB_PC(t0)
        mtcr  epc, t1
        lw    t1, PCB_PSW(t0)
        mtcr  epsw, t1
        lw    t1, 20(t0)
        mtcr  scratch, t1
        lw    r1, 4(t0)
        lw    r2, 8(t0)
        lw    r3, 12(t0)
        lw    r4, 16(t0)
        lw    r6, 24(t0)
        lw    r7, 28(t0)
        lw    r8, 32(t0)
        lw    r9, 36(t0)
        lw    r10, 40(t0)
        lw    r11, 44(t0)
        lw    r12, 48(t0)
        lw    r13, 52(t0)
        lw    r14, 56(t0)
        lw    r15, 60(t0)
        mfcr  t0, scratch
        rfe

report: li    t0, TIMER
        sw    zero, 0(t0)             # timer off
        la    s0, pcbs
        li    s1, 0
1:      la    a0, m_proc
        call  puts
        mv    a0, s1
        call  putdec
        la    a0, m_exit
        call  puts
        lw    a0, PCB_EXIT(s0)
        call  puthex
        call  newline
        addi  s0, s0, PCB_SIZE
        addi  s1, s1, 1
        li    t0, 2
        bne   s1, t0, 1b
        la    a0, m_faults
        call  puts
        la    t0, faults
        lw    a0, 0(t0)
        call  putdec
        call  newline
        la    a0, m_pre
        call  puts
        la    t0, ticks
        lw    t0, 0(t0)
        la    a0, m_yes
        bnez  t0, 2f
        la    a0, m_no
2:      call  puts
        li    a0, 0
        j     poweroff

        .include "../klib.inc"

# ---- the user program: both processes run it, a1 = process number -----------
        .align 4096
ucode:  li    sp, USER_HI             # the stack faults in
        li    s0, USER_LO             # three pages of an array fault in
        li    t0, 0
        li    t1, 3072
1:      mul   t2, t0, t0
        add   t2, t2, a1
        xori  t2, t2, 0x5a5
        slli  t3, t0, 2
        add   t3, t3, s0
        sw    t2, 0(t3)
        addi  t0, t0, 1
        bne   t0, t1, 1b
        push  a1
        li    a0, 1                   # yield
        syscall
        pop   a1
        li    s1, 0
        li    s2, 8                   # rounds
2:      li    t0, 0
3:      slli  t3, t0, 2
        add   t3, t3, s0
        lw    t2, 0(t3)
        addi  t4, t0, 1
        mul   t2, t2, t4
        add   s1, s1, t2
        slli  t4, s1, 3
        srli  s1, s1, 29
        or    s1, s1, t4
        addi  t0, t0, 1
        bne   t0, t1, 3b
        addi  s2, s2, -1
        bnez  s2, 2b
        li    a0, 2                   # exit(checksum)
        mv    a1, s1
        syscall
4:      j     4b

        .data
m_boot:   .asciz "kernel: two processes, preemptive\n"
m_proc:   .asciz "process "
m_exit:   .asciz " exited with "
m_faults: .asciz "page faults: "
m_pre:    .asciz "preempted: "
m_yes:    .asciz "yes\n"
m_no:     .asciz "no\n"
m_segv:   .asciz "kernel: bad user address "
        .align 4
cur:        .word 0
ticks:      .word 0
faults:     .word 0
next_frame: .word FRAMES
pcbs:       .space 2 * PCB_SIZE
