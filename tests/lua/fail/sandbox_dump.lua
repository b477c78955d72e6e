-- expect: 1 /attempt to call a nil value \(method 'dump'\)/ --sandbox
local f = function() end
local s = (""):dump(f)
