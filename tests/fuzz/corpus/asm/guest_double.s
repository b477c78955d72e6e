# double.s -- the trap vector itself faults (tvec beyond RAM): a double
# fault stops the machine (exit 125), reporting the first trap.
        .include "lib.inc"

        .org  0x2000
_start: li    t0, 0x02000000          # 32 MiB: past the 16 MiB of RAM
        mtcr  tvec, t0
        SAY   "break\n"
        break
        SAY   "not reached\n"
        li    a0, 0
        j     exit
