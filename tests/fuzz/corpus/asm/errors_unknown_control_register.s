	mfcr r1, epcx
	mtcr r1, r2
	mfcr r1, 40
