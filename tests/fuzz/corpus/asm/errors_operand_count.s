	mul r1, r2
	nop r1
	j
