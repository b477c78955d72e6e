/*
 * dev_timer.c -- the interval timer, at MMIO_TIMER (0xf0001000).
 *
 *   offset  name     access  bits
 *   ------  -------  ------  ------------------------------------------------
 *   0x00    CTRL     rw      bit 0 ENABLE      counting toward a deadline
 *                            bit 1 PERIODIC    re-arm at each expiry
 *                            bit 2 IRQ_ENABLE  drive line IRQ_TIMER (0)
 *                            (other bits read 0)
 *   0x04    PERIOD   rw      cycles between arming and expiry (0 acts as 1)
 *   0x08    STATUS   rw1c    bit 0 EXPIRED: the deadline passed; write 1
 *                            to clear it
 *   0x0c    COUNT    ro      cycles until the next expiry, 0 if disabled
 *   0x10    NOW_LO   ro      cycle counter, bits 31..0; reading it latches
 *                            bits 63..32 for NOW_HI
 *   0x14    NOW_HI   ro      bits 63..32 of the counter at the last NOW_LO
 *                            read (0 before the first one)
 *
 * Time.  The timer counts the machine's cycles, nothing else: writing CTRL
 * with ENABLE set (re)arms it, deadline = now + PERIOD, and a machine timer
 * calls dev_timer_expire() when the cycle counter reaches the deadline.
 * There EXPIRED is set; a periodic timer moves its deadline on by PERIOD
 * (keeping its phase: expiries fall on arm time + k * PERIOD; one the CPU
 * jumped over, inside a trap entry say, merges into the next), a one-shot
 * timer clears ENABLE.  Writing PERIOD changes the next re-arm, not the
 * deadline already set.
 *
 * Interrupt.  Line IRQ_TIMER = EXPIRED && IRQ_ENABLE, a level: it stays up
 * until software clears EXPIRED or IRQ_ENABLE.
 *
 * Reset: every register 0, timer disabled.
 */
#include <assert.h>
#include <stdlib.h>

#include "devices.h"

enum {
	TIMER_CTRL = 0x00,
	TIMER_PERIOD = 0x04,
	TIMER_STATUS = 0x08,
	TIMER_COUNT = 0x0c,
	TIMER_NOW_LO = 0x10,
	TIMER_NOW_HI = 0x14,
};
#define TIMER_CTRL_ENABLE     0x1u
#define TIMER_CTRL_PERIODIC   0x2u
#define TIMER_CTRL_IRQ_ENABLE 0x4u
#define TIMER_CTRL_MASK       0x7u
#define TIMER_STATUS_EXPIRED  0x1u

struct dev_timer {
	struct dev_host host;  /* owner: cycle counter, event timers, irq line   */
	int event;          /* machine timer that fires at the deadline       */
	uint32_t ctrl;      /* CTRL register (TIMER_CTRL_* bits)              */
	uint32_t period;    /* PERIOD register, as written                    */
	uint32_t status;    /* STATUS register (TIMER_STATUS_EXPIRED)         */
	uint32_t now_hi;    /* NOW_HI latched by the last NOW_LO read         */
	uint64_t deadline;  /* cycle of the next expiry while ENABLE is set   */
};

/* PERIOD as it counts: 0 acts as 1. */
static uint64_t dev_timer_period(const struct dev_timer *t)
{
	return t->period ? t->period : 1;
}

static void dev_timer_update_irq(struct dev_timer *t)
{
	dev_set_irq(&t->host, IRQ_TIMER,
			(t->status & TIMER_STATUS_EXPIRED) && (t->ctrl & TIMER_CTRL_IRQ_ENABLE));
}

static void dev_timer_expire(void *opaque)
{
	struct dev_timer *t = opaque;
	uint64_t now = dev_now(&t->host);

	assert(t->ctrl & TIMER_CTRL_ENABLE); /* disabling disarms */
	t->status |= TIMER_STATUS_EXPIRED;
	if (t->ctrl & TIMER_CTRL_PERIODIC) {
		uint64_t p = dev_timer_period(t);

		t->deadline += p;
		if (t->deadline <= now) /* expiries jumped over merge into one */
			t->deadline += ((now - t->deadline) / p + 1) * p;
		dev_timer_arm(&t->host, t->event, t->deadline);
	} else {
		t->ctrl &= ~TIMER_CTRL_ENABLE;
	}
	dev_timer_update_irq(t);
}

