# cow.s -- copy-on-write fork (built when COW = 1: toyos-cow.s).  Lab 03's
# exercise: its solution markers are comments that scripts/mklab strips
# to their TODO lines (docs/teaching.md).
#
# fork shares every user page between parent and child instead of copying
# it: both page tables map the same frame, read-only, with the software bit
# PTE_COW set, and the frame's count of users (page_refs) goes up.  The
# first write to such a page, by either process, is a protection fault;
# cow_fault then gives the writer a copy of its own (or, when the writer is
# the last user, simply makes the page writable again).  The kernel writes
# user memory only after user_check, whose user_page calls cow_fault too.
#
#   a shared page's entry, in both tables:
#   31                          12 11   7  6   5   4   3   2   1   0
#  +------------------------------+------+---+---+---+---+---+---+---+
#  |   the same frame             |  0   |COW| D | A | G | U | 0 | P |
#  +------------------------------+------+---+---+---+---+---+---+---+
#
# page_refs[frame] counts the page tables (or kernel uses) that hold the
# frame: page_alloc sets 1, page_free takes 1 off and frees at 0 (vm.s).

        .text

# uvm_share(a0 = source directory, a1 = destination directory) -> a0 = 0 or
# E_NOMEM.  Fork's copy-on-write: every present user page of the source is
# mapped at the same address in the destination, both entries read-only
# with PTE_COW (a read-only page stays read-only, without PTE_COW), and the
# frame gets one more user.  On E_NOMEM the caller frees the destination
# with uvm_free, which takes back the users added so far.
uvm_share:
        push  ra
        push  s0
        push  s1
        push  s2
        push  s3
        mv    s0, a0
        mv    s1, a1
        li    s2, USER_BASE             # s2 = the user address being shared
1:      li    t0, USER_TOP
        bgeu  s2, t0, 8f
        mv    a0, s0                    # the source's entry, if any
        mv    a1, s2
        li    a2, 0
        call  walk
        bnez  a0, 2f
        li    t0, 0x400000              # no page table: skip its 4 MiB
        add   s2, s2, t0
        srli  s2, s2, 22
        slli  s2, s2, 22
        j     1b
2:      lw    s3, 0(a0)                 # s3 = the source's entry
        andi  t0, s3, PTE_P
        beqz  t0, 7f
        # BEGIN SOLUTION TODO: a writable entry loses PTE_W and gets PTE_COW, in the source too; map it in the destination; one more user
        andi  t0, s3, PTE_W
        beqz  t0, 3f
        li    t0, ~PTE_W
        and   s3, s3, t0
        ori   s3, s3, PTE_COW
        PTE_WRITE s3, a0                # the parent's copy becomes read-only
3:      mv    a0, s1
        mv    a1, s2
        mv    a2, s3
        call  map_page
        bnez  a0, 9f
        PAGE_REF t0, s3, t1
        lbu   t1, 0(t0)
        addi  t1, t1, 1
        sb    t1, 0(t0)
        # END SOLUTION
7:      li    t0, PAGE_SIZE
        add   s2, s2, t0
        j     1b
8:
        # BEGIN SOLUTION TODO: the parent's TLB may still hold its pages writable
        TLB_FLUSH
        # END SOLUTION
        li    a0, 0
        j     10f
9:      TLB_FLUSH
        li    a0, E_NOMEM
10:     pop   s3
        pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

# cow_fault(a0 = user va, a1 = CAUSE) -> a0 = 0 if this was a write to a
# shared page of the current process and the page is now its own and
# writable; 1 if it was not such a fault (the caller goes on: demand
# paging, or kill); E_NOMEM if no page was free for the copy.
cow_fault:
        li    t0, CAUSE_CODE | CAUSE_PROT | 0xf00
        and   t0, a1, t0
        li    t1, T_PAGEFAULT | CAUSE_PROT | CAUSE_WRITE
        bne   t0, t1, 8f                # not a write to a read-only page
        li    t0, USER_BASE
        bltu  a0, t0, 8f
        push  ra
        push  s0
        push  s1
        push  s2
        mv    s0, a0                    # s0 = va
        la    t0, current
        lw    t0, 0(t0)
        lw    a0, P_PDIR(t0)
        mv    a1, s0
        li    a2, 0
        call  walk
        beqz  a0, 7f
        mv    s1, a0                    # s1 = the entry's address
        lw    s2, 0(s1)                 # s2 = the entry
        andi  t0, s2, PTE_P
        beqz  t0, 7f
        andi  t0, s2, PTE_COW
        beqz  t0, 7f                    # read-only for good: not ours
        # BEGIN SOLUTION TODO: last user: make it writable; else copy the frame into a new page, map that, drop a user of the old one; then the TLB
        PAGE_REF t0, s2, t1
        lbu   t1, 0(t0)
        li    t0, 1
        beq   t1, t0, 2f                # the last user: no copy needed
        call  page_alloc
        beqz  a0, 6f
        srli  a1, s2, PAGE_SHIFT        # copy the shared frame
        slli  a1, a1, PAGE_SHIFT
        push  a0
        li    a2, PAGE_SIZE
        call  memcopy
        srli  a0, s2, PAGE_SHIFT        # the old frame has one user less
        slli  a0, a0, PAGE_SHIFT
        call  page_free
        pop   t0
        andi  s2, s2, PTE_FLAGS         # the new frame, same rights
        or    s2, s2, t0
2:      li    t0, ~PTE_COW
        and   s2, s2, t0
        ori   s2, s2, PTE_W
        PTE_WRITE s2, s1
        TLB_FLUSH                       # the old read-only translation
        # END SOLUTION
        li    a0, 0
        j     9f
6:      li    a0, E_NOMEM
        j     9f
7:      li    a0, 1
9:      pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret
8:      li    a0, 1
        ret

        .bss
page_refs: .space MAX_RAM >> PAGE_SHIFT  # users of each frame (a byte each)
        .text
