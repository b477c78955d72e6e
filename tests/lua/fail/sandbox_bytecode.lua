-- expect: 1 /text chunks only|binary chunk/ --sandbox
local f, err = load("\27Lua\x54\0", "b", "b")
error(err or "loaded")
