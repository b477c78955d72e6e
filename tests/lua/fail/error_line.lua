-- expect: 1 /^fail\/error_line\.lua:3: boom$/
local x = 1
if x == 1 then error("boom") end
