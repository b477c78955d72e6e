-- answers.lua -- lab 08, the questions (README.md, "Questions").  Give
-- each answer as a Lua value; the grader reads this table (shares as
-- fractions: 0.25 or 1/4, within 0.01).

return {
  -- Q1: three compute-bound VMs with weights 1, 2, 3: the share of the
  -- CPU each gets under a proportional-share scheduler, {vm0, vm1, vm2}.
  -- BEGIN SOLUTION TODO: q1 = {vm0, vm1, vm2},
  q1 = { 1 / 6, 2 / 6, 3 / 6 },
  -- END SOLUTION

  -- Q2: the same three VMs, but vm2 halts for good at the start and
  -- never wakes: the share each gets, {vm0, vm1, vm2}.
  -- BEGIN SOLUTION TODO: q2 = {vm0, vm1, vm2},
  q2 = { 1 / 3, 2 / 3, 0 },
  -- END SOLUTION

  -- Q3: stride scheduling with STRIDE1 = 60 and weights 1, 2, 3 (strides
  -- 60, 30, 20), every pass 0 at the start, the smallest pass picked (the
  -- lower id on a tie) and then advanced by its stride: the ids of the
  -- first six VMs picked, e.g. {0, 1, 2, 0, 1, 2}.
  -- BEGIN SOLUTION TODO: q3 = {six ids},
  q3 = { 0, 1, 2, 2, 1, 2 },
  -- END SOLUTION
}
