-- A helper, not a test: tests/lua/run.sh runs it with pages.s and compares
-- what it prints with the debugger's `page` lines for the same addresses
-- (both come from ui/dbg/walk.c; this checks that Lua shows the same).
local x = vmlab.machine{image = "pages.s"}
assert(vmlab.wait(x, "insn", x:symbol("done")))
local acc = {"read", "write", "fetch"}
for _, va in ipairs({0x7010, 0x6000, 0x10000, 0x3000}) do
	local v = x.mmu:walk(va).verdicts
	local function same(a, b)
		for _, k in ipairs(acc) do
			if v[a][k].reason ~= v[b][k].reason then return false end
		end
		return true
	end
	local lo = 0
	while lo < 4 do
		local hi = lo
		while hi + 1 < 4 and same(hi + 1, lo) do hi = hi + 1 end
		local head = hi > lo and ("  rings %d-%d:"):format(lo, hi) or ("  ring %d:   "):format(lo)
		local r = v[lo]
		if r.read.reason == r.write.reason and r.write.reason == r.fetch.reason then
			print(head .. " read, write, fetch: " .. r.read.reason)
		else
			print(("%s read: %s; write: %s; fetch: %s"):format(head, r.read.reason,
				r.write.reason, r.fetch.reason))
		end
		lo = hi + 1
	end
end