static bool dev_timer_read(void *dev, uint32_t offset, uint32_t *value)
{
	struct dev_timer *t = dev;
	uint64_t now = dev_now(&t->host);

	switch (offset) {
	case TIMER_CTRL:
		*value = t->ctrl;
		return true;
	case TIMER_PERIOD:
		*value = t->period;
		return true;
	case TIMER_STATUS:
		*value = t->status;
		return true;
	case TIMER_COUNT:
		*value = (t->ctrl & TIMER_CTRL_ENABLE) && t->deadline > now
				 ? (uint32_t)(t->deadline - now) : 0;
		return true;
	case TIMER_NOW_LO:
		t->now_hi = (uint32_t)(now >> 32);
		*value = (uint32_t)now;
		return true;
	case TIMER_NOW_HI:
		*value = t->now_hi;
		return true;
	default:
		return false;
	}
}

static bool dev_timer_write(void *dev, uint32_t offset, uint32_t value)
{
	struct dev_timer *t = dev;

	switch (offset) {
	case TIMER_CTRL:
		t->ctrl = value & TIMER_CTRL_MASK;
		if (t->ctrl & TIMER_CTRL_ENABLE) {
			t->deadline = dev_now(&t->host) + dev_timer_period(t);
			dev_timer_arm(&t->host, t->event, t->deadline);
		} else {
			dev_timer_disarm(&t->host, t->event);
		}
		break;
	case TIMER_PERIOD:
		t->period = value;
		break;
	case TIMER_STATUS:
		t->status &= ~(value & TIMER_STATUS_EXPIRED);
		break;
	default:
		return false;
	}
	dev_timer_update_irq(t);
	return true;
}

/* Snapshots: the registers and the deadline (the host's timer itself,
 * armed or not and when, is the host's state). */
static void dev_timer_save(void *dev, struct snap_writer *w)
{
	struct dev_timer *t = dev;

	snap_put_u32(w, t->ctrl);
	snap_put_u32(w, t->period);
	snap_put_u32(w, t->status);
	snap_put_u32(w, t->now_hi);
	snap_put_u64(w, t->deadline);
}

static bool dev_timer_load(void *dev, struct snap_reader *r)
{
	struct dev_timer *t = dev;

	return snap_get_u32(r, &t->ctrl) && snap_get_u32(r, &t->period) &&
	       snap_get_u32(r, &t->status) && snap_get_u32(r, &t->now_hi) &&
	       snap_get_u64(r, &t->deadline);
}

static const char *dev_timer_check(void *dev, bool armed, uint64_t when)
{
	const struct dev_timer *t = dev;
	bool line = (dev_irq_lines(&t->host) >> IRQ_TIMER) & 1;

	if (t->ctrl & ~TIMER_CTRL_MASK)
		return "timer CTRL has bits that read 0";
	if (t->status & ~TIMER_STATUS_EXPIRED)
		return "timer STATUS has bits that read 0";
	if (armed != !!(t->ctrl & TIMER_CTRL_ENABLE))
		return "timer ENABLE and its event timer disagree";
	if (armed && when != t->deadline)
		return "timer deadline and its event timer disagree";
	if (line != ((t->status & TIMER_STATUS_EXPIRED) && (t->ctrl & TIMER_CTRL_IRQ_ENABLE)))
		return "irq line 0 and the timer's STATUS, CTRL disagree";
	return NULL;
}

static const struct dev_ops dev_timer_ops = {
	.name = "timer",
	.check = dev_timer_check,
	.read = dev_timer_read,
	.write = dev_timer_write,
	.free = free,
	.save = dev_timer_save,
	.load = dev_timer_load,
};

bool dev_timer_attach(const struct dev_host *host, char *err, size_t errlen)
{
	struct dev_timer *t = calloc(1, sizeof *t);

	if (!t)
		return dev_fail(err, errlen, dev_timer_ops.name, "out of memory");
	t->host = *host;
	t->event = dev_event_new(host, dev_timer_expire, t, dev_timer_ops.name, err, errlen);
	if (t->event < 0) {
		free(t);
		return false;
	}
	dev_timer_update_irq(t);
	return dev_map(host, MMIO_TIMER, &dev_timer_ops, t, err, errlen);
}
