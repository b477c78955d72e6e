-- expect: 1 /fail\/syntax\.lua:3: .*near/
local x = 1
x = = 2
