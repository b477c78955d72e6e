# Stepping instruction by instruction through traps, interrupts and
# returns; finish out of trap handlers.
# prog: trap.s
advance user_main
stepi 3
stepi 3
finish
advance 159
run-until interrupt
stepi
info regs pc psw epc epsw
finish
stepi 600
stepi
stepi
stepi
finish
