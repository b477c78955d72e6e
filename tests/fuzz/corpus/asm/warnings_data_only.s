# no code and no _start: the entry point 0x1000 is the data below
	.data
msg:	.asciz	"no code here"
