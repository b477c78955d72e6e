# text after .else, .endif and .endm is a mistake, not a comment
	.macro	m
	nop
	.endm	m
	.if	1
	m
	.else	what
	.endif	1	# a comment is fine
