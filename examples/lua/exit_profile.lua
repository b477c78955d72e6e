-- exit_profile.lua -- which guest instructions cost the most VM exits.
--
--   vmlab script examples/lua/exit_profile.lua [TOYOS.elf [INPUT.txt [N]]]
--   vmlab run --vmm trap|pv --lua examples/lua/exit_profile.lua IMAGE ...
--
-- Runs toyos (default build/toyos.elf, console input labs/os/demo.txt)
-- under the monitor on the strict machine, counts every exit by the
-- guest pc that caused it (an `exit` handler), and prints the N (default
-- 10) busiest pcs with their symbol, their causes and the monitor cycles
-- they cost.  With `vmlab run --lua` it profiles the run's own guests
-- instead (vmlab.session is the run's monitor) and prints the table when
-- the last of them ends.  As a library:
-- loadfile(...)("--module").profile(mon).

local M = {}

-- Watch mon's exits; returns the table of counts, by pc.
function M.profile(mon)
	local by_pc = {}
	mon:on("exit", function(ev)
		local p = by_pc[ev.pc]
		if not p then
			p = {pc = ev.pc, vm = ev.vm, n = 0, cost = 0, causes = {}}
			by_pc[ev.pc] = p
		end
		p.n = p.n + 1
		p.cost = p.cost + ev.cost
		p.causes[ev.name] = (p.causes[ev.name] or 0) + 1
	end)
	return by_pc
end

-- The busiest pcs first.
function M.top(by_pc, n)
	local list = {}
	for _, p in pairs(by_pc) do list[#list + 1] = p end
	table.sort(list, function(a, b) return a.n > b.n or (a.n == b.n and a.pc < b.pc) end)
	local top = {}
	for i = 1, math.min(n, #list) do top[i] = list[i] end
	return top
end

-- Print the n busiest pcs of by_pc, out of mon's exits.
function M.report(mon, by_pc, n)
	local total = mon:stats().exits_total
	print(("%d exits; the %d guest pcs that caused the most:"):format(total, n))
	print(("%-10s %-24s %8s %6s %10s  %s"):format("pc", "where", "exits", "%", "cycles",
		"causes"))
	for _, p in ipairs(M.top(by_pc, n)) do
		local causes = {}
		for c, k in pairs(p.causes) do causes[#causes + 1] = c .. " " .. k end
		table.sort(causes)
		print(("0x%08x %-24s %8d %5.1f%% %10d  %s"):format(p.pc,
			(p.vm:where(p.pc) or "?"):sub(1, 24), p.n, 100 * p.n / total, p.cost,
			table.concat(causes, ", ")))
	end
end

function M.main(image, input, n)
	image = image or "build/toyos.elf"
	input = input or "labs/os/demo.txt"
	local mon = vmlab.monitor{variant = "strict", vms = {{image = image, console_in = input}}}
	local by_pc = M.profile(mon)
	assert(mon:run{max_insns = 400000000} == "done")
	M.report(mon, by_pc, tonumber(n) or 10)
end

-- vmlab run --lua: the run's guests.  The last exit of a guest is the one
-- that ends it, so the table is printed at the exit after which none runs.
function M.session(mon, n)
	local by_pc = M.profile(mon)
	mon:on("exit", function()
		for _, vm in ipairs(mon.vms) do
			if vm.state == "running" or vm.state == "halted" then return end
		end
		M.report(mon, by_pc, n or 10)
	end)
end

if ... == "--module" then
	return M
end
if vmlab.session then
	M.session(vmlab.session)
	return
end
M.main(...)
