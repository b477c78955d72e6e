# progs.s -- the built-in programs.  Part of the user image (see user.s).
#
# Each starts at its prog_NAME label in ring 3 with a0 = sp = its argument
# string, and ends with u_exit.  A number argument N is read with u_arg,
# with a default when it is missing.

# ---- hello --------------------------------------------------------------------
        .align 4
prog_hello:
        la    a0, hello_text
        call  u_puts
        li    a0, 0
        call  u_exit
hello_text: .asciz "hello, world\n"

# ---- echo ARGS ------------------------------------------------------------------
        .align 4
prog_echo:
        call  u_puts
        li    a0, '\n'
        call  u_putc
        li    a0, 0
        call  u_exit

# ---- ps: the process table, one line per process ------------------------------
        .align 4
prog_ps:
        la    a0, ps_head
        call  u_puts
        li    s0, 0                     # s0 = slot
1:      mv    a1, s0
        la    a2, ps_rec
        SYS   SYS_PROCINFO
        beqz  a0, 2f                    # a free slot
        la    s1, ps_rec
        lw    a0, PI_PID(s1)
        li    a1, 5
        call  u_putdecw
        lw    a0, PI_PPID(s1)
        li    a1, 6
        call  u_putdecw
        la    a0, ps_gap
        call  u_puts
        lw    a0, PI_STATE(s1)          # state names are padded to 9
        slli  a0, a0, 2
        la    t0, ps_states
        add   a0, a0, t0
        lw    a0, 0(a0)
        call  u_puts
        lw    a0, PI_PAGES(s1)
        li    a1, 5
        call  u_putdecw
        la    a0, ps_gap
        call  u_puts
        addi  a0, s1, PI_NAME
        call  u_puts
        li    a0, '\n'
        call  u_putc
2:      addi  s0, s0, 1
        li    t0, NPROC
        bne   s0, t0, 1b
        li    a0, 0
        call  u_exit
ps_head:    .asciz "  PID  PPID  STATE    PAGES  NAME\n"
ps_gap:     .asciz "  "
ps_s0:      .asciz "unused   "
ps_s1:      .asciz "embryo   "
ps_s2:      .asciz "sleeping "
ps_s3:      .asciz "runnable "
ps_s4:      .asciz "running  "
ps_s5:      .asciz "zombie   "
        .align 4
ps_states:  .word ps_s0, ps_s1, ps_s2, ps_s3
            .word ps_s4, ps_s5
ps_rec:     .space PI_SIZE

# ---- compute N: count the primes below N, by trial division ----------------
        .align 4
prog_compute:
        li    a1, 1000
        call  u_arg
        mv    s0, a0                    # s0 = N
        li    s1, 2                     # s1 = candidate
        li    s2, 0                     # s2 = primes found
1:      bge   s1, s0, 5f
        li    t0, 2                     # t0 = divisor
2:      mul   t1, t0, t0
        bgt   t1, s1, 3f                # no divisor up to its square root
        rem   t1, s1, t0
        beqz  t1, 4f                    # divisible: not a prime
        addi  t0, t0, 1
        j     2b
3:      addi  s2, s2, 1
4:      addi  s1, s1, 1
        j     1b
5:      la    a0, compute_1
        call  u_puts
        mv    a0, s2
        call  u_putdec
        la    a0, compute_2
        call  u_puts
        mv    a0, s0
        call  u_putdec
        li    a0, '\n'
        call  u_putc
        li    a0, 0
        call  u_exit
compute_1:  .asciz "compute: "
compute_2:  .asciz " primes below "

# ---- syscalls N: N system calls in a row (getpid) --------------------------------
        .align 4
prog_syscalls:
        li    a1, 1000
        call  u_arg
        mv    s0, a0
        SYS   SYS_GETPID
        mv    s1, a0                    # s1 = our pid, which every call must return
        li    s2, 0                     # s2 = wrong answers
        mv    s3, s0
1:      ble   s3, zero, 2f
        SYS   SYS_GETPID
        beq   a0, s1, 3f
        addi  s2, s2, 1
3:      addi  s3, s3, -1
        j     1b
2:      la    a0, syscalls_1
        call  u_puts
        mv    a0, s0
        call  u_putdec
        la    a0, syscalls_2
        bnez  s2, 4f
        la    a0, syscalls_3
