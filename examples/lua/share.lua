-- share.lua -- a proportional-share scheduler for the monitor: each VM
-- gets CPU time in proportion to its weight (stride scheduling:
-- Waldspurger and Weihl, 1995).
--
--   vmlab script examples/lua/share.lua [W1 W2 ...]     (default 1 2 3)
--   vmlab run --lua examples/lua/share.lua --vm A --vm B ... --stats
--
-- Runs one VM per weight, each a guest that only computes, and prints the
-- share of guest instructions each got beside the share its weight asks
-- for.  With `vmlab run --lua` it schedules the run's own guests instead
-- (vmlab.session is the run's monitor), VM i (from 0) with weight i + 1:
-- --stats shows the guest instructions each got.  As a library:
-- loadfile(...)("--module").install(mon, weights).
--
-- Every VM has a pass, which grows by a stride inversely proportional to
-- its weight each time it is picked; the monitor asks mon:schedule's
-- function at every slice end, and it picks the ready VM with the
-- smallest pass.  (A VM that wakes from halt starts at the current
-- minimum pass, so sleeping earns it no credit.)

local M = {}

M.guest = [[
        .text
_start: li    t0, 0
1:      addi  t0, t0, 1
        j     1b
]]

function M.install(mon, weights)
	local BIG = 1 << 20
	local pass, stride = {}, {}
	for i, vm in ipairs(mon.vms) do
		local w = weights[i] or 1
		assert(math.type(w) == "integer" and w > 0, "weights are positive integers")
		stride[vm.id] = BIG // w
		pass[vm.id] = 0
	end
	local was_ready = {}
	mon:schedule(function(ready, current)
		local min
		for _, vm in ipairs(ready) do
			if not min or pass[vm.id] < min then min = pass[vm.id] end
		end
		local best
		for _, vm in ipairs(ready) do
			if not was_ready[vm.id] and pass[vm.id] < min then pass[vm.id] = min end
			if not best or pass[vm.id] < pass[best.id] or
			   (pass[vm.id] == pass[best.id] and vm.id < best.id) then
				best = vm
			end
		end
		was_ready = {}
		for _, vm in ipairs(ready) do was_ready[vm.id] = true end
		pass[best.id] = pass[best.id] + stride[best.id]
		return best
	end)
end

-- Run n weights' VMs for insns guest instructions; each VM's share.
function M.run(weights, insns, slice)
	local vms = {}
	for i = 1, #weights do vms[i] = {source = M.guest, mem = "64K"} end
	local mon = vmlab.monitor{vms = vms, slice = slice or 20000}
	M.install(mon, weights)
	assert(mon:run{max_insns = insns} == "limit")
	local total, shares = 0, {}
	for i, vm in ipairs(mon.vms) do
		shares[i] = vm:stats().guest_insns
		total = total + shares[i]
	end
	for i = 1, #shares do shares[i] = shares[i] / total end
	return shares, mon
end

function M.main(...)
	local weights = {}
	for i, a in ipairs({...}) do weights[i] = math.tointeger(tonumber(a)) end
	if #weights == 0 then weights = {1, 2, 3} end
	local sum = 0
	for _, w in ipairs(weights) do sum = sum + w end
	local shares = M.run(weights, 20000000)
	print(("%-4s %6s %8s %8s"):format("vm", "weight", "wanted", "got"))
	for i, w in ipairs(weights) do
		print(("vm%-2d %6d %7.1f%% %7.1f%%"):format(i - 1, w, 100 * w / sum, 100 * shares[i]))
	end
end

if ... == "--module" then
	return M
end
if vmlab.session then
	local weights = {}
	for i = 1, #vmlab.session.vms do weights[i] = i end
	M.install(vmlab.session, weights)
	return
end
M.main(...)
