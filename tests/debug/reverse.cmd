# Reverse execution: back over a system call, a page fault and an
# interrupt, exactly (the cycle count comes back too); reverse-continue to
# watchpoints and catchpoints; the start of history.
# prog: trap.s
break sys_entry
run
info regs pc cycles instret
reverse-stepi
reverse-stepi 3
stepi 4
info regs pc cycles instret
delete
run-until pagefault
info regs pc cycles instret
reverse-stepi
info regs pc cycles instret
stepi
info regs pc cycles instret
run-until interrupt
info regs pc cycles
reverse-stepi
info regs pc cycles
stepi
info regs pc cycles
watch 0x400000
reverse-continue
reverse-continue
delete
catch syscall
continue
continue
continue
reverse-continue
reverse-continue
reverse-stepi
delete
continue
reverse-stepi 10
x/i $pc
reverse-continue
info checkpoints
