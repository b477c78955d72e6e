# every error in a file is reported, and a bad line does not
# make its label undefined elsewhere
_start:	li a0, 0
loop:	add a0, a0
	addi t0, t0, 99999
	bnez t0, loop
	lw t1, nowhere(t2)
	j loop
	.word 1 +
	foo
