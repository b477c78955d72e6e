# demo.s -- a tiny kernel for the bare vmlab machine.
#
# In about two hundred lines it shows what the machine is built on:
#   - a trap vector, and handlers that save state with the scratch register;
#   - page tables built by hand and paging turned on;
#   - a drop from ring 0 to ring 3 with rfe;
#   - system calls from ring 3;
#   - demand-zero paging: the user stack and buffer fault in, page by page;
#   - a privileged instruction trapping in ring 3;
#   - the classic machine's hole: rdpsw is not privileged, so ring 3 reads
#     the real PSW.  Run with --machine strict and it traps instead.
#
#   vmlab run labs/demo/demo.s --stats
#   vmlab run labs/demo/demo.s --machine strict

        .equ UART,     0xf0002000
        .equ POWER,    0xf0004000
        .equ PD,       0x20000        # page directory
        .equ PT_LOW,   0x21000        # page table for 0 .. 4 MiB (kernel, identity)
        .equ PT_HIGH,  0x22000        # page table for 4 .. 8 MiB (user, on demand)
        .equ PT_DEV,   0x23000        # page table for the devices
        .equ USER_LO,  0x400000       # demand-zero region [USER_LO, USER_HI)
        .equ USER_HI,  0x800000
        .equ P, 1
        .equ W, 2
        .equ U, 4
        .equ SYS_PUTS, 1              # a1 = string
        .equ SYS_PUTHEX, 2            # a1 = value
        .equ SYS_EXIT, 3              # a1 = status

        .text
_start:
        la    t0, vectors
        mtcr  tvec, t0
        la    sp, kstack_top
        la    a0, msg_boot
        call  puts

        # PT_LOW: identity map of 0 .. 4 MiB, supervisor only
        li    t0, PT_LOW
        li    t1, P | W
        li    t2, 0x400000 | P | W
        li    t3, 0x1000
1:      sw    t1, 0(t0)
        addi  t0, t0, 4
        add   t1, t1, t3
        bne   t1, t2, 1b
        # ... except that ring 3 may use the page of the user program
        la    t0, user_main
        srli  t0, t0, 12
        slli  t0, t0, 2
        li    t1, PT_LOW
        add   t0, t0, t1
        lw    t1, 0(t0)
        ori   t1, t1, U
        sw    t1, 0(t0)
        # PT_DEV: the UART and the power device, supervisor only
        li    t0, PT_DEV
        li    t1, UART | P | W
        sw    t1, 8(t0)
        li    t1, POWER | P | W
        sw    t1, 16(t0)
        # the directory; PT_HIGH starts empty: every user page faults in
        li    t0, PD
        li    t1, PT_LOW | P | W | U
        sw    t1, 0(t0)
        li    t1, PT_HIGH | P | W | U
        sw    t1, 4(t0)
        li    t1, PT_DEV | P | W
        sw    t1, 0xf00(t0)           # entry 0x3c0 covers 0xf0000000
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  mmu, t0
        la    a0, msg_paging
        call  puts

        # enter ring 3: rfe "returns" to user_main with epsw.ring = 3
        la    t0, user_main
        mtcr  epc, t0
        li    t0, 3
        mtcr  epsw, t0
        rfe

# ---- trap vector: tvec + 4 * cause ---------------------------------------
        .align 4
vectors:
        j     unexpected              # 0 interrupt
        j     sys_entry               # 1 syscall
        j     unexpected              # 2 breakpoint
        j     unexpected              # 3 illegal instruction
        j     priv_entry              # 4 privileged instruction
        j     unexpected              # 5 misaligned
        j     unexpected              # 6 divide by zero
        j     pf_entry                # 7 page fault
        j     unexpected              # 8 bus error

# Save the user's registers that handlers use, on the kernel stack.
        .macro ENTER
        mtcr  scratch, sp
        la    sp, kstack_top
        push  ra
        push  a0
        push  t0
        push  t1
        push  t2
        push  t3
        .endm

        .macro LEAVE
        pop   t3
        pop   t2
        pop   t1
        pop   t0
        pop   a0
        pop   ra
        mfcr  sp, scratch
        rfe
        .endm

sys_entry:
        ENTER
        li    t0, SYS_PUTS
        beq   a0, t0, 2f
        li    t0, SYS_PUTHEX
        beq   a0, t0, 3f
        li    t0, SYS_EXIT
        beq   a0, t0, sys_exit
        la    a0, msg_badsys
        call  puts
        LEAVE
2:      mv    a0, a1
        call  puts
        LEAVE
3:      mv    a0, a1
        call  puthex
        call  newline
        LEAVE
sys_exit:
        la    a0, msg_exit
        call  puts
        li    t0, POWER
        sw    a1, 0(t0)

