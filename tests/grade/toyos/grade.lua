-- grade.lua -- a toyos lab for tests/grade/run.sh: the student owns
-- labs/os/progs.s (the user programs); the rest of toyos is the lab's.
local kernel = grade.toyos{ os = "../../../labs/os", replace = { "progs.s" } }

test{ name = "hello at the shell", points = 1, budget = { insns = 20000000 },
  function(t)
    local x = t:boot(kernel)
    t:wait_output(x, "%$ ")
    t:send(x, "hello\n")
    t:expect_eq(t:wait_output(x, "hello, world\n"), "hello, world\n", "hello's output")
  end }
