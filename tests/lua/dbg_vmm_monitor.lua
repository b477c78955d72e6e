-- dbg.monitor in vmlab debug --vmm trap ../debug/prog.s: the debugger's
-- monitor, as vmlab.monitor{} gives one but borrowed, and dbg.machine its
-- machine.  Handlers and policies fire while the debugger runs; the
-- script cannot run, close or read the console of either.
local mon = dbg.monitor
assert(getmetatable(mon) == "vmlab.monitor" and #mon.vms == 1)
assert(mon.machine == dbg.machine and getmetatable(dbg.machine) == "vmlab.machine")
local vm = mon.vms[1]
assert(vm.name:find("prog.s$") and vm:symbol("square") and mon.current == vm)
assert(not pcall(mon.run, mon) and not pcall(mon.close, mon) and not pcall(mon.console, mon, 0))
local ok, err = pcall(dbg.machine.run, dbg.machine)
assert(not ok and err:find("the debugger runs dbg.monitor"), err)
-- exits while the debugger runs: prog.s prints "squares summed\n" through
-- the UART (an mmio exit a byte) and powers off (one more)
local mmio, ended = 0, nil
mon:on("exit", "mmio", function(ev)
	assert(ev.vm == vm)
	mmio = mmio + 1
end)
mon:on("vm_end", function(ev) ended = ev.exit end)
-- a handler's mon:stop() stops the debugger's run
local h = mon:on("exit", "mmio", function() mon:stop() end)
assert(dbg:command("continue"):find("Stopped by a Lua handler"))
assert(mmio == 1 and vm.state == "running")
h:remove()
dbg:command("continue")
assert(mmio == 16 and ended == 30 and vm.state == "poweroff", mmio)
assert(mon:stats().exits.mmio == 16)
print("dbg_vmm_monitor ok")
