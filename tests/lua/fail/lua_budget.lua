-- expect: 1 /Lua instruction budget of 1000000 exhausted/ --lua-insns 1000000
while true do end