4:      call  u_puts
        mv    a0, s2
        call  u_exit
syscalls_1: .asciz "syscalls: made "
syscalls_2: .asciz " system calls; some gave a wrong answer\n"
syscalls_3: .asciz " system calls\n"

# ---- forkwait N: fork N children, four at a time, and reap them ----------------
# Child pid p exits with status (7 * p) & 255; the parent checks each
# status it reaps, and that the free-page count is back where it started.
        .align 4
prog_forkwait:
        li    a1, 10
        call  u_arg
        mv    s0, a0                    # s0 = N
        li    s1, 0                     # s1 = children forked so far
        li    s2, 0                     # s2 = errors
        SYS   SYS_FREEPAGES
        mv    s3, a0                    # s3 = free pages before
1:      bge   s1, s0, 6f
        li    t0, 0                     # fw_live = children of this batch
        la    t1, fw_live
        sw    t0, 0(t1)
2:      la    t1, fw_live               # fork up to four
        lw    t0, 0(t1)
        li    t2, 4
        beq   t0, t2, 4f
        beq   s1, s0, 4f
        call  u_fork
        beqz  a0, fw_child
        addi  s1, s1, 1
        blt   a0, zero, 3f
        la    t1, fw_live
        lw    t0, 0(t1)
        addi  t0, t0, 1
        sw    t0, 0(t1)
        j     2b
3:      addi  s2, s2, 1                 # fork failed
        j     2b
4:      la    t1, fw_live               # reap them
        lw    t0, 0(t1)
        beqz  t0, 1b
        addi  t0, t0, -1
        sw    t0, 0(t1)
        la    a1, fw_status
        SYS   SYS_WAIT
        blt   a0, zero, 5f
        li    t0, 7
        mul   t0, a0, t0
        andi  t0, t0, 255
        la    t1, fw_status
        lw    t1, 0(t1)
        beq   t0, t1, 4b
5:      addi  s2, s2, 1                 # wrong status, or wait failed
        j     4b
6:      la    a0, fw_1
        call  u_puts
        mv    a0, s0
        call  u_putdec
        la    a0, fw_ok
        beqz  s2, 7f
        la    a0, fw_bad
7:      call  u_puts
        SYS   SYS_FREEPAGES
        beq   a0, s3, 8f
        mv    s0, a0
        la    a0, fw_pages_bad
        call  u_puts
        mv    a0, s3
        call  u_putdec
        la    a0, fw_pages_after
        call  u_puts
        mv    a0, s0
        call  u_putdec
        li    a0, '\n'
        call  u_putc
        addi  s2, s2, 1
        j     9f
8:      la    a0, fw_pages_ok
        call  u_puts
9:      sltu  a0, zero, s2
        call  u_exit
fw_child:
        SYS   SYS_GETPID
        li    t0, 7
        mul   a0, a0, t0
        andi  a0, a0, 255
        call  u_exit
fw_1:           .asciz "forkwait: "
fw_ok:          .asciz " children forked and reaped, every exit status right\n"
fw_bad:         .asciz " children: ERRORS (a fork failed or a status was wrong)\n"
fw_pages_ok:    .asciz "forkwait: free pages after = free pages before\n"
fw_pages_bad:   .asciz "forkwait: ERROR: free pages before "
fw_pages_after: .asciz ", after "
        .align 4
fw_live:    .word 0
fw_status:  .word 0

# ---- pagetouch N: grow the heap by N pages and touch them -------------------------
# sbrk only moves the break; each page arrives on its first touch, zeroed,
# through a page fault.  The free-page counts show it.
        .align 4
prog_pagetouch:
        li    a1, 16
        call  u_arg
        mv    s0, a0                    # s0 = N
        SYS   SYS_FREEPAGES
        la    t0, pt_free
        sw    a0, 0(t0)                 # pt_free[0]: before sbrk
        slli  a1, s0, PAGE_SHIFT
        SYS   SYS_SBRK
        blt   a0, zero, pt_fail
        mv    s1, a0                    # s1 = the new pages
        SYS   SYS_FREEPAGES
        la    t0, pt_free
        sw    a0, 4(t0)                 # pt_free[1]: after sbrk
        li    s2, 0                     # s2 = errors
        li    s3, 0                     # first touch: check zero, write i
