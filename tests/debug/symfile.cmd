# add-symbol-file FILE [ADDR] [-asid N]: another program's names, moved to
# ADDR; with -asid N they name addresses only in address space N (so they
# do not collide with toyos's own user programs at the same addresses),
# and a breakpoint on one of them stops only there.
# prog: toyos.elf
# status: 1
add-symbol-file uprog.s 0x40000000 -asid 7
info symbol 0x40000008
break uhelper
info breakpoints
add-symbol-file uprog.s 0x50000000
info symbol 0x50000008
info line uhelper
list uloop
p/x &uentry
add-symbol-file nosuch.elf
