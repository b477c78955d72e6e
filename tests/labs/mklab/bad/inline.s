a
lw t0, 0(t1)  # BEGIN SOLUTION
