# halt_cycles.s -- halt_budget.s (a halt that no tick can wake) under a
# cycle budget instead: --max-cycles ends the run at exactly that cycle
# (--stats shows it): exit 124.
        .include "halt_budget.s"
