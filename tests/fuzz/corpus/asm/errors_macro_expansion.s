.macro load reg, value
	li \reg, \value
.endm

	load r1, 5
	load x1, 5
