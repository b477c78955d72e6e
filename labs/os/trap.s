# trap.s -- the trap path: vector, entry, dispatch, return; interrupts,
# page faults, faults that kill a process; the idle loop.
#
# The path of every trap (system call, fault or interrupt):
#
#   trap_vector      the hardware jumps to tvec + 4 * code with IE = 0 and
#                    the old pc, PSW, cause and address in epc, epsw,
#                    cause, badva; every slot jumps to trap_entry
#   trap_entry       park sp in scratch; pick a stack (from user mode: the
#                    process's kernel stack; from the kernel: keep this
#                    one); push a trap frame holding all 15 registers and
#                    epc, epsw, cause, badva (layout TF_* in toyos.inc)
#   trap             dispatch on the cause code: interrupt, system call,
#                    page fault, anything else; then, on the way back to
#                    user mode, give up the CPU if the time slice is over
#   trap_return      reload epc and epsw and every register from the frame
#                    (a handler may have changed them) and rfe
#
# The kernel itself runs with interrupts off, so a trap from ring 0 is
# either an interrupt that came while the kernel had opened a window for
# it (idle, self-test), or a kernel bug, which panics.

        .text

# ---- the vector: one instruction per cause (tvec + 4 * code) -------------------
        .align 4
trap_vector:
        j     trap_entry                # 0 interrupt
        j     trap_entry                # 1 system call
        j     trap_entry                # 2 breakpoint
        j     trap_entry                # 3 illegal instruction
        j     trap_entry                # 4 privileged instruction
        j     trap_entry                # 5 misaligned access
        j     trap_entry                # 6 divide by zero
        j     trap_entry                # 7 page fault
        j     trap_entry                # 8 bus error
        j     trap_entry                # 9..15 reserved
        j     trap_entry
        j     trap_entry
        j     trap_entry
        j     trap_entry
        j     trap_entry
        j     trap_entry

# ---- entry and return ------------------------------------------------------------
trap_entry:
        CR_WRITE scratch, sp            # free sp to work with
        CR_READ sp, epsw
        andi  sp, sp, PSW_RING
        KERNEL_RING_XOR sp              # 0: from the kernel
        beqz  sp, 1f
        la    sp, cur_ktop              # from user mode: the top of the
        lw    sp, 0(sp)                 # process's kernel stack
        j     2f
1:      CR_READ sp, scratch             # from the kernel: the same stack
2:      addi  sp, sp, -TF_SIZE
        sw    a0, TF_A0(sp)
        sw    a1, TF_A1(sp)
        sw    a2, TF_A2(sp)
        sw    a3, TF_A3(sp)
        sw    t0, 20(sp)
        sw    t1, 24(sp)
        sw    t2, 28(sp)
        sw    t3, 32(sp)
        sw    t4, 36(sp)
        sw    s0, 40(sp)
        sw    s1, 44(sp)
        sw    s2, 48(sp)
        sw    s3, 52(sp)
        sw    ra, TF_RA(sp)
        CR_READ t0, scratch             # the interrupted sp
        sw    t0, TF_SP(sp)
        CR_READ t0, epc
        sw    t0, TF_EPC(sp)
        CR_READ t0, epsw
        sw    t0, TF_EPSW(sp)
        CR_READ t0, cause
        sw    t0, TF_CAUSE(sp)
        CR_READ t0, badva
        sw    t0, TF_BADVA(sp)
        mv    a0, sp
        call  trap
trap_return:                            # sp = the frame to return through
        lw    t0, TF_EPC(sp)
        CR_WRITE epc, t0
        lw    t0, TF_EPSW(sp)
        CR_WRITE epsw, t0
        lw    a0, TF_A0(sp)
        lw    a1, TF_A1(sp)
        lw    a2, TF_A2(sp)
        lw    a3, TF_A3(sp)
        lw    t0, 20(sp)
        lw    t1, 24(sp)
        lw    t2, 28(sp)
        lw    t3, 32(sp)
        lw    t4, 36(sp)
        lw    s0, 40(sp)
        lw    s1, 44(sp)
        lw    s2, 48(sp)
        lw    s3, 52(sp)
        lw    ra, TF_RA(sp)
        lw    sp, TF_SP(sp)
        TRAP_RETURN

# ---- dispatch ------------------------------------------------------------------
# trap(a0 = trap frame)
trap:
        push  ra
        push  s0
        mv    s0, a0
        lw    t0, TF_CAUSE(s0)
        andi  t0, t0, CAUSE_CODE
        li    t1, T_INTERRUPT
        beq   t0, t1, 1f
        lw    t1, TF_EPSW(s0)           # a trap from the kernel: a bug
        andi  t1, t1, PSW_RING
        KERNEL_RING_XOR t1
        beqz  t1, kernel_fault
        li    t1, T_SYSCALL
        beq   t0, t1, 2f
        li    t1, T_PAGEFAULT
        beq   t0, t1, 3f
        mv    a0, s0                    # any other fault: the process dies
        li    a1, 0
        call  kill
1:      mv    a0, s0
        call  interrupt
        j     4f
2:      mv    a0, s0
        call  syscall                   # syscall.s
        j     4f
3:      mv    a0, s0
        call  page_fault
4:      lw    t0, TF_EPSW(s0)           # going back to user mode with the
        andi  t0, t0, PSW_RING          # time slice used up?  Let the
        KERNEL_RING_XOR t0
        beqz  t0, 5f                    # others run first.
        la    t0, current
        lw    t0, 0(t0)
        lw    t1, P_QUANTUM(t0)
        li    t2, QUANTUM_TICKS
        blt   t1, t2, 5f
        call  yield
