-- The dbg object, sourced in `vmlab debug ../debug/prog.s` by run.sh:
-- dbg.machine over the debugger's machine, breakpoints shared with the
-- command line both ways, dbg:command's captured output, and a script's
-- write to the machine that reverse execution keeps.
local x = dbg.machine
local square, multiply = x:symbol("square"), x:symbol("multiply")

-- the same kind of object vmlab.machine{} returns, over the debugger's
assert(getmetatable(x) == "vmlab.machine" and getmetatable(dbg) == "vmlab.debugger")
assert(x.cpu.pc == x:symbol("_start") and x.cpu.instret == 0)
assert(x.phys:read32(x.cpu.pc) == x.mem:read32(x.cpu.pc))

-- breakpoints made here are the debugger's, and the other way round
local n1 = dbg:breakpoint("square", {cond = "$a0 == 3"})
local n2 = dbg:breakpoint(multiply, {temporary = true, ignore = 9})
local n3 = dbg:breakpoint("puts", {enabled = false})
assert(n2 == n1 + 1 and n3 == n2 + 1)
local info = dbg:command("info breakpoints")
assert(info:find("stop only if $a0 == 3", 1, true), info)
assert(info:find("del  y   0x%x+  <multiply>"), info)
assert(info:find("ignore next 9 hits", 1, true), info)
assert(info:find("keep n   0x%x+  <puts>"), info)
dbg:command("watch counter")
local bps = dbg.breakpoints
assert(#bps == 4, #bps)
assert(bps[1].number == n1 and bps[1].type == "breakpoint" and bps[1].what == "square")
assert(bps[1].addr == square and bps[1].cond == "$a0 == 3" and bps[1].enabled)
assert(bps[2].temporary and bps[2].ignore == 9 and bps[2].addr == multiply)
assert(not bps[3].enabled)
assert(bps[4].type == "watchpoint" and bps[4].addr == x:symbol("counter"))

-- deleting either way
dbg:delete(bps[4].number)
dbg:command("delete " .. n3)
assert(#dbg.breakpoints == 2 and not dbg:command("info break"):find("puts"))
assert(not pcall(dbg.delete, dbg, 99))

-- running: the debugger does it, the script looks
local out = dbg:command("continue")
assert(out:find("Breakpoint " .. n1), out)
assert(x.cpu.pc == square and x.cpu.a0 == 3)
assert(dbg.breakpoints[1].hits == 1)

-- a write from Lua: the debugger sees it, and reverse execution keeps it
x.cpu.a0 = 7
assert(dbg:command("print $a0"):find("(7)", 1, true))
dbg:command("stepi")
dbg:command("reverse-stepi")
assert(x.cpu.pc == square and x.cpu.a0 == 7, x.cpu.a0)
dbg:command("delete")
dbg:command("continue")
assert(x.exit_code == 0 + 1 + 4 + 7 * 7 + 16, x.exit_code) -- 3*3 became 7*7

-- a nested chunk, its print captured; errors as Lua errors
assert(dbg:command("lua print(1 + 1)") == "2\n")
assert(dbg:command("lua 6 * 7") == "42\n")
local ok, err = pcall(dbg.command, dbg, "frobnicate")
assert(not ok and err:find('Undefined command: "frobnicate"'), err)
ok, err = pcall(dbg.command, dbg, "lua error('inner')")
assert(not ok and err:find("%[string%]:1: inner") and err:find("stack traceback"), err)
ok, err = pcall(dbg.breakpoint, dbg, "nosuch")
assert(not ok and err:find('No symbol "nosuch"'), err)
ok, err = pcall(dbg.breakpoint, dbg, "square", {bogus = 1})
assert(not ok and err:find("unknown field 'bogus'"), err)
ok, err = pcall(dbg.command, dbg, "quit")
assert(not ok and err:find("quit ends the session"), err)
ok, err = pcall(dbg.command, dbg, "info break\nshell ls")
assert(not ok and err:find("one command line"), err)

-- what a borrowed machine refuses
for _, f in ipairs({function() x:run{} end, function() x:step() end, function() x:close() end,
		    function() x:console() end}) do
	ok, err = pcall(f)
	assert(not ok and (err:find("dbg.machine") or err:find("console")), err)
end
ok, err = pcall(function() dbg.machine = 1 end)
assert(not ok and err:find("read%-only"), err)
ok, err = pcall(dbg.command, {}, "info break")        -- a forged self
assert(not ok and err:find("vmlab.debugger expected"), err)
print("dbg_basic ok")
