/*
 * dev_uart.c -- the console UART, at MMIO_UART (0xf0002000).
 *
 *   offset  name     access  bits
 *   ------  -------  ------  ------------------------------------------------
 *   0x00    DATA     rw      write: bits 7..0 go to the console (bits
 *                            31..8 ignored); read: the next received byte
 *                            in bits 7..0, or 0 if none is ready
 *   0x04    STATUS   ro      bit 0 RX_READY  a received byte can be read
 *                            bit 1 TX_READY  always 1 (output never waits)
 *                            bit 2 RX_EOF    input has ended and every
 *                                            byte of it has been read
 *   0x08    CTRL     rw      bit 0 RX_IRQ_ENABLE (other bits read 0)
 *
 * Output goes straight to machine_io.console_out, one byte per write.
 *
 * Input arrives from the host (dev_uart_input, called by
 * machine_console_input) into a queue and is paced in virtual time, like a
 * serial line: byte i becomes readable at max(queued(i), read(i-1)) + 100,
 * i.e. 100 cycles after the previous byte was read or, if the queue was
 * empty, 100 cycles after it was queued (which is never before reset + 100).
 * A machine timer fires at that cycle to raise the line; a read of DATA
 * before it returns 0 and takes nothing.
 *
 * Interrupt.  Line IRQ_UART = RX_READY && RX_IRQ_ENABLE, a level: reading
 * the byte drops it until the next one is ready.
 *
 * Reset: CTRL 0, input queue empty, not at end of input.
 */
#include <stdlib.h>
#include <string.h>

#include "devices.h"

enum {
	UART_DATA = 0x00,
	UART_STATUS = 0x04,
	UART_CTRL = 0x08,
};
#define UART_STATUS_RX_READY 0x1u
#define UART_STATUS_TX_READY 0x2u
#define UART_STATUS_RX_EOF   0x4u
#define UART_CTRL_RX_IRQ     0x1u
#define UART_RX_GAP          100u /* cycles between received bytes */

struct dev_uart {
	struct dev_host host;  /* owner: cycle counter, event timer, irq line, io   */
	int event;          /* machine timer that fires when a byte gets ready   */
	uint32_t ctrl;      /* CTRL register (UART_CTRL_RX_IRQ)                  */
	bool eof;           /* the host said no more input will come             */
	uint64_t rx_ready_at; /* cycle from which the head of the queue is ready */
	uint8_t *rx;        /* host buffer of received bytes not yet read        */
	size_t rx_head;     /* index of the next byte to hand to the guest       */
	size_t rx_len;      /* bytes in rx[rx_head .. rx_head + rx_len)          */
	size_t rx_cap;      /* allocated size of rx                              */
};

static bool dev_uart_rx_ready(const struct dev_uart *u)
{
	return u->rx_len > 0 && dev_now(&u->host) >= u->rx_ready_at;
}

static void dev_uart_update_irq(struct dev_uart *u)
{
	dev_set_irq(&u->host, IRQ_UART, dev_uart_rx_ready(u) && (u->ctrl & UART_CTRL_RX_IRQ));
}

/* Set when the head byte gets ready and wake the line up then. */
static void dev_uart_pace(struct dev_uart *u, uint64_t ready_at)
{
	u->rx_ready_at = ready_at;
	if (u->rx_len > 0)
		dev_timer_arm(&u->host, u->event, ready_at);
}

static void dev_uart_ready(void *opaque)
{
	dev_uart_update_irq(opaque);
}

/* Make room for n more bytes at the end of the queue. */
static bool dev_uart_reserve(struct dev_uart *u, size_t n)
{
	size_t cap = u->rx_cap ? u->rx_cap : 256;
	uint8_t *rx;

	if (u->rx_head > 0) {
		memmove(u->rx, u->rx + u->rx_head, u->rx_len);
		u->rx_head = 0;
	}
	if (n <= u->rx_cap - u->rx_len)
		return true;
	while (cap - u->rx_len < n) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	rx = realloc(u->rx, cap);
	if (!rx)
		return false;
	u->rx = rx;
	u->rx_cap = cap;
	return true;
}

