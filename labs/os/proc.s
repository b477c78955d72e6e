# proc.s -- processes: the table, the scheduler, sleep and wakeup, and the
# life cycle (spawn, fork, exit, wait, kill).
#
# struct proc (offsets P_* in toyos.inc), NPROC of them in proc_table.
# A slot's state moves along
#
#   UNUSED -> EMBRYO -> RUNNABLE <-> RUNNING -> ZOMBIE -> UNUSED
#                            ^          |
#                            +- SLEEPING <+
#
# Each process has its own kernel stack (one page).  A trap from user
# mode saves the user's registers in a trap frame at the top of that
# stack, and the kernel then runs on it on the process's behalf.
#
# Switching.  The scheduler runs on the boot stack in its own context.  It
# picks the next RUNNABLE process round-robin, loads its address space
# (ptbr, asid) and swtch()es to it; the process runs until it calls
# sched() (it yields, sleeps or exits), and swtch() comes back to the
# scheduler.  swtch saves and loads only what a function call must keep:
# ra, sp, s0-s3.  A new process starts with ra = proc_first_run, which
# "returns from the trap" its creator prepared in its trap frame.
#
# The kernel runs with interrupts off (every trap entry turns them off) and
# is never preempted inside; a process is preempted only on its way back to
# user mode (see trap.s), so the kernel needs no locks.
#
# ASIDs.  Process slot i uses ASID i + 1 (the kernel's directory uses 0).
# When an address space is freed the whole TLB is flushed, so the next
# process to get that ASID finds no stale entry with it.

        .text

# proc_alloc() -> a0 = a fresh EMBRYO process with a kernel stack and a
# pid, or 0 if the table is full or no page is free.
proc_alloc:
        push  ra
        push  s0
        la    s0, proc_table
        la    t1, proc_table_end
1:      lw    t0, P_STATE(s0)
        beqz  t0, 2f
        addi  s0, s0, PROC_SIZE
        bne   s0, t1, 1b
        li    a0, 0                     # table full
        j     3f
2:      call  page_alloc                # its kernel stack
        beqz  a0, 3f
        sw    a0, P_KSTACK(s0)
        li    t0, EMBRYO
        sw    t0, P_STATE(s0)
        la    t0, next_pid
        lw    t1, 0(t0)
        sw    t1, P_PID(s0)
        addi  t1, t1, 1
        sw    t1, 0(t0)
        la    t0, proc_table            # asid = slot + 1
        sub   t0, s0, t0
        srli  t0, t0, PROC_SHIFT
        addi  t0, t0, 1
        sw    t0, P_ASID(s0)
        la    t0, proc_first_run        # first run: return from its trap frame
        sw    t0, P_CTX + CTX_RA(s0)
        li    t0, PAGE_SIZE - TF_SIZE
        add   t0, a0, t0
        sw    t0, P_CTX + CTX_SP(s0)
        mv    a0, s0
3:      pop   s0
        pop   ra
        ret

# proc_free(a0 = process): free its kernel stack and its slot.  Its
# address space must be gone already.
proc_free:
        push  ra
        push  a0
        lw    a0, P_KSTACK(a0)
        call  page_free
        pop   a0
        li    a1, PROC_SIZE
        call  memzero                   # state = UNUSED, every field 0
        pop   ra
        ret

# A new process's first instruction in the kernel: sp points at the trap
# frame its creator filled in.
proc_first_run:
        j     trap_return

# frame_of(a0 = process) -> a0 = its trap frame.  Clobbers t0.
frame_of:
        lw    a0, P_KSTACK(a0)
        li    t0, PAGE_SIZE - TF_SIZE
        add   a0, a0, t0
        ret

# swtch(a0 = where to save the current context, a1 = context to load).
# Returns into whatever called swtch when that context was saved.
swtch:
        sw    ra, 0(a0)
        sw    sp, 4(a0)
        sw    s0, 8(a0)
        sw    s1, 12(a0)
        sw    s2, 16(a0)
        sw    s3, 20(a0)
        lw    ra, 0(a1)
        lw    sp, 4(a1)
        lw    s0, 8(a1)
        lw    s1, 12(a1)
        lw    s2, 16(a1)
        lw    s3, 20(a1)
        ret

# scheduler(): the loop the boot stack ends in.  Round-robin: look at the
# slots in order, starting after the one that ran last; run the first
# RUNNABLE process; when none is, sleep in idle() until an interrupt.
scheduler:
        li    s0, 0                     # s0 = slot to look at next
