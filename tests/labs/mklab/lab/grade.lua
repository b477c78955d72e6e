-- A lab for testing scripts/mklab (tests/labs/mklab.sh): add.s is the
-- student's, with solution markers in the assembler's comment styles.
lab{ name = "mklab-test",
     files = { "add.s", "fmt.lua" } }

local prog = grade.assemble{ main = "harness.s", name = "program" }

test{ name = "add", points = 1, budget = { insns = 1000 }, function(t)
  local x = t:boot(prog)
  t:expect_eq(t:run(x), "poweroff", "the program powers off")
  t:expect_exit(x, 5)
end }
