# hostile.s -- a paravirtual guest that abuses the hypercall interface
# (docs/paravirt.md).  Every abuse must be refused with the documented
# error, or contained; the guest powers off with the number of checks that
# went otherwise, and prints each one's number (PUTDEC) on the debug port.
# tests/pv/run.sh runs it beside toyos-pv and checks toyos's output is
# unchanged.  Run with mem=1M: frames from 0x100000 on are not its own.

        .include "pvguest.inc"         # hypercalls, CHECK, HCALL
        .equ HC_MMU_UPDATE, 1
        .equ HC_MMUEXT, 2
        .equ HC_SET_TIMER, 5
        .equ TIMER, 0xf0001000
        .equ INTC, 0xf0000000
        .equ HC_IRET, 9
        .equ HC_MULTICALL, 12
        .equ QAVAIL, 64                 # a ring of 4 (pv_ring.c's layout)
        .equ QUSED, 80
        .equ EPERM, -1
        .equ ENOSYS, -3
        .equ EFAULT, -4
        .equ P, 1                       # PTE present

        .data
__vmlab_paravirt: .word 1
s_start:  .ascii "hostile: start\n"
s_end:
s_done:   .ascii "hostile: done\n"
s_done_end:
        .align 4
        # mmu_update entries {ptr, val, status}
batch:    .word ptable + 0, 0x00100000 | P, 7     # frame just past its RAM: EPERM
          .word ptable + 4, 0x00400000 | P, 7     # the monitor's / another VM's
          .word 0x00200000, 0x00001000 | P, 7     # ptr outside its RAM: EFAULT
          .word ptable + 9, 0x00001000 | P, 7     # misaligned ptr: EFAULT
          .word ptable + 8, 0x00003000 | P, 7     # its own frame: applied
          .word ptable + 12, 0xf0000000 | P, 7    # its own device page: applied
          .word ptable + 16, 0x12345000, 7        # not present: anything goes
mcall:    .word HC_MULTICALL, 0, 0, 0, 7          # nested: EINVAL
          .word 99, 0, 0, 0, 7                    # unknown: ENOSYS
          .word HC_IRET, 0, 0, 0, 7               # control flow: EINVAL
          .word HC_MMUEXT, 3, 0, 0, 7             # a TLB flush: fine
        .bss
        .align 4096
shared:   .space 4096
ptable:   .space 4096
qring:    .space 4096
          .space 1024
stack_top:

        .text
        .align 4
vectors:                                # tvec1: causes 0, 3 and 4 are expected
        j     on_irq
        j     unexpected
        j     unexpected
        j     on_illegal
        j     on_privileged
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected
        j     unexpected

