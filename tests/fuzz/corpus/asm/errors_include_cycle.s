	.include "cycle_a.inc"
