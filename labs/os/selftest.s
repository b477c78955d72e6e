# selftest.s -- the kernel checks the machine the way a kernel assumes it.
#
# selftest() runs inside the kernel (system call SYS_SELFTEST), because
# what it checks is the kernel's own view of the processor:
#
#   1. rdpsw (PSW_READ) in the kernel reads ring 0;
#   2. after the kernel turned interrupts on, rdpsw reads IE = 1;
#   3. clearing IE with wrpsw (PSW_WRITE) holds interrupts off: a timer tick
#      that falls due inside the critical section is not taken there;
#   4. writing the saved PSW back delivers the held tick at once.
#
# Checks 3 and 4 are the x86 idiom `pushf; cli; ...; popf`, written with
# the machine's PSW instructions.  On the bare machine the kernel is in
# ring 0 and all four pass.  Deprivileged to ring 2 by a trap-and-emulate
# monitor on the *classic* machine, rdpsw and wrpsw do not trap: rdpsw
# shows the real ring (2) and wrpsw silently ignores IE, so the tick comes
# inside the critical section.  Checks 1, 3 and 4 then print FAIL: the
# classic machine breaks Popek and Goldberg's condition, and this is where
# a student sees it.  (On the strict machine both instructions trap, the
# monitor emulates them, and everything passes again.)
#
# Each check prints one line, PASS or FAIL.  selftest returns the number
# of failures.  It leaves interrupts off, as it found them.

        .text

# st_verdict(a0 = 1 if the check passed) -> a0 = 1 if it failed.
# Prints "PASS  " or "FAIL  ".
st_verdict:
        push  ra
        push  s0
        sltiu s0, a0, 1                 # s0 = failed?
        la    a0, st_pass
        beqz  s0, 1f
        la    a0, st_fail
1:      call  kputs
        mv    a0, s0
        pop   s0
        pop   ra
        ret

# st_tail(a0 = failed?, a1 = text to add if it failed): finish the line.
st_tail:
        push  ra
        beqz  a0, 1f
        mv    a0, a1
        call  kputs
1:      li    a0, '\n'
        call  kputc
        pop   ra
        ret

selftest:
        push  ra
        push  s0
        push  s1
        push  s2
        push  s3
        li    s3, 0                     # s3 = failures
        la    a0, st_head
        call  kputs
        CR_READ t0, cpuid               # bit 0: the strict variant
        andi  t0, t0, 1
        la    a0, st_classic
        beqz  t0, 1f
        la    a0, st_strict
1:      call  kputs

        INTR_ENABLE t0                  # interrupts on, as in the idle loop
        PSW_READ s0                     # s0 = the PSW, as the kernel sees it

        # 1. the ring
        andi  s1, s0, PSW_RING
        sltiu a0, s1, 1
        call  st_verdict
        add   s3, s3, a0
        mv    s2, a0
        la    a0, st_ring
        call  kputs
        addi  a0, s1, '0'
        call  kputc
        mv    a0, s2
        la    a1, st_ring_bad
        call  st_tail

        # 2. the interrupt flag
        andi  s1, s0, PSW_IE
        sltu  a0, zero, s1
        call  st_verdict
        add   s3, s3, a0
        mv    s2, a0
        la    a0, st_ie
        call  kputs
        mv    a0, s2
        la    a1, st_ie_bad
        call  st_tail

        # 3. a critical section: pushf; cli
        PSW_READ s2                     # s2 = the PSW to restore
        andi  t0, s2, 0xffff - PSW_IE
        PSW_WRITE t0                    # IE = 0 ... if the machine obeys
        la    t0, ticks
        lw    s1, 0(t0)                 # s1 = ticks when the section began
        li    t1, TIMER                 # wait until a tick falls due: the
        li    t2, TICK_CYCLES           # timer's EXPIRED bit (bounded, in
2:      DEV_READ t0, TIMER_STATUS, t1   # case the tick is taken and its
        andi  t0, t0, 1                 # handler clears EXPIRED)
        bnez  t0, 3f
        la    t0, ticks
        lw    t0, 0(t0)
        bne   t0, s1, 3f                # it was taken: the section leaked
        addi  t2, t2, -1
        bnez  t2, 2b
3:      la    t0, ticks
        lw    s0, 0(t0)                 # s0 = ticks at the end of the section
        # 4. popf: IE back to 1; the held tick is taken right here
        PSW_WRITE s2
        la    t0, ticks
        lw    s2, 0(t0)                 # s2 = ticks after the restore

        sub   t0, s0, s1                # 3: no tick inside the section
        sltiu a0, t0, 1
        call  st_verdict
        add   s3, s3, a0
        mv    s1, a0
        la    a0, st_cli
        call  kputs
        mv    a0, s1
        la    a1, st_cli_bad
        call  st_tail

        sltu  a0, s0, s2                # 4: a tick right after it
        call  st_verdict
        add   s3, s3, a0
        mv    s1, a0
        la    a0, st_sti
        call  kputs
        mv    a0, s1
        la    a1, st_sti_bad
        call  st_tail

        call  intr_wait                 # interrupts off again (trap.s)
        CONS_FLUSH                      # (paravirtual: publish the report)
        mv    a0, s3
        pop   s3
        pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

        .data
st_pass:     .asciz "PASS  "
st_fail:     .asciz "FAIL  "
st_head:     .asciz "selftest: the kernel checks the "
st_classic:  .asciz "classic machine\n"
st_strict:   .asciz "strict machine\n"
st_ring:     .asciz "kernel: rdpsw reads ring "
st_ring_bad: .asciz ", expected 0: the kernel is not in ring 0"
st_ie:       .asciz "kernel: rdpsw reads IE = 1 after interrupts were enabled"
st_ie_bad:   .asciz " (it reads 0)"
st_cli:      .asciz "kernel: wrpsw with IE = 0 holds the timer interrupt off"
st_cli_bad:  .asciz " (a tick arrived inside the critical section)"
st_sti:      .asciz "kernel: wrpsw restoring the PSW delivers the held interrupt"
st_sti_bad:  .asciz " (none came)"
