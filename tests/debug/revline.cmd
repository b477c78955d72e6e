# reverse-step, reverse-next and reverse-finish go back by source lines
# and frames, and land exactly where the forward commands would stop.
break 13
run
continue
p $a0
reverse-step
reverse-next
reverse-step
reverse-finish
reverse-next
next 2
p $a0
delete
reverse-next
reverse-step
reverse-step
