# user.s -- the user image: the user library, the shell and the built-in
# programs, and the table that names them.
#
# The user image is one block of code and data, ubin_start .. ubin_end,
# assembled inside the kernel image (in .text, after the kernel).  spawn
# copies all of it into a fresh address space at USER_BASE and starts the
# process at its program's entry point.  (Like busybox: one binary, many
# programs.)  Code that runs there must not use the addresses the
# assembler gives its labels, which are kernel addresses: branches, j and
# call are pc-relative and work anywhere, but an address taken with la or
# .word must be moved by UOFF = USER_BASE - ubin_start.  ULA does that:
#
#         ULA   a0, hello_text          # la a0, hello_text + UOFF
#
# To add a program: write it in progs.s (entry label prog_NAME, ends with
# u_exit), add a line to prog_table below, and a name string.  See
# docs/toyos.md.

        .macro ULA rd, sym
        la    \rd, \sym + UOFF
        .endm

        .macro SYS num                  # system call num; arguments in a1..a3
        li    a0, \num
        syscall
        .endm

        .text
        .align 16
ubin_start:
        .equ UOFF, USER_BASE - ubin_start

        .include "ulib.s"
        .include "sh.s"
        .include "progs.s"

        .align 16
ubin_end:

# The built-in programs: name, entry point (kernel addresses; spawn
# translates the entry point).
        .data
        .align 4
prog_table:
        .word pn_sh, prog_sh
        .word pn_hello, prog_hello
        .word pn_echo, prog_echo
        .word pn_ps, prog_ps
        .word pn_compute, prog_compute
        .word pn_syscalls, prog_syscalls
        .word pn_forkwait, prog_forkwait
        .word pn_pagetouch, prog_pagetouch
        .word pn_pingpong, prog_pingpong
        .word pn_disk, prog_disk
        .word pn_sleep, prog_sleep
        .word pn_crash, prog_crash
        .word pn_selftest, prog_selftest
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
