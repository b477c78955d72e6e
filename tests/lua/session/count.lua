-- vmlab run --lua count.lua prog.s: count the instructions run in square
-- (five calls of 7 instructions: push is 2, mv, call, pop is 2, ret) and
-- say so at power off.  The run's exit status stays the guest's.
local x = vmlab.session
local lo, hi = x:symbol("square"), x:symbol("multiply") - 1
local n, calls = 0, 0
x:on("insn", {lo, hi}, function(ev) n = n + 1 end)
x:on("insn", lo, function(ev) calls = calls + 1 end)
x:on("poweroff", function(ev)
	assert(calls == 5 and n == 7 * calls, ("%d calls, %d instructions"):format(calls, n))
	print(("square: %d calls, %d instructions; exit %d"):format(calls, n, ev.exit))
end)
