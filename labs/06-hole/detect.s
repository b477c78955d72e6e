# detect.s -- a program that finds out whether it runs on the bare classic
# machine or as a guest kernel under the trap-and-emulate monitor
# (vmlab run --vmm trap), using one of the holes you found.
#
# It starts at _start in ring 0 (as far as it knows) with interrupts off,
# and must power off with status 0 on bare metal and 1 under the monitor.
        .equ POWER, 0xf0004000
_start:
        li    a0, 0                     # a0 = the verdict: 0 bare, 1 monitor
        # BEGIN SOLUTION TODO: set a0 = 1 if a sensitive, unprivileged instruction gives it away
        rdpsw t0                        # the real PSW: the guest kernel's
        andi  t0, t0, 3                 # real ring is 2, not 0
        sltu  a0, zero, t0
        # END SOLUTION
        li    t1, POWER
        sw    a0, 0(t1)                 # power off, status a0
1:      j     1b
