# add(a0, a1): a0 = a0 + a1
add:
        # BEGIN SOLUTION TODO: a0 = a0 + a1
        add   a0, a0, a1
        # END SOLUTION
        ret
	; BEGIN SOLUTION
	nop
	; END SOLUTION
  // BEGIN SOLUTION TODO:   trailing blanks go   
        nop
  // END SOLUTION
