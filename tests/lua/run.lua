-- Building machines from files and text, and every reason a run stops:
-- limit, cycles, event, stopped, poweroff, fatal, debug_break; console
-- output and input; closing.
-- a .s file with .include, from the guest tests
local x = vmlab.machine{image = "../guest/echo.s", include = {"../guest"}}
-- no input yet and no end of input: the guest sleeps in halt
local why, ev = x:run{stop_at = "halt"}
assert(why == "event" and ev.event == "halt")
x:send("hello, ")
x:send("lua\n", true)
why, d = x:run{}
assert(why == "poweroff", why)
assert(x:console():find("HELLO, LUA\n", 1, true), x:console())

-- console_in from a file, like vmlab run --console-in
x = vmlab.machine{image = "../guest/echo.s", include = {"../guest"}, console_in = "../guest/echo.in"}
assert(x:run{} == "poweroff" and #x:console() > 0)

-- an ELF image written by vmlab asm is read too
local elf = os.tmpname()
assert(os.execute(("%q asm -I ../guest -o %q ../guest/arith.s"):format(
	os.getenv("VMLAB") or "../../build/vmlab", elf)))
x = vmlab.machine{image = elf}
os.remove(elf)
assert(x:run{} == "poweroff")
local ok, err = pcall(vmlab.machine, {image = "/nonexistent.elf"})
assert(not ok and err:find("vmlab.machine: .*nonexistent"), err)

-- cycles: stops at the first boundary at or past the budget
x = vmlab.machine{source = "_start: j _start\n"}
why, d = x:run{max_cycles = 1000}
assert(why == "cycles" and x.cpu.cycles == 1000 and d.cycles == 1000)
why = x:run{max_cycles = 10, max_insns = 5}
assert(why == "limit" and x.cpu.instret == 1005)

-- fatal: a trap with no vector, with the report
x = vmlab.machine{source = "_start: li t0, 2\n lw t1, 0(t0)\n"}
why, d = x:run{}
assert(why == "fatal" and d.reason:find("no trap vector") and d.name == "misaligned")
assert(d.badva == 2 and d.pc == 0x1004)
assert(x:run{} == "fatal" and x.exit_code == nil) -- stays stopped

-- debug_break: the guest asks for a debugger, and can go on
x = vmlab.machine{source = [[
_start: li t0, 0xf0005008
        sw zero, 0(t0)
        li t0, 0xf0004000
        li t1, 4
        sw t1, 0(t0)
]]}
why, d = x:run{}
assert(why == "debug_break" and d.instret == 3)
why, d = x:run{}
assert(why == "poweroff" and d.exit == 4 and x.exit_code == 4)

-- a step that traps is one step; a step at power off returns at once
x = vmlab.machine{source = "_start: la t0, v\n mtcr tvec, t0\n break\nv: j v\n"}
assert(x:step(3) == "limit" and x.cpu.pc == x:symbol("_start") + 12)
assert(x:step() == "limit" and x.cpu.pc == x:symbol("v") + 8 and x.cpu.instret == 3)

-- bad options
for _, o in ipairs({{max_insns = -1}, {max_insns = 1.5}, {bogus = 1}, {stop_at = 5},
		    {stop_at = "nope"}, {stop_at = {"break"}}}) do
	ok, err = pcall(x.run, x, o)
	assert(not ok, "accepted a bad option")
end
ok, err = pcall(vmlab.machine, {source = "_start: halt\n", image = "a.s"})
assert(not ok and err:find("not both"), err)
for _, bad in ipairs({{mem = "12Q"}, {mem = 1000}, {tlb = 3}, {variant = "odd"}, {seed = "x"}}) do
	bad.source = "_start: halt\n"
	assert(not pcall(vmlab.machine, bad))
end

-- closing, and the cap on open machines
x:close()
x = nil
local many = {}
repeat
	ok, err = pcall(vmlab.machine, {source = "_start: halt\n", mem = "64K"})
	many[#many + 1] = ok and err or nil
until not ok
assert(#many >= 60 and #many <= 64 and err:find("more than 64 machines"), #many .. err)
many[1]:close()
many[1]:close() -- twice is fine
ok, err = pcall(many[1].step, many[1])
assert(not ok and err:find("closed"), err)
ok, err = pcall(function() return many[1].cpu end)
assert(not ok and err:find("closed"), err)
local cpu = many[2].cpu
many[2]:close()
assert(not pcall(function() return cpu.pc end))
many[#many] = nil
many[#many] = nil
collectgarbage()    -- unreferenced machines go
do
	local y <close> = vmlab.machine{source = "_start: halt\n", mem = "64K"}
	cpu = y.cpu
end
assert(not pcall(function() return cpu.pc end), "<close> did not close")
print("run ok")
