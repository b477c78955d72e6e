-- expect: 1 /stack overflow|C stack overflow/ --sandbox
local t = setmetatable({}, {})
getmetatable(t).__index = function(s, k) return s[k] end
return t.x
