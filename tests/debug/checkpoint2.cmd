# A damaged checkpoint (one byte flipped) and a truncated one: refused.
# prog: trap.s
# args: --keep-going
# status: 1
# setup: "$VMLAB" debug trap.s --batch <<< 'save good.ck' && cp good.ck bad.ck && printf '\125' | dd of=bad.ck bs=1 seek=200 conv=notrunc && head -c 100 good.ck > short.ck
stepi 10
load bad.ck
load short.ck
info regs pc instret
load good.ck
info regs pc instret
save /nonexistent/dir/x.ck