_start:
        la    sp, stack_top
        li    s0, 0                     # s0 = checks that went wrong
        li    a0, 0x00200000            # 1: a shared page outside its RAM
        HCALL HC_INIT
        CHECK 1, EFAULT
        la    a0, shared + 4            # 2: a misaligned one
        HCALL HC_INIT
        CHECK 2, EFAULT
        la    a0, shared
        HCALL HC_INIT
        CHECK 3, 0
        la    a0, vectors
        HCALL HC_SET_TRAP_TABLE
        CHECK 4, 0
        la    a0, s_start
        li    a1, s_end - s_start
        HCALL HC_CONSOLE_WRITE
        CHECK 5, s_end - s_start

        # page-table updates: each entry on its own
        la    a0, batch
        li    a1, 7
        HCALL HC_MMU_UPDATE
        CHECK 6, 4                      # four refused
        la    t2, batch
        lw    t0, 8(t2)
        CHECK 7, EPERM
        lw    t0, 20(t2)
        CHECK 8, EPERM
        lw    t0, 32(t2)
        CHECK 9, EFAULT
        lw    t0, 44(t2)
        CHECK 10, EFAULT
        lw    t0, 56(t2)
        CHECK 11, 0
        lw    t0, 68(t2)
        CHECK 12, 0
        la    t2, ptable
        lw    t0, 0(t2)                 # the refused entry was not written
        CHECK 13, 0
        lw    t0, 8(t2)                 # the good one was
        CHECK 14, 0x00003000 | P

        # batch counts: negative, huge, just too big; arrays outside RAM
        la    a0, batch
        li    a1, -1
        HCALL HC_MMU_UPDATE
        CHECK 15, EINVAL
        la    a0, batch
        li    a1, 0x7fffffff
        HCALL HC_MMU_UPDATE
        CHECK 16, EINVAL
        la    a0, batch
        li    a1, 1025
        HCALL HC_MMU_UPDATE
        CHECK 17, EINVAL
        li    a0, 0x000ffff4            # runs past the end of its RAM
        li    a1, 2
        HCALL HC_MMU_UPDATE
        CHECK 18, EFAULT
        li    a0, 0xfffffff0            # wraps around
        li    a1, 1024
        HCALL HC_MMU_UPDATE
        CHECK 19, EFAULT
        la    a0, batch
        li    a1, 0
        HCALL HC_MMU_UPDATE
        CHECK 20, 0

        # multicall: no nesting, no control flow, unknown numbers
        la    a0, mcall
        li    a1, 4
        HCALL HC_MULTICALL
        CHECK 21, 3
        la    t2, mcall
        lw    t0, 16(t2)
        CHECK 22, EINVAL
        lw    t0, 36(t2)
        CHECK 23, ENOSYS
        lw    t0, 56(t2)
        CHECK 24, EINVAL
        lw    t0, 76(t2)
        CHECK 25, 0
        la    a0, mcall
        li    a1, -5
        HCALL HC_MULTICALL
        CHECK 26, EINVAL

        # the rest of the interface
        HCALL 1000
        CHECK 27, ENOSYS
        li    a0, -1
        HCALL 0x7fffffff
        CHECK 28, ENOSYS
        li    a0, 0x00200000
        li    a1, 16
        HCALL HC_CONSOLE_WRITE
        CHECK 29, EFAULT
        la    a0, s_start
        li    a1, 5000
        HCALL HC_CONSOLE_WRITE
        CHECK 30, EINVAL
        li    a0, 0
        li    a1, 0x00200000            # NEW_BASEPTR outside its RAM
        HCALL HC_MMUEXT
        CHECK 31, EFAULT
        li    a0, 77
        HCALL HC_MMUEXT
        CHECK 32, EINVAL
        la    a0, vectors + 2
        HCALL HC_SET_TRAP_TABLE
        CHECK 33, EINVAL

        # iret to ring 0: refused as rfe in ring 1 would be
        li    s1, 0
        mtcr  epsw1, zero
        HCALL HC_IRET
back_from_iret:
        mv    t0, s1
        CHECK 34, 1

        # a notification storm, and yields: contained to its own time
        li    s1, 20000
1:      li    a0, 0
        HCALL HC_NOTIFY
        addi  s1, s1, -1
        bnez  s1, 1b
        CHECK 35, ENOSYS
        li    s1, 200
2:      HCALL HC_YIELD
        addi  s1, s1, -1
        bnez  s1, 2b
        CHECK 36, 0

        # shared rings: bad set-ups
        li    a0, 0
        la    a1, qring
        li    a2, 3                     # 37: not a power of 2
        li    a3, 0
        HCALL HC_QUEUE_INIT
        CHECK 37, EINVAL
        li    a0, 0
        li    a1, 0x000ff000            # 38: runs past the end of its RAM
        li    a2, 256
        HCALL HC_QUEUE_INIT
        CHECK 38, EFAULT
        li    a0, 2                     # 39: no such queue
        la    a1, qring
        li    a2, 4
        HCALL HC_QUEUE_INIT
        CHECK 39, ENOSYS
        call  qinit
        CHECK 40, 0
        # 41, 42: an index beyond the ring's size breaks the queue, for good
        la    s1, qring
        li    t1, 5
        sh    t1, QAVAIL + 2(s1)
        li    a0, 0
        HCALL HC_NOTIFY
        CHECK 41, EINVAL
        li    a0, 0
        HCALL HC_NOTIFY
        CHECK 42, EINVAL
        # 43: a chain head beyond the table
        call  qinit
        li    t1, 7
        sh    t1, QAVAIL + 4(s1)
        li    t1, 1
        sh    t1, QAVAIL + 2(s1)
        li    a0, 0
        HCALL HC_NOTIFY
        CHECK 43, EINVAL
        # 44, 45: a buffer outside its RAM: that chain fails (length 0)
        call  qinit
        li    t1, 0x00200000
        sw    t1, 0(s1)
        li    t1, 16
        sw    t1, 8(s1)
        sh    zero, QAVAIL + 4(s1)
        li    t1, 1
        sh    t1, QAVAIL + 2(s1)
        li    a0, 0
        HCALL HC_NOTIFY
        CHECK 44, 1
        lw    t0, QUSED + 8(s1)         # used.ring[0].len
        CHECK 45, 0
        # 46: a chain that loops (descriptor 2 -> 2)
        call  qinit
        la    t1, s_start
        sw    t1, 32(s1)
        li    t1, 4
        sw    t1, 40(s1)
        li    t1, 1 | (2 << 16)         # NEXT, next = 2
        sw    t1, 44(s1)
        li    t1, 2
        sh    t1, QAVAIL + 4(s1)
        li    t1, 1
        sh    t1, QAVAIL + 2(s1)
        li    a0, 0
        HCALL HC_NOTIFY
        CHECK 46, EINVAL
        # 47: a next beyond the table
        call  qinit
        li    t1, 1 | (9 << 16)
        sw    t1, 44(s1)
        li    t1, 2
        sh    t1, QAVAIL + 4(s1)
        li    t1, 1
        sh    t1, QAVAIL + 2(s1)
        li    a0, 0
        HCALL HC_NOTIFY
        CHECK 47, EINVAL
        # 48: a storm of kicks on a live, empty queue: each finds nothing
        call  qinit
        li    s2, 20000
        li    s1, 0
