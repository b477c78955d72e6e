.macro m
	nop
