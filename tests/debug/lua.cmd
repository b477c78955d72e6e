# Lua in the debugger: one state for the session, dbg.machine, breakpoints
# shared both ways, dbg:command, source FILE.lua, and an error that ends a
# batch run (status 1) after its report with line and traceback.
# setup: printf 'local x = dbg.machine\nprint("sourced", x.cpu.a0, arg[0])\nhits = hits + 1\n' >show.lua
# status: 1
lua hits = 0
lua hits + 1
lua dbg:breakpoint("square", {cond = "$a0 == 2"})
tbreak multiply
info breakpoints
lua for _, b in ipairs(dbg.breakpoints) do print(b.number, b.type, b.what, b.temporary) end
continue
lua print(dbg.machine.cpu.a0, dbg.machine.cpu.pc == dbg.machine:symbol("multiply"))
continue
source show.lua
lua print(hits)
lua dbg.machine.cpu.a0 = 9
print $a0
lua print((dbg:command("x/2xw $pc"):gsub("\t", " ")))
help lua
lua local t = nil
lua local function f() error("deep") end f()
echo not reached\n
