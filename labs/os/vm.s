# vm.s -- physical pages and address spaces.
#
#   the free-page list      freelist_init, page_alloc, page_free
#   kernel page tables      kvm_init (identity map of RAM + devices, paging on)
#   address spaces          pdir_new, walk, map_page, uvm_free, uvm_copy,
#                           uvm_count, load_image
#   user memory             user_check, user_page, user_strcpy, demand_fill
#
# Free pages are kept in a singly linked list threaded through the pages
# themselves: the first word of a free page holds the address of the next.
# Because the kernel maps all of RAM at VA = PA, a page's physical address
# is also a pointer the kernel can use.
#
# An address space is one page directory (1024 entries, one per 4 MiB).
# Its kernel half is a copy of kernel_pdir's entries, made when it is
# created; those entries point at the kernel's page tables, which are all
# built at boot and never change, so the kernel mapping is identical in
# every address space.  The user half (USER_BASE .. USER_TOP) points at
# page tables of its own.  A page-table entry:
#
#   31                          12 11      6  5   4   3   2   1   0
#  +------------------------------+---------+---+---+---+---+---+---+
#  |   frame number (phys >> 12)  |   SW    | D | A | G | U | W | P |
#  +------------------------------+---------+---+---+---+---+---+---+
#
# Kernel pages: P W G.  User pages: P W U.  Every store into a directory or
# a table goes through PTE_WRITE (PDE_WRITE in walk, arch.inc); loops that
# write many entries run in lazy MMU mode (MMU_LAZY_BEGIN .. _END), where a
# paravirtual build may batch them (toyos-pvb.s, pvmmu.s).

        .text

# freelist_init(a0 = the end of the kernel, a1 = end; both page-aligned):
# put every page of [KERNEL_END, a1) on the free list, lowest address
# first.  KERNEL_END (toyos.inc) is the same in the native and the
# paravirtual build, whose kernel is larger and gives page 1 to the
# monitor, so both have the same free memory and print the same output.
freelist_init:
        li    t0, KERNEL_END
        bleu  a0, t0, 1f
        la    a0, msg_kbig              # the kernel grew: raise KERNEL_END
        call  panic
1:      mv    a0, t0
        mv    t0, a1                    # t0 = next page to add, from the top down
        li    t1, 0                     # t1 = the list so far
        li    t2, 0                     # t2 = how many pages
        li    t3, PAGE_SIZE
1:      sub   t0, t0, t3
        bltu  t0, a0, 2f
        sw    t1, 0(t0)                 # link the page in front of the list
        mv    t1, t0
        addi  t2, t2, 1
        j     1b
2:      la    t0, free_head
        sw    t1, 0(t0)
        la    t0, free_count
        sw    t2, 0(t0)
        ret

# page_alloc() -> a0 = a zeroed page, or 0 if none is free.  Clobbers t0, t1.
page_alloc:
        la    t0, free_head
        lw    a0, 0(t0)
        beqz  a0, 2f
        lw    t1, 0(a0)                 # unlink it
        sw    t1, 0(t0)
        la    t0, free_count
        lw    t1, 0(t0)
        addi  t1, t1, -1
        sw    t1, 0(t0)
        .if COW
        PAGE_REF t0, a0, t1             # one user (cow.s)
        li    t1, 1
        sb    t1, 0(t0)
        .endif
        li    t1, PAGE_SIZE             # zero it
        add   t1, a0, t1
        mv    t0, a0
1:      sw    zero, 0(t0)
        sw    zero, 4(t0)
        sw    zero, 8(t0)
        sw    zero, 12(t0)
        addi  t0, t0, 16
        bne   t0, t1, 1b
2:      ret

# page_free(a0 = page): give a page back.  Clobbers t0, t1.  With COW, a
# shared page only loses a user; the last one gives it back.
page_free:
        .if COW
        PAGE_REF t0, a0, t1
        lbu   t1, 0(t0)
        addi  t1, t1, -1
        sb    t1, 0(t0)
        beqz  t1, 1f
        ret
