# user.s -- the user image: the user library, the shell and the built-in
# programs, and the table that names them.
#
# The user image is one block of code and data, ubin_start .. ubin_end,
# assembled inside the kernel image (in .text, after the kernel).  spawn
# copies all of it into a fresh address space at USER_BASE and starts the
# process at its program's entry point.  (Like busybox: one binary, many
# programs.)  The block is assembled `.phase USER_BASE`: its bytes lie in
# the kernel image, but its labels carry the addresses it runs at, so user
# code takes addresses with la and .word as anywhere, and the debugger
# knows the user programs by name (the ELF file has the block as its own
# segment, p_vaddr USER_BASE, p_paddr where the kernel holds it; see
# docs/asm.md and docs/debugger.md).  The kernel, which handles the block
# where it lies, uses ubin_start and ubin_end (outside the phase) and
# subtracts UOFF = USER_BASE - ubin_start from a user label.
#
# To add a program: write it in progs.s (entry label prog_NAME, ends with
# u_exit), add a line to prog_table below, and a name string.  See
# docs/toyos.md.

        .macro SYS num                  # system call num; arguments in a1..a3
        li    a0, \num
        syscall
        .endm

        .text
        .align 16
ubin_start:                             # where the block lies in the kernel
        .equ UOFF, USER_BASE - ubin_start
        .phase USER_BASE                # ... and where it runs

        .include "ulib.s"
        .include "sh.s"
        .include "progs.s"

        .align 16
        .dephase
ubin_end:

# The built-in programs: name, entry point (where it lies in the kernel
# image; spawn translates the entry point).
        .data
        .align 4
prog_table:
        .word pn_sh, prog_sh - UOFF
        .word pn_hello, prog_hello - UOFF
        .word pn_echo, prog_echo - UOFF
        .word pn_ps, prog_ps - UOFF
        .word pn_compute, prog_compute - UOFF
        .word pn_syscalls, prog_syscalls - UOFF
        .word pn_forkwait, prog_forkwait - UOFF
        .word pn_pagetouch, prog_pagetouch - UOFF
        .word pn_pingpong, prog_pingpong - UOFF
        .word pn_disk, prog_disk - UOFF
        .word pn_sleep, prog_sleep - UOFF
        .word pn_crash, prog_crash - UOFF
        .word pn_selftest, prog_selftest - UOFF
        .word 0, 0
pn_sh:        .asciz "sh"
pn_hello:     .asciz "hello"
pn_echo:      .asciz "echo"
pn_ps:        .asciz "ps"
pn_compute:   .asciz "compute"
pn_syscalls:  .asciz "syscalls"
pn_forkwait:  .asciz "forkwait"
pn_pagetouch: .asciz "pagetouch"
pn_pingpong:  .asciz "pingpong"
pn_disk:      .asciz "disk"
pn_sleep:     .asciz "sleep"
pn_crash:     .asciz "crash"
pn_selftest:  .asciz "selftest"
