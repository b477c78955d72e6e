	.include "no/such/file.s"
