	addi r1, r0, 70000
	ori r1, r1, -1
	slli r1, r1, 32
