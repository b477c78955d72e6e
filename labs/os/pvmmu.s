# pvmmu.s -- page-table writes through the monitor, in batches (lab 07).
# Built into toyos-pvb.s (PARAVIRT = 1, PV_BATCH = 1), run by `vmlab run
# --vmm pv`.
#
# A Xen guest with direct paging may not store into its page tables: each
# write is a request to the monitor, which validates it (mmu_update,
# docs/paravirt.md section 2).  One hypercall per entry costs an exit per
# entry; fork writes dozens.  So, as Linux's lazy MMU mode does for Xen,
# the kernel brackets its loops of page-table writes with MMU_LAZY_BEGIN
# and MMU_LAZY_END (vm.s: kvm_init, pdir_new, uvm_copy, load_image), and in
# between the writes wait in a batch, sent in one mmu_update:
#
#   PTE_WRITE rs, addr  -> pv_pte_write(a0 = addr, a1 = rs)
#   PDE_WRITE rs, addr  -> sw rs, 0(addr), then pv_pte_write(addr, rs)
#                          (walk reads a directory entry back at once)
#   MMU_LAZY_BEGIN      -> pv_lazy_begin()
#   MMU_LAZY_END        -> pv_lazy_end()
#
# arch.inc owns the batch, the array mmu_update reads:
#
#   pv_batch     +0  ptr     guest-physical address of the entry
#   (MMU_BATCH   +4  val     the new entry
#    entries)    +8  status  written by the monitor: 0, or < 0 refused
#   pv_batch_n   entries waiting;  pv_lazy  1 in lazy mode
#
# The functions may use t0-t4 and a0-a3 (the macros save them) and must
# keep s0-s3 and sp.  Outside lazy mode a write must reach the table
# before pv_pte_write returns; at MMU_LAZY_END nothing may wait.

        .text

# pv_lazy_begin(): writes may wait from now on.
pv_lazy_begin:
        la    t0, pv_lazy
        li    t1, 1
        sw    t1, 0(t0)
        ret

# pv_lazy_end(): leave lazy mode with nothing waiting.
pv_lazy_end:
        push  ra
        # BEGIN SOLUTION TODO: what waits in the batch must reach the tables now
        call  pv_mmu_flush
        # END SOLUTION
        la    t0, pv_lazy
        sw    zero, 0(t0)
        pop   ra
        ret

# pv_pte_write(a0 = the entry's guest-physical address, a1 = its value)
pv_pte_write:
        # BEGIN SOLUTION TODO: append {a0, a1, 0} to pv_batch (flush first when it is full); outside lazy mode flush at once; then return
        push  ra
        la    t0, pv_batch_n
        lw    t1, 0(t0)
        li    t2, MMU_BATCH
        bltu  t1, t2, 1f                # room for one more
        push  a0
        push  a1
        call  pv_mmu_flush
        pop   a1
        pop   a0
        li    t1, 0
1:      slli  t2, t1, 3                 # t2 = pv_batch + 12 * n
        slli  t3, t1, 2
        add   t2, t2, t3
        la    t3, pv_batch
        add   t2, t2, t3
        sw    a0, 0(t2)
        sw    a1, 4(t2)
        sw    zero, 8(t2)
        addi  t1, t1, 1
        la    t0, pv_batch_n
        sw    t1, 0(t0)
        la    t0, pv_lazy
        lw    t0, 0(t0)
        bnez  t0, 2f
        call  pv_mmu_flush              # not lazy: the write is due now
2:      pop   ra
        ret
        # END SOLUTION
        # Unbatched: one mmu_update for this entry alone (the baseline).
        la    t0, pv_one
        sw    a0, 0(t0)
        sw    a1, 4(t0)
        mv    a0, t0
        li    a1, 1
        li    t0, HC_MMU_UPDATE
        hypercall
        bnez  t0, pv_refused
        ret

# pv_mmu_flush(): send what waits in pv_batch in one mmu_update and empty
# it.  An entry the monitor refuses is a kernel bug: panic.
pv_mmu_flush:
        # BEGIN SOLUTION TODO: one mmu_update(pv_batch, pv_batch_n) if any wait; then none wait; a refusal panics
        la    t0, pv_batch_n
        lw    a1, 0(t0)
        beqz  a1, 1f
        sw    zero, 0(t0)
        la    a0, pv_batch
        li    t0, HC_MMU_UPDATE
        hypercall
        bnez  t0, pv_refused
1:
        # END SOLUTION
        ret

pv_refused:
        la    a0, msg_refused
        call  panic

        .data
        .align 4
pv_one:      .word 0, 0, 0              # the unbatched write's array
msg_refused: .asciz "mmu_update refused a page-table entry"