1:
        .endif
        la    t0, free_head
        lw    t1, 0(t0)
        sw    t1, 0(a0)
        sw    a0, 0(t0)
        la    t0, free_count
        lw    t1, 0(t0)
        addi  t1, t1, 1
        sw    t1, 0(t0)
        ret

# walk(a0 = page directory, a1 = va, a2 = flags for a new directory entry,
# or 0 to create nothing) -> a0 = address of the page-table entry for va,
# or 0 if there is no page table (and none could or should be created).
walk:
        srli  t0, a1, 22
        slli  t0, t0, 2
        add   t0, a0, t0                # t0 = address of the directory entry
        lw    t1, 0(t0)
        andi  t2, t1, PTE_P
        bnez  t2, 2f                    # the page table exists
        beqz  a2, 3f
        addi  sp, sp, -16               # make one: a fresh zeroed page
        sw    ra, 0(sp)
        sw    a1, 4(sp)
        sw    a2, 8(sp)
        sw    t0, 12(sp)
        call  page_alloc
        mv    t1, a0
        lw    ra, 0(sp)
        lw    a1, 4(sp)
        lw    a2, 8(sp)
        lw    t0, 12(sp)
        addi  sp, sp, 16
        beqz  t1, 3f
        or    t1, t1, a2
        PDE_WRITE t1, t0
2:      srli  t1, t1, PAGE_SHIFT        # t1 = the page table's address
        slli  t1, t1, PAGE_SHIFT
        srli  t2, a1, PAGE_SHIFT        # index in the table: va bits 21..12
        andi  t2, t2, 0x3ff
        slli  t2, t2, 2
        add   a0, t1, t2
        ret
3:      li    a0, 0
        ret

# map_page(a0 = page directory, a1 = va, a2 = entry: frame | flags)
# -> a0 = 0, or E_NOMEM if a page table was needed and none was free.
# The directory entry made for a new table gets P W, and U if the entry does.
map_page:
        push  ra
        push  a2
        andi  a2, a2, PTE_U
        ori   a2, a2, PTE_P | PTE_W
        call  walk
        pop   a2
        pop   ra
        beqz  a0, 1f
        PTE_WRITE a2, a0
        li    a0, 0
        ret
1:      li    a0, E_NOMEM
        ret

# kvm_init(): build kernel_pdir, the kernel's page directory (an identity
# map of RAM from page 1 to ram_top, and the device pages), load it and
# turn paging on.  Page 0 stays unmapped so that a null pointer faults.
kvm_init:
        push  ra
        push  s0
        push  s1
        call  page_alloc
        beqz  a0, 9f
        la    t0, kernel_pdir
        sw    a0, 0(t0)
        mv    s0, a0
        MMU_LAZY_BEGIN
        li    s1, PAGE_SIZE             # s1 = the page being mapped
1:      mv    a0, s0
        mv    a1, s1
        ori   a2, s1, PTE_P | PTE_W | PTE_G
        call  map_page
        bnez  a0, 9f
        li    t0, PAGE_SIZE
        add   s1, s1, t0
        la    t0, ram_top
        lw    t0, 0(t0)
        bltu  s1, t0, 1b
        li    s1, INTC                  # the devices, one page each
2:      mv    a0, s0
        mv    a1, s1
        ori   a2, s1, PTE_P | PTE_W | PTE_G
        call  map_page
        bnez  a0, 9f
        li    t0, PAGE_SIZE
        add   s1, s1, t0
        li    t0, INTC + DEV_PAGES * PAGE_SIZE
        bltu  s1, t0, 2b
        MMU_LAZY_END
        CR_WRITE ptbr, s0
        CR_WRITE asid, zero
        TLB_FLUSH
        li    t0, 1
        CR_WRITE mmu, t0                # paging on; the next fetch is translated
        pop   s1
        pop   s0
        pop   ra
        ret
9:      la    a0, msg_kvm
        call  panic

