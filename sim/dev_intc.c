/*
 * dev_intc.c -- the interrupt controller, at MMIO_INTC (0xf0000000).
 *
 *   offset  name     access  bits
 *   ------  -------  ------  ------------------------------------------------
 *   0x00    PENDING  ro      bit n = level of interrupt line n (timer 0,
 *                            uart 1, disk 2; 32 lines)
 *   0x04    ENABLE   rw      bit n = line n may interrupt the CPU
 *   0x08    ACTIVE   ro      PENDING & ENABLE
 *   0x0c    CLAIM    ro      number of the lowest active line,
 *                            0xffffffff if none is active
 *
 * The controller holds no state of its own: the line levels and the
 * enable mask live in the machine (the CPU looks at them between
 * instructions), and these registers are a face on them.  Lines are
 * level-triggered: a line stays high until its device is serviced, so
 * reading CLAIM has no side effect and nothing here acknowledges anything.
 * Reset: ENABLE = 0.
 */
#include "devices.h"

enum {
	INTC_PENDING = 0x00,
	INTC_ENABLE = 0x04,
	INTC_ACTIVE = 0x08,
	INTC_CLAIM = 0x0c,
};
#define INTC_NONE 0xffffffffu /* CLAIM when no line is active */

static bool dev_intc_read(void *dev, uint32_t offset, uint32_t *value)
{
	struct dev_plain *ic = dev;
	uint32_t active = dev_irq_lines(&ic->host) & dev_irq_enabled(&ic->host);

	switch (offset) {
	case INTC_PENDING:
		*value = dev_irq_lines(&ic->host);
		return true;
	case INTC_ENABLE:
		*value = dev_irq_enabled(&ic->host);
		return true;
	case INTC_ACTIVE:
		*value = active;
		return true;
	case INTC_CLAIM:
		*value = active ? (uint32_t)__builtin_ctz(active) : INTC_NONE;
		return true;
	default:
		return false;
	}
}

static bool dev_intc_write(void *dev, uint32_t offset, uint32_t value)
{
	struct dev_plain *ic = dev;

	if (offset != INTC_ENABLE)
		return false;
	dev_set_irq_enabled(&ic->host, value);
	return true;
}

static const struct dev_ops dev_intc_ops = {
	.name = "intc",
	.read = dev_intc_read,
	.write = dev_intc_write,
	.free = free,
};

bool dev_intc_attach(const struct dev_host *host, char *err, size_t errlen)
{
	dev_set_irq_enabled(host, 0);
	return dev_plain_attach(host, MMIO_INTC, &dev_intc_ops, err, errlen);
}
