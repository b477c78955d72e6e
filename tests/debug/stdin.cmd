# Commands on standard input (not a terminal) run in batch mode too.
# stdin: yes
stepi 2
p $sp
quit
stepi