# pdir_new() -> a0 = a new page directory holding the kernel's entries,
# or 0 if no page is free.
pdir_new:
        push  ra
        call  page_alloc
        beqz  a0, 3f
        MMU_LAZY_BEGIN
        la    t0, kernel_pdir
        lw    t0, 0(t0)                 # t0 = the kernel's entry i
        mv    t1, a0                    # t1 = the new directory's entry i
        li    t2, PAGE_SIZE
        add   t2, t0, t2
1:      lw    t3, 0(t0)
        beqz  t3, 2f                    # the new page is zero already
        PTE_WRITE t3, t1
2:      addi  t0, t0, 4
        addi  t1, t1, 4
        bne   t0, t2, 1b
        MMU_LAZY_END
3:      pop   ra
        ret

# uvm_free(a0 = page directory): free an address space: every user page,
# every user page table, and the directory.  It must not be the one in use.
uvm_free:
        push  ra
        push  s0
        push  s1
        push  s2
        push  s3
        mv    s0, a0
        li    s1, USER_PDE_FIRST * 4    # s1 = offset of the directory entry
1:      add   t0, s0, s1
        lw    s2, 0(t0)
        andi  t0, s2, PTE_P
        beqz  t0, 4f
        srli  s2, s2, PAGE_SHIFT        # s2 = the page table
        slli  s2, s2, PAGE_SHIFT
        li    s3, 0                     # s3 = offset of the table entry
2:      add   t0, s2, s3
        lw    a0, 0(t0)
        andi  t0, a0, PTE_P
        beqz  t0, 3f
        srli  a0, a0, PAGE_SHIFT
        slli  a0, a0, PAGE_SHIFT
        call  page_free
3:      addi  s3, s3, 4
        li    t0, PAGE_SIZE
        bne   s3, t0, 2b
        mv    a0, s2
        call  page_free
4:      addi  s1, s1, 4
        li    t0, USER_PDE_END * 4
        bne   s1, t0, 1b
        mv    a0, s0
        call  page_free
        pop   s3
        pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

# uvm_count(a0 = page directory) -> a0 = pages it uses: the directory,
# the user page tables and the user pages.
uvm_count:
        li    t4, 1                     # the directory itself
        li    t0, USER_PDE_FIRST * 4
1:      add   t1, a0, t0
        lw    t1, 0(t1)
        andi  t2, t1, PTE_P
        beqz  t2, 4f
        addi  t4, t4, 1                 # a page table
        srli  t1, t1, PAGE_SHIFT
        slli  t1, t1, PAGE_SHIFT
        li    t2, PAGE_SIZE
        add   t2, t1, t2
2:      lw    t3, 0(t1)
        andi  t3, t3, PTE_P
        add   t4, t4, t3                # + 1 per present page
        addi  t1, t1, 4
        bne   t1, t2, 2b
4:      addi  t0, t0, 4
        li    t1, USER_PDE_END * 4
        bne   t0, t1, 1b
        mv    a0, t4
        ret

# uvm_copy(a0 = source directory, a1 = destination directory) -> a0 = 0 or
# E_NOMEM.  Fork's real copy: every user page of the source gets a new
# page in the destination, at the same address, with the same rights and
# the same contents.  On E_NOMEM the destination holds a partial copy that
# the caller frees with uvm_free.
uvm_copy:
        push  ra
        push  s0
        push  s1
        push  s2
        push  s3
        mv    s0, a0
        mv    s1, a1
        MMU_LAZY_BEGIN
        li    s2, USER_BASE             # s2 = the user address being copied
1:      li    t0, USER_TOP
        bgeu  s2, t0, 8f
        srli  t0, s2, 22                # the source's directory entry
        slli  t0, t0, 2
        add   t0, s0, t0
        lw    t0, 0(t0)
        andi  t1, t0, PTE_P
        bnez  t1, 2f
        li    t1, 0x400000              # no page table: skip its 4 MiB
        add   s2, s2, t1
        j     1b
