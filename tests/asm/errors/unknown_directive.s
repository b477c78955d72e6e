	.text
	.foo 1
