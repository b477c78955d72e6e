-- examples/lua/exit_profile.lua: the exit profiler counts every exit by
-- guest pc; its counts add up to the monitor's, and the busiest pc of
-- toyos's demo is its console's busy wait on the UART (mmio).
local TOYOS = os.getenv("TOYOS") or "../../build/toyos.elf"
local E = assert(loadfile("../../examples/lua/exit_profile.lua"))("--module")
local mon = vmlab.monitor{variant = "strict",
	vms = {{image = TOYOS, console_in = "../../labs/os/demo.txt"}}}
local by_pc = E.profile(mon)
assert(mon:run{max_insns = 400000000} == "done")
local sum, cost = 0, 0
for _, p in pairs(by_pc) do sum = sum + p.n; cost = cost + p.cost end
local s = mon:stats()
assert(sum == s.exits_total, sum)
assert(cost <= s.monitor_cycles)
local top = E.top(by_pc, 3)
assert(#top == 3 and top[1].n >= top[2].n and top[2].n >= top[3].n)
assert(top[1].causes.mmio == top[1].n, "the top one polls a device")
