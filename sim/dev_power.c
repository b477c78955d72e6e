/*
 * dev_power.c -- the power switch, at MMIO_POWER (0xf0004000).
 *
 *   offset  name  access  bits
 *   ------  ----  ------  ---------------------------------------------------
 *   0x00    EXIT  wo      any write turns the machine off; bits 7..0 are
 *                         the exit code (`vmlab run` exits with it)
 *
 * The write completes, then machine_run() returns STOP_POWER_OFF and
 * machine_exit_code() gives (value & 0xff).  The device has no state.
 */
#include "devices.h"

enum { POWER_EXIT = 0x00 };

static bool dev_power_read(void *dev, uint32_t offset, uint32_t *value)
{
	return false; /* EXIT is write-only; nothing else is here */
}

static bool dev_power_write(void *dev, uint32_t offset, uint32_t value)
{
	struct dev_plain *p = dev;

	if (offset != POWER_EXIT)
		return false;
	dev_power_off(&p->host, (int)(value & 0xffu));
	return true;
}

static const struct dev_ops dev_power_ops = {
	.name = "power",
	.read = dev_power_read,
	.write = dev_power_write,
	.free = free,
};

bool dev_power_attach(const struct dev_host *host, char *err, size_t errlen)
{
	return dev_plain_attach(host, MMIO_POWER, &dev_power_ops, err, errlen);
}
