# .include of a device: refused (it would never end), not read forever
.include "/dev/zero"
