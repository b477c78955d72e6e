# an instruction after an odd number of data bytes is not on a word:
# reported once per run of such instructions, and the fix is .align 4
_start:	li	t0, 0xf0004000
	.byte	1
	sw	zero, 0(t0)
	nop
	.align	4
	nop
	.data
	.half	2
	nop
