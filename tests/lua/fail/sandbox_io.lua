-- expect: 1 /sandbox_io\.lua:2: attempt to index a nil value \(global 'io'\)/ --sandbox
local f = io.open("/etc/passwd")
