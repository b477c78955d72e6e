-- grade.lua -- the runner's limits and options, for tests/grade/run.sh.
local prog = grade.assemble{ main = "rng.s" }

-- passes under seeds 1-5, fails under 6 (rng.s's exit status is 0 then)
test{ name = "flaky", points = 1, function(t)
  local x = t:boot(prog)
  t:run(x)
  t:expect(x.exit_code ~= 0, "power-off status is not 0", "not 0", tostring(x.exit_code))
end }

test{ name = "after flaky", points = 1, after = "flaky", function(t) end }

test{ name = "long output", points = 1, function(t)
  t:note(string.rep("0123456789", 1000))
  t:fail("the note above is cut")
end }

test{ name = "no monitor yet", points = 1, function(t)
  if vmlab.monitor then t:note("vmlab.monitor exists") return end
  local ok, err = pcall(t.monitor, t, {})
  t:expect(not ok and err:find("no vmlab.monitor"), "t:monitor says it is missing")
end }
