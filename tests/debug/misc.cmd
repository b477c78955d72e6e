# help for every command; gdb's abbreviations and unique prefixes;
# displays; tracing.
help
help stepi
help x
help reverse-stepi
help disas
help i
b square
c
i b
si
ni
s
n
p $a0
disp $a0
display/x $sp
display/2xw $sp
info display
fin
undisplay 2
undisplay
i display
trace on
si 3
trace off
trace insn,mmu
si 2
trace
trace off
i r pc
cont
