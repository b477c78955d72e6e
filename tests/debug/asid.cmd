# Breakpoints per address space: virtual ones in one ASID only, and a
# physical one, with paging on.
# prog: trap.s
break -asid 1 user_main
break -asid 0 sys_entry
break -p 0x2010
info break
run
p $asid
continue
x/i $pc
info break
