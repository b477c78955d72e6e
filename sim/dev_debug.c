/*
 * dev_debug.c -- the debug port, at MMIO_DEBUG (0xf0005000).
 *
 *   offset  name    access  bits
 *   ------  ------  ------  -------------------------------------------------
 *   0x00    PUTHEX  wo      print the 32-bit value in hex on the host's
 *                           debug stream (machine_io.debug_print, hex)
 *   0x04    PUTDEC  wo      print it in decimal (debug_print, not hex)
 *   0x08    BREAK   wo      any value: stop into the debugger; machine_run()
 *                           returns STOP_DEBUG_BREAK after this instruction
 *                           (`vmlab run` notes it and continues)
 *   0x0c    TRACE   wo      nonzero: instruction tracing on, 0: off
 *                           (machine_io.debug_trace)
 *
 * How the host shows a value (format, stream) is the front end's choice;
 * sim/ prints nothing.  A NULL callback drops the output.  The device has
 * no state.
 */
#include "devices.h"

enum {
	DEBUG_PUTHEX = 0x00,
	DEBUG_PUTDEC = 0x04,
	DEBUG_BREAK = 0x08,
	DEBUG_TRACE = 0x0c,
};

static bool dev_debug_read(void *dev, uint32_t offset, uint32_t *value)
{
	return false; /* every register is write-only */
}

static bool dev_debug_write(void *dev, uint32_t offset, uint32_t value)
{
	struct dev_plain *dbg = dev;

	switch (offset) {
	case DEBUG_PUTHEX:
	case DEBUG_PUTDEC:
		dev_debug_print(&dbg->host, value, offset == DEBUG_PUTHEX);
		return true;
	case DEBUG_BREAK:
		dev_debug_break(&dbg->host);
		return true;
	case DEBUG_TRACE:
		dev_debug_trace(&dbg->host, value != 0);
		return true;
	default:
		return false;
	}
}

static const struct dev_ops dev_debug_ops = {
	.name = "debug",
	.read = dev_debug_read,
	.write = dev_debug_write,
	.free = free,
};

bool dev_debug_attach(const struct dev_host *host, char *err, size_t errlen)
{
	return dev_plain_attach(host, MMIO_DEBUG, &dev_debug_ops, err, errlen);
}
