# syscall.s -- the system calls.
#
# The ABI (docs/toyos.md has the full table):
#
#   a0 = call number (SYS_* in toyos.inc), a1..a3 = arguments, `syscall`.
#   The result comes back in a0: >= 0 on success, a negative E_* on error.
#   Every other register is preserved.
#
# The kernel never trusts an argument.  A pointer must lie in user space
# and every page it covers must be mapped (or fill on demand); lengths are
# checked against IO_MAX; a call number outside the table gets E_NOSYS.
# A bad argument is an error returned to the caller, never a kernel fault.
#
# syscall(a0 = trap frame) calls the handler with the frame's a1, a2, a3
# in a0, a1, a2 and the frame in a3, and stores its a0 in the frame.

        .text

syscall:
        push  ra
        push  s0
        mv    s0, a0
        lw    t0, TF_A0(s0)
        li    t1, NSYSCALLS
        bgeu  t0, t1, 1f                # also catches negative numbers
        slli  t0, t0, 2
        la    t1, syscall_table
        add   t0, t0, t1
        lw    t0, 0(t0)
        lw    a0, TF_A1(s0)
        lw    a1, TF_A2(s0)
        lw    a2, TF_A3(s0)
        mv    a3, s0
        jalr  ra, t0, 0
        j     2f
1:      li    a0, E_NOSYS
2:      sw    a0, TF_A0(s0)
        pop   s0
        pop   ra
        ret

sys_nosys:
        li    a0, E_NOSYS
        ret

# exit(status): never returns.
sys_exit:
        call  proc_exit

# write(buf, len) -> len: send len bytes to the console.
sys_write:
        li    t0, IO_MAX
        bgtu  a1, t0, 8f                # negative lengths are huge unsigned
        push  ra
        push  s0
        push  s1
        mv    s0, a0
        mv    s1, a1
        call  user_check
        bnez  a0, 2f
        add   s1, s0, s1                # s1 = end
        sub   a0, s1, s0
        push  a0                        # the result: every byte
1:      beq   s0, s1, 3f
        lbu   a0, 0(s0)
        call  kputc
        addi  s0, s0, 1
        j     1b
3:      CONS_FLUSH                      # (paravirtual: one chain per write)
        pop   a0
2:      pop   s1
        pop   s0
        pop   ra
        ret
8:      li    a0, E_INVAL
        ret

# read(buf, len) -> bytes read: one line from the console (or up to len
# bytes of it); 0 at the end of the input.  Blocks until a line is there.
sys_read:
        li    t0, IO_MAX
        bgtu  a1, t0, 8f
        beqz  a1, 9f
        push  ra
        push  s0
        push  s1
        mv    s0, a0
        mv    s1, a1
        call  user_check
        bnez  a0, 1f
        mv    a0, s0
        mv    a1, s1
        call  console_read
1:      pop   s1
        pop   s0
        pop   ra
        ret
8:      li    a0, E_INVAL
        ret
9:      li    a0, 0
        ret

# yield() -> 0
sys_yield:
        push  ra
        call  yield
        pop   ra
        li    a0, 0
        ret

# getpid() -> pid
sys_getpid:
        la    t0, current
        lw    t0, 0(t0)
        lw    a0, P_PID(t0)
        ret

# fork() -> child's pid, 0 in the child
sys_fork:
        j     proc_fork

# wait(&status or 0) -> pid of an exited child; stores its status
sys_wait:
        beqz  a0, 1f
        andi  t0, a0, 3                 # the status is a word: aligned
        bnez  t0, 8f
        push  ra
        push  a0
        li    a1, 4
        call  user_check
        mv    t0, a0
        pop   a0
        pop   ra
        bnez  t0, 9f
1:      j     proc_wait
8:      li    a0, E_FAULT
        ret
9:      mv    a0, t0
        ret

# sbrk(increment) -> the old break.  The new pages are not allocated here:
# each one is filled with zeros when it is first touched (page_fault).
sbrk_bad:
        li    a0, E_INVAL
        ret
sys_sbrk:
        blt   a0, zero, sbrk_bad        # toyos heaps only grow
        la    t0, current
        lw    t0, 0(t0)
        lw    t1, P_BRK(t0)             # t1 = old break
        add   t2, t1, a0                # t2 = new break
        bltu  t2, t1, 1f                # wrapped
        li    t3, STACK_LIMIT
        bgtu  t2, t3, 1f                # would run into the stack
        sw    t2, P_BRK(t0)
        mv    a0, t1
        ret
1:      li    a0, E_NOMEM
        ret

# sleep(ticks) -> 0: block for at least that many timer ticks.
sys_sleep:
        blt   a0, zero, 8f
        push  ra
        push  s0
        la    t0, ticks
        lw    s0, 0(t0)
        add   s0, s0, a0                # s0 = the tick to wake at
