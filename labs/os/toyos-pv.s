# toyos-pv.s -- toyos built for the paravirtual monitor (`vmlab run --vmm
# pv`, docs/paravirt.md): the same kernel, with arch.inc's paravirtual
# macros.  Page 1 (0x1000) is left out of the image: it is the page the
# kernel shares with the monitor (PV_SHARED), mapped like all of RAM.
#
#   vmlab asm labs/os/toyos-pv.s -o build/toyos-pv.elf

        .equ PARAVIRT, 1
        .text
        .org 0x2000
        .include "toyos.s"
