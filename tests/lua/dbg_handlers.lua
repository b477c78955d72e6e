-- Handlers on dbg.machine, sourced in `vmlab debug ../debug/prog.s`: they
-- fire while the debugger runs the machine forward, never while it
-- replays the past for a reverse command; their writes take effect at the
-- next instruction boundary; x:stop() and an error stop the debugger's run.
local x = dbg.machine
local square, multiply = x:symbol("square"), x:symbol("multiply")
local calls, writes = 0, 0
local h = x:on("insn", square, function(ev)
	calls = calls + 1
	assert(ev.pc == square and x.cpu.pc == square)
	if calls == 2 then x.cpu.a0 = 10 end -- square(1) becomes square(10)
	if calls == 4 then x:stop() end
end)
local out = dbg:command("continue")
assert(out:find("Stopped by a Lua handler.", 1, true), out)
assert(calls == 4 and x.cpu.pc == square and x.cpu.s0 == 3)
assert(x.phys:read32(x:symbol("counter")) == 0 + 100 + 4, "the write did not take")

-- reverse execution replays without handlers; going forward again over
-- the same step does not call them twice
dbg:command("reverse-stepi 3")
assert(calls == 4)
dbg:command("stepi 3")
assert(calls == 4 and x.cpu.pc == square)

-- a write inside an instruction (a store) takes effect after it
local counter = x:symbol("counter")
local w = x:on("write", counter, function(ev)
	x.cpu.t1 = 0xdead
	writes = writes + 1
end)
dbg:breakpoint("loop", {temporary = true})
dbg:command("continue")
assert(writes == 1 and x.cpu.t1 == 0xdead and x.phys:read32(counter) == 0 + 100 + 4 + 9)
w:remove()

-- an error stops the run with the report; the session goes on
local e = x:on("insn", multiply, function() error("bad handler") end)
out = dbg:command("continue")
assert(out:find("Stopped by a Lua handler.", 1, true) and x.cpu.pc == multiply, out)
e:remove()

-- handlers cannot run the debugger (they run inside its run)
local d = x:on("insn", multiply, function() dbg:command("stepi") end)
dbg:command("continue")
d:remove()

-- poweroff, again after a restart
local offs = {}
x:on("poweroff", function(ev) offs[#offs + 1] = ev.exit end)
h:remove()
dbg:command("continue")
dbg:command("run")
assert(#offs == 2 and offs[1] == 0 + 100 + 4 + 9 + 16 and offs[2] == 30, #offs)
print("dbg_handlers ok")
