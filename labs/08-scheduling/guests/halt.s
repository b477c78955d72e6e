# halt.s -- an idle guest: halts with interrupts off and no device armed,
# so it waits forever.  A work-conserving scheduler gives its share away.
_start: halt
        j     _start
