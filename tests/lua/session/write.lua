-- Handler writes take effect at the next instruction boundary, on the
-- ordinary run too.  At the boundary before square: a0 = 2, so every
-- square is 4 and the guest exits with 5 * 4.  Inside the store to
-- counter (a `write` event, mid-instruction): t1 changes after the store,
-- which still writes the old t1.
local x = vmlab.session
local counter = x:symbol("counter")
x:on("insn", x:symbol("square"), function(ev) x.cpu.a0 = 2 end)
local seen = false
x:on("write", counter, function(ev)
	x.cpu.t1 = 0xdead
	assert(x.cpu.t1 == 0xdead) -- reads in the handler see it at once
	seen = ev.pc
end)
x:on("insn", function(ev)
	if seen and ev.pc == seen + 4 then -- the instruction after the store
		assert(x.cpu.t1 == 0xdead and x.phys:read32(counter) ~= 0xdead)
		seen = false
	end
end)
