1:	j 2f
	j 1b
	j 3b
