-- expect: 1 /not enough memory|too large/ --sandbox --lua-mem 16M
local s = string.rep("x", 1 << 40)
