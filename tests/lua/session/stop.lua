-- x:stop() in a handler ends the run there (status 0, a note on stderr).
local x = vmlab.session
local calls = 0
x:on("insn", x:symbol("square"), function(ev)
	calls = calls + 1
	if calls == 3 then x:stop() end
end)
