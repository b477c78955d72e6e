# A system call from ring 3, stepped into the handler and back; page
# faults and the page walk; interrupts; the TLB, control registers and
# devices; run-until each kind of event.
# prog: trap.s
break user_main
run
info cr
next
next
step
info regs psw epc epsw cause
step
step
step
step
step
step
step
step
step
catch pagefault
continue
page $badva
info tlb
finish
page 0x400000
x/xw 0x400000
delete
run-until ring
run-until ring
run-until interrupt
info devices
p {w}ticks
finish
run-until device
catch trap syscall
catch device uart
catch syscall if $a0 == 2
info break
continue
continue
