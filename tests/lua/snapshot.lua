-- Snapshots from Lua: restoring and running on is the same, cycle for
-- cycle, as never having left; handlers stay; other configurations refuse.
local src = [[
        .equ UART, 0xf0002000
        .text
_start: li    s0, 0
        li    s1, 2000
        li    t0, UART
1:      addi  s0, s0, 1
        andi  t1, s0, 255
        bne   t1, zero, 2f
        li    t2, 46
        sw    t2, 0(t0)
2:      bne   s0, s1, 1b
        li    t0, 0xf0004000
        sw    s0, 0(t0)
]]
local x = vmlab.machine{source = src, seed = 3}
x:run{max_insns = 1000}
local mid = x:snapshot()
local out_mid = x:console()
local n = 0
x:on("device", "uart", function() n = n + 1 end)
local why, d = x:run{}
assert(why == "poweroff" and d.exit == 2000 % 256)
local final, cycles, out = x:snapshot(), x.cpu.cycles, x:console()
assert(n == 7 - #out_mid, n)

x:restore(mid)
assert(x.cpu.instret == 1000 and x.exit_code == nil and x:snapshot() == mid)
why = x:run{}
assert(why == "poweroff" and x.cpu.cycles == cycles and x:snapshot() == final)
assert(n == 2 * (7 - #out_mid), "handlers stay across a restore")
assert(final:diff(mid) ~= nil and final:diff(final) == nil)
-- the console is the host's: output seen is not taken back
assert(x:console() == out .. out:sub(#out_mid + 1))

-- another configuration refuses, naming why
local y = vmlab.machine{source = src, mem = "1M"}
local ok, err = pcall(y.restore, y, mid)
assert(not ok and err:find("x:restore"), err)
ok, err = pcall(x.restore, x, {})
assert(not ok and err:find("vmlab.snapshot expected"), err)

-- not inside a handler
local z = vmlab.machine{source = src}
z:on("insn", function() local s = z:snapshot() end)
ok, err = pcall(z.run, z, {max_insns = 2})
assert(not ok and err:find("x:snapshot: not inside"), err)
print("snapshot ok")