2:      srli  t0, t0, PAGE_SHIFT        # the source's page-table entry
        slli  t0, t0, PAGE_SHIFT
        srli  t1, s2, PAGE_SHIFT
        andi  t1, t1, 0x3ff
        slli  t1, t1, 2
        add   t0, t0, t1
        lw    s3, 0(t0)
        andi  t1, s3, PTE_P
        beqz  t1, 7f
        call  page_alloc                # a0 = the copy
        beqz  a0, 9f
        push  a0
        srli  a1, s3, PAGE_SHIFT
        slli  a1, a1, PAGE_SHIFT
        li    a2, PAGE_SIZE
        call  memcopy
        lw    a2, 0(sp)
        andi  t0, s3, PTE_P | PTE_W | PTE_U
        or    a2, a2, t0
        mv    a0, s1
        mv    a1, s2
        call  map_page
        pop   t0
        beqz  a0, 7f
        mv    a0, t0                    # no page table for it: give it back
        call  page_free
        j     9f
7:      li    t0, PAGE_SIZE
        add   s2, s2, t0
        j     1b
8:      li    a0, 0
        j     10f
9:      li    a0, E_NOMEM
10:     MMU_LAZY_END
        pop   s3
        pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

# load_image(a0 = page directory) -> a0 = 0 or E_NOMEM: copy the user
# image (every built-in program, see user.s) to USER_BASE, page by page.
load_image:
        push  ra
        push  s0
        push  s1
        push  s2
        mv    s0, a0
        MMU_LAZY_BEGIN
        li    s1, 0                     # s1 = offset in the image
1:      la    t0, ubin_end
        la    t1, ubin_start
        sub   s2, t0, t1                # s2 = bytes of the image left to copy
        sub   s2, s2, s1
        ble   s2, zero, 8f              # all copied
        call  page_alloc
        beqz  a0, 9f
        push  a0
        li    t0, PAGE_SIZE
        bleu  s2, t0, 2f
        mv    s2, t0                    # s2 = bytes for this page
2:      mv    a2, s2
        la    a1, ubin_start
        add   a1, a1, s1
        call  memcopy
        lw    a2, 0(sp)
        ori   a2, a2, PTE_P | PTE_W | PTE_U
        mv    a0, s0
        li    a1, USER_BASE
        add   a1, a1, s1
        call  map_page
        pop   t0
        beqz  a0, 3f
        mv    a0, t0
        call  page_free
        j     9f
3:      li    t0, PAGE_SIZE
        add   s1, s1, t0
        j     1b
8:      li    a0, 0
        j     10f
9:      li    a0, E_NOMEM
10:     MMU_LAZY_END
        pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

# demand_fill(a0 = user va) -> a0 = 0 if va is in the current process's
# heap or stack and now has a zeroed page; E_FAULT if va is not an address
# that fills on demand; E_NOMEM if no page is free.
demand_fill:
        la    t0, current
        lw    t0, 0(t0)
        lw    t1, P_HEAP(t0)            # heap: P_HEAP <= va < P_BRK
        bltu  a0, t1, 1f
        lw    t1, P_BRK(t0)
        bltu  a0, t1, 2f
1:      li    t1, STACK_LIMIT           # stack: STACK_LIMIT <= va < USER_TOP
        bltu  a0, t1, 8f
        li    t1, USER_TOP
        bgeu  a0, t1, 8f
2:      push  ra
        push  s0
        srli  s0, a0, PAGE_SHIFT
        slli  s0, s0, PAGE_SHIFT        # s0 = the page's address
        call  page_alloc
        beqz  a0, 7f
        push  a0
        ori   a2, a0, PTE_P | PTE_W | PTE_U
        mv    a1, s0
        la    t0, current
        lw    t0, 0(t0)
        lw    a0, P_PDIR(t0)
        call  map_page                  # adding a mapping: no TLB flush needed
        pop   t0
        beqz  a0, 6f
        mv    a0, t0
        call  page_free
