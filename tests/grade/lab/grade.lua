-- grade.lua -- the sample lab of tests/grade (docs/grading.md explains
-- every call).  The student owns sum.s, upper.s, fmt.lua and wc.c.
lab{ name = "sample", files = { "sum.s", "upper.s", "fmt.lua", "wc.c" } }

local prog = grade.assemble{ main = "harness.s", name = "program" }
local wc = grade.build_c{ name = "wc", cmd = { "cc", "-O1", "-o", "wc", "wc.c" } }

-- Call the student's sum on words, from the harness's array.
local function call_sum(t, words)
  local x = t:boot(prog)
  local base = x:symbol("array")
  for i, w in ipairs(words) do x.phys:write32(base + 4 * (i - 1), w) end
  x.cpu.pc = x:symbol("sum")
  x.cpu.a0, x.cpu.a1, x.cpu.ra = base, #words, x:symbol("done")
  local why = t:run(x, { stop_at = { "insn", x:symbol("done") } })
  t:expect_eq(why, "event", "sum returns to its caller")
  return x
end

group "sum"
test{ name = "sum of 1..10", points = 2, group = "sum", budget = { insns = 100000 },
  function(t)
    local x = call_sum(t, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })
    t:expect_reg(x, "a0", 55)
  end }
test{ name = "sum of nothing", points = 1, group = "sum", budget = { insns = 100000 },
  function(t)
    t:expect_reg(call_sum(t, {}), "a0", 0)
  end }
test{ name = "sum wraps around", points = 1, group = "sum", visibility = "hidden",
  budget = { insns = 100000 },
  function(t)
    t:expect_reg(call_sum(t, { 0xffffffff, 2 }), "a0", 1)
  end }

group "upper"
test{ name = "upper echoes in capitals", points = 2, group = "upper",
  budget = { insns = 200000, output = 4096 },
  function(t)
    local x = t:boot(prog)
    t:send(x, "hello, world\nvmlab 1\n", true)
    local why, d = t:run(x)
    t:expect_eq(why, "poweroff", "the program powers off")
    t:expect_output(x, { "^HELLO, WORLD$", "^VMLAB 1$" }, { no = { "PASS" } })
  end }

group "lua"
test{ name = "thousands", points = 1, group = "lua",
  function(t)
    local fmt, err = grade.student_lua("fmt.lua", { insns = 100000 })
    if not fmt then t:fail("fmt.lua does not load: " .. err) end
    t:expect_eq(fmt.thousands(1234567), "1,234,567", "thousands(1234567)")
    t:expect_eq(fmt.thousands(-1000), "-1,000", "thousands(-1000)")
  end }

group "c"
test{ name = "wc counts words", points = 1, group = "c",
  function(t)
    if not wc.ok then t:fail("wc.c did not build") end
    local r = grade.exec({ "./wc" }, { input = "one two  three\nfour\n", cpu = 2, wall = 5 })
    t:expect_eq(r.status, "exit status 0", "wc's exit")
    t:expect_output(r.output, { "^4$" }, { no = { "PASS" }, what = "wc's output" })
  end }
