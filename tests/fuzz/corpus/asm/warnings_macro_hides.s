# a macro named like an instruction hides it (assembled, with a warning)
	.macro	nop
	addi	zero, zero, 0
	.endm
	.macro	push rs
	sw	\rs, -4(sp)
	addi	sp, sp, -4
	.endm
# another spelling only wraps it: `halt` is still the instruction
	.macro	HALT
	halt
	.endm
_start:	nop
	push	a0
	HALT
