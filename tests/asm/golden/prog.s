# Golden program for `vmlab disasm` and `vmlab asm -l`: every kind of
# statement once.  Print "hi" on the console, add a table, exit with it.
	.include "devices.inc"
	.global _start

	.macro putc reg
	sw \reg, UART_DATA(s0)
	.endm

	.text
_start:	la	sp, stack_top
	la	s0, UART_BASE
	la	a0, msg
1:	lbu	t0, 0(a0)
	beqz	t0, 2f
	putc	t0
	addi	a0, a0, 1
	b	1b
2:	call	sum
	li	t1, POWER_BASE
	sw	a0, 0(t1)
halt:	j	halt

# a0 = sum of the words at table
sum:	push	ra
	la	t0, table
	li	t1, (table_end - table) / 4
	li	a0, 0
.Lnext:	lw	t2, 0(t0)
	add	a0, a0, t2
	addi	t0, t0, 4
	addi	t1, t1, -1
	bgt	t1, zero, .Lnext
	pop	ra
	ret
	mfcr	t3, epc
	mtcr	tvec, t3
	.word	0xdeadbeef	# not an instruction

	.data
msg:	.asciz	"hi\n"
	.align	4
table:	.word	1, 2, 3, 4
	.half	-1
	.byte	'x'
table_end:

	.bss
	.align	16
stack:	.space	256
stack_top:
