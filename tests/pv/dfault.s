# dfault.s -- a paravirtual kernel that points its ring-1 vector (tvec1,
# which ring 1 may write without the monitor) outside its RAM and makes a
# system call from user code: the hardware delegates it, and fetching the
# vector faults before the handler's first instruction, a double fault.
# On bare metal that stops the machine; under --vmm pv it must end this
# guest only (tests/pv/run.sh runs a toyos beside it).

        .equ HC_INIT, 0
        .equ HC_SET_TRAP_TABLE, 3

        .data
__vmlab_paravirt: .word 1
        .bss
        .align 4096
shared: .space 4096

        .text
        .align 4
vectors:
        j     .
_start:
        la    a0, shared
        li    t0, HC_INIT
        hypercall
        la    a0, vectors
        li    t0, HC_SET_TRAP_TABLE     # system calls delegated from now on
        hypercall
        li    t0, 0x00200000            # then, behind the monitor's back
        mtcr  tvec1, t0
        la    t0, user
        mtcr  epc1, t0
        li    t0, 3
        mtcr  epsw1, t0
        rfe
user:   syscall
        j     .
