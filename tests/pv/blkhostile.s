# blkhostile.s -- a paravirtual guest that abuses the disk queue (queue 1,
# docs/paravirt.md, section 6).  Every bad request must fail as documented
# and move no block; every broken ring must be refused.  The guest powers
# off with the number of checks that went otherwise, and prints each one's
# number on the debug port.  Run with mem=1M and a disk of 64 zero blocks:
# afterwards only block 1 may have changed (512 bytes of 'Z', check 3).
#
#   request: desc 0 header {type, 0, block, high} -> desc 1 data (buf)
#            -> desc 2 status (1 byte), ring of Q = 4 at qring

        .include "pvguest.inc"
        .equ Q, 4
        .equ AVAIL, 16 * Q              # pv_ring.c's layout
        .equ USED, (16 * Q + 6 + 2 * Q + 3) & ~3
        .equ NEXT, DESC_NEXT
        .equ WRITE, DESC_WRITE
        .equ BLOCKS, 64                 # the disk run.sh gives it

        .data
__vmlab_paravirt: .word 1
        .bss
        .align 4096
shared:   .space 4096
qring:    .space 4096
buf:      .space 1024
hdr:      .space 16
status:   .space 4
          .space 1024
stack_top:

        .text
        .align 4
vectors:                                # no trap is expected: power off 99
        VECTORS unexpected

# DESC i, word, value: descriptor i's word (0 addr, 1 high, 2 len,
# 3 flags | next << 16) = value.  Clobbers t1, t2.
        .macro DESC i, w, val
        li    t1, \val
        la    t2, qring
        sw    t1, 16 * \i + 4 * \w(t2)
        .endm

        .macro HDR w, val               # header word w = val
        li    t1, \val
        la    t2, hdr
        sw    t1, 4 * \w(t2)
        .endm

# EXPECT id, notify, status, len: the request just kicked was consumed
# (notify's result), wrote `status` (0xff: untouched) and used length len.
        .macro EXPECT id, res, st, len
        CHECK \id, \res
        la    t0, status
        lbu   t0, 0(t0)
        CHECK \id, \st
        call  used_len
        CHECK \id, \len
        .endm

