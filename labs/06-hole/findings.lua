-- findings.lua -- what your experiments found, one entry per instruction.
--
--   sensitive   does it read or change the machine's configuration (the
--               ring, the interrupt flag, control registers, the TLB, the
--               cycle counter)?  Measure it: the strict machine makes every
--               sensitive instruction privileged.
--   privileged  does it trap (privileged-instruction) outside ring 0 on
--               the classic machine?
--   diverges    what a guest kernel run by the trap-and-emulate monitor on
--               the classic machine sees differently from the same kernel
--               on bare metal, executing this instruction: a list of
--               "ring", "ie", "flags", "cycles" (empty when the monitor
--               keeps it equivalent)
return {
  -- BEGIN SOLUTION TODO: one entry per instruction: rdpsw, wrpsw, rdcycle, mfcr, mtcr, rfe, tlbflush, add
  rdpsw    = { sensitive = true,  privileged = false, diverges = { "ring", "ie" } },
  wrpsw    = { sensitive = true,  privileged = false, diverges = { "ring", "ie" } },
  rdcycle  = { sensitive = true,  privileged = false, diverges = { "cycles" } },
  mfcr     = { sensitive = true,  privileged = true,  diverges = {} },
  mtcr     = { sensitive = true,  privileged = true,  diverges = {} },
  rfe      = { sensitive = true,  privileged = true,  diverges = {} },
  tlbflush = { sensitive = true,  privileged = true,  diverges = {} },
  add      = { sensitive = false, privileged = false, diverges = {} },
  -- END SOLUTION
}
