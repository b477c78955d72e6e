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
 * Input.  The host hands the UART a tape of arrivals: bytes, or the end
 * of input, each at a cycle of virtual time (dev_uart_input_at; the plain
 * dev_uart_input and dev_uart_eof arrive "now").  A batch run puts its
 * whole input on the tape at cycle 0; an interactive front end appends
 * each keystroke at the cycle at which it delivered it; a replay puts a
 * recorded session's arrivals at their recorded cycles.  The tape is host
 * input, not machine state: a snapshot keeps only how much of it has
 * arrived, so restoring one and running on replays the same arrivals.
 *
 *   tape:   [c0: "ls\r"] [c1: "p"] [c2: "s\r"] [c3: EOF]   (c0 <= c1 <= ...)
 *                                 ^ pos: the next arrival
 *
 * Arrived bytes wait in a queue and are paced in virtual time, like a
 * serial line: byte i becomes readable at max(arrived(i), read(i-1)) +
 * 100, i.e. 100 cycles after the previous byte was read or, if the queue
 * was empty, 100 cycles after it arrived (which is never before reset +
 * 100).  One machine timer fires at the earlier of that cycle and the
 * next arrival's; a read of DATA before a byte is ready returns 0 and
 * takes nothing.
 *
 * Interrupt.  Line IRQ_UART = RX_IRQ_ENABLE && (RX_READY || EOF_NEW), a
 * level.  Reading the byte drops RX_READY until the next one is ready.
 * EOF_NEW is set when RX_EOF becomes 1 and cleared by the first STATUS
 * read that reports RX_EOF: so the end of input wakes a guest that sleeps
 * waiting for input, once (a guest that reads STATUS after each byte, as
 * a driver's receive loop does, never takes an interrupt for it).
 *
 * Reset: CTRL 0, tape and queue empty, not at end of input.
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

/* One arrival on the tape: bytes [off, off + len) of tape_bytes, or the
 * end of input (eof). */
struct uart_arrival {
	uint64_t at;        /* cycle at which it arrives                         */
	size_t off, len;
	bool eof;
};

struct dev_uart {
	struct dev_host host;  /* owner: cycle counter, event timer, irq line, io   */
	int event;          /* machine timer: next byte ready or next arrival    */
	uint32_t ctrl;      /* CTRL register (UART_CTRL_RX_IRQ)                  */
	bool eof;           /* the end of input has arrived                      */
	bool eof_told;      /* a STATUS read has reported RX_EOF (EOF_NEW clear) */
	uint64_t rx_ready_at; /* cycle from which the head of the queue is ready */
	uint8_t *rx;        /* host buffer of received bytes not yet read        */
	size_t rx_head;     /* index of the next byte to hand to the guest       */
	size_t rx_len;      /* bytes in rx[rx_head .. rx_head + rx_len)          */
	size_t rx_cap;      /* allocated size of rx                              */
	struct uart_arrival *tape; /* host input, in order of arrival            */
	size_t ntape, tape_cap, pos; /* pos: arrivals delivered so far           */
	uint8_t *tape_bytes; /* the bytes of every arrival                       */
	size_t nbytes, bytes_cap;
};

static bool dev_uart_rx_ready(const struct dev_uart *u)
{
	return u->rx_len > 0 && dev_now(&u->host) >= u->rx_ready_at;
}

static bool dev_uart_rx_eof(const struct dev_uart *u)
{
	return u->eof && u->rx_len == 0;
}

static void dev_uart_update_irq(struct dev_uart *u)
{
	bool eof_new = dev_uart_rx_eof(u) && !u->eof_told;

	dev_set_irq(&u->host, IRQ_UART,
		    (dev_uart_rx_ready(u) || eof_new) && (u->ctrl & UART_CTRL_RX_IRQ));
}

/* Arm the event for the earlier of: the head byte gets ready, the next
 * arrival is due. */
static void dev_uart_rearm(struct dev_uart *u)
{
	uint64_t when = UINT64_MAX, now = dev_now(&u->host);

	if (u->rx_len > 0 && u->rx_ready_at > now)
		when = u->rx_ready_at;
	if (u->pos < u->ntape && u->tape[u->pos].at < when)
		when = u->tape[u->pos].at;
	if (when != UINT64_MAX)
		dev_timer_arm(&u->host, u->event, when);
	else
		dev_timer_disarm(&u->host, u->event);
}

/* Make room for n more bytes at the end of a buffer of *cap bytes
 * holding len. */
static bool grow(void **buf, size_t *cap, size_t len, size_t n, size_t elem)
{
	size_t c = *cap ? *cap : 256;
	void *p;

	if (n <= *cap - len)
		return true;
	while (c - len < n) {
		if (c > SIZE_MAX / 2 / elem)
			return false;
		c *= 2;
	}
	p = realloc(*buf, c * elem);
	if (!p)
		return false;
	*buf = p;
	*cap = c;
	return true;
}

/* Make room for n more bytes at the end of the queue. */
static bool dev_uart_reserve(struct dev_uart *u, size_t n)
{
	if (u->rx_head > 0) {
		memmove(u->rx, u->rx + u->rx_head, u->rx_len);
		u->rx_head = 0;
	}
	return grow((void **)&u->rx, &u->rx_cap, u->rx_len, n, 1);
}

/* An arrival reaches the queue. */
static void dev_uart_arrive(struct dev_uart *u, const struct uart_arrival *a)
{
	bool was_empty = u->rx_len == 0;

	if (a->eof) {
		u->eof = true;
	} else if (a->len && dev_uart_reserve(u, a->len)) {
		memcpy(u->rx + u->rx_len, u->tape_bytes + a->off, a->len);
		u->rx_len += a->len;
		/* If the queue was empty, the previous byte was read no later
		 * than now, so now + 100 is the later of the two times. */
		if (was_empty)
			u->rx_ready_at = dev_now(&u->host) + UART_RX_GAP;
	} /* else out of host memory: the input is lost, the guest goes on */
}

/* Deliver every arrival that is due, then wake the line up. */
static void dev_uart_ready(void *opaque)
{
	struct dev_uart *u = opaque;

	while (u->pos < u->ntape && u->tape[u->pos].at <= dev_now(&u->host))
		dev_uart_arrive(u, &u->tape[u->pos++]);
	dev_uart_rearm(u);
	dev_uart_update_irq(u);
}

bool dev_uart_input_at(struct dev_uart *u, uint64_t at, const uint8_t *bytes, size_t n, bool eof)
{
	struct uart_arrival *last = u->ntape ? &u->tape[u->ntape - 1] : NULL;

	if (at < dev_now(&u->host))
		at = dev_now(&u->host); /* the past is past: it arrives now */
	if (last && (at < last->at || last->eof))
		return false;
	if (!eof && n == 0)
		return true;
	if (!grow((void **)&u->tape, &u->tape_cap, u->ntape, 1, sizeof *u->tape) ||
	    !grow((void **)&u->tape_bytes, &u->bytes_cap, u->nbytes, n, 1))
		return false;
	if (n)
		memcpy(u->tape_bytes + u->nbytes, bytes, n);
	u->tape[u->ntape++] = (struct uart_arrival){ .at = at, .off = u->nbytes, .len = n,
						     .eof = eof };
	u->nbytes += n;
	if (at == dev_now(&u->host))
		dev_uart_ready(u); /* arrives now */
	else
		dev_uart_rearm(u);
	return true;
}

void dev_uart_input(struct dev_uart *u, const uint8_t *bytes, size_t n)
{
	dev_uart_input_at(u, dev_now(&u->host), bytes, n, false);
}

void dev_uart_eof(struct dev_uart *u)
{
	dev_uart_input_at(u, dev_now(&u->host), NULL, 0, true);
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
			u->rx_ready_at = dev_now(&u->host) + UART_RX_GAP;
			dev_uart_rearm(u);
			dev_uart_update_irq(u);
		}
		return true;
	case UART_STATUS:
		*value = UART_STATUS_TX_READY;
		if (dev_uart_rx_ready(u))
			*value |= UART_STATUS_RX_READY;
		if (dev_uart_rx_eof(u)) {
			*value |= UART_STATUS_RX_EOF;
			u->eof_told = true;
			dev_uart_update_irq(u);
		}
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
	free(u->tape);
	free(u->tape_bytes);
	free(u);
}