_start:
        la    sp, stack_top
        li    s0, 0                     # s0 = checks that went wrong
        la    a0, shared
        HCALL HC_INIT
        la    a0, vectors
        HCALL HC_SET_TRAP_TABLE
        li    a0, 1                     # 1: a ring that is not 16-aligned
        la    a1, qring + 8
        li    a2, Q
        li    a3, 0
        HCALL HC_QUEUE_INIT
        CHECK 1, EINVAL
        call  qinit
        CHECK 2, 0

        # 3: a good write of block 1, then 4: read back into buf + 512
        call  fill_z
        call  request
        DESC  1, 3, NEXT | (2 << 16)    # data: device-readable
        HDR   0, 1                      # OUT
        HDR   2, 1
        call  kick
        EXPECT 3, 1, 0, 1
        call  request
        DESC  1, 0, buf + 512
        HDR   2, 1
        call  kick
        EXPECT 4, 1, 0, 513
        la    t3, buf + 512 + 508
        lw    t0, 0(t3)
        CHECK 4, 0x5a5a5a5a

        # 5: a block beyond the disk
        call  request
        HDR   2, BLOCKS
        call  kick
        EXPECT 5, 1, 1, 1
        # 6: two blocks, the second beyond: nothing moves (buf stays 'Z')
        call  request
        DESC  1, 2, 1024
        HDR   2, BLOCKS - 1
        call  kick
        EXPECT 6, 1, 1, 1
        la    t3, buf
        lw    t0, 0(t3)
        CHECK 6, 0x5a5a5a5a
        # 7: a huge block number (high word set), 8: block 0xffffffff
        call  request
        HDR   3, 1
        call  kick
        EXPECT 7, 1, 1, 1
        call  request
        HDR   2, 0xffffffff
        call  kick
        EXPECT 8, 1, 1, 1
        # 9: a huge count: 128 blocks (64 KiB, the most a buffer holds) on
        # a disk of 64; 10: a buffer larger than a descriptor may be
        call  request
        DESC  1, 2, 0x10000
        call  kick
        EXPECT 9, 1, 1, 1
        call  request
        DESC  1, 2, 0x7ffffe00
        call  kick
        EXPECT 10, 1, 1, 1
        # 11: not whole blocks; 12: no bytes
        call  request
        DESC  1, 2, 100
        call  kick
        EXPECT 11, 1, 1, 1
        call  request
        DESC  1, 2, 0
        call  kick
        EXPECT 12, 1, 1, 1
        # 13: data outside its RAM; 14: running past its end; 15: a high
        # address word
        call  request
        DESC  1, 0, 0x00200000
        call  kick
        EXPECT 13, 1, 1, 1
        call  request
        DESC  1, 0, 0x000fff00
        call  kick
        EXPECT 14, 1, 1, 1
        call  request
        DESC  1, 1, 1
        call  kick
        EXPECT 15, 1, 1, 1
        # 16: an unknown type; 17: a read into a read-only buffer
        call  request
        HDR   0, 7
        call  kick
        EXPECT 16, 1, 2, 1
        call  request
        DESC  1, 3, NEXT | (2 << 16)
        call  kick
        EXPECT 17, 1, 1, 1
        # 18: a short header; 19: a device-writable header; 20: no data
        # (header -> status); 21: four descriptors
        call  request
        DESC  0, 2, 8
        call  kick
        EXPECT 18, 1, 1, 1
        call  request
        DESC  0, 3, NEXT | WRITE | (1 << 16)
        call  kick
        EXPECT 19, 1, 1, 1
        call  request
        DESC  0, 3, NEXT | (2 << 16)
        call  kick
        EXPECT 20, 1, 1, 1
        call  request
        DESC  2, 3, WRITE | NEXT | (3 << 16)
        DESC  3, 0, status
        DESC  3, 2, 1
        DESC  3, 3, WRITE
        call  kick
        EXPECT 21, 1, 1, 1              # (desc 3 is the status now)

        # 22-25: a status that cannot take the status: read-only, empty,
        # outside its RAM, at its very end (1 byte there is fine: 26)
        call  request
        DESC  2, 3, 0
        call  kick
        EXPECT 22, 1, 0xff, 0
        call  request
        DESC  2, 2, 0
        call  kick
        EXPECT 23, 1, 0xff, 0
        call  request
        DESC  2, 0, 0x00100000
        call  kick
        EXPECT 24, 1, 0xff, 0
        call  request
        DESC  2, 0, 0x000fffff
        DESC  2, 2, 2
        call  kick
        EXPECT 25, 1, 0xff, 0
        call  request
        DESC  2, 0, 0x000fffff
        li    t1, 0xff
        li    t2, 0x000fffff
        sb    t1, 0(t2)
        call  kick
        CHECK 26, 1
        li    t0, 0x000fffff
        lbu   t0, 0(t0)
        CHECK 26, 0

        # 27: a chain that loops (data -> header): nothing moves, no
        # status, the queue is broken (28: for good, until queue_init)
        call  request
        DESC  1, 3, NEXT | WRITE | (0 << 16)
        call  kick
        CHECK 27, EINVAL
        la    t0, status
        lbu   t0, 0(t0)
        CHECK 27, 0xff
        li    a0, 1
        HCALL HC_NOTIFY
        CHECK 28, EINVAL
        # 29: a next beyond the table
        call  qinit
        call  request
        DESC  1, 3, NEXT | WRITE | (9 << 16)
        call  kick
        CHECK 29, EINVAL
        # 30: a head beyond the table
        call  qinit
        call  request
        li    t1, 5
        sh    t1, AVAIL + 4(s1)
        li    t1, 1
        sh    t1, AVAIL + 2(s1)
        li    a0, 1
        HCALL HC_NOTIFY
        CHECK 30, EINVAL
        # 31: avail.idx more than Q ahead
        call  qinit
        li    t1, Q + 1
        sh    t1, AVAIL + 2(s1)
        li    a0, 1
        HCALL HC_NOTIFY
        CHECK 31, EINVAL
        # 32: after queue_init it works again
        call  qinit
        call  request
        call  kick
        EXPECT 32, 1, 0, 513

        # 33: a storm of kicks on a live, empty disk queue: each finds nothing
        li    s2, 20000
        li    s3, 0
