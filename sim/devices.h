/*
 * devices.h -- the machine's devices (sim/dev_*.c), as sim/machine.c
 * attaches them.
 *
 * Each device is a plain-data struct mapped on its own 4 KiB MMIO page
 * (addresses in isa.h, register maps at the top of each dev_*.c and in
 * docs/isa.md, "Devices").  A device talks to its host only through the
 * struct dev_host table (dev_host.h): virtual-time timers for anything that
 * happens later, level-triggered interrupt lines, physical-memory access
 * for DMA, and output.  The host is the bare machine, or the monitor giving
 * each VM its own emulated copy of the same devices.  Nothing is polled per
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
#include "dev_host.h"

struct dev_uart;
bool dev_intc_attach(const struct dev_host *host, char *err, size_t errlen);
bool dev_timer_attach(const struct dev_host *host, char *err, size_t errlen);
struct dev_uart *dev_uart_attach(const struct dev_host *host, char *err, size_t errlen);
void dev_uart_input(struct dev_uart *u, const uint8_t *bytes, size_t n); /* queue console input */
void dev_uart_eof(struct dev_uart *u);                                 /* no more input will come */
/* Bytes (or, with eof, the end of input) arriving at cycle `at` (clamped
 * to now); false if it is before the last arrival, after the end of
 * input, or the host is out of memory. */
bool dev_uart_input_at(struct dev_uart *u, uint64_t at, const uint8_t *bytes, size_t n, bool eof);
struct dev_disk;
struct dev_disk *dev_disk_attach(const struct dev_host *host, const char *path_or_NULL, char *err,
				 size_t errlen);
/* A transfer as the disk's DMA does it, for its host's own software (the
 * monitor's paravirtual disk queue), not for the guest: no register
 * changes, no interrupt.  count blocks from `block`, to (read) or from
 * (write) RAM at pa; *cycles = the latency the device model gives that
 * command (its caller charges it).  The same checks, in the same order,
 * as a DMA command's completion. */
enum dev_disk_io_status {
	DISK_IO_OK = 0,
	DISK_IO_RANGE,  /* count 0, or blocks beyond the capacity (no disk: 0) */
	DISK_IO_RAM,    /* the buffer is not all inside RAM                    */
	DISK_IO_HOST,   /* the host file failed (or is read-only, for a write) */
};
enum dev_disk_io_status dev_disk_io(struct dev_disk *d, bool write, uint32_t block, uint32_t count,
				    uint32_t pa, uint64_t *cycles);
bool dev_power_attach(const struct dev_host *host, char *err, size_t errlen);
bool dev_debug_attach(const struct dev_host *host, char *err, size_t errlen);
bool dev_rng_attach(const struct dev_host *host, char *err, size_t errlen); /* seeded by host->seed */

/* ---- the host, as devices call it ------------------------------------ */

static inline uint64_t dev_now(const struct dev_host *h) { return h->ops->now(h->h); }
static inline void dev_timer_arm(const struct dev_host *h, int t, uint64_t when) { h->ops->timer_arm(h->h, t, when); }
static inline void dev_timer_disarm(const struct dev_host *h, int t) { h->ops->timer_disarm(h->h, t); }
static inline void dev_set_irq(const struct dev_host *h, unsigned line, bool level) { h->ops->set_irq(h->h, line, level); }
static inline uint32_t dev_irq_lines(const struct dev_host *h) { return h->ops->irq_lines(h->h); }
static inline uint32_t dev_irq_enabled(const struct dev_host *h) { return h->ops->irq_enabled(h->h); }
static inline void dev_set_irq_enabled(const struct dev_host *h, uint32_t mask) { h->ops->set_irq_enabled(h->h, mask); }
static inline uint32_t dev_ram_size(const struct dev_host *h) { return h->ops->ram_size(h->h); }
static inline bool dev_dma_read(const struct dev_host *h, uint32_t pa, void *buf, uint32_t len) { return h->ops->dma_read(h->h, pa, buf, len); }
static inline bool dev_dma_write(const struct dev_host *h, uint32_t pa, const void *buf, uint32_t len) { return h->ops->dma_write(h->h, pa, buf, len); }
static inline void dev_power_off(const struct dev_host *h, int code) { h->ops->power_off(h->h, code); }
static inline void dev_debug_break(const struct dev_host *h) { h->ops->debug_break(h->h); }
static inline void dev_console_out(const struct dev_host *h, const uint8_t *b, size_t n) { h->ops->console_out(h->h, b, n); }
static inline void dev_debug_print(const struct dev_host *h, uint32_t v, bool hex) { h->ops->debug_print(h->h, v, hex); }
static inline void dev_debug_trace(const struct dev_host *h, bool on) { h->ops->debug_trace(h->h, on); }

/* ---- shared by the dev_*.c files ------------------------------------ */

#define DEV_PAGE 4096u /* every device answers on one 4 KiB page */

/* Map a device whose state is fully set up.  If the bus refuses it, the
 * state is released through ops->free and err says why. */
static inline bool dev_map(const struct dev_host *host, uint32_t base, const struct dev_ops *ops,
			   void *dev, char *err, size_t errlen)
{
	if (host->ops->map(host->h, base, DEV_PAGE, ops, dev))
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

/* A host timer calling fn(dev) for a device's events, or -1 with err
 * filled. */
static inline int dev_event_new(const struct dev_host *host, dev_timer_fn fn, void *dev,
				const char *name, char *err, size_t errlen)
{
	int event = host->ops->timer_new(host->h, fn, dev);

	if (event < 0)
		dev_fail(err, errlen, name, "no machine timer left");
	return event;
}

/* The state of a device that keeps none of its own (intc, power, debug):
 * only the host its registers act on. */
struct dev_plain {
	struct dev_host host; /* the host the registers act on */
};

/* Attach such a device at base; ops->free must be free. */
static inline bool dev_plain_attach(const struct dev_host *host, uint32_t base, const struct dev_ops *ops,
				    char *err, size_t errlen)
{
	struct dev_plain *d = calloc(1, sizeof *d);

	if (!d)
		return dev_fail(err, errlen, ops->name, "out of memory");
	d->host = *host;
	return dev_map(host, base, ops, d, err, errlen);
}

#endif
