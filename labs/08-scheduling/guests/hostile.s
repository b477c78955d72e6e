# hostile.s -- a guest that keeps the monitor busy: it loops on a
# privileged instruction, so every other instruction it runs is an exit
# (about 2400 cycles of the monitor's work each, charged to this VM).
_start: li    t1, 1
1:      mtcr  scratch, t1        # an exit each time
        j     1b
