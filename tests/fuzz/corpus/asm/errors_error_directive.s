.ifndef CONFIG
	.error "define CONFIG before including this file"
.endif
	.warning "still here"