7:      li    a0, E_NOMEM
6:      pop   s0
        pop   ra
        ret
8:      li    a0, E_FAULT
        ret

# user_page(a0 = user va) -> a0 = 0 if the page holding va is mapped in
# the current process (filling it on demand if it may be), else E_FAULT or
# E_NOMEM.  va must be in [USER_BASE, USER_TOP).
user_page:
        push  ra
        push  s0
        mv    s0, a0
        la    t0, current
        lw    t0, 0(t0)
        lw    a0, P_PDIR(t0)
        mv    a1, s0
        li    a2, 0
        call  walk
        beqz  a0, 1f
        .if COW
        lw    t0, 0(a0)                 # a shared page: the kernel will write
        andi  t0, t0, PTE_COW           # it, so copy it as a user write would
        beqz  t0, 3f
        mv    a0, s0
        li    a1, CAUSE_PROT | CAUSE_WRITE | T_PAGEFAULT
        call  cow_fault
        j     2f
3:
        .endif
        lw    t0, 0(a0)
        andi  t0, t0, PTE_P
        li    a0, 0
        bnez  t0, 2f
1:      mv    a0, s0
        call  demand_fill
2:      pop   s0
        pop   ra
        ret

# user_check(a0 = user va, a1 = length) -> a0 = 0 if the kernel may read
# and write all of [va, va + length) in the current process, else E_FAULT
# (or E_NOMEM).  Pages of the heap and stack are filled on the way, so
# afterwards the kernel can use the range directly: it is mapped, user
# pages are writable, and rings 0-2 may touch pages marked U.
user_check:
        beqz  a1, 3f
        add   t0, a0, a1                # t0 = end
        bltu  t0, a0, 4f                # wrapped around
        li    t1, USER_BASE
        bltu  a0, t1, 4f
        li    t1, USER_TOP
        bgtu  t0, t1, 4f
        push  ra
        push  s0
        push  s1
        srli  s0, a0, PAGE_SHIFT
        slli  s0, s0, PAGE_SHIFT        # s0 = each page of the range
        mv    s1, t0
1:      mv    a0, s0
        call  user_page
        bnez  a0, 2f
        li    t0, PAGE_SIZE
        add   s0, s0, t0
        bltu  s0, s1, 1b
        li    a0, 0
2:      pop   s1
        pop   s0
        pop   ra
        ret
3:      li    a0, 0
        ret
4:      li    a0, E_FAULT
        ret

# user_strcpy(a0 = kernel destination, a1 = user string, a2 = room in
# bytes) -> a0 = the string's length, E_FAULT if it runs into memory the
# process may not use, or E_INVAL if it does not fit (with its NUL).
user_strcpy:
        push  ra
        push  s0
        push  s1
        push  s2
        push  s3
        mv    s0, a0
        mv    s1, a1
        mv    s2, a2
        li    s3, 0                     # s3 = bytes copied
1:      beq   s3, s2, 8f
        add   a0, s1, s3
        andi  t0, a0, PAGE_MASK         # check each new page: the first,
        beqz  s3, 2f                    # and every page boundary crossed
        bnez  t0, 3f
2:      li    a1, 1
        call  user_check
        bnez  a0, 9f
3:      add   t0, s1, s3
        lbu   t1, 0(t0)
        add   t0, s0, s3
        sb    t1, 0(t0)
        beqz  t1, 7f
        addi  s3, s3, 1
        j     1b
7:      mv    a0, s3
        j     9f
8:      li    a0, E_INVAL
9:      pop   s3
        pop   s2
        pop   s1
        pop   s0
        pop   ra
        ret

        .data
msg_kvm:    .asciz "out of memory building the kernel page tables"
msg_kbig:   .asciz "the kernel ends above KERNEL_END (toyos.inc)"
        .align 4
kernel_pdir: .word 0                    # the kernel's page directory (physical)
free_head:  .word 0                     # first free page, 0 if none
free_count: .word 0                     # how many pages are free
