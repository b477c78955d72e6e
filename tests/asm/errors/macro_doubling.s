# A macro that calls itself twice per level: 2^30 expansions if nothing
# stopped it.  The total of macro-expanded text is capped (docs/asm.md §15).
.macro twice n
.if \n
twice \n-1
twice \n-1
.endif
.endm
twice 30