1:      li    s1, NPROC                 # s1 = slots left to look at
2:      slli  a0, s0, PROC_SHIFT
        la    t0, proc_table
        add   a0, a0, t0
        addi  s0, s0, 1
        andi  s0, s0, NPROC - 1
        lw    t0, P_STATE(a0)
        li    t1, RUNNABLE
        beq   t0, t1, 3f
        addi  s1, s1, -1
        bnez  s1, 2b
        call  idle                      # nothing to run (trap.s)
        j     1b
3:      call  switch_to
        j     1b

# switch_to(a0 = RUNNABLE process): run it until it gives the CPU back.
switch_to:
        push  ra
        li    t0, RUNNING
        sw    t0, P_STATE(a0)
        sw    zero, P_QUANTUM(a0)       # a fresh time slice
        la    t0, current
        sw    a0, 0(t0)
        lw    t1, P_KSTACK(a0)          # traps from user mode land on its stack
        li    t0, PAGE_SIZE
        add   t1, t1, t0
        la    t0, cur_ktop
        sw    t1, 0(t0)
        lw    t0, P_PDIR(a0)            # its address space
        CR_WRITE ptbr, t0
        lw    t0, P_ASID(a0)
        CR_WRITE asid, t0
        addi  a1, a0, P_CTX
        la    a0, sched_ctx
        call  swtch                     # ... it runs, then calls sched() ...
        la    t0, current
        sw    zero, 0(t0)
        la    t0, kernel_pdir           # back to the kernel's own directory
        lw    t0, 0(t0)
        CR_WRITE ptbr, t0
        CR_WRITE asid, zero
        pop   ra
        ret

# sched(): give the CPU back to the scheduler.  The caller has already
# changed current's state (RUNNABLE, SLEEPING or ZOMBIE).  Returns when
# the scheduler picks this process again.
sched:
        push  ra
        la    t0, current
        lw    a0, 0(t0)
        addi  a0, a0, P_CTX
        la    a1, sched_ctx
        call  swtch
        pop   ra
        ret

# yield(): let the others run; come back later.
yield:
        push  ra
        la    t0, current
        lw    t0, 0(t0)
        li    t1, RUNNABLE
        sw    t1, P_STATE(t0)
        call  sched
        pop   ra
        ret

# sleep(a0 = channel): block until wakeup(channel).  A channel is any
# address that names what we wait for.  The caller re-checks its condition
# when sleep returns (wakeup wakes every sleeper on the channel).
sleep:
        push  ra
        la    t0, current
        lw    t0, 0(t0)
        sw    a0, P_CHAN(t0)
        li    t1, SLEEPING
        sw    t1, P_STATE(t0)
        call  sched
        la    t0, current
        lw    t0, 0(t0)
        sw    zero, P_CHAN(t0)
        pop   ra
        ret

# wakeup(a0 = channel): make every process sleeping on it RUNNABLE.
# Clobbers t0-t3.
wakeup:
        la    t0, proc_table
        la    t1, proc_table_end
1:      lw    t2, P_STATE(t0)
        li    t3, SLEEPING
        bne   t2, t3, 2f
        lw    t2, P_CHAN(t0)
        bne   t2, a0, 2f
        li    t3, RUNNABLE
        sw    t3, P_STATE(t0)
2:      addi  t0, t0, PROC_SIZE
        bne   t0, t1, 1b
        ret

# proc_spawn(a0 = program name, a1 = argument string, a2 = parent or 0),
# all in kernel memory -> a0 = pid of the new process, or E_NOENT (no such
# program), E_AGAIN (table full) or E_NOMEM.
#
# The new address space holds a copy of the user image at USER_BASE, an
# empty heap after it, and one stack page at the top of user space with
# the argument string at its top.  The process starts at the program's
# entry point in ring 3 with a0 = sp = the argument string.
proc_spawn:
        push  ra
        push  s0
        push  s1
        push  s2
        push  s3
        mv    s1, a1
        mv    s2, a2
        mv    s0, a0
        la    s3, prog_table            # s3 = the program's table entry
1:      lw    a1, 0(s3)
        beqz  a1, 90f
        mv    a0, s0
        call  streq
        bnez  a0, 2f
        addi  s3, s3, 8
        j     1b
