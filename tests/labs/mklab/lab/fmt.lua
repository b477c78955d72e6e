local M = {}
function M.f(n)
  -- BEGIN SOLUTION TODO: return n formatted
  return tostring(n)
  -- END SOLUTION
end
--[[ a block comment is not a marker ]]
  /* BEGIN SOLUTION TODO: a C comment */
  x
  /* END SOLUTION */
return M
