# A section whose bytes run past the top of the address space: the
# statement that crosses 0xffffffff is the error, not the whole file.
.org 0xfffffff8
.word 1, 2
.word 3