1:      la    t0, ticks
        lw    t0, 0(t0)
        bgeu  t0, s0, 2f
        la    a0, ticks                 # the timer wakes this channel
        call  sleep
        j     1b
2:      li    a0, 0
        pop   s0
        pop   ra
        ret
8:      li    a0, E_INVAL
        ret

# uptime() -> ticks since boot
sys_uptime:
        la    t0, ticks
        lw    a0, 0(t0)
        ret

# diskread(block, buf) / diskwrite(block, buf) -> 0: move one 512-byte
# block between the disk and the process's buffer.
sys_diskread:
        li    a2, DISK_READ
        j     disk_syscall
sys_diskwrite:
        li    a2, DISK_WRITE
disk_syscall:
        push  ra
        push  s0
        push  s1
        push  s2
        mv    s0, a0                    # s0 = block
        mv    s1, a1                    # s1 = user buffer
        mv    s2, a2                    # s2 = command
        mv    a0, a1
        li    a1, BLOCK_SIZE
        call  user_check
        bnez  a0, 9f
        mv    a0, s0
        mv    a1, s1
        mv    a2, s2
        call  disk_rw                   # disk.s
9:      pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

# spawn(name, args or 0) -> pid of a new child running that built-in program
sys_spawn:
        push  ra
        push  s0
        mv    s0, a1
        mv    a1, a0
        la    a0, spawn_name
        li    a2, NAME_MAX
        call  user_strcpy
        blt   a0, zero, 9f
        la    t0, spawn_args
        sb    zero, 0(t0)
        beqz  s0, 1f
        la    a0, spawn_args
        mv    a1, s0
        li    a2, ARGS_MAX
        call  user_strcpy
        blt   a0, zero, 9f
1:      la    a0, spawn_name
        la    a1, spawn_args
        la    t0, current
        lw    a2, 0(t0)
        call  proc_spawn
9:      pop   s0
        pop   ra
        ret

# freepages() -> number of free physical pages
sys_freepages:
        la    t0, free_count
        lw    a0, 0(t0)
        ret

# procinfo(slot, buf) -> 1 and a record in buf (PI_* in toyos.inc) if
# process slot `slot` is in use, 0 if it is free.  (Lab 02's exercise: the
# markers below are comments, which scripts/mklab strips to the TODO.)
sys_procinfo:
        # BEGIN SOLUTION TODO: slot (E_INVAL), buf (E_FAULT: user_check), fill the record
        li    t0, NPROC
        bgeu  a0, t0, 8f
        andi  t0, a1, 3
        bnez  t0, 7f
        push  ra
        push  s0
        push  s1
        slli  s0, a0, PROC_SHIFT        # s0 = the process
        la    t0, proc_table
        add   s0, s0, t0
        mv    s1, a1                    # s1 = the record
        mv    a0, a1
        li    a1, PI_SIZE
        call  user_check
        bnez  a0, 9f
        lw    t0, P_STATE(s0)
        beqz  t0, 9f                    # a0 = 0: the slot is free
        sw    t0, PI_STATE(s1)
        lw    t0, P_PID(s0)
        sw    t0, PI_PID(s1)
        lw    t0, P_PARENT(s0)
        beqz  t0, 1f
        lw    t0, P_PID(t0)
1:      sw    t0, PI_PPID(s1)
        lw    a0, P_PDIR(s0)            # pages: its address space (if it
        beqz  a0, 2f                    # still has one) and kernel stack
        call  uvm_count
2:      addi  a0, a0, 1
        sw    a0, PI_PAGES(s1)
        addi  a0, s1, PI_NAME
        addi  a1, s0, P_NAME
        li    a2, NAME_MAX
        call  memcopy
        li    a0, 1
9:      pop   s1
        pop   s0
        pop   ra
        ret
7:      li    a0, E_FAULT
        ret
        # END SOLUTION
8:      li    a0, E_INVAL
        ret

# selftest() -> number of failed checks (selftest.s)
sys_selftest:
        j     selftest

        .data
        .align 4
syscall_table:
        .word sys_nosys                 # 0 is no call: a zeroed a0 is a bug
        .word sys_exit                  # 1
        .word sys_write                 # 2
        .word sys_read                  # 3
        .word sys_yield                 # 4
        .word sys_getpid                # 5
        .word sys_fork                  # 6
        .word sys_wait                  # 7
        .word sys_sbrk                  # 8
        .word sys_sleep                 # 9
        .word sys_uptime                # 10
        .word sys_diskread              # 11
        .word sys_diskwrite             # 12
        .word sys_spawn                 # 13
        .word sys_freepages             # 14
        .word sys_procinfo              # 15
        .word sys_selftest              # 16

        .bss
spawn_name: .space NAME_MAX             # spawn's arguments, in kernel memory
spawn_args: .space ARGS_MAX
