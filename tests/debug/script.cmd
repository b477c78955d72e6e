# source, define (user commands with $argN, $argc), save breakpoints, and
# shell refused under --batch-safe.
# args: --batch-safe --keep-going
# status: 1
# setup: printf 'break multiply\ninfo line square\n' > more.cmd
define showsq
echo square of $arg0 ($argc argument):\n
p $arg0 * $arg0
end
showsq 7
help showsq
define step
source more.cmd
break square if $a0 == 3
tbreak puts
watch counter
ignore 2 1
disable 4
save breakpoints bps.cmd
shell cat bps.cmd
delete
info breakpoints
source bps.cmd
info breakpoints
source nosuch.cmd
