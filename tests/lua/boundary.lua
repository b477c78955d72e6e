-- Writes a handler makes to pc and registers take effect at the next
-- instruction boundary; x:stop() is never cancelled by them; no handler is
-- called twice for one instruction (the bugs Unicorn users keep reporting).
local src = [[
        .text
_start: li    a0, 1
        li    a1, 2
skip:   li    a2, 3                     # an insn handler jumps over this
        la    t1, data
load:   lw    t3, 0(t1)                 # a read handler writes t3
        addi  t4, t3, 1                 # sees the handler's t3
        la    t0, vec
        mtcr  tvec, t0
sys:    syscall                         # a trap handler redirects
        li    a3, 111                   # not run when redirected
there:  li    s0, 7
        li    t0, 0xf0004000
        sw    zero, 0(t0)
vec:    j     vec
        rfe
        .data
data:   .word 77
]]
local function new() return vmlab.machine{source = src} end

-- 1. pc written in an insn handler: the instruction at ev.pc never runs,
-- and the new pc's handlers are called (once)
local x = new()
local calls = {}
x:on("insn", function(ev)
	calls[ev.pc] = (calls[ev.pc] or 0) + 1
	if ev.pc == x:symbol("skip") then
		x.cpu.pc = ev.pc + 4
		assert(x.cpu.pc == ev.pc + 4) -- the handler reads its own write
	end
end)
assert(x:run{} == "poweroff")
assert(x.cpu.a2 == 0, "the skipped instruction ran")
for pc, n in pairs(calls) do assert(n == 1, ("pc 0x%x: %d calls"):format(pc, n)) end
assert(calls[x:symbol("skip") + 4] == 1)

-- 2. a register written in a read handler (inside the load) wins over the
-- load, and the next instruction sees it
x = new()
x:on("read", x:symbol("data"), function(ev)
	assert(ev.value == 77)
	x.cpu.t3 = 99
	assert(x.cpu.t3 == 99)
end)
assert(x:run{} == "poweroff")
assert(x.cpu.t3 == 99 and x.cpu.t4 == 100, x.cpu.t3 .. " " .. x.cpu.t4)

-- 3. a trap handler redirects the trap: pc written over the vector
x = new()
x:on("trap", "syscall", function(ev) x.cpu.pc = x:symbol("there"); x.cpu.psw = 0 end)
assert(x:run{} == "poweroff")
assert(x.cpu.a3 == 0 and x.cpu.s0 == 7)

-- 4. pc written and x:stop() in one handler: the run stops, at the new pc
x = new()
x:on("insn", x:symbol("skip"), function(ev)
	x.cpu.pc = x:symbol("load")
	x:stop()
end)
local why, d = x:run{}
assert(why == "stopped" and x.cpu.pc == x:symbol("load") and d.pc == x:symbol("load"))
-- and x:stop() then a write (other order) stops too
x = new()
x:on("insn", x:symbol("skip"), function(ev) x:stop(); x.cpu.a0 = 42 end)
why = x:run{}
assert(why == "stopped" and x.cpu.a0 == 42 and x.cpu.pc == x:symbol("skip"))

-- 5. stopping at an insn event and going on: the handler is not called
-- again for the same instruction, and every instruction is seen once
x = new()
local n, seen = 0, {}
x:on("insn", function(ev)
	n = n + 1
	assert(not seen[ev.instret], "called twice at instret " .. ev.instret)
	seen[ev.instret] = true
	if n % 3 == 0 then x:stop() end
end)
repeat why = x:run{} until why ~= "stopped"
assert(why == "poweroff" and n == x.cpu.instret, n .. " " .. x.cpu.instret)

-- 6. writes outside handlers take effect at once
x = new()
x.cpu.pc = x:symbol("there")
assert(x:step() == "limit" and x.cpu.s0 == 7)

-- 7. a handler writing registers every instruction does not change the
-- step count of a bounded run
x = new()
x:on("insn", function() x.cpu.s3 = x.cpu.s3 + 1 end)
assert(x:run{max_insns = 5} == "limit" and x.cpu.instret == 5 and x.cpu.s3 == 5)
print("boundary ok")
