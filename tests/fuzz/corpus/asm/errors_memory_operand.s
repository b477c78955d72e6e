	lw r1, r2
	sw r1, 4(x9)
