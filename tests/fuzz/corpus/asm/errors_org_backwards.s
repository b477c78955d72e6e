	nop
	nop
	.org 0x1004
