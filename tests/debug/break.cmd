# Breakpoints: by symbol, address, FILE:LINE and LINE; temporary,
# conditional, ignored, physical, per address space (never hit here:
# paging is off); enable, disable, delete; run restarts.
break square
tbreak multiply
break *0x1074
break prog.s:44
break 19
break -p 0x1030
break -asid 3 loop
info breakpoints
disable 3-6
continue
continue
info break
condition 1 $a0 == 1
continue
p $a0
condition 1
ignore 1 1
continue
p $a0
enable 4
continue 2
x/s $a0
delete 1
continue
delete 4
continue
enable 6
run
disable
continue
delete
break loop if $s0 >= 3
run
p $s0
info break
