# halt_budget.s -- halt with a periodic timer running whose line is masked
# at the interrupt controller: the machine sleeps from tick to tick and
# never retires another instruction.  --max-insns still ends the run
# (cycles spent halted count as instructions): exit 124.
        .include "lib.inc"
        .equ T_CTRL, 0
        .equ T_PERIOD, 4

        .org  0x2000
_start: SAY   "halting with the timer running\n"
        li    s0, TIMER
        li    t0, 1000
        sw    t0, T_PERIOD(s0)
        li    t0, 7                   # ENABLE | PERIODIC | IRQ
        sw    t0, T_CTRL(s0)
        halt                          # INTC_EN is 0: no tick wakes it
        SAY   "not reached\n"
        li    a0, 0
        j     exit
