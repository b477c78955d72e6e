-- vmlab run --vmm trap|pv --lua mon_count.lua IMAGE ...: count the run's
-- exits by cause with an `exit` handler and print the counts once no VM
-- runs any more (the exit that ends the last VM is its last), as
-- "exits CAUSE N" lines, in the order of mon:stats().exits.  run.sh
-- compares them with --stats.
local mon = vmlab.session
assert(getmetatable(mon) == "vmlab.monitor" and #mon.vms >= 1)
local n, total = {}, 0
mon:on("exit", function(ev)
	n[ev.name] = (n[ev.name] or 0) + 1
	total = total + 1
	for _, vm in ipairs(mon.vms) do
		if vm.state == "running" or vm.state == "halted" then return end
	end
	local st = mon:stats()
	assert(st.exits_total == total, ("%d exits seen, %d counted"):format(total, st.exits_total))
	local names = {}
	for c, k in pairs(st.exits) do
		assert((n[c] or 0) == k, c)
		if k > 0 then names[#names + 1] = c end
	end
	table.sort(names)
	for _, c in ipairs(names) do io.stderr:write(("exits %s %d\n"):format(c, n[c])) end
end)
