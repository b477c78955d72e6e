	add r1, x, r3
