.if LATER
	nop
.endif
LATER = 1
