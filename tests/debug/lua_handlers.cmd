# Handlers on dbg.machine fire while the debugger runs forward: a write
# takes effect at the next boundary, x:stop() stops the run, an error is
# reported and stops it, and the session goes on.
lua x = dbg.machine; calls = 0
lua h = x:on("insn", x:symbol("square"), function(ev) calls = calls + 1; if calls == 2 then x.cpu.a0 = 10 end; if calls == 3 then x:stop() end end)
lua h
continue
lua print(calls, x.cpu.s0, x.phys:read32(x:symbol("counter")))
lua h:remove()
lua e = x:on("insn", x:symbol("multiply"), function(ev) local t; return t.x end)
continue
info registers a0
lua e:remove(); x:on("poweroff", function(ev) print("exit " .. ev.exit) end)
continue
