# sh.s -- the shell, process 1.  Part of the user image (see user.s).
#
# It prints a prompt, reads a line (the kernel echoes it), and runs it:
#
#   PROGRAM [ARGS] [&]   spawn a built-in program with the argument string;
#                        wait for it, unless the line ends with '&'
#   wait                 wait for every background program
#   help                 list what there is
#   exit [STATUS]        end the shell; toyos then powers off
#   poweroff             the same
#
# At the end of the input (read returns 0) it waits for its background
# programs and exits with status 0, so a scripted session ends by itself.
# A child that exits with a status other than 0 is reported.

        .equ LINE_MAX, 128

prog_sh:
        # s1 = the command word, s2 = its arguments, s3 = background? / pid
sh_loop:
        la    a0, sh_prompt
        call  u_puts
        call  u_flush
        la    a1, sh_line
        li    a2, LINE_MAX - 1
        SYS   SYS_READ
        ble   a0, zero, sh_eof
        la    t0, sh_line               # NUL-terminate the line, drop its LF
        add   t0, t0, a0
        sb    zero, 0(t0)
        lbu   t1, -1(t0)
        li    t2, '\n'
        bne   t1, t2, 2f
        sb    zero, -1(t0)
2:      la    a0, sh_line
        call  u_skipsp
        mv    s1, a0
        lbu   t0, 0(s1)
        beqz  t0, sh_loop               # an empty line
        mv    t0, s1                    # find the end of the command word
3:      lbu   t1, 0(t0)
        beqz  t1, 4f
        li    t2, ' '
        beq   t1, t2, 4f
        addi  t0, t0, 1
        j     3b
4:      mv    s2, t0                    # no arguments: s2 = the empty string
        beqz  t1, 5f
        sb    zero, 0(t0)
        addi  a0, t0, 1
        call  u_skipsp
        mv    s2, a0
5:      li    s3, 0                     # strip trailing spaces and a final '&'
        mv    a0, s2
        call  u_strlen
        add   t0, s2, a0                # t0 = end of the arguments
6:      beq   t0, s2, 8f
        lbu   t1, -1(t0)
        li    t2, ' '
        bne   t1, t2, 7f
        addi  t0, t0, -1
        sb    zero, 0(t0)
        j     6b
7:      li    t2, '&'
        bne   t1, t2, 8f
        li    s3, 1
        addi  t0, t0, -1
        sb    zero, 0(t0)
        j     6b

8:      mv    a0, s1                    # the shell's own commands
        la    a1, sh_cmd_exit
        call  u_streq
        bnez  a0, sh_exit
        mv    a0, s1
        la    a1, sh_cmd_poweroff
        call  u_streq
        bnez  a0, sh_exit
        mv    a0, s1
        la    a1, sh_cmd_help
        call  u_streq
        bnez  a0, sh_help
        mv    a0, s1
        la    a1, sh_cmd_wait
        call  u_streq
        bnez  a0, sh_wait

        mv    a1, s1                    # a program
        mv    a2, s2
        SYS   SYS_SPAWN
        blt   a0, zero, sh_spawn_failed
        bnez  s3, sh_background
        mv    s3, a0                    # s3 = the pid to wait for
9:      la    a1, sh_status
        SYS   SYS_WAIT
        blt   a0, zero, sh_loop
        beq   a0, s3, 10f
        call  sh_report                 # a background program ended first
        j     9b
10:     la    t0, sh_status
        lw    t0, 0(t0)
        beqz  t0, sh_loop
        mv    a0, s1                    # "sh: NAME exited with status N"
        mv    a1, t0
        call  sh_say_status
        j     sh_loop

sh_background:                          # "[pid]"
        mv    s3, a0
        li    a0, '['
        call  u_putc
        mv    a0, s3
        call  u_putdec
        la    a0, sh_bracket_nl
        call  u_puts
        j     sh_loop

sh_spawn_failed:                        # "sh: NAME: no such program"
        mv    s3, a0
        la    a0, sh_name
        call  u_puts
        mv    a0, s1
        call  u_puts
        la    a0, sh_colon
        call  u_puts
        mv    a0, s3
        call  u_strerror
        call  u_puts
        li    a0, '\n'
        call  u_putc
        j     sh_loop

sh_help:
        la    a0, sh_help_text
        call  u_puts
        j     sh_loop

sh_wait:
        call  sh_wait_all
        j     sh_loop

sh_exit:
        mv    a0, s2
        li    a1, 0
        call  u_arg
        call  u_exit

sh_eof:
        li    a0, '\n'
        call  u_putc
        call  sh_wait_all
        li    a0, 0
        call  u_exit

# sh_wait_all(): reap every child, reporting each.
sh_wait_all:
        push  ra
1:      la    a1, sh_status
        SYS   SYS_WAIT
        blt   a0, zero, 2f
        call  sh_report
        j     1b
2:      pop   ra
        ret

# sh_report(a0 = pid, status in sh_status): "[pid] done, status N"
sh_report:
        push  ra
        push  s0
        mv    s0, a0
        li    a0, '['
        call  u_putc
        mv    a0, s0
        call  u_putdec
        la    a0, sh_done
        call  u_puts
        la    t0, sh_status
        lw    a0, 0(t0)
        call  u_putdec
        li    a0, '\n'
        call  u_putc
        pop   s0
        pop   ra
        ret

# sh_say_status(a0 = program name, a1 = status)
sh_say_status:
        push  ra
        push  s0
        push  s1
        mv    s0, a0
        mv    s1, a1
        la    a0, sh_name
        call  u_puts
        mv    a0, s0
        call  u_puts
        la    a0, sh_exited
        call  u_puts
        mv    a0, s1
        call  u_putdec
        li    a0, '\n'
        call  u_putc
        pop   s1
        pop   s0
        pop   ra
        ret

sh_prompt:       .asciz "$ "
sh_name:         .asciz "sh: "
sh_colon:        .asciz ": "
sh_exited:       .asciz " exited with status "
sh_done:         .asciz "] done, status "
sh_bracket_nl:   .asciz "]\n"
sh_cmd_exit:     .asciz "exit"
sh_cmd_poweroff: .asciz "poweroff"
sh_cmd_help:     .asciz "help"
sh_cmd_wait:     .asciz "wait"
sh_help_text:
        .ascii "programs: hello, echo ARGS, ps, compute N, syscalls N, forkwait N,\n"
        .ascii "  pagetouch N, pingpong N, disk N, sleep N, crash, selftest\n"
        .ascii "shell: help, wait, exit [STATUS], poweroff; end a line with & to\n"
        .asciz "  run the program in the background\n"
        .align 4
sh_status:       .word 0
sh_line:         .space LINE_MAX
