# toyos-cow.s -- toyos with copy-on-write fork (cow.s; lab 03, docs/toyos.md).
#
#   vmlab asm labs/os/toyos-cow.s -o toyos-cow.elf
        .equ COW, 1
        .include "toyos.s"
