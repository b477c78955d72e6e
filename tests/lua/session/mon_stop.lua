-- vmlab run --vmm trap --lua mon_stop.lua guest.s: mon:stop() in a handler
-- ends the run after that exit (status 0, a note on stderr): the guest
-- never prints.
local mon = vmlab.session
mon:on("exit", "mfcr", function(ev)
	assert(mon:stop())
end)