void dev_uart_input(struct dev_uart *u, const uint8_t *bytes, size_t n)
{
	bool was_empty = u->rx_len == 0;

	if (n == 0 || !dev_uart_reserve(u, n))
		return; /* out of host memory: the input is lost, the guest goes on */
	memcpy(u->rx + u->rx_head + u->rx_len, bytes, n);
	u->rx_len += n;
	/* If the queue was empty, the previous byte was read no later than
	 * now, so now + 100 is the later of the two times. */
	if (was_empty)
		dev_uart_pace(u, dev_now(&u->host) + UART_RX_GAP);
}

void dev_uart_eof(struct dev_uart *u)
{
	u->eof = true;
}

static bool dev_uart_read(void *dev, uint32_t offset, uint32_t *value)
{
	struct dev_uart *u = dev;

	switch (offset) {
	case UART_DATA:
		*value = 0;
		if (dev_uart_rx_ready(u)) {
			*value = u->rx[u->rx_head++];
			u->rx_len--;
			dev_uart_pace(u, dev_now(&u->host) + UART_RX_GAP);
			dev_uart_update_irq(u);
		}
		return true;
	case UART_STATUS:
		*value = UART_STATUS_TX_READY;
		if (dev_uart_rx_ready(u))
			*value |= UART_STATUS_RX_READY;
		if (u->eof && u->rx_len == 0)
			*value |= UART_STATUS_RX_EOF;
		return true;
	case UART_CTRL:
		*value = u->ctrl;
		return true;
	default:
		return false;
	}
}

static bool dev_uart_write(void *dev, uint32_t offset, uint32_t value)
{
	struct dev_uart *u = dev;
	uint8_t byte = (uint8_t)value;

	switch (offset) {
	case UART_DATA:
		dev_console_out(&u->host, &byte, 1);
		return true;
	case UART_CTRL:
		u->ctrl = value & UART_CTRL_RX_IRQ;
		dev_uart_update_irq(u);
		return true;
	default:
		return false;
	}
}

static void dev_uart_free(void *dev)
{
	struct dev_uart *u = dev;

	free(u->rx);
	free(u);
}

/* Snapshots: the registers and the input not read yet. */
static void dev_uart_save(void *dev, struct snap_writer *w)
{
	struct dev_uart *u = dev;

	snap_put_u32(w, u->ctrl);
	snap_put_u8(w, u->eof);
	snap_put_u64(w, u->rx_ready_at);
	snap_put_u64(w, u->rx_len);
	snap_put(w, u->rx + u->rx_head, u->rx_len);
}

static bool dev_uart_load(void *dev, struct snap_reader *r)
{
	struct dev_uart *u = dev;
	uint64_t len;
	uint8_t eof;

	if (!snap_get_u32(r, &u->ctrl) || !snap_get_u8(r, &eof) || eof > 1 ||
	    !snap_get_u64(r, &u->rx_ready_at) || !snap_get_u64(r, &len) || len > snap_left(r))
		return false;
	u->eof = eof;
	u->rx_head = u->rx_len = 0;
	if (!dev_uart_reserve(u, (size_t)len))
		return false;
	u->rx_len = (size_t)len;
	return snap_get(r, u->rx, u->rx_len);
}

static const struct dev_ops dev_uart_ops = {
	.name = "uart",
	.read = dev_uart_read,
	.write = dev_uart_write,
	.free = dev_uart_free,
	.save = dev_uart_save,
	.load = dev_uart_load,
};

struct dev_uart *dev_uart_attach(const struct dev_host *host, char *err, size_t errlen)
{
	struct dev_uart *u = calloc(1, sizeof *u);

	if (!u) {
		dev_fail(err, errlen, dev_uart_ops.name, "out of memory");
		return NULL;
	}
	u->host = *host;
	u->event = dev_event_new(host, dev_uart_ready, u, dev_uart_ops.name, err, errlen);
	if (u->event < 0) {
		free(u);
		return NULL;
	}
	dev_uart_update_irq(u);
	return dev_map(host, MMIO_UART, &dev_uart_ops, u, err, errlen) ? u : NULL;
}