1:      beq   s3, s0, 3f
        slli  t0, s3, PAGE_SHIFT
        add   t0, s1, t0
        lw    t1, 0(t0)
        lw    t2, PAGE_SIZE - 4(t0)
        or    t1, t1, t2
        beqz  t1, 2f
        addi  s2, s2, 1
2:      sw    s3, 0(t0)
        sw    s3, PAGE_SIZE - 4(t0)
        addi  s3, s3, 1
        j     1b
3:      SYS   SYS_FREEPAGES
        la    t0, pt_free
        sw    a0, 8(t0)                 # pt_free[2]: after the first touch
        li    s3, 0                     # second touch: read back
4:      beq   s3, s0, 6f
        slli  t0, s3, PAGE_SHIFT
        add   t0, s1, t0
        lw    t1, 0(t0)
        bne   t1, s3, 5f
        lw    t1, PAGE_SIZE - 4(t0)
        beq   t1, s3, 7f
5:      addi  s2, s2, 1
7:      addi  s3, s3, 1
        j     4b
6:      SYS   SYS_FREEPAGES
        mv    s3, a0                    # s3 = after the second touch
        la    a0, pt_1
        call  u_puts
        mv    a0, s0
        call  u_putdec
        la    a0, pt_2
        call  u_puts
        la    t0, pt_free
        lw    a0, 0(t0)
        lw    t1, 4(t0)
        sub   a0, a0, t1
        call  u_putdec
        la    a0, pt_3
        call  u_puts
        la    t0, pt_free
        lw    a0, 4(t0)
        lw    t1, 8(t0)
        sub   a0, a0, t1
        call  u_putdec
        la    a0, pt_4
        call  u_puts
        la    t0, pt_free
        lw    a0, 8(t0)
        sub   a0, a0, s3
        call  u_putdec
        la    a0, pt_5
        call  u_puts
        la    a0, pt_ok
        beqz  s2, 8f
        la    a0, pt_bad
8:      call  u_puts
        sltu  a0, zero, s2
        call  u_exit
pt_fail:
        mv    s0, a0
        la    a0, pt_sbrk
        call  u_puts
        mv    a0, s0
        call  u_strerror
        call  u_puts
        li    a0, '\n'
        call  u_putc
        li    a0, 1
        call  u_exit
pt_1:       .asciz "pagetouch: "
pt_2:       .asciz " pages; sbrk took "
pt_3:       .asciz " free pages, the first touch "
pt_4:       .asciz ", the second "
pt_5:       .asciz "\n"
pt_ok:      .asciz "pagetouch: every page came zero-filled and kept what was written\n"
pt_bad:     .asciz "pagetouch: ERROR: a page was not zero-filled or lost its data\n"
pt_sbrk:    .asciz "pagetouch: sbrk: "
        .align 4
pt_free:    .word 0, 0, 0

# ---- pingpong N: two processes take turns, yielding to each other --------------
# The parent and its child each yield N times.  With nothing else to run,
# the round-robin scheduler passes the CPU back and forth between them:
# 2N context switches.  Only the parent prints, once at the end, so the
# output is the same however the timer happens to fall (bare, or under a
# monitor whose work makes virtual time pass differently).
        .align 4
prog_pingpong:
        li    a1, 5
        call  u_arg
        mv    s0, a0                    # s0 = rounds
        call  u_fork
        mv    s1, a0                    # s1 = 0 in the child
        blt   a0, zero, pp_fail
        li    s3, 0
1:      bge   s3, s0, 2f
        SYS   SYS_YIELD
        addi  s3, s3, 1
        j     1b
2:      li    a0, 0
        beqz  s1, 3f                    # the child is done
        li    a1, 0
        SYS   SYS_WAIT
        la    a0, pp_done
        call  u_puts
        mv    a0, s0
        call  u_putdec
        la    a0, pp_rounds
        call  u_puts
        li    a0, 0
3:      call  u_exit
pp_fail:
        la    a0, pp_nofork
        call  u_puts
        li    a0, 1
        call  u_exit
