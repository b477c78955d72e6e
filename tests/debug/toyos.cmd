# toyos's user programs have names: `break prog_hello` stops in ring 3 in
# the process that runs it, with its symbol and source line; list,
# disassemble and info symbol work there.  bt in the kernel, during the
# program's write system call, shows the kernel frames, the trap frame and
# the user frames under it.
# prog: toyos.elf
# setup: printf 'hello\n' > hello.in
# args: --console-in hello.in --max-insns 50000000
break prog_hello
run
info symbol $pc
list prog_hello
disassemble
bt
break sys_write
continue
bt
frame 5
info frame
up
info frame
down 5
x/s hello_text
p/x &hello_text
reverse-finish
reverse-finish
bt
