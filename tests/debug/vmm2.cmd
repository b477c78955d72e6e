# prog: trap.s
# status: 1
# args: --keep-going --vm trap.s --vmm-cost exit=100,entry=100,emulate=10,shadow_fill=10,pt_write=10,mmio=10,inject=10
# Two guests (the image given and a --vm): each stop selects the VM on the
# CPU; `vm N` selects another, whose virtual CPU is then read-only, and
# whose breakpoints they become.
catch vmexit mmio
continue
info vms
vm 1
p/x $pc
set $a0 = 1
info shadow 0x1000
vm 2
vm 0
info exits 2
# a breakpoint set with vm1 selected stops in vm1 only, though both run it
delete 1
vm 1
break user_main
continue
info vms
info breakpoints
delete
continue
