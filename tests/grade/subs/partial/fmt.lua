-- fmt.lua: forgets negative numbers
local function thousands(n)
  local s = tostring(n)
  return (s:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
end
return { thousands = thousands }
