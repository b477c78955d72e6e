-- vmlab run --vm toyos.elf --lua mon_touch.lua on a terminal (tests/tty):
-- an exit handler that writes a register (its own value); each mtcr exit
-- stops the run to apply it at the next boundary, and the run goes on
-- with the keyboard as before.
local mon = vmlab.session
local x = mon.machine
local n = 0
mon:on("exit", "mtcr", function(ev) x.cpu.s0 = x.cpu.s0; n = n + 1 end)
mon:on("vm_end", function(ev) io.stderr:write(("lua: %d mtcr exits\n"):format(n)) end)
