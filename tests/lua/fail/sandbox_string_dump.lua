-- expect: 1 /attempt to call a nil value \(field 'dump'\)/ --sandbox
local b = string.dump(function() end)