pp_done:    .asciz "pingpong: parent and child yielded to each other "
pp_rounds:  .asciz " times each\n"
pp_nofork:  .asciz "pingpong: fork failed\n"

# ---- disk N: write blocks 0 .. N-1 with a pattern, read them back --------------
        .align 4
prog_disk:
        li    a1, 4
        call  u_arg
        mv    s0, a0                    # s0 = N
        li    s1, 0                     # s1 = block
1:      beq   s1, s0, 3f
        la    t0, dk_buf                # word j of block b = (b << 16) | j
        li    t1, 0
2:      slli  t2, s1, 16
        or    t2, t2, t1
        slli  t3, t1, 2
        add   t3, t0, t3
        sw    t2, 0(t3)
        addi  t1, t1, 1
        li    t2, BLOCK_SIZE / 4
        bne   t1, t2, 2b
        mv    a1, s1
        la    a2, dk_buf
        SYS   SYS_DISKWRITE
        bnez  a0, dk_fail
        addi  s1, s1, 1
        j     1b
3:      li    s1, 0
        li    s2, 0                     # s2 = words that came back wrong
4:      beq   s1, s0, 7f
        la    a0, dk_buf                # clear the buffer first
        li    t0, 0
5:      slli  t1, t0, 2
        add   t1, a0, t1
        sw    zero, 0(t1)
        addi  t0, t0, 1
        li    t2, BLOCK_SIZE / 4
        bne   t0, t2, 5b
        mv    a1, s1
        la    a2, dk_buf
        SYS   SYS_DISKREAD
        bnez  a0, dk_fail
        la    t0, dk_buf
        li    t1, 0
6:      slli  t2, s1, 16
        or    t2, t2, t1
        slli  t3, t1, 2
        add   t3, t0, t3
        lw    t3, 0(t3)
        beq   t2, t3, 8f
        addi  s2, s2, 1
8:      addi  t1, t1, 1
        li    t2, BLOCK_SIZE / 4
        bne   t1, t2, 6b
        addi  s1, s1, 1
        j     4b
7:      la    a0, dk_1
        call  u_puts
        mv    a0, s0
        call  u_putdec
        la    a0, dk_ok
        beqz  s2, 9f
        la    a0, dk_bad
9:      call  u_puts
        sltu  a0, zero, s2
        call  u_exit
dk_fail:                                # "disk: block B: I/O error"
        mv    s2, a0
        la    a0, dk_2
        call  u_puts
        mv    a0, s1
        call  u_putdec
        la    a0, dk_3
        call  u_puts
        mv    a0, s2
        call  u_strerror
        call  u_puts
        li    a0, '\n'
        call  u_putc
        li    a0, 1
        call  u_exit
dk_1:       .asciz "disk: wrote "
dk_ok:      .asciz " blocks and read them back: all data correct\n"
dk_bad:     .asciz " blocks and read them back: ERROR, the data differs\n"
dk_2:       .asciz "disk: block "
dk_3:       .asciz ": "
        .align 4
dk_buf:     .space BLOCK_SIZE

# ---- sleep N: sleep N timer ticks --------------------------------------------------
        .align 4
prog_sleep:
        li    a1, 10
        call  u_arg
        mv    s0, a0
        SYS   SYS_UPTIME
        mv    s1, a0
        mv    a1, s0
        SYS   SYS_SLEEP
        SYS   SYS_UPTIME
        sub   s1, a0, s1                # s1 = ticks that passed
        la    a0, sl_1
        call  u_puts
        mv    a0, s0
        call  u_putdec
        la    a0, sl_ok
        bgeu  s1, s0, 1f
        la    a0, sl_bad
1:      call  u_puts
        sltu  a0, s1, s0
        call  u_exit
sl_1:       .asciz "sleep: slept "
sl_ok:      .asciz " ticks\n"
sl_bad:     .asciz " ticks: ERROR, woke up too early\n"

# ---- crash: children that fault, one way each; the parent lives on --------------
# Each child does one thing a user program may not do.  toyos kills it and
# reports the trap; the parent reaps it and goes on to the next.
        .align 4
prog_crash:
        SYS   SYS_FREEPAGES
        mv    s3, a0                    # s3 = free pages before
        li    s0, 0                     # s0 = test number
