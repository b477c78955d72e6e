-- examples/lua/privileged.lua: toyos under the monitor with every
-- privileged instruction it uses emulated in Lua prints byte for byte
-- what it prints on the bare strict machine, and the monitor's accounts
-- (exits by cause, guest instructions, cycles) equal the C emulation's.
local TOYOS = os.getenv("TOYOS") or "../../build/toyos.elf"
local INPUT = "../../labs/os/demo.txt"
local P = assert(loadfile("../../examples/lua/privileged.lua"))("--module")

local mon, bare = P.main(TOYOS, INPUT)          -- asserts the consoles agree
assert(#bare:console() > 1000 and bare:console():find("selftest"), "toyos ran its demo")

local c = vmlab.monitor{variant = "strict", vms = {{image = TOYOS, console_in = INPUT}}}
assert(c:run{max_insns = 400000000} == "done")
assert(c:console(0) == mon:console(0))
local a, b = mon:stats(), c:stats()
for name, n in pairs(b.exits) do
	assert(a.exits[name] == n, ("%s: Lua %d, C %d"):format(name, a.exits[name], n))
end
for _, k in ipairs({"guest_insns", "monitor_cycles", "guest_cycles", "injected_irqs",
		    "shadow_fills", "exits_total"}) do
	assert(a[k] == b[k], ("%s: Lua %d, C %d"):format(k, a[k], b[k]))
end
assert(mon.machine.cpu.cycles == c.machine.cpu.cycles)
for _, cause in ipairs({"mfcr", "mtcr", "rfe", "wrpsw", "rdpsw", "tlbflush", "halt"}) do
	assert(a.exits[cause] > 0, cause .. ": toyos uses it, so the Lua policy ran")
end
