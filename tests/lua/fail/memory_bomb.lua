-- expect: 1 /not enough memory/ --sandbox --lua-mem 16M
local t = {}
for i = 1, 1e9 do t[i] = {i, i} end
