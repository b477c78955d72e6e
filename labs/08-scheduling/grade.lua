-- grade.lua -- lab 08, scheduling and isolating VMs.  The student owns
-- sched.lua (a scheduler: init(weights), pick(vms, current)) and
-- answers.lua.  Every test loads sched.lua afresh in the sandbox, runs
-- guests from guests/ under the monitor with it installed (mon:schedule),
-- and judges what the monitor counted: each VM's guest instructions and
-- cycles, its state, the machine's cycles.  Nothing a guest prints.
lab{ name = "08-scheduling", files = { "sched.lua", "answers.lua" } }

local SLICE = 20000    -- cycles a pick runs for (the monitor's default/10)
local RUN = 20000000   -- instructions a share is measured over: ~1000 picks
local TOL = 0.03       -- a share may miss its weight's by 3 points
-- (the tests run the monitor themselves, RUN or 1.5 RUN instructions; see run)
local BUDGET = { insns = 2 * RUN }

local function source(kind)
  local f = assert(io.open(grade.lab .. "/guests/" .. kind .. ".s"))
  local s = f:read("a")
  f:close()
  return s
end

-- t:expect with what was expected and what came in the message itself
-- (the text report shows only the message)
local function check(t, ok, what, want, got)
  return t:expect(ok, ("%s: expected %s, got %s"):format(what, want, got), want, got)
end

local function list(t)
  local s = {}
  for i, v in ipairs(t) do s[i] = type(v) == "number" and ("%g"):format(v) or tostring(v) end
  return "{" .. table.concat(s, ", ") .. "}"
end

-- The monitor running one guest of each kind in `kinds`, with the
-- student's scheduler for `weights` installed.  st.bad is set (and the
-- run stopped) at the first pick that is not a ready VM's id.
local function start(t, weights, kinds)
  local S, err = grade.student_lua("sched.lua", { insns = 1000000 })
  if not S then t:fail("sched.lua does not load: " .. tostring(err)) end
  if type(S) ~= "table" or type(S.init) ~= "function" or type(S.pick) ~= "function" then
    t:fail("sched.lua must return a table with the functions init and pick")
  end
  local vms = {}
  for i, k in ipairs(kinds) do
    vms[i] = { source = source(k), name = k .. ".s", mem = "64K", seed = t.seed }
  end
  -- (vmlab.monitor itself: t:monitor gives the monitor a top-level seed,
  -- which vmlab.monitor refuses; the seed belongs to each VM)
  local mon = vmlab.monitor{ variant = "strict", slice = SLICE, vms = vms }
  local ok, e = pcall(S.init, table.move(weights, 1, #weights, 1, {}))
  if not ok then t:fail("init(" .. list(weights) .. ") failed: " .. tostring(e)) end
  local st = { picks = 0, kinds = kinds, weights = weights }
  mon:schedule(function(ready, current)
    if st.bad then return nil end
    local by = {}
    for _, vm in ipairs(ready) do by[vm.id] = vm end
    local view, states = {}, {}
    for i, vm in ipairs(mon.vms) do
      local s = by[vm.id] and "ready" or vm.state
      if s == "running" then s = "halted" end
      view[i], states[i] = { id = vm.id, state = s }, vm.id .. " " .. s
    end
    local okp, id = pcall(S.pick, view, current and current.id)
    if not okp then
      st.bad = "pick failed: " .. tostring(id)
    elseif math.type(id) ~= "integer" or not by[id] then
      -- (tostring of a number only: a student's table could bring a
      -- __tostring that runs outside the budget)
      st.bad = ("pick returned %s, but only a ready VM may run (VMs: %s)"):format(
        type(id) == "number" and tostring(id) or "a " .. type(id), table.concat(states, ", "))
    else
      st.picks = st.picks + 1
      return by[id]
    end
    mon:stop()
    return nil
  end)
  return mon, st
end

-- Run `insns` instructions; then the scheduler must not have misbehaved.
-- (mon:run itself: t:run does not know a monitor's console yet.  The
-- student's code runs only in pick, under student_lua's budget, and the
-- guests are the lab's, so `insns` bounds the run.)
local function run(t, mon, st, insns)
  local why = mon:run{ max_insns = insns }
  if st.bad then t:fail(st.bad) end
  return why
end

local function insns_of(mon)
  local n = {}
  for i, vm in ipairs(mon.vms) do n[i] = vm:stats().guest_insns end
  return n
end

-- Each VM's share of the guest instructions from `before` to now must be
-- near `want[i]` (within `tol`, default TOL).
local function expect_shares(t, mon, want, before, what, tol)
  tol = tol or TOL
  local now, total, got = insns_of(mon), 0, {}
  for i = 1, #now do
    now[i] = now[i] - (before and before[i] or 0)
    total = total + now[i]
  end
  local ok = true
  for i = 1, #now do
    got[i] = total > 0 and now[i] / total or 0
    if math.abs(got[i] - want[i]) > tol then ok = false end
  end
  local function pct(t2)
    local s = {}
    for i, v in ipairs(t2) do s[i] = ("%.1f%%"):format(100 * v) end
    return table.concat(s, " ")
  end
  check(t, ok, what .. ": the shares of vm0, vm1 ...",
        pct(want) .. " (each within " .. math.floor(100 * tol) .. " points)", pct(got))
end

local function fractions(weights)
  local sum, f = 0, {}
  for _, w in ipairs(weights) do sum = sum + w end
  for i, w in ipairs(weights) do f[i] = w / sum end
  return f
end

-- Three or more compute-bound VMs: shares as the weights say.
local function shares_test(name, points, weights)
  test{ name = name, points = points, group = "shares", budget = BUDGET,
    function(t)
      local kinds = {}
      for i = 1, #weights do kinds[i] = "compute" end
      local mon, st = start(t, weights, kinds)
      run(t, mon, st, RUN)
      expect_shares(t, mon, fractions(weights), nil, "weights " .. list(weights))
    end }
end

group "shares"
shares_test("weights 1:2:3", 3, { 1, 2, 3 })
shares_test("weights 3:1:1:5", 2, { 3, 1, 1, 5 })
shares_test("large weights", 1, { 300000, 100000, 200000 })

group "work conservation"
test{ name = "only ready VMs picked", points = 1, group = "work conservation",
  budget = BUDGET,
  function(t)
    local mon, st = start(t, { 1, 1, 1, 1 }, { "halt", "compute", "crash", "finish" })
    run(t, mon, st, RUN)   -- (run fails the test at a pick of another VM)
  end }

test{ name = "a halted VM's share goes to the others", points = 2,
  group = "work conservation", budget = BUDGET,
  function(t)
    local mon, st = start(t, { 3, 1, 2 }, { "halt", "compute", "compute" })
    run(t, mon, st, RUN)
    expect_shares(t, mon, { 0, 1 / 3, 2 / 3 }, nil, "vm0 halted, weights {3, 1, 2}")
  end }

test{ name = "a VM that powers off", points = 2, group = "work conservation",
  budget = BUDGET,
  function(t)
    local mon, st = start(t, { 1, 2, 3 }, { "compute", "compute", "finish" })
    run(t, mon, st, RUN // 2)
    t:expect_eq(mon.vms[3].state, "poweroff", "vm2 (finish.s) state")
    local before = insns_of(mon)
    run(t, mon, st, RUN // 2)
    expect_shares(t, mon, { 1 / 3, 2 / 3, 0 }, before, "after vm2 powered off, weights {1, 2, 3}")
  end }

test{ name = "a VM that wakes", points = 2, group = "work conservation",
  budget = BUDGET,
  function(t)
    -- vm0 sleeps 8 million cycles while vm1 and vm2 run, then computes:
    -- from then on the three share equally; sleeping earned it no credit
    local mon, st = start(t, { 1, 1, 1 }, { "sleep", "compute", "compute" })
    run(t, mon, st, RUN // 40)                -- it halts at once ...
    for _ = 1, 40 do                          -- ... and wakes
      if mon.vms[1].state ~= "halted" then break end
      run(t, mon, st, RUN // 40)
    end
    t:expect_eq(mon.vms[1].state, "running", "vm0 (sleep.s) state after its timer")
    local before = insns_of(mon)
    -- (a long window and 5 points: a lottery's draws wander more than 3
    -- points over fewer picks; a waker that ran alone to catch up takes
    -- 43% of it)
    run(t, mon, st, RUN)
    expect_shares(t, mon, { 1 / 3, 1 / 3, 1 / 3 }, before, "the 20 million instructions "
                  .. "after vm0 woke, weights {1, 1, 1}", 0.05)
  end }

group "isolation"
test{ name = "a crashing VM", points = 2, group = "isolation", budget = BUDGET,
  function(t)
    local mon, st = start(t, { 1, 2, 3 }, { "compute", "crash", "compute" })
    local why = run(t, mon, st, RUN)
    t:expect_eq(mon.vms[2].state, "crashed", "vm1 (crash.s) state")
    t:expect_eq(why, "limit", "the run goes on after vm1 crashed (mon:run's reason)")
    expect_shares(t, mon, { 1 / 4, 50000 * 2 / RUN, 3 / 4 }, nil,
                  "vm1 crashed, weights {1, 2, 3}")
  end }

test{ name = "a hostile VM", points = 2, group = "isolation", budget = BUDGET,
  function(t)
    -- vm0 exits at every other instruction; at equal weights vm1 and vm2
    -- must each still run nearly a third of the machine's cycles as their
    -- own: a third less the monitor's work at each switch is 27.7% with
    -- three compute-bound VMs, 26.9% beside this one under stride
    -- scheduling; 24% leaves a lottery room
    local mon, st = start(t, { 1, 1, 1 }, { "hostile", "compute", "compute" })
    local c0 = mon.machine.cpu.cycles
    run(t, mon, st, RUN)
    local all = mon.machine.cpu.cycles - c0
    for i = 2, 3 do
      local got = mon.vms[i]:stats().guest_cycles / all
      check(t, got >= 0.24, ("vm%d's share of the machine's cycles"):format(i - 1),
            "at least 24%", ("%.1f%%"):format(100 * got))
    end
  end }

group "questions"
local function answer(t, key)
  local A, err = grade.student_lua("answers.lua", { insns = 100000 })
  if not A then t:fail("answers.lua does not load: " .. tostring(err)) end
  if type(A) ~= "table" or type(A[key]) ~= "table" then
    t:fail(key .. " is not answered (a table in answers.lua)")
  end
  return A[key]
end

local function near_list(t, key, got, want, eps)
  local ok = #got == #want
  for i = 1, #want do
    if type(got[i]) ~= "number" or math.abs(got[i] - want[i]) > eps then ok = false end
  end
  check(t, ok, key, eps == 0 and "other ids" or "other shares (within " .. eps .. ")",
        list(got))
end

test{ name = "Q1 shares", points = 1, group = "questions", function(t)
  near_list(t, "q1", answer(t, "q1"), { 1 / 6, 2 / 6, 3 / 6 }, 0.01)
end }
test{ name = "Q2 an idle VM", points = 1, group = "questions", function(t)
  near_list(t, "q2", answer(t, "q2"), { 1 / 3, 2 / 3, 0 }, 0.01)
end }
test{ name = "Q3 stride order", points = 1, group = "questions", function(t)
  near_list(t, "q3", answer(t, "q3"), { 0, 1, 2, 2, 1, 2 }, 0)
end }
