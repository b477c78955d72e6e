/*
 * ckpt_prog.h -- the program behind fuzz_ckpt's checkpoints: timer
 * interrupts, memory writes over a few pages, console output, a disk-less
 * machine.  tests/fuzz/ckpt_prog.s is the same text (for vmlab debug to
 * write the seeds; tests/fuzz/seeds.sh checks they are equal).
 */
static const char ckpt_prog[] =
	"        .equ TIMER, 0xf0001000\n"
	"        .equ INTC_EN, 0xf0000004\n"
	"        .equ UART, 0xf0002000\n"
	"_start: la    t0, handler\n"
	"        mtcr  tvec, t0\n"
	"        li    s0, TIMER\n"
	"        li    t0, 300\n"
	"        sw    t0, 4(s0)\n"
	"        li    t0, 7\n"
	"        sw    t0, 0(s0)\n"
	"        li    t0, INTC_EN\n"
	"        li    t1, 1\n"
	"        sw    t1, 0(t0)\n"
	"        li    t0, 4\n"
	"        wrpsw t0\n"
	"        li    t1, 0\n"
	"        la    t2, buf\n"
	"loop:   addi  t1, t1, 1\n"
	"        slli  t3, t1, 6\n"
	"        add   t3, t3, t2\n"
	"        sw    t1, 0(t3)\n"
	"        li    t3, 0xff\n"
	"        and   t3, t1, t3\n"
	"        bnez  t3, 1f\n"
	"        li    t0, UART\n"
	"        li    t3, 46\n"
	"        sw    t3, 0(t0)\n"
	"        halt\n"
	"1:      li    t3, 3000\n"
	"        blt   t1, t3, loop\n"
	"        li    t1, 0\n"
	"        j     loop\n"
	"handler: li   t0, 1\n"
	"        sw    t0, 8(s0)\n"
	"        rfe\n"
	"        .data\n"
	"buf:    .space 200000\n";
