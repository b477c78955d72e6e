# toyos.s -- toyos, a teaching kernel for the vmlab machine: the top file.
#
#   vmlab asm labs/os/toyos.s -o build/toyos.elf
#   vmlab run build/toyos.elf --console-in script.txt [--disk disk.img]
#
# It only includes the pieces, each with one job:
#
#   toyos.inc    constants: tunables, layout, devices, structures, the ABI
#   arch.inc     every privileged operation, as macros (the paravirt seam)
#   boot.s       reset to the first process; the memory layout diagram
#   trap.s       trap vector, entry/return, dispatch, interrupts, idle
#   syscall.s    the system calls
#   proc.s       processes: scheduler, sleep/wakeup, spawn, fork, exit, wait
#   vm.s         free pages, page tables, address spaces, user memory
#   console.s    UART driver: interrupt-driven input, line discipline
#   timer.s      the periodic tick
#   disk.s       the block driver
#   selftest.s   the kernel's machine checks (rdpsw, wrpsw)
#   lib.s        printing, memory and string helpers, panic
#   user.s       the user image: ulib.s, sh.s, progs.s, and the program table
#   cow.s        copy-on-write fork (COW = 1: toyos-cow.s, lab 03)
#   pvmmu.s      batched page-table updates (PV_BATCH = 1: toyos-pvb.s, lab 07)
#
# docs/toyos.md explains the design.

        .include "toyos.inc"
        .include "arch.inc"
        .include "strings.inc"

        .include "boot.s"
        .include "trap.s"
        .include "syscall.s"
        .include "proc.s"
        .include "vm.s"
        .include "console.s"
        .include "timer.s"
        .include "disk.s"
        .include "selftest.s"
        .include "lib.s"
        .include "user.s"
        .if COW
        .include "cow.s"
        .endif
        .if PV_BATCH
        .include "pvmmu.s"
        .endif

# The end of the kernel.  Free memory starts at KERNEL_END (toyos.inc),
# the same address in the native and the paravirtual build (whose code is
# larger, and which gives page 1 to the monitor), so both report the same
# free memory and print the same output; boot.s checks the kernel fits.
        .bss
        .align 4096
kernel_end:
