-- expect: 1 /stack overflow/ --sandbox
local function f(n) return 1 + f(n + 1) end
f(1)
