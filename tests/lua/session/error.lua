-- A handler's error stops the run cleanly: its report, status 1.
local x = vmlab.session
x:on("insn", x:symbol("multiply"), function(ev)
	local t = nil
	return t.field
end)
