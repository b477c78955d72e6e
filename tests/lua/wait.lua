-- Step-wise scripts: the body is a coroutine that vmlab.wait suspends and
-- the run loop resumes; arguments arrive in arg and ...; waiting anywhere
-- but in the body is an error that says so.
local a1, a2 = ...
assert(arg[0] == "wait.lua" and arg[1] == "arg1" and arg[2] == "arg2" and a2 == "arg2")

local x = vmlab.machine{source = [[
        .text
_start: li    s0, 0
loop:   addi  s0, s0, 1
        li    t1, 5
        bne   s0, t1, loop
        la    t0, vec
        mtcr  tvec, t0
        syscall
        li    t0, 0xf0004000
        sw    s0, 0(t0)
vec:    j     vec
        rfe
]]}
local loop = x:symbol("loop")
local trips = 0
while true do
	local ev = vmlab.wait(x, "insn", loop)
	if not ev then break end
	trips = trips + 1
	assert(ev.pc == loop and x.cpu.s0 == trips - 1)
	if trips == 5 then break end
end
local ev = vmlab.wait(x, "trap", "syscall")
assert(ev and ev.name == "syscall" and x.cpu.pc == x:symbol("vec") + 4)
local none, why, d = vmlab.wait(x, "trap")
assert(none == nil and why == "poweroff" and d.exit == 5)
-- a budget on one wait
local y = vmlab.machine{source = "_start: j _start\n"}
none, why = vmlab.wait(y, "halt", nil, {max_insns = 100})
assert(none == nil and why == "limit" and y.cpu.instret == 100)

-- not from a handler
y = vmlab.machine{source = "_start: j _start\n"}
y:on("insn", function() vmlab.wait(y, "halt") end)
local ok, err = pcall(y.run, y, {max_insns = 3})
assert(not ok and err:find("vmlab.wait: not allowed inside an event handler"), err)
assert(err:find("in a 'insn' handler") and err:find("stack traceback"), err)
-- not from a coroutine of the script's own
local co = coroutine.create(function() return vmlab.wait(x, "halt") end)
local okc, errc = coroutine.resume(co)
assert(not okc and errc:find("only the script's body can wait"), errc)
-- a handler that yields says why it cannot
y = vmlab.machine{source = "_start: j _start\n"}
y:on("insn", function() coroutine.yield() end)
ok, err = pcall(y.run, y, {max_insns = 3})
assert(not ok and err:find("event handlers never yield"), err)
-- nor may a handler run its machine
y = vmlab.machine{source = "_start: j _start\n"}
y:on("insn", function() y:step() end)
ok, err = pcall(y.run, y, {max_insns = 3})
assert(not ok and err:find("not allowed inside an event handler"), err)
-- the machine stopped cleanly at a boundary and runs on
y = vmlab.machine{source = "_start: j _start\n"}
local h = y:on("insn", function(e) if y.cpu.instret == 2 then error("boom") end end)
ok, err = pcall(y.run, y, {max_insns = 10})
assert(not ok and err:find("wait.lua:%d+: boom") and y.cpu.instret == 2, err)
h:remove()
assert(y:run{max_insns = 10} == "limit" and y.cpu.instret == 12)
print("wait ok")