5:      pop   s0
        pop   ra
        ret

# kernel_fault (s0 = trap frame): the kernel itself faulted.
kernel_fault:
        la    a0, msg_kfault
        call  kputs
        lw    a0, TF_CAUSE(s0)
        call  cause_name
        call  kputs
        PRINT_FRAME                     # pc, va, cause of the frame at s0
        la    a0, msg_kbug
        call  panic

# page_fault(a0 = trap frame), from user mode.  A page that is missing in
# the heap or the stack is filled with zeros and the instruction runs
# again; every other page fault kills the process.
page_fault:
        push  ra
        push  s0
        mv    s0, a0
        .if COW
        lw    a0, TF_BADVA(s0)          # a write to a shared page (cow.s)?
        lw    a1, TF_CAUSE(s0)
        call  cow_fault
        beqz  a0, 3f                    # copied: run the store again
        .endif
        lw    t0, TF_CAUSE(s0)
        li    t1, CAUSE_PROT
        and   t0, t0, t1
        bnez  t0, 1f                    # a protection fault: never on demand
        lw    a0, TF_BADVA(s0)
        li    t0, USER_BASE
        bltu  a0, t0, 1f
        call  demand_fill
        beqz  a0, 3f
        li    t0, E_NOMEM
        la    a1, msg_oom
        beq   a0, t0, 2f
1:      li    a1, 0
2:      mv    a0, s0
        call  kill
3:      pop   s0
        pop   ra
        ret

# cause_name(a0 = CAUSE) -> a0 = a name for its code.  Clobbers t0.
cause_name:
        andi  a0, a0, CAUSE_CODE
        li    t0, 9
        bltu  a0, t0, 1f
        li    a0, 9                     # "reserved trap"
1:      slli  a0, a0, 2
        la    t0, cause_names
        add   a0, a0, t0
        lw    a0, 0(a0)
        ret

# ---- interrupts ------------------------------------------------------------------
# interrupt(a0 = trap frame): ask the interrupt controller which line is
# active, let that device's driver service it (which lowers the line), and
# repeat until no line is active.
interrupt:
        push  ra
        push  s0
        mv    s0, a0
        lw    t0, TF_EPC(s0)            # Did it interrupt the idle window
        la    t1, intr_wait             # (intr_wait .. intr_wait_done)?
        bltu  t0, t1, 2f                # Then return past the halt, with
        la    t1, intr_wait_done        # interrupts off again (see idle).
        bgtu  t0, t1, 2f
        la    t1, intr_wait_done
        sw    t1, TF_EPC(s0)
        lw    t1, TF_EPSW(s0)
        andi  t1, t1, 0xffff - PSW_IE
        sw    t1, TF_EPSW(s0)
2:      li    t0, INTC
        DEV_READ t0, INTC_CLAIM, t0
        li    t1, IRQ_TIMER
        beq   t0, t1, 3f
        li    t1, IRQ_UART
        beq   t0, t1, 4f
        li    t1, IRQ_DISK
        beq   t0, t1, 5f
        li    t1, -1                    # none left
        beq   t0, t1, 6f
        la    a0, msg_irq
        call  panic
3:      call  timer_intr
        j     2b
4:      call  console_intr
        j     2b
5:      call  disk_intr
        j     2b
6:      pop   s0
        pop   ra
        ret

# idle(): called by the scheduler when nothing is runnable, with
# interrupts off.  Turn them on and halt until a device raises a line.
# The interrupt is taken right after the halt; its handler may wake a
# process.  Then idle returns, with interrupts off again.
#
# Returning with interrupts off is the delicate part.  An interrupt can
# come at any instruction once IE = 1, including just before the halt:
# if it were serviced there and returned to the halt, the CPU would sleep
# until the NEXT interrupt although the first one may have made a process
# runnable (the "lost wake-up").  So interrupt() checks whether it
# interrupted this window (epc from intr_wait to intr_wait_done: HALT is
# two instructions in the paravirtual build) and, if so,
# returns to intr_wait_done with IE = 0.  If halt wakes with IE = 0 (the
# self-test calls intr_wait that way on a machine that ignored its
# wrpsw), no interrupt is taken and we fall through with IE = 0 as well.
idle:
        CONS_FLUSH                      # (paravirtual: before it sleeps)
        INTR_ENABLE t0
intr_wait:                              # enter here with IE = 1 already
        HALT
intr_wait_done:
        ret

        .data
msg_kfault: .asciz "toyos: kernel trap: "
msg_kbug:   .asciz "trap in the kernel"
msg_irq:    .asciz "interrupt from an unknown line"
msg_oom:    .asciz "out of memory for a page"
cn_0:       .asciz "interrupt"
cn_1:       .asciz "system call"
cn_2:       .asciz "breakpoint"
cn_3:       .asciz "illegal instruction"
cn_4:       .asciz "privileged instruction"
cn_5:       .asciz "misaligned access"
cn_6:       .asciz "divide by zero"
cn_7:       .asciz "page fault"
cn_8:       .asciz "bus error"
cn_9:       .asciz "reserved trap"
        .align 4
cause_names: .word cn_0, cn_1, cn_2, cn_3, cn_4, cn_5, cn_6, cn_7, cn_8, cn_9
