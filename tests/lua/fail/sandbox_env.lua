-- expect: 1 /attempt to index a nil value \(global 'io'\)/ --sandbox
-- load's chunks get the sandbox too, not the real globals
local f = load("return io.stdout")
f()