1:      li    a0, 1
        HCALL HC_NOTIFY
        or    s3, s3, t0
        addi  s2, s2, -1
        bnez  s2, 1b
        mv    t0, s3
        CHECK 33, 0

        # 34: a polled queue (no kick): the monitor drains it at any exit
        li    a3, 1
        call  qinit_a3
        CHECK 34, 0
        lhu   t0, USED(s1)
        CHECK 34, 1                     # used.flags = NO_NOTIFY
        call  request
        lhu   t1, AVAIL + 2(s1)
        slli  t2, t1, 1
        andi  t2, t2, 2 * (Q - 1)
        add   t2, t2, s1
        sh    zero, AVAIL + 4(t2)
        addi  t1, t1, 1
        sh    t1, AVAIL + 2(s1)
        lhu   t0, USED + 2(s1)
        CHECK 35, 0                     # not yet: no exit since
        HCALL HC_YIELD                  # an exit (any): drained at its end
        lhu   t0, USED + 2(s1)
        CHECK 35, 1
        la    t0, status
        lbu   t0, 0(t0)
        CHECK 36, 0

        li    t0, POWER
        sw    s0, 0(t0)

# qinit(): a fresh disk queue of Q at qring, every word zero -> t0 = the
# hypercall's result, s1 = qring; qinit_a3: with queue_init flags a3.
# Clobbers a0..a3, t1.
qinit:
        li    a3, 0
qinit_a3:
        la    s1, qring
        li    t1, 0
1:      add   a0, s1, t1
        sw    zero, 0(a0)
        addi  t1, t1, 4
        li    a0, 256
        bne   t1, a0, 1b
        li    a0, 1
        mv    a1, s1
        li    a2, Q
        HCALL HC_QUEUE_INIT
        ret

# request(): descriptors 0-2 as a good read of block 0 into buf, the
# status 0xff.  Clobbers t1, t2.
request:
        DESC  0, 0, hdr
        DESC  0, 1, 0
        DESC  0, 2, 16
        DESC  0, 3, NEXT | (1 << 16)
        DESC  1, 0, buf
        DESC  1, 1, 0
        DESC  1, 2, 512
        DESC  1, 3, NEXT | WRITE | (2 << 16)
        DESC  2, 0, status
        DESC  2, 1, 0
        DESC  2, 2, 1
        DESC  2, 3, WRITE
        HDR   0, 0                      # IN, block 0
        HDR   1, 0
        HDR   2, 0
        HDR   3, 0
        la    t1, status
        li    t2, 0xff
        sb    t2, 0(t1)
        ret

# kick(): chain head 0 made available, then notify -> t0 = its result.
# Clobbers a0, t1, t2.
kick:
        la    t2, qring
        lhu   t1, AVAIL + 2(t2)
        andi  a0, t1, Q - 1
        slli  a0, a0, 1
        add   a0, a0, t2
        sh    zero, AVAIL + 4(a0)
        addi  t1, t1, 1
        sh    t1, AVAIL + 2(t2)
        li    a0, 1
        HCALL HC_NOTIFY
        ret

# used_len() -> t0 = the length of the newest used entry.  Clobbers t1, t2.
used_len:
        la    t2, qring
        lhu   t1, USED + 2(t2)
        addi  t1, t1, -1
        andi  t1, t1, Q - 1
        slli  t1, t1, 3
        add   t1, t1, t2
        lw    t0, USED + 8(t1)
        ret

# fill_z(): buf[0..512) = 'Z'.  Clobbers t1, t2.
fill_z:
        la    t1, buf
        li    t2, 0x5a5a5a5a
1:      sw    t2, 0(t1)
        addi  t1, t1, 4
        la    t0, buf + 512
        bne   t1, t0, 1b
        ret

unexpected:
        li    t0, POWER
        li    t1, 99
        sw    t1, 0(t0)
