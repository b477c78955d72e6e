# Bad input of every kind: one clear line each, and the session goes on
# (--keep-going; the exit status says something failed).
# args: --keep-going
# status: 1
frobnicate
di
info
info nonsense
stepi abc
stepi 0
continue -1
p
p 1 +
p (1
p 1 2
p nosuch
p $nosuch
p 10 / 0
p 0x1ffffffff
p 12ab
p 'a
p $99
p/q 1
x/4xw 0xf0000000
xp/4xw 0xf0000000
x/4xw 0x7fff0000
x/2z 0x1000
x/0xw 0x1000
x
break nosuch
break *0x1002
break prog.s:999
break 999
break -p 0x7fff0000
break -asid 300 loop
break -q loop
break loop if
break loop if nosuch == 1
tbreak
watch 0xf0000000
watch counter 65
watch 0x1ffe 4
watch -asid 1 counter
watch
catch
catch foo
catch trap 9
catch device nosuch
catch vmexit
catch syscall junk
run-until
delete 99
delete x
enable 5-2
condition 99 1
ignore 1
set $r0 = 5
set $cpuid = 1
set $cycles = 0
set 1 = 2
set $a0
set $a0 == 1
print $a0 = 5 + nosuch
page
page nosuch
disas 0x7fff0000
disas 0x1000,0x0ffc
list nosuch
list prog.s:999
advance
advance nosuch
until nosuch
finish now
run now
reverse-stepi x
reverse-continue now
save
load
display/q $pc
undisplay 7
help nosuch
trace sideways
info symbol nosuch
info line nosuch
echo the session is still here\n
info regs pc
