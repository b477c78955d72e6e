-- One test per event kind: each handler sees the right events, with the
-- right fields, and only those its filter lets through.
local src = [[
        .equ TIMER, 0xf0001000
        .equ INTC_EN, 0xf0000004
        .equ UART, 0xf0002000
        .equ POWER, 0xf0004000
        .text
_start: la    t0, vec
        mtcr  tvec, t0
        la    t1, data
        li    t2, 77
store:  sw    t2, 0(t1)
load:   lw    t3, 0(t1)
        lw    t3, 8(t1)                 # outside the watched word
sys:    syscall
        li    t0, INTC_EN
        li    t1, 1
        sw    t1, 0(t0)                 # line 0 (timer) may wake halt
        li    t0, TIMER
        li    t1, 50
        sw    t1, 4(t0)                 # PERIOD
        li    t1, 5
        sw    t1, 0(t0)                 # ENABLE | IRQ_ENABLE
sleep:  halt                            # IE is off: wakes, takes no trap
        sw    zero, 0(t0)               # disable
        li    t1, 1
        sw    t1, 8(t0)                 # clear EXPIRED: the line drops
        li    t0, UART
        li    t1, 33
        sw    t1, 0(t0)
        li    t0, POWER
        li    t1, 5
        sw    t1, 0(t0)
vec:    j     vec                       # 0 interrupt: not expected
        rfe                             # 1 syscall: back after it
        .data
data:   .word 0, 0, 0
]]
local function new() return vmlab.machine{source = src} end
local function count(x, event, filter)
	local seen = {}
	local h = x:on(event, filter, function(ev) seen[#seen + 1] = ev end)
	local why, d = x:run{}
	assert(why == "poweroff" and d.exit == 5, why)
	return seen, h
end

-- insn: a range filter, and every instruction without one
local x = new()
local seen = count(x, "insn", {x:symbol("store"), x:symbol("load")})
assert(#seen == 2 and seen[1].pc == x:symbol("store") and seen[2].pc == x:symbol("load"))
assert(seen[1].word == x.phys:read32(x:symbol("store")) and seen[1].event == "insn")
x = new()
seen = count(x, "insn")
assert(#seen == x.cpu.instret, #seen .. " " .. x.cpu.instret)

-- read and write: physical range, one word
x = new()
local data = x:symbol("data")
local reads = {}
x:on("read", {data, data + 3}, function(ev) reads[#reads + 1] = ev end)
seen = count(x, "write", data)
assert(#seen == 1 and seen[1].pa == data and seen[1].value == 77 and seen[1].size == 4)
assert(seen[1].pc == x:symbol("store"))
assert(#reads == 1 and reads[1].value == 77 and reads[1].pc == x:symbol("load"))

-- trap: by name, by code; fields
x = new()
seen = count(x, "trap", "syscall")
assert(#seen == 1 and seen[1].name == "syscall" and seen[1].code == 1)
assert(seen[1].pc == x:symbol("sys") + 4 and seen[1].ring == 0) -- epc: after a syscall
x = new()
seen = count(x, "trap", 7)
assert(#seen == 0)

-- irq: the timer line goes up, then down
x = new()
seen = count(x, "irq")
assert(#seen == 2 and seen[1].line == 0 and seen[1].level == true and seen[2].level == false)

-- halt
x = new()
seen = count(x, "halt")
assert(#seen == 1 and seen[1].pc == x:symbol("sleep"))

-- device: by name and by range; fields
x = new()
seen = count(x, "device", "uart")
assert(#seen == 1 and seen[1].device == "uart" and seen[1].value == 33 and seen[1].write)
x = new()
seen = count(x, "device")
assert(#seen == 7, #seen) -- intc, timer x4, uart, power: every access
x = new()
seen = count(x, "device", {0xf0001000, 0xf0001fff})
assert(#seen == 4 and seen[1].device == "timer")

-- break: before the instruction runs, at its physical address
x = new()
seen = count(x, "break", x:symbol("sys"))
assert(#seen == 1 and seen[1].pa == x:symbol("sys") and seen[1].instret == 9)

-- poweroff
x = new()
seen = count(x, "poweroff")
assert(#seen == 1 and seen[1].exit == 5)

-- tlbfill: identity page tables written from Lua, paging turned on from Lua
x = vmlab.machine{source = "_start: la t1, 0x5000\n lw t2, 0(t1)\n lw t2, 4(t1)\n li t0, 0xf0004000\n sw zero, 0(t0)\n"}
local PD, PT = 0x20000, 0x21000
x.phys:write32(PD, PT | 7)                         -- P W U
for i = 0, 15 do x.phys:write32(PT + 4 * i, (i << 12) | 7) end
x.phys:write32(PD + 4 * (0xf0000000 >> 22), 0x22000 | 3)
x.phys:write32(0x22000 + 4 * 4, 0xf0004000 | 3)    -- the power device
x.cpu.cr.ptbr = PD
x.cpu.cr.mmu = 1
seen = {}
x:on("tlbfill", function(ev) seen[#seen + 1] = ev end)
assert(x:run{} == "poweroff")
assert(#seen == 3, #seen) -- code page, data page, power device
assert(seen[1].va == 0x1000 and seen[1].pa == 0x1000 and seen[2].va == 0x5000)
assert(seen[3].va == 0xf0004000 and seen[3].write)

-- events are read-only, and may be kept
local ok, err = pcall(function() seen[1].va = 0 end)
assert(not ok and err:find("read%-only"))
assert(tostring(seen[1]):find("tlbfill"))
-- handlers live until removed, not until their handle is garbage
x = new()
local calls = 0
do x:on("poweroff", function() calls = calls + 1 end) end
collectgarbage()
collectgarbage()
assert(x:run{} == "poweroff" and calls == 1)
-- and a handler added by a handler is called from the next event on
x = new()
local later = 0
x:on("trap", "syscall", function()
	x:on("device", function() later = later + 1 end)
end)
assert(x:run{} == "poweroff" and later == 7, later) -- every device access follows it
print("events ok")
