-- fmt.lua: thousands(n) writes n with a comma every three digits.
local function thousands(n)
  local s = tostring(n)
  local sign, digits = s:match("^(-?)(%d+)$")
  digits = digits:reverse():gsub("(%d%d%d)", "%1,"):reverse()
  return sign .. digits:gsub("^,", "")
end
return { thousands = thousands }
