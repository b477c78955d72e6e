/*
 * dev_host.h -- what a device needs from whoever hosts it.
 *
 * The same device code (sim/dev_*.c) serves two hosts: the bare machine,
 * where a device is real hardware on the bus, and the monitor, where each
 * VM gets its own emulated copy behind trapped MMIO.  A device reaches its
 * host only through this table: time, timers in virtual time, interrupt
 * lines, DMA, power-off, and the host's output.
 */
#ifndef VMLAB_DEV_HOST_H
#define VMLAB_DEV_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/machine.h"

typedef void (*dev_timer_fn)(void *opaque);

struct dev_host_ops {
	uint64_t (*now)(void *h);                       /* cycles           */
	int (*timer_new)(void *h, dev_timer_fn fn, void *opaque);
	void (*timer_arm)(void *h, int timer, uint64_t when);
	void (*timer_disarm)(void *h, int timer);
	void (*set_irq)(void *h, unsigned line, bool level);
	uint32_t (*irq_lines)(void *h);
	uint32_t (*irq_enabled)(void *h);
	void (*set_irq_enabled)(void *h, uint32_t mask);
	uint32_t (*ram_size)(void *h);                 /* bytes of RAM     */
	/* DMA: false if any byte is outside the host's RAM */
	bool (*dma_read)(void *h, uint32_t pa, void *buf, uint32_t len);
	bool (*dma_write)(void *h, uint32_t pa, const void *buf, uint32_t len);
	void (*power_off)(void *h, int code);
	void (*debug_break)(void *h);
	void (*console_out)(void *h, const uint8_t *bytes, size_t n);
	void (*debug_print)(void *h, uint32_t value, bool hex);
	void (*debug_trace)(void *h, bool on);
	bool (*map)(void *h, uint32_t base, uint32_t size, const struct dev_ops *ops, void *dev);
};

struct dev_host {
	const struct dev_host_ops *ops;
	void *h;                 /* the machine, or the monitor's VM */
	uint64_t seed;           /* for the random-number device     */
};

#endif
