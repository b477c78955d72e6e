-- expect: 1 /attempt to call a nil value \(global 'require'\)/ --sandbox
local os = require("os")
