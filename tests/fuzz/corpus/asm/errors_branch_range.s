	beq r1, r0, far
	.space 0x40000
far:	nop
