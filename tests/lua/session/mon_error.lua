-- A handler's error ends a run under the monitor cleanly: its report
-- with file:line and a traceback, status 1.
local mon = vmlab.session
mon:on("exit", "mtcr", function(ev)
	return ev.vm.nosuch.field
end)
