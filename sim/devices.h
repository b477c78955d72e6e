/*
 * devices.h -- the machine's devices (sim/dev_*.c), as sim/machine.c
 * attaches them.
 *
 * Each device is a plain-data struct mapped on its own 4 KiB MMIO page
 * (addresses in isa.h, register maps at the top of each dev_*.c and in
 * docs/isa.md, "Devices").  A device talks to the rest of the machine only
 * through the public machine.h API: virtual-time timers for anything that
 * happens later, level-triggered interrupt lines, physical-memory access for
 * DMA, and the machine_io callbacks for output.  Nothing is polled per
 * instruction and nothing here prints or reads the host clock.
 *
 * An attach function allocates the device, resets it, and maps it; the
 * machine frees it through its dev_ops.free.  On failure it returns
 * false (or NULL) with a one-line reason in err.
 */
#ifndef VMLAB_DEVICES_H
#define VMLAB_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "machine.h"

struct dev_uart;
bool dev_intc_attach(struct machine *m, char *err, size_t errlen);
bool dev_timer_attach(struct machine *m, char *err, size_t errlen);
struct dev_uart *dev_uart_attach(struct machine *m, char *err, size_t errlen);
void dev_uart_input(struct dev_uart *u, const uint8_t *bytes, size_t n); /* queue console input */
void dev_uart_eof(struct dev_uart *u);                                 /* no more input will come */
bool dev_disk_attach(struct machine *m, const char *path_or_NULL, char *err, size_t errlen);
bool dev_power_attach(struct machine *m, char *err, size_t errlen);
bool dev_debug_attach(struct machine *m, char *err, size_t errlen);
bool dev_rng_attach(struct machine *m, uint64_t seed, char *err, size_t errlen);

/* ---- shared by the dev_*.c files ------------------------------------ */

#define DEV_PAGE 4096u /* every device answers on one 4 KiB page */

/* Map a device whose state is fully set up.  If the bus refuses it, the
 * state is released through ops->free and err says why. */
static inline bool dev_map(struct machine *m, uint32_t base, const struct dev_ops *ops,
			   void *dev, char *err, size_t errlen)
{
	if (machine_map_device(m, base, DEV_PAGE, ops, dev))
		return true;
	ops->free(dev);
	snprintf(err, errlen, "%s: cannot map the device at 0x%08x", ops->name,
		 (unsigned)base);
	return false;
}

/* Fill err with "<device>: <why>" and return false. */
static inline bool dev_fail(char *err, size_t errlen, const char *name, const char *why)
{
	snprintf(err, errlen, "%s: %s", name, why);
	return false;
}

/* A machine timer calling fn(dev) for a device's events, or -1 with err
 * filled. */
static inline int dev_event_new(struct machine *m, machine_timer_fn fn, void *dev,
				const char *name, char *err, size_t errlen)
{
	int event = machine_timer_new(m, fn, dev);

	if (event < 0)
		dev_fail(err, errlen, name, "no machine timer left");
	return event;
}

/* The state of a device that keeps none of its own (intc, power, debug):
 * only the machine its registers act on. */
struct dev_plain {
	struct machine *m; /* the machine the registers act on */
};

/* Attach such a device at base; ops->free must be free. */
static inline bool dev_plain_attach(struct machine *m, uint32_t base, const struct dev_ops *ops,
				    char *err, size_t errlen)
{
	struct dev_plain *d = calloc(1, sizeof *d);

	if (!d)
		return dev_fail(err, errlen, ops->name, "out of memory");
	d->m = m;
	return dev_map(m, base, ops, d, err, errlen);
}

#endif
