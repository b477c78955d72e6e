	.data
	.byte 1, 300, -129
	.half 0x10000
