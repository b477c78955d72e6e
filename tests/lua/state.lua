-- Registers, control registers, physical and virtual memory, the page walk
-- with its verdicts, the TLB, devices and statistics, from Lua.
local x = vmlab.machine{source = [[
        .text
_start: la    t1, 0x5000
        lw    t2, 0(t1)                 # through the page tables
        li    t3, 0x7000
        sw    t2, 0(t3)                 # read-only page: faults
        j     _start
vec:    j     vec
        .org  0x1200
pf:     li    t0, 0xf0004000
        li    t1, 9
        sw    t1, 0(t0)
]], mem = "1M"}

-- registers by number and by name
for n = 1, 15 do x.cpu.r[n] = n * 3 end
assert(x.cpu.a0 == 3 and x.cpu.ra == 45 and x.cpu.sp == 42 and x.cpu.r15 == 45)
assert(x.cpu:reg("t0") == 15 and x.cpu:reg(5) == 15 and #x.cpu.r == 15)
x.cpu:set_reg(2, 0x80000000)
assert(x.cpu.a1 == 0x80000000)
x.cpu.a1 = -2
assert(x.cpu.r[2] == 0xfffffffe)
for _, bad in ipairs({16, -1, "q", "x99"}) do
	local ok, err = pcall(function() return x.cpu.r[bad] end)
	assert(not ok and err:find("unknown register"), err)
end
local ok, err = pcall(x.cpu.reg, x.cpu, {})
assert(not ok and err:find("bad argument #2") and err:find("unknown register"), err)
ok, err = pcall(function() x.cpu.a0 = "five" end)
assert(not ok and err:find("number expected"), err)
ok, err = pcall(function() x.cpu.instret = 1 end)
assert(not ok and err:find("read%-only"), err)
ok, err = pcall(function() x.cpu.a0 = 1 << 40 end)
assert(not ok and err:find("32 bits"), err)

-- control registers by name and number
x.cpu.cr.epc = 0x1234
assert(x.cpu.cr[0] == 0x1234 and x.cpu.cr.memsize == 1 << 20 and x.cpu.cr.cpuid == 0)
ok, err = pcall(function() return x.cpu.cr.nosuch end)
assert(not ok and err:find("unknown control register 'nosuch'"), err)

-- physical memory: bounds are errors naming the argument
x.phys:write(0x5000, "\x11\x22\x33\x44")
assert(x.phys:read32(0x5000) == 0x44332211 and x.phys:read16(0x5002) == 0x4433)
ok, err = pcall(x.phys.read32, x.phys, (1 << 20) - 2)
assert(not ok and err:find("bad argument #2") and err:find("outside RAM"), err)
ok, err = pcall(x.phys.write, x.phys, 1 << 40, "x")
assert(not ok and err:find("not 32%-bit"), err)
ok, err = pcall(x.phys.read, x.phys, 0, -1)
assert(not ok and err:find("negative"), err)

-- page tables: 0..64K identity (0x7000 read-only, 0x6000 supervisor only);
-- 0x10000.. unmapped
local PD, PT = 0x20000, 0x21000
x.phys:write32(PD, PT | 7)
for i = 0, 15 do x.phys:write32(PT + 4 * i, (i << 12) | 7) end
x.phys:write32(PT + 4 * 7, 0x7000 | 5)   -- P U, not W
x.phys:write32(PT + 4 * 6, 0x6000 | 3)   -- P W, not U
x.phys:write32(PD + 4 * (0xf0000000 >> 22), 0x22000 | 3)
x.phys:write32(0x22000 + 4 * 4, 0xf0004000 | 3)
x.cpu.cr.ptbr = PD
x.cpu.cr.mmu = 1

local w = x.mmu:walk(0x7010)
assert(w.paging and w.ptbr == PD and w.dir_index == 0 and w.table_index == 7 and w.offset == 0x10)
assert(#w.levels == 2 and w.levels[1].level == "directory" and w.levels[1].pa == PD)
assert(w.levels[2].pa == PT + 28 and w.levels[2].P and w.levels[2].U and not w.levels[2].W)
assert(w.levels[2].frame == 0x7000 and w.pa == 0x7010)
for ring = 0, 3 do
	assert(w.verdicts[ring].read.ok and w.verdicts[ring].read.pa == 0x7010)
	assert(not w.verdicts[ring].write.ok and w.verdicts[ring].write.reason:find("W clear"))
	assert(w.verdicts[ring].write.cause & 0xff == 7)
end
w = x.mmu:walk(0x6000)
assert(w.verdicts[0].write.ok and not w.verdicts[3].read.ok)
assert(w.verdicts[3].read.reason:find("U clear in the table entry"))
w = x.mmu:walk(0x10000)
assert(#w.levels == 2 and not w.levels[2].P and w.pa == nil)
assert(w.verdicts[0].read.reason:find("not present"))
w = x.mmu:walk(0x00800000)
assert(#w.levels == 1 and not w.levels[1].P)

-- virtual memory: faults are values
assert(x.mem:read32(0x5000) == 0x44332211)
local v, f = x.mem:write32(0x7000, 1)
assert(v == nil and f.name == "page-fault" and f.access == "write" and f.ring == 0)
assert(f.reason:find("W clear") and f.va == 0x7000)
v, f = x.mem:read8(0x6000, 3)
assert(v == nil and f.ring == 3 and f.reason:find("U clear"))
assert(x.mem:read8(0x6000, 0) == 0)
v, f = x.mem:read(0xfffe, 4)                 -- crosses into an unmapped page
assert(v == nil and f.va == 0x10000)
v, f = x.mem:write(0x6ffe, "abcd")           -- 0x6000 ok, 0x7000 read-only
assert(v == nil and f.va == 0x7000 and x.phys:read8(0x6ffe) == 0, "a faulting write wrote")
assert(x.mem:translate(0x7004) == 0x7004 and x.mem:translate(0x7004, "write") == nil)
ok, err = pcall(x.mem.translate, x.mem, 0, "exec")
assert(not ok and err:find("bad argument #3"), err)
-- the walk had no side effects: no A bits, no TLB entries
assert(x.phys:read32(PT + 4 * 5) & 0x10 == 0 and #x.mmu:tlb() == 0)

-- run: the TLB fills, A/D bits appear, the store to 0x7000 faults into the
-- handler at pf (tvec such that the page-fault slot, 7, jumps to pf)
x.phys:write32(0x1100 + 4 * 7, x.phys:read32(x:symbol("vec")))
x.cpu.cr.tvec = 0x1100
-- "j vec" copied to 0x111c would jump to vec; write a jump to pf instead
local pf = x:symbol("pf")
x.phys:write32(0x1100 + 4 * 7, (x.phys:read32(x:symbol("vec")) & 0xff000000) |
	(((pf - (0x1100 + 4 * 7)) >> 2) & 0xffffff))
local traps = {}
x:on("trap", function(ev) traps[#traps + 1] = ev end)
local why, d = x:run{max_insns = 100}
assert(why == "poweroff" and d.exit == 9, why)
assert(#traps == 1 and traps[1].name == "page-fault" and traps[1].badva == 0x7000)
assert(x.cpu.cr.badva == 0x7000 and x.cpu.cr.cause & 0xff == 7)
local tlb = x.mmu:tlb()
assert(#tlb >= 2)
local found = false
for _, e in ipairs(tlb) do
	if e.va == 0x5000 then found = e.pa == 0x5000 and e.U and e.W end
end
assert(found, "no TLB entry for 0x5000")
assert(x.mmu:tlb(5).va == 0x5000)
assert(x.phys:read32(PT + 4 * 5) & 0x10 ~= 0) -- A set by the hardware walk
x.mmu:invalidate(0x5000)
assert(x.mmu:tlb(5) == nil)
x.mmu:flush()
assert(#x.mmu:tlb() == 0)

-- statistics
local s = x:stats()
assert(s.traps["page-fault"] == 1 and s.tlb_misses >= 2 and s.instret == x.cpu.instret)
assert(s.mmio_writes == 1)

-- devices
assert(x.dev.rng.name == "rng" and x.dev[#x.dev].name == "rng")
ok, err = pcall(function() return x.dev.nosuch end)
assert(not ok and err:find("no such device"), err)
ok, err = pcall(x.dev.uart.read, x.dev.uart, 2)
assert(not ok and err:find("aligned"), err)

-- unknown fields are errors, not nil
for _, f in ipairs({function() return x.nosuch end, function() return x.cpu.nosuch end,
		    function() return x.phys.nosuch end, function() x.variant = 1 end}) do
	assert(not pcall(f))
end
print("state ok")
