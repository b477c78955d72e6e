	li r1, 5 @ 3
	li r2, 0b102
	li r3, 'ab'
