# cost.s -- seven VM exits of known kinds, paging off, for the cost model:
# the first fetch (hidden fault), mtcr, syscall (reflected and injected;
# its vector slot is an rfe), rfe, mfcr, tlbflush, and the store to the
# power device (mmio).  Exit status: memsize & 0xff (0 for whole MiB).
_start: la    t0, vectors
        mtcr  tvec, t0
        syscall
        mfcr  t1, memsize
        tlbflush
        li    t0, 0xf0004000
        sw    t1, 0(t0)
        .align 64
vectors:
        rfe
        rfe
