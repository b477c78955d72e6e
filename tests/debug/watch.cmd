# Watchpoints: write (stops only when the value changes), read, access,
# with a condition and a length; physical; deleted and disabled.
watch counter
continue
continue
info break
rwatch counter
continue
delete 1
awatch counter if {w}counter > 10
continue
continue
delete
watch message+4 2
watch -p 0x2004 1
set {b}0x2004 = 'S'
info break
x/s message
delete
awatch -p counter
stepi 5
continue
delete
