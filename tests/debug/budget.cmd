# A batch run that uses up --max-insns reports it and exits 124 at once:
# the commands after it are not run.
# prog: loop.s
# args: --max-insns 1000000
# status: 124
info line spin
continue
stepi
