# Checkpoint files: save, run on, load, and the run goes the same way;
# damaged, foreign, truncated, other-version and missing files are refused
# and the machine stays as it was.
# prog: trap.s
# args: --keep-going
# status: 1
# setup: printf 'VMLABCKP\007\000\000\000' > version7.ck; echo hello > text.ck
run-until pagefault
save here.ck
info regs pc cycles
continue
load here.ck
info regs pc cycles
continue
info regs pc
load trap.s
load text.ck
load version7.ck
load nosuch.ck
info regs pc
