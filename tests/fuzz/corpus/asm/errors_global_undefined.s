	.global _start, main
_start:	nop
