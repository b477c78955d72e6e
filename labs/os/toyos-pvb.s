# toyos-pvb.s -- toyos-pv whose page-table writes all go through the
# monitor's mmu_update, batched in lazy MMU mode (pvmmu.s; lab 07,
# docs/paravirt.md): run it with `vmlab run --vmm pv`.
#
#   vmlab asm labs/os/toyos-pvb.s -o toyos-pvb.elf
        .equ PARAVIRT, 1
        .equ PV_BATCH, 1
        .text
        .org 0x2000
        .include "toyos.s"
