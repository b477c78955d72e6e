.if 1
	nop
.if 0
	nop
.endif
