msg:	.asciz "hello
