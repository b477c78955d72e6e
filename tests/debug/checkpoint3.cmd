# A checkpoint records its image (path and content hash): loading it into
# a session of another image is refused with the way to force it; `force`
# loads it, the pages saved as "the image's" coming from this image.
# prog: prog.s
# args: --keep-going
# status: 1
# setup: printf 'stepi 40\nsave other.ck\n' > mk.cmd; "$VMLAB" debug trap.s -x mk.cmd
info regs pc
load other.ck
info regs pc
load other.ck force
info regs pc
save mine.ck
stepi 5
load mine.ck
info regs pc
