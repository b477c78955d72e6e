	nop
.endm
