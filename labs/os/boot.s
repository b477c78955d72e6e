# boot.s -- where toyos starts: from reset to the first process.
#
# The machine starts here (_start) in ring 0, paging off, interrupts off,
# every register 0.  Boot sets up a stack and the trap vector, finds out how
# much RAM there is, puts every page above the kernel on the free list,
# builds the kernel's page tables and turns paging on, starts the devices,
# spawns the shell as process 1 and enters the scheduler for good.
#
# Memory.  The kernel is linked at its physical address and maps all of
# RAM at the same virtual address (an identity map), supervisor-only and
# global, in every address space.  So inside the kernel a physical address
# IS a pointer: page tables, free pages and kernel stacks need no
# translation.  User space starts far above any RAM toyos uses.
#
#   physical memory                         every address space (virtual)
#
#   ram_top +--------------------+          0xffffffff +--------------------+
#           | free pages:        |                     |   (unmapped)       |
#           |  page directories, |          0xf0007000 +--------------------+
#           |  page tables,      |                     | devices: INTC,     | kernel
#           |  kernel stacks,    |                     | timer, UART, disk, | only
#           |  user pages        |                     | power, debug, RNG  |
# kernel_end+--------------------+          0xf0000000 +--------------------+
#           | .bss: process table|                     |   (unmapped)       |
#           |  boot stack, bufs  |            USER_TOP +--------------------+ 0x80000000
#           | .data              |                     | stack, grows down, | user
#           | .text: kernel code,|                     | demand-zero, 64 KiB|
#           |  then the user     |         STACK_LIMIT +- - - - - - - - - - + 0x7fff0000
#           |  image (programs)  |                     |                    |
#    0x1000 +--------------------+                     | heap (sbrk), grows |
#           | page 0: unmapped   |                     | up, demand-zero    |
#    0x0000 +--------------------+                     | user image (copy)  |
#                                           USER_BASE  +--------------------+ 0x40000000
#   ram_top = min(memsize, MAX_RAM)                    |   (unmapped)       |
#                                             ram_top  +--------------------+
#                                                      | all RAM, identity  | kernel
#                                                      | mapped (VA = PA)   | only
#                                              0x1000  +--------------------+
#                                                      | page 0: unmapped   |
#                                                   0  +--------------------+

        .text
_start:
        la    sp, boot_stack_top
        la    t0, trap_vector
        CR_WRITE tvec, t0               # from now on a trap is reported, not fatal

        # How much RAM may toyos use?  memsize is read-only: the machine
        # (or a monitor, for its guest) says how much there is.
        CR_READ s0, memsize
        la    a0, msg_boot
        call  kputs
        srli  a0, s0, 10
        call  kputdec
        la    a0, msg_kib
        call  kputs
        li    t0, MAX_RAM
        bleu  s0, t0, 1f
        mv    s0, t0                    # more than toyos wants: use MAX_RAM
        la    a0, msg_using
        call  kputs
        srli  a0, s0, 10
        call  kputdec
        la    a0, msg_kib
        call  kputs
1:      srli  s0, s0, PAGE_SHIFT        # whole pages only
        slli  s0, s0, PAGE_SHIFT
        la    t0, ram_top
        sw    s0, 0(t0)
        li    a0, '\n'
        call  kputc

        # Every page between the end of the kernel and ram_top is free.
        la    a0, kernel_end
        mv    a1, s0
        call  freelist_init
        call  kvm_init                  # kernel page tables; paging on

        call  console_init
        call  timer_init
        call  disk_init
        li    t0, INTC                  # let the three devices interrupt
        li    t1, (1 << IRQ_TIMER) | (1 << IRQ_UART) | (1 << IRQ_DISK)
        DEV_WRITE t1, INTC_ENABLE, t0

        la    a0, msg_paging
        call  kputs
        la    t0, free_count
        lw    a0, 0(t0)
        call  kputdec
        la    a0, msg_free
        call  kputs

        # Process 1 is the shell; it has no parent.
        la    a0, init_name
        la    a1, init_args
        li    a2, 0
        call  proc_spawn
        blt   a0, zero, 2f
        j     scheduler                 # never returns
2:      la    a0, msg_noinit
        call  panic

        .data
msg_boot:   .asciz "toyos: booting, "
msg_kib:    .asciz " KiB of RAM"
msg_using:  .asciz ", using "
msg_paging: .asciz "toyos: paging on, "
msg_free:   .asciz " free pages; starting the shell\n"
msg_noinit: .asciz "cannot start the shell"
init_name:  .asciz "sh"
init_args:  .asciz ""
        .align 4
ram_top:    .word 0                     # end of the RAM toyos uses

        .bss
        .align 16
        .space 4096
boot_stack_top:                         # the boot stack, later the scheduler's