1:      li    t0, CRASH_TESTS
        beq   s0, t0, 3f
        call  u_fork
        beqz  a0, 2f
        la    a1, cr_status
        SYS   SYS_WAIT
        la    a0, cr_1                  # "crash: <what>: status N"
        call  u_puts
        slli  t0, s0, 3
        la    t1, cr_table
        add   t0, t0, t1
        lw    a0, 0(t0)
        call  u_puts
        la    a0, cr_2
        call  u_puts
        la    t0, cr_status
        lw    a0, 0(t0)
        call  u_putdec
        li    a0, '\n'
        call  u_putc
        addi  s0, s0, 1
        j     1b
2:      slli  t0, s0, 3                 # the child: jump to its crash
        la    t1, cr_table
        add   t0, t0, t1
        lw    t0, 4(t0)
        jr    t0
3:      la    a0, cr_3
        call  u_puts
        SYS   SYS_FREEPAGES
        mv    s0, a0                    # s0 = free pages after
        la    a0, cr_same
        beq   s0, s3, 4f
        la    a0, cr_diff               # "; ERROR: free pages before B, after A"
        call  u_puts
        mv    a0, s3
        call  u_putdec
        la    a0, cr_after
        call  u_puts
        mv    a0, s0
        call  u_putdec
        la    a0, cr_nl
4:      call  u_puts
        sub   a0, s0, s3                # exit 0 if nothing leaked
        sltu  a0, zero, a0
        call  u_exit

cr_null:        lw    t0, 0(zero)       # page 0 is not mapped
cr_kwrite:      li    t0, 0x1000        # kernel memory: not U
                sw    t0, 0(t0)
cr_device:      li    t0, UART          # a device register: not U
                lw    t0, 0(t0)
cr_priv:        halt                    # privileged
cr_illegal:     .word 0                 # opcode 0 is never an instruction
cr_div:         li    t0, 1
                div   t0, t0, zero
cr_align:       addi  t0, sp, -2
                lw    t0, 0(t0)
cr_jump:        li    t0, 0x1000        # fetch from kernel memory
                jr    t0
cr_break:       break
cr_stack:       li    t0, STACK_LIMIT - 4   # beyond the most the stack may grow
                sw    t0, 0(t0)

cr_d0:  .asciz "read address 0"
cr_d1:  .asciz "write kernel memory"
cr_d2:  .asciz "read a device register"
cr_d3:  .asciz "execute halt"
cr_d4:  .asciz "execute an illegal instruction"
cr_d5:  .asciz "divide by zero"
cr_d6:  .asciz "misaligned load"
cr_d7:  .asciz "jump into the kernel"
cr_d8:  .asciz "breakpoint"
cr_d9:  .asciz "overflow the stack"
cr_1:   .asciz "crash: "
cr_2:   .asciz ": status "
cr_3:   .asciz "crash: the parent survived every child"
cr_same: .asciz "; free pages are as before\n"
cr_diff: .asciz "; ERROR: free pages before "
cr_after: .asciz ", after "
cr_nl:  .asciz "\n"
        .align 4
        .equ CRASH_TESTS, 10
cr_table:                               # (description, code) pairs
        .word cr_d0, cr_null
        .word cr_d1, cr_kwrite
        .word cr_d2, cr_device
        .word cr_d3, cr_priv
        .word cr_d4, cr_illegal
        .word cr_d5, cr_div
        .word cr_d6, cr_align
        .word cr_d7, cr_jump
        .word cr_d8, cr_break
        .word cr_d9, cr_stack
cr_status:  .word 0

# ---- selftest: the kernel's checks, then the system-call checks --------------
# The kernel checks the machine (selftest.s).  Then this program feeds the
# kernel bad system calls: each must come back as an error code, and the
# kernel (and this program) must live on.
        .align 4
prog_selftest:
        SYS   SYS_SELFTEST
        mv    s0, a0                    # s0 = failures
        la    s1, st_cases              # s1 = the case: number, a1, a2, expected, text
1:      lw    t0, 16(s1)
        beqz  t0, 3f                    # no description: the end
        lw    a0, 0(s1)
        lw    a1, 4(s1)
        lw    a2, 8(s1)
        li    a3, 0
        syscall
        lw    t0, 12(s1)
        mv    s2, a0                    # s2 = what came back
        la    a0, st_u_pass
        beq   s2, t0, 2f
        addi  s0, s0, 1
        la    a0, st_u_fail
