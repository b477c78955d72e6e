-- read and write by virtual address ({va = ...}) beside the physical
-- filters: a virtual filter follows the address through an address-space
-- switch and ignores an alias of the same frame; a physical one hears the
-- alias and not the other space's frame.
--
-- Page tables, written by this script (P W U everywhere):
--   space A (PD_A): 0..0xffff identity; va 0x400000 -> 0x30000, and its
--                   alias va 0x500000 -> 0x30000; the power device
--   space B (PD_B): the same, but va 0x400000 -> 0x31000
local PD_A, PD_B, PT_LOW, PT_IO, PT_A, PT_B = 0x20000, 0x24000, 0x21000, 0x23000, 0x22000, 0x25000
local VA, ALIAS, FRAME_A, FRAME_B = 0x400000, 0x500000, 0x30000, 0x31000
local src = ([[
        .equ POWER, 0xf0004000
_start: li    t0, %d
        li    t1, %d
        li    t2, 1
        li    s0, 4
        li    s1, %d
        mtcr  ptbr, s1
        li    s1, 1
        mtcr  mmu, s1
loop:   sw    t2, 0(t0)                 # VA
        sw    t2, 0(t1)                 # ALIAS: the same frame
        lw    t3, 4(t0)                 # VA + 4
        addi  t2, t2, 1
        bne   t2, s0, loop
        li    s1, %d
        mtcr  ptbr, s1                  # space B
        tlbflush
        sw    t2, 0(t0)                 # VA again: another frame
        li    t0, POWER
        li    t1, 9
        sw    t1, 0(t0)
]]):format(VA, ALIAS, PD_A, PD_B)

local function new()
	local x = vmlab.machine{source = src}
	for i = 0, 15 do x.phys:write32(PT_LOW + 4 * i, (i << 12) | 7) end
	x.phys:write32(PT_IO + 4 * 4, 0xf0004000 | 7)
	x.phys:write32(PT_A, FRAME_A | 7)
	x.phys:write32(PT_A + 4 * ((ALIAS >> 12) & 0x3ff), FRAME_A | 7)
	x.phys:write32(PT_B, FRAME_B | 7)
	for _, s in ipairs{{PD_A, PT_A}, {PD_B, PT_B}} do
		x.phys:write32(s[1], PT_LOW | 7)
		x.phys:write32(s[1] + 4 * (VA >> 22), s[2] | 7)
		x.phys:write32(s[1] + 4 * (0xf0000000 >> 22), PT_IO | 7)
	end
	return x
end
local function collect(x, event, filter)
	local seen = {}
	local h = x:on(event, filter, function(ev) seen[#seen + 1] = ev end)
	return seen, h
end
local function finish(x)
	local why, d = x:run{}
	assert(why == "poweroff" and d.exit == 9, why)
end

-- virtual: the three stores through VA in A, one in B; not the alias
local x = new()
local vw = collect(x, "write", {va = {VA, VA + 3}})
local pw = collect(x, "write", {FRAME_A, FRAME_A + 3})
local pw2 = collect(x, "write", {pa = {FRAME_A, FRAME_A + 3}})
local vr = collect(x, "read", {va = VA + 4})
finish(x)
assert(#vw == 4, #vw)
for i = 1, 3 do
	assert(vw[i].va == VA and vw[i].pa == FRAME_A and vw[i].value == i and vw[i].size == 4)
end
assert(vw[4].va == VA and vw[4].pa == FRAME_B and vw[4].value == 4)
-- physical: direct and alias stores to FRAME_A, not B's frame
assert(#pw == 6 and #pw2 == 6, #pw .. " " .. #pw2)
for i = 1, 6 do
	assert(pw[i].pa == FRAME_A and pw[i].va == (i % 2 == 1 and VA or ALIAS))
	assert(pw2[i].va == pw[i].va and pw2[i].pc == pw[i].pc)
end
assert(#vr == 3 and vr[1].va == VA + 4 and vr[1].pa == FRAME_A + 4 and vr[3].value == 0)

-- removing one virtual handler leaves another on the same range working
x = new()
local a, ha = collect(x, "write", {va = VA})
local b = collect(x, "write", {va = VA})
assert(x:run{stop_at = {"write", {va = ALIAS}}} == "event")
assert(#a == 1 and #b == 1, #a .. " " .. #b)
assert(ha:remove())
finish(x)
assert(#a == 1 and #b == 4, #a .. " " .. #b)

-- stop_at and vmlab.wait take the virtual filter; the stop is after the
-- access (the next pc)
x = new()
local why, ev = x:run{stop_at = {"write", {va = ALIAS}}}
assert(why == "event" and ev.va == ALIAS and ev.pa == FRAME_A and ev.value == 1)
assert(x.cpu.pc == ev.pc + 4)
ev = vmlab.wait(x, "write", {va = {VA, VA + 3}})
assert(ev.va == VA and ev.value == 2)

-- paging off: va and pa are the same
local y = vmlab.machine{source = "_start: la t0, d\n sw t0, 0(t0)\n halt\n .data\nd: .word 0\n"}
local d = y:symbol("d")
local ys = collect(y, "write", {va = d})
y:run{max_insns = 10}
assert(#ys == 1 and ys[1].va == d and ys[1].pa == d and ys[1].value == d)

-- bad filters say what is wrong
local function bad(filter, pattern)
	local ok, err = pcall(x.on, x, "write", filter, function() end)
	assert(not ok and err:find(pattern), tostring(err))
end
bad({va = 1, pa = 2}, "pa or va, not both")
bad({1, 2, va = 3}, "not both")
bad({VA, VA + 3, virtual = true}, "unknown field 'virtual'")
bad({va = {5, 4}}, "not a range")
bad({va = "x"}, "address or {lo, hi}")
bad({pa = 0x7fffffff}, "outside it")
-- 32 virtual ranges at most (the machine's limit)
local hs = {}
for i = 0, 31 do hs[#hs + 1] = x:on("read", {va = 0x10000000 + 16 * i}, function() end) end
local ok, err = pcall(x.on, x, "read", {va = 0x20000000}, function() end)
assert(not ok and err:find("at most 32"), err)
for _, h in ipairs(hs) do h:remove() end
assert(x:on("read", {va = 0x20000000}, function() end).active)