/* Snapshots: the registers, the input not read yet, and how much of the
 * tape has arrived (the tape itself is host input and stays as it is).
 *
 *   ctrl u32 | flags u8 (bit 0 eof, bit 1 eof told) | rx_ready_at u64 |
 *   rx_len u64 | rx_len bytes | arrived u64 (absent in older files: 0)
 */
static void dev_uart_save(void *dev, struct snap_writer *w)
{
	struct dev_uart *u = dev;

	snap_put_u32(w, u->ctrl);
	snap_put_u8(w, (uint8_t)(u->eof | u->eof_told << 1));
	snap_put_u64(w, u->rx_ready_at);
	snap_put_u64(w, u->rx_len);
	/* no input ever queued: rx is NULL, and NULL + 0 is undefined in C */
	if (u->rx_len)
		snap_put(w, u->rx + u->rx_head, u->rx_len);
	snap_put_u64(w, u->pos);
}

static bool dev_uart_load(void *dev, struct snap_reader *r)
{
	struct dev_uart *u = dev;
	uint64_t len, pos = 0;
	uint8_t flags;

	if (!snap_get_u32(r, &u->ctrl) || !snap_get_u8(r, &flags) || flags > 3 ||
	    !snap_get_u64(r, &u->rx_ready_at) || !snap_get_u64(r, &len) || len > snap_left(r))
		return false;
	u->eof = flags & 1;
	u->eof_told = flags >> 1;
	u->rx_head = u->rx_len = 0;
	if (!dev_uart_reserve(u, (size_t)len))
		return false;
	u->rx_len = (size_t)len;
	if (!snap_get(r, u->rx, u->rx_len) || (snap_left(r) && !snap_get_u64(r, &pos)))
		return false;
	/* A snapshot of another session may have seen more of its tape. */
	u->pos = pos < u->ntape ? (size_t)pos : u->ntape;
	dev_uart_rearm(u);
	return true;
}

static const char *dev_uart_check(void *dev, bool armed, uint64_t when)
{
	const struct dev_uart *u = dev;
	bool line = (dev_irq_lines(&u->host) >> IRQ_UART) & 1;

	if (u->ctrl & ~UART_CTRL_RX_IRQ)
		return "uart CTRL has bits that read 0";
	/* the timer waits for the head byte to get ready or for the next
	 * arrival on the tape (dev_uart_rearm) */
	if (armed && !(u->rx_len && when == u->rx_ready_at) &&
	    !(u->pos < u->ntape && when == u->tape[u->pos].at))
		return "uart timer armed with no byte to get ready and no arrival due";
	if (line && !((u->rx_len || (dev_uart_rx_eof(u) && !u->eof_told)) &&
		      (u->ctrl & UART_CTRL_RX_IRQ)))
		return "irq line 1 up with no byte, no new end of input, or RX_IRQ off";
	return NULL;
}

static const struct dev_ops dev_uart_ops = {
	.name = "uart",
	.check = dev_uart_check,
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
