# compute.s -- a compute-bound guest: counts in t0 forever, never exits
# to the monitor.  Its share of the CPU is what its guest_insns show.
_start: li    t0, 0
1:      addi  t0, t0, 1
        j     1b