7:      li    a0, 0
        HCALL HC_NOTIFY
        or    s1, s1, t0
        addi  s2, s2, -1
        bnez  s2, 7b
        mv    t0, s1
        CHECK 48, 0

        # 49: user code may not call the monitor: illegal-instruction,
        # delivered to the kernel's vector like any trap of its own
        li    s1, 0
        la    t1, user_code
        mtcr  epc1, t1
        li    t1, 3                     # ring 3
        mtcr  epsw1, t1
        rfe
back_from_user:
        mv    t0, s1
        CHECK 49, 1

        # 50: set_timer + block: the timer's interrupt wakes it, delivered
        # to vector 0 with the flag as it was (1) in epsw1
        li    t1, INTC
        li    t2, 1                     # the timer's line
        sw    t2, 4(t1)                 # (INTC ENABLE)
        li    s1, 0
        li    a0, 5000
        HCALL HC_SET_TIMER
        HCALL HC_BLOCK
        mv    t0, s1
        CHECK 50, 1

        la    a0, s_done
        li    a1, s_done_end - s_done
        HCALL HC_CONSOLE_WRITE
        li    t0, POWER
        sw    s0, 0(t0)

# qinit(): a fresh console queue of 4 at qring, every word zero.
# -> t0 = the hypercall's result, s1 = qring.  Clobbers a0..a3, t1.
qinit:
        la    s1, qring
        li    t1, 0
8:      add   a0, s1, t1
        sw    zero, 0(a0)
        addi  t1, t1, 4
        li    a0, 256
        bne   t1, a0, 8b
        li    a0, 0
        mv    a1, s1
        li    a2, 4
        li    a3, 0
        HCALL HC_QUEUE_INIT
        ret

user_code:                              # ring 3
        li    t0, HC_YIELD
        hypercall
        j     unexpected                # (not reached: the kernel took it)

on_illegal:                             # from user_code's hypercall
        mfcr  t0, cause1
        li    t1, 0x30003               # code 3, from ring 3
        bne   t0, t1, unexpected
        mfcr  t0, epc1
        la    t1, user_code + 4
        bne   t0, t1, unexpected
        li    s1, 1
        j     back_from_user

on_irq:                                 # the timer, after block
        mfcr  t0, cause1
        li    t1, 0x10000               # code 0 (interrupt), from ring 1
        bne   t0, t1, unexpected
        mfcr  t0, epsw1
        andi  t0, t0, 7
        li    t1, 4 | 1                 # IE (the flag, set by block), ring 1
        bne   t0, t1, unexpected
        li    t1, TIMER                 # acknowledge: the line goes down
        li    t0, 1
        sw    t0, 8(t1)
        li    s1, 1
        rfe                             # back after the block

on_privileged:                          # from the refused iret
        mfcr  t0, cause1
        andi  t0, t0, 0xff
        li    t1, 4
        bne   t0, t1, unexpected
        li    s1, 1
        j     back_from_iret

unexpected:
        li    t0, POWER
        li    t1, 99
        sw    t1, 0(t0)
