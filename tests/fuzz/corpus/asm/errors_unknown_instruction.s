# a mnemonic the ISA does not have
_start:
	move	r1, r2
