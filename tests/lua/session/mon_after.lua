-- After the run vmlab.session is closed: a finalizer that runs when the
-- state closes (after the run's reports) and uses it gets an error saying
-- so -- never a freed monitor.  It says what it got on stderr.
local mon = vmlab.session
local vm, cpu, x = mon.vms[1], mon.vms[1].cpu, mon.machine
mon:on("exit", function() end)
mon:handle("mfcr", function() return "default" end)
mon:schedule(function(ready) return ready[1] end)
setmetatable({}, {__gc = function()
	for i, f in ipairs{function() return cpu.pc end, function() return mon.vms end,
			   function() return x.cpu.pc end, function() return vm:stats() end,
			   function() mon:handle("mtcr", nil) end} do
		local ok, err = pcall(f)
		io.stderr:write(("after %d: %s %s\n"):format(i, ok, err))
	end
end})
