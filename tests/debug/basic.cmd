# Stepping, source lines, registers and memory on a ring-0 program.
# prog: prog.s
info registers
stepi
stepi 2
info regs pc sp s0
step
step
# into the call: square, then multiply
step
step
step
step
finish
finish
next
next
nexti
# an empty line repeats the last step/next
stepi

next

until
until
advance puts
info line
info symbol $pc
info symbol counter+2
list
list
list multiply
list prog.s:8
x/s $a0
x/4xb $a0
x
x/2c message

x/3dw counter
x/2uh counter
x/2a $sp
x/3i $pc
xp/2xw 0x1000
disassemble
disassemble multiply,+8
disas square
print $a0
p/x $sp
p/d -1
p/t 10
p/o 8
p/c 65
p/a multiply
p 'a' + 1
p (1 + 2) * 3 << 2
p $1 + $2
p $
p {b}message
p *counter
p counter
p $cycles > 100 && $instret != 0
echo done\n
set var $a1 = 7
print $t0 = $a1 * 2
p $t0
set {w}counter = 0x1234
x/xw counter
set {h}(counter+2) = 0xbeef
x/xw counter
set $pc = square
info registers pc
info stats
