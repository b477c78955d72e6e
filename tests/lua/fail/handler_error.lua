-- expect: 1 /handler_error\.lua:5: bad handler/
local x = vmlab.machine{source = "_start: la t0, v\n mtcr tvec, t0\n syscall\nv: j v\n"}
x:on("trap", function(ev)
	local t = nil
	error("bad handler")
end)
x:run{max_insns = 100}
