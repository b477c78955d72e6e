	.bss
buf:	.space 16
	.word 1
	nop