2:      call  u_puts
        lw    a0, 16(s1)
        call  u_puts
        lw    t0, 12(s1)
        beq   s2, t0, 4f
        la    a0, st_u_got
        call  u_puts
        mv    a0, s2
        call  u_putdec
4:      li    a0, '\n'
        call  u_putc
        addi  s1, s1, 20
        j     1b
3:      la    a0, st_u_sum
        call  u_puts
        mv    a0, s0
        call  u_putdec
        la    a0, st_u_sum2
        call  u_puts
        sltu  a0, zero, s0
        call  u_exit

st_u_pass:  .asciz "PASS  "
st_u_fail:  .asciz "FAIL  "
st_u_got:   .asciz ", but got "
st_u_sum:   .asciz "selftest: "
st_u_sum2:  .asciz " checks failed\n"
st_t0:      .asciz "syscall: an unknown number (999) returns E_NOSYS"
st_t1:      .asciz "syscall: number 0 returns E_NOSYS"
st_t2:      .asciz "syscall: write from kernel memory returns E_FAULT"
st_t3:      .asciz "syscall: write from an unmapped address returns E_FAULT"
st_t4:      .asciz "syscall: write past the top of user space returns E_FAULT"
st_t5:      .asciz "syscall: write with a negative length returns E_INVAL"
st_t6:      .asciz "syscall: write of more than IO_MAX bytes returns E_INVAL"
st_t7:      .asciz "syscall: read into a device page returns E_FAULT"
st_t8:      .asciz "syscall: wait with a kernel pointer returns E_FAULT"
st_t9:      .asciz "syscall: wait with no children returns E_CHILD"
st_t10:     .asciz "syscall: sbrk with a negative increment returns E_INVAL"
st_t11:     .asciz "syscall: sbrk of 2 GiB returns E_NOMEM"
st_t12:     .asciz "syscall: spawn of an unknown program returns E_NOENT"
st_t13:     .asciz "syscall: spawn with a kernel pointer returns E_FAULT"
st_t14:     .asciz "syscall: diskread into kernel memory returns E_FAULT"
st_t15:     .asciz "syscall: sleep with a negative count returns E_INVAL"
st_t16:     .asciz "syscall: procinfo of slot NPROC returns E_INVAL"
st_t17:     .asciz "syscall: procinfo into a misaligned buffer returns E_FAULT"
st_nosuch:  .asciz "nosuchprogram"
        .align 4
st_cases:   # call, a1, a2, the result it must give, description
        .word 999, 0, 0, E_NOSYS, st_t0
        .word 0, 0, 0, E_NOSYS, st_t1
        .word SYS_WRITE, 0x1000, 4, E_FAULT, st_t2
        .word SYS_WRITE, 0x30000000, 4, E_FAULT, st_t3
        .word SYS_WRITE, USER_TOP - 2, 8, E_FAULT, st_t4
        .word SYS_WRITE, st_t5, -1, E_INVAL, st_t5
        .word SYS_WRITE, st_t6, IO_MAX + 1, E_INVAL, st_t6
        .word SYS_READ, UART, 8, E_FAULT, st_t7
        .word SYS_WAIT, 0x1000, 0, E_FAULT, st_t8
        .word SYS_WAIT, 0, 0, E_CHILD, st_t9
        .word SYS_SBRK, -4096, 0, E_INVAL, st_t10
        .word SYS_SBRK, 0x7ffff000, 0, E_NOMEM, st_t11
        .word SYS_SPAWN, st_nosuch, 0, E_NOENT, st_t12
        .word SYS_SPAWN, 0x1000, 0, E_FAULT, st_t13
        .word SYS_DISKREAD, 0, 0x1000, E_FAULT, st_t14
        .word SYS_SLEEP, -1, 0, E_INVAL, st_t15
        .word SYS_PROCINFO, NPROC, ps_rec, E_INVAL, st_t16
        .word SYS_PROCINFO, 0, ps_rec + 1, E_FAULT, st_t17
        .word 0, 0, 0, 0, 0