2:      lw    t0, 4(s3)                 # s3 = the entry point, in the
        la    t1, ubin_start            # process's terms
        sub   t0, t0, t1
        li    t1, USER_BASE
        add   s3, t0, t1
        call  proc_alloc
        beqz  a0, 91f
        mv    a1, s0                    # its name
        mv    s0, a0                    # s0 = the process from now on
        addi  a0, a0, P_NAME
        li    a2, NAME_MAX
        call  kstrcpy
        call  pdir_new
        beqz  a0, 92f
        sw    a0, P_PDIR(s0)
        call  load_image                # a0 = the directory
        bnez  a0, 93f
        la    t0, ubin_end              # the heap starts at the next page
        la    t1, ubin_start
        sub   t0, t0, t1
        addi  t0, t0, PAGE_SIZE - 1
        srli  t0, t0, PAGE_SHIFT
        slli  t0, t0, PAGE_SHIFT
        li    t1, USER_BASE
        add   t0, t0, t1
        sw    t0, P_HEAP(s0)
        sw    t0, P_BRK(s0)
        call  page_alloc                # the first stack page
        beqz  a0, 93f
        push  a0
        ori   a2, a0, PTE_P | PTE_W | PTE_U
        lw    a0, P_PDIR(s0)
        li    a1, USER_TOP - PAGE_SIZE
        call  map_page
        pop   t0
        beqz  a0, 3f
        mv    a0, t0
        call  page_free
        j     93f
3:      push  t0                        # copy the arguments to the stack top:
        mv    a0, s1                    # round their size (with NUL) up to 4
        call  kstrlen
        addi  a0, a0, 4
        andi  a0, a0, 0xfffc
        pop   t0
        li    t1, PAGE_SIZE
        add   t0, t0, t1
        sub   t0, t0, a0                # t0 = where, in kernel terms
        li    t1, USER_TOP
        sub   t1, t1, a0                # t1 = where, in the process's terms
        push  t1
        mv    a0, t0
        mv    a1, s1
        li    a2, ARGS_MAX
        call  kstrcpy
        mv    a0, s0                    # its trap frame: start at the entry
        call  frame_of                  # point, in ring 3, interrupts on
        pop   t1
        sw    s3, TF_EPC(a0)
        li    t0, USER_PSW
        sw    t0, TF_EPSW(a0)
        sw    t1, TF_SP(a0)
        sw    t1, TF_A0(a0)
        sw    s2, P_PARENT(s0)
        lw    t0, P_PID(s0)
        li    t1, 1
        bne   t0, t1, 4f
        la    t1, initproc
        sw    s0, 0(t1)
4:      li    t0, RUNNABLE
        sw    t0, P_STATE(s0)
        lw    a0, P_PID(s0)
        j     99f
90:     li    a0, E_NOENT
        j     99f
91:     li    a0, E_AGAIN
        j     99f
93:     lw    a0, P_PDIR(s0)            # undo: the address space ...
        call  uvm_free
92:     mv    a0, s0                    # ... and the process
        call  proc_free
        li    a0, E_NOMEM
99:     pop   s3
        pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

# proc_fork() -> a0 = the child's pid (in the parent; the child sees 0),
# or E_AGAIN / E_NOMEM.  The child gets a copy of every user page.
proc_fork:
        push  ra
        push  s0
        push  s1
        la    t0, current
        lw    s0, 0(t0)                 # s0 = parent
        call  proc_alloc
        beqz  a0, 91f
        mv    s1, a0                    # s1 = child
        call  pdir_new
        beqz  a0, 92f
        sw    a0, P_PDIR(s1)
        mv    a1, a0
        lw    a0, P_PDIR(s0)
        .if COW
        call  uvm_share                 # cow.s: share the pages, copy on write
        .else
        call  uvm_copy
        .endif
        bnez  a0, 93f
        mv    a0, s1                    # the child's trap frame = the parent's,
        call  frame_of                  # except that fork returns 0 there
        push  a0
        mv    a0, s0
        call  frame_of
        mv    a1, a0
        pop   a0
        push  a0
        li    a2, TF_SIZE
        call  memcopy
        pop   a0
        sw    zero, TF_A0(a0)
        lw    t0, P_HEAP(s0)
        sw    t0, P_HEAP(s1)
        lw    t0, P_BRK(s0)
        sw    t0, P_BRK(s1)
        addi  a0, s1, P_NAME
        addi  a1, s0, P_NAME
        li    a2, NAME_MAX
        call  memcopy
        sw    s0, P_PARENT(s1)
        li    t0, RUNNABLE
        sw    t0, P_STATE(s1)
        lw    a0, P_PID(s1)
        j     99f
91:     li    a0, E_AGAIN
        j     99f
93:     lw    a0, P_PDIR(s1)
        call  uvm_free
92:     mv    a0, s1
        call  proc_free
        li    a0, E_NOMEM
99:     pop   s1
        pop   s0
        pop   ra
        ret