# A page fault in the user region: give it a fresh zeroed frame.
pf_entry:
        ENTER
        mfcr  t0, badva
        li    t1, USER_LO
        bltu  t0, t1, unexpected
        li    t1, USER_HI
        bgeu  t0, t1, unexpected
        la    t1, next_frame          # take a frame
        lw    t2, 0(t1)
        li    t3, 0x1000
        add   t3, t2, t3
        sw    t3, 0(t1)
        mv    t3, t2                  # zero it (frames are identity-mapped)
        li    t1, 0x1000
        add   t1, t1, t2
4:      sw    zero, 0(t3)
        addi  t3, t3, 4
        bne   t3, t1, 4b
        srli  t3, t0, 12              # PT_HIGH[(va >> 12) & 0x3ff] = frame | P W U
        andi  t3, t3, 0x3ff
        slli  t3, t3, 2
        li    t1, PT_HIGH
        add   t3, t3, t1
        ori   t2, t2, P | W | U
        sw    t2, 0(t3)
        la    a0, msg_pf
        call  puts                    # (puts uses t0 and t1)
        mfcr  a0, badva
        call  puthex
        call  newline
        LEAVE                         # the faulting instruction runs again

# Ring 3 tried a privileged instruction: say so and skip it.
priv_entry:
        ENTER
        la    a0, msg_priv
        call  puts
        mfcr  a0, epc
        call  puthex
        call  newline
        mfcr  t0, epc
        addi  t0, t0, 4
        mtcr  epc, t0
        LEAVE

unexpected:
        la    a0, msg_unexpected
        call  puts
        mfcr  a0, cause
        call  puthex
        la    a0, msg_at
        call  puts
        mfcr  a0, epc
        call  puthex
        call  newline
        li    t0, POWER
        li    t1, 1
        sw    t1, 0(t0)

# ---- kernel library -------------------------------------------------------
puts:                                 # a0 = NUL-terminated string
        li    t1, UART
5:      lbu   t0, 0(a0)
        beqz  t0, 6f
        sw    t0, 0(t1)
        addi  a0, a0, 1
        j     5b
6:      ret

puthex:                               # a0 = value, printed as 0x%08x
        li    t1, UART
        li    t0, '0'
        sw    t0, 0(t1)
        li    t0, 'x'
        sw    t0, 0(t1)
        li    t2, 28
7:      srl   t0, a0, t2
        andi  t0, t0, 15
        slti  t3, t0, 10
        bnez  t3, 8f
        addi  t0, t0, 'a' - '0' - 10
8:      addi  t0, t0, '0'
        sw    t0, 0(t1)
        addi  t2, t2, -4
        bge   t2, zero, 7b
        ret

newline:
        li    t1, UART
        li    t0, '\n'
        sw    t0, 0(t1)
        ret

# ---- the user program (ring 3), on a page of its own ----------------------
        .align 4096
user_main:
        li    sp, USER_HI             # the stack faults in on first use
        li    a0, SYS_PUTS
        la    a1, msg_user
        syscall
        # the hole: rdpsw is sensitive but not privileged on the classic machine
        rdpsw t0
        li    a0, SYS_PUTS
        la    a1, msg_rdpsw
        syscall
        li    a0, SYS_PUTHEX
        mv    a1, t0
        syscall
        push  t0                      # first touch of the stack: a page fault
        li    t1, 0x500000            # touch three pages of a buffer
        li    t2, 0x503000
        li    t3, 0x1000
9:      sw    t1, 0(t1)
        add   t1, t1, t3
        bne   t1, t2, 9b
        mfcr  t0, ptbr                # privileged: traps in ring 3
        li    a0, SYS_PUTS
        la    a1, msg_done
        syscall
        li    a0, SYS_EXIT
        li    a1, 0
        syscall

msg_user:   .asciz "user: hello from ring 3\n"
msg_rdpsw:  .asciz "user: rdpsw reads the PSW from ring 3: "
msg_done:   .asciz "user: done\n"

        .data
msg_boot:   .asciz "kernel: booting on the bare machine\n"
msg_paging: .asciz "kernel: page tables built, paging on; entering ring 3\n"
msg_pf:     .asciz "kernel: page fault, demand-zero page for "
msg_priv:   .asciz "kernel: privileged instruction in ring 3 at "
msg_badsys: .asciz "kernel: unknown system call\n"
msg_exit:   .asciz "kernel: user program exited; powering off\n"
msg_unexpected: .asciz "kernel: unexpected trap, cause "
msg_at:     .asciz " at "
        .align 4
next_frame: .word 0x200000
        .bss
        .space 4096
kstack_top:
