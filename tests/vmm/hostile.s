# hostile.s -- a guest that tries to reach beyond itself (run with
# mem=1M).  It reads every page of the first 64 MiB of physical addresses
# and every 64 KiB up to the devices, counting the words that carry
# good.s's marker; builds page tables whose entries point beyond its RAM,
# at nothing, and whose directory entries point at tables outside RAM;
# writes every register of every device page (but the power device's) and
# every other MMIO page; tries each privileged instruction from ring 3;
# finally points tvec at garbage and traps.  Every attempt must come back
# as a trap it can count (bus error, page fault, privileged instruction),
# the counts the same bare and under the monitor, and the end a crash of
# this guest alone.
        .include "kdefs.inc"
        .equ MAGIC, 0x600d600d
        .equ MEM,   0x100000
        .equ PD,    0x10000
        .equ PT_ID, 0x11000
        .equ PT_X,  0x12000
        .equ KSTACK, 0x9000

_start: la    t0, vectors
        mtcr  tvec, t0
        li    sp, KSTACK
        # 1. read: own RAM word by word, then beyond it
        li    t0, 0
        li    t1, MEM
        li    s0, 0                   # marker words seen
        li    t2, MAGIC
1:      lw    t3, 0(t0)
        bne   t3, t2, 2f
        addi  s0, s0, 1
2:      addi  t0, t0, 4
        bne   t0, t1, 1b
        li    t1, 0x4000000           # every page up to 64 MiB
        li    t4, 0x1000
        call  scan
        li    t1, 0xf0000000          # every 64 KiB up to the devices
        li    t4, 0x10000
        call  scan
        la    a0, m_read
        call  puts
        mv    a0, s0
        call  putdec
        call  counts
        # 2. page tables that point beyond RAM
        li    t0, PT_ID               # identity map of RAM, supervisor
        li    t1, P | W
        li    t2, MEM | P | W
        li    t3, 0x1000
3:      sw    t1, 0(t0)
        addi  t0, t0, 4
        add   t1, t1, t3
        bne   t1, t2, 3b
        li    t0, PD
        li    t1, PT_ID | P | W
        sw    t1, 0(t0)
        li    t1, PT_X | P | W        # va 0x400000: entries below
        sw    t1, 4(t0)
        li    t1, 0x00900000 | P | W  # va 0x800000: a table beyond RAM
        sw    t1, 8(t0)
        li    t1, 0xf0000000 | P | W  # va 0xc00000: a "table" on a device
        sw    t1, 12(t0)
        li    t1, 0xffff0000 | P | W  # va 0x1000000: a table at nothing
        sw    t1, 16(t0)
        li    t0, PT_X
        li    t1, 0x00100000 | P | W  # the first frame past RAM
        sw    t1, 0(t0)
        li    t1, 0x00800000 | P | W
        sw    t1, 4(t0)
        li    t1, 0x3ffff000 | P | W
        sw    t1, 8(t0)
        li    t1, 0xf0008000 | P | W  # no device there
        sw    t1, 12(t0)
        li    t1, 0xeffff000 | P | W  # just below the devices
        sw    t1, 16(t0)
        mtcr  ptbr, t0
        li    t0, PD
        mtcr  ptbr, t0
        li    t0, 1
        mtcr  mmu, t0
        li    t0, 0x400000            # read and write through each
        li    t1, 0x405000
        li    t4, 0x1000
        call  poke
        li    t0, 0x800000
        li    t1, 0x801000
        call  poke
        li    t0, 0xc00000
        li    t1, 0xc01000
        call  poke
        li    t0, 0x1000000
        li    t1, 0x1001000
        call  poke
        mtcr  mmu, zero
        la    a0, m_pt
        call  puts
        call  counts
        # 3. write every device register but the power device's, and
        #    every other MMIO page once
        li    t0, INTC
        li    t1, POWER
        li    t4, 4
        call  write
        li    t0, DEBUG               # the debug port: print, not break or trace
        li    t1, 0xffffffff
        sw    t1, 0(t0)
        sw    t1, 4(t0)
        li    t0, RNG
        li    t1, RNG + 0x1000
        call  write
        li    t0, RNG + 0x1000
        li    t1, 0
        li    t4, 0x1000
        call  write
        la    a0, m_dev
        call  puts
        call  counts
        # 4. privileged instructions from ring 3
        la    t0, user
        mtcr  epc, t0
        li    t0, 3
        mtcr  epsw, t0
        rfe
back:   la    a0, m_user
        call  puts
        call  counts
        # 5. tvec at garbage, then a trap: this guest's end
        la    a0, m_end
        call  puts
        li    t0, 0xdeadbeef
        mtcr  tvec, t0
        syscall
        j     .

scan:   # read at t0 += t4 until t0 == t1; marker words count in s0
        lw    t3, 0(t0)
        bne   t3, t2, 1f
        addi  s0, s0, 1
1:      add   t0, t0, t4
        bne   t0, t1, scan
        ret

poke:   # read, then write, at t0 += t4 until t1
        lw    t3, 0(t0)
        sw    t3, 0(t0)
        add   t0, t0, t4
        bne   t0, t1, poke
        ret

write:  # write all ones at t0 += t4 until t0 == t1 (wraps at 2^32)
        li    t3, 0xffffffff
1:      sw    t3, 0(t0)
        add   t0, t0, t4
        bne   t0, t1, 1b
        ret

counts: # print the trap counts by cause and clear them
        push  ra
        la    s1, ntraps
        li    s2, 0
1:      li    a0, ' '
        call  putc
        lw    a0, 0(s1)
        call  putdec
        sw    zero, 0(s1)
        addi  s1, s1, 4
        addi  s2, s2, 1
        li    t0, 9
        bne   s2, t0, 1b
        call  newline
        pop   ra
        ret

user:   mfcr  t0, tvec
        mtcr  tvec, zero
        mtcr  ptbr, zero
        mtcr  mmu, zero
        rfe
        tlbinv zero
        tlbflush
        halt
        hypercall
        li    t0, PD                  # paging off: ring 3 may write the RAM,
        sw    zero, 0(t0)             # its own, nothing more
        li    t0, 0x100000
        lw    t1, 0(t0)
        li    t0, 0x7e57
        syscall

# ---- the handler: count by cause, skip the instruction; a system call from
# ring 3 returns to the kernel at back
        VECTORS trap, trap
trap:   mtcr  scratch, t0
        push  t1
        push  t2
        mfcr  t0, cause
        andi  t0, t0, 0xff
        slli  t1, t0, 2
        la    t2, ntraps
        add   t1, t1, t2
        lw    t2, 0(t1)
        addi  t2, t2, 1
        sw    t2, 0(t1)
        li    t1, 1
        beq   t0, t1, 1f
        mfcr  t0, epc
        addi  t0, t0, 4
        mtcr  epc, t0
        j     2f
1:      la    t0, back                # the system call from ring 3
        mtcr  epc, t0
        mtcr  epsw, zero
2:      pop   t2
        pop   t1
        mfcr  t0, scratch
        rfe

        .include "klib.inc"

        .data
m_read: .asciz "hostile: marker words seen (then traps by cause) "
m_pt:   .asciz "hostile: page tables beyond RAM:"
m_dev:  .asciz "hostile: device writes:"
m_user: .asciz "hostile: ring 3:"
m_end:  .asciz "hostile: tvec -> garbage\n"
        .align 4
ntraps: .space 9 * 4
