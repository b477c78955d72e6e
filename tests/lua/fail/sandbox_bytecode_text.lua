-- expect: 1 /attempt to load a binary chunk/ --sandbox
local f, err = load("\27LuaT\0\25\147\r\n\26\n")
assert(f == nil)
error(err)