# proc_exit(a0 = status): the current process ends.  Its address space is
# freed now; its slot and kernel stack stay until the parent's wait() (we
# are still running on that stack).  Never returns.  When process 1 (the
# shell) exits, toyos powers the machine off with its status.
proc_exit:
        mv    s0, a0                    # s0 = status
        la    t0, current
        lw    s1, 0(t0)                 # s1 = this process
        la    t0, initproc
        lw    s2, 0(t0)                 # s2 = init
        bne   s1, s2, 1f
        la    a0, msg_init_exit
        call  kputs
        mv    a0, s0
        call  kputdec
        la    a0, msg_power_off
        call  kputs
        CONS_SYNC
        li    t0, POWER
        DEV_WRITE s0, 0, t0
        j     .                         # not reached: the machine is off
1:      la    t0, kernel_pdir           # leave the address space ...
        lw    t0, 0(t0)
        CR_WRITE ptbr, t0
        CR_WRITE asid, zero
        lw    a0, P_PDIR(s1)            # ... free it ...
        call  uvm_free
        sw    zero, P_PDIR(s1)
        TLB_FLUSH                       # ... and forget its translations
        la    t0, proc_table            # init adopts our children
        la    t1, proc_table_end
2:      lw    t2, P_PARENT(t0)
        bne   t2, s1, 3f
        sw    s2, P_PARENT(t0)
3:      addi  t0, t0, PROC_SIZE
        bne   t0, t1, 2b
        sw    s0, P_XSTATUS(s1)
        li    t0, ZOMBIE
        sw    t0, P_STATE(s1)
        lw    a0, P_PARENT(s1)          # a parent waits on its own proc
        call  wakeup
        mv    a0, s2                    # init may have inherited zombies
        call  wakeup
        call  sched
        la    a0, msg_zombie
        call  panic

# proc_wait(a0 = where to store the status: a checked, aligned user
# address, or 0) -> a0 = pid of a child that exited (its slot is freed),
# or E_CHILD if there are no children.  Sleeps until one exits.
proc_wait:
        push  ra
        push  s0
        push  s1
        push  s2
        mv    s2, a0
        la    t0, current
        lw    s0, 0(t0)                 # s0 = this process
1:      li    t2, 0                     # t2 = do we have children?
        la    s1, proc_table
2:      lw    t0, P_PARENT(s1)
        bne   t0, s0, 3f
        li    t2, 1
        lw    t0, P_STATE(s1)
        li    t1, ZOMBIE
        beq   t0, t1, 4f
3:      addi  s1, s1, PROC_SIZE
        la    t0, proc_table_end
        bne   s1, t0, 2b
        li    a0, E_CHILD
        beqz  t2, 9f
        mv    a0, s0                    # wait for a child's exit
        call  sleep
        j     1b
4:      beqz  s2, 5f                    # s1 = a zombie child: reap it
        lw    t0, P_XSTATUS(s1)
        sw    t0, 0(s2)
5:      lw    s2, P_PID(s1)
        mv    a0, s1
        call  proc_free
        mv    a0, s2
9:      pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

# kill(a0 = trap frame, a1 = why, or 0 to name the trap): the current
# process made a fault it cannot survive.  Report it on the console and
# end it with status KILLED + the trap code.
kill:
        mv    s0, a0
        mv    s2, a1
        la    t0, current
        lw    s1, 0(t0)
        la    a0, msg_kill_pid
        call  kputs
        lw    a0, P_PID(s1)
        call  kputdec
        la    a0, msg_kill_open
        call  kputs
        addi  a0, s1, P_NAME
        call  kputs
        la    a0, msg_kill_killed
        call  kputs
        mv    a0, s2
        bnez  a0, 1f
        lw    a0, TF_CAUSE(s0)
        call  cause_name
1:      call  kputs
        PRINT_FRAME                     # pc, va, cause of the frame at s0
        lw    a0, TF_CAUSE(s0)
        andi  a0, a0, CAUSE_CODE
        addi  a0, a0, KILLED
        CONS_FLUSH                      # (paravirtual: the report, now)
        call  proc_exit

        .data
msg_init_exit:  .asciz "toyos: the shell exited with status "
msg_power_off:  .asciz "; powering off\n"
msg_zombie:     .asciz "a zombie was scheduled"
msg_kill_pid:   .asciz "toyos: pid "
msg_kill_open:  .asciz " ("
msg_kill_killed: .asciz ") killed: "
msg_kill_pc:    .asciz " at pc "
msg_kill_va:    .asciz ", address "
msg_kill_cause: .asciz ", cause "
        .align 4
next_pid:   .word 1
current:    .word 0                     # the RUNNING process, 0 in the scheduler
cur_ktop:   .word 0                     # top of current's kernel stack
initproc:   .word 0                     # process 1, the shell

        .bss
        .align 16
sched_ctx:  .space CTX_SIZE             # the scheduler's saved context
        .align 16
proc_table: .space NPROC * PROC_SIZE
proc_table_end:
