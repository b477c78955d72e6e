# gdb's meanings: a data label is a word variable, &label its address, a
# code label its address; set and set var store; watch takes an lvalue.
# args: --keep-going
# status: 1
break square
run
p counter
p &counter
p/x &message
p square
p &square
set counter = 3
p counter
set var counter = counter + 4
p counter
p *&counter
x/1dw &counter
x/1dw counter
watch *0x2000
watch counter
watch {b}message
info breakpoints
delete
watch counter
continue
p counter == 7 + 1
p &$sp
