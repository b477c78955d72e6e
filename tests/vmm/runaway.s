# runaway.s -- a guest that never stops: only an instruction budget
# (--max-insns) ends the run, with status 124.
_start: j     _start
