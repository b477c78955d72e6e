# add(a0, a1): a0 = a0 + a1
add:
        # TODO: a0 = a0 + a1
        ret
	; TODO
  // TODO: trailing blanks go
