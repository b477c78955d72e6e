loop:	nop
	nop
loop:	nop
