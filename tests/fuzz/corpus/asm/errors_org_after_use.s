# .org places .text only while nothing depends on its address
	.align	4		# adds nothing: does not count
	.equ	here, .		# 0x1000: the address is used
	.org	0x2000
_start:	nop
	.data
	.align	16		# .data not placed: adds nothing
	.org	0x8004
	.word	here
