-- examples/lua/share.lua: the proportional-share scheduler (mon:schedule)
-- gives each VM guest time in proportion to its weight.
local S = assert(loadfile("../../examples/lua/share.lua"))("--module")
for _, weights in ipairs({{1, 2, 3}, {3, 1}, {1, 1, 1, 5}}) do
	local sum = 0
	for _, w in ipairs(weights) do sum = sum + w end
	local shares = S.run(weights, 8000000)
	for i, w in ipairs(weights) do
		assert(math.abs(shares[i] - w / sum) < 0.01,
		       ("weights %s: vm%d got %.3f, wants %.3f"):format(table.concat(weights, ","),
			i - 1, shares[i], w / sum))
	end
end
-- the round robin (no scheduler) shares equally: the weights made the difference
local S2 = assert(loadfile("../../examples/lua/share.lua"))("--module")
S2.install = function(mon) mon:schedule(nil) end
local shares = S2.run({1, 3}, 8000000)
assert(math.abs(shares[1] - 0.5) < 0.01, shares[1])
