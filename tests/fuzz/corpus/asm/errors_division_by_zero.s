	.equ N, 0
	.word 100 / N
