# prog: trap.s
# status: 1
# args: --keep-going --vmm trap --vmm-cost exit=100,entry=100,emulate=10,shadow_fill=10,pt_write=10,mmio=10,inject=10
# The debugger runs the monitor and its guest (trap.s: page tables, a drop
# to ring 3, demand paging).  Cheap exits: the guest's 3000-cycle timer
# would otherwise livelock under the default cost model.
catch vmexit mtcr if $mmu & 1
continue
info vms
vm 0
p/x $ptbr
p/x $psw
info shadow user_main
delete 1
break user_main
continue
info shadow user_main
info shadow 0x400000
catch vmexit pt-write
continue
info shadow 0x12000
delete
x/2xw 0x400000
reverse-stepi
run
info exits 3
continue
info vms
