local M = {}
function M.f(n)
  -- TODO: return n formatted
end
--[[ a block comment is not a marker ]]
  /* TODO: a C comment */
return M
