/*
 * dev_disk.c -- the block disk with DMA, at MMIO_DISK (0xf0003000),
 * backed by a host file of 512-byte blocks.
 *
 *   offset  name      access  bits
 *   ------  --------  ------  -----------------------------------------------
 *   0x00    BLOCK     rw      first block of the transfer
 *   0x04    ADDR      rw      physical RAM address of the buffer
 *   0x08    COUNT     rw      number of blocks
 *   0x0c    CMD       wo      1 READ (disk -> RAM), 2 WRITE (RAM -> disk)
 *   0x10    STATUS    ro/w1c  bit 0 BUSY   a command is in flight (ro)
 *                             bit 1 DONE   the last command succeeded
 *                             bit 2 ERROR  a command failed
 *                             write 1 to DONE or ERROR to clear it
 *   0x14    CAPACITY  ro      disk size in blocks (0 if no disk)
 *   0x18    CTRL      rw      bit 0 IRQ_ENABLE (other bits read 0)
 *
 * A command.  Writing CMD with 1 or 2 while not BUSY starts one: BLOCK,
 * ADDR, COUNT and the command are latched, BUSY is set, and a machine timer
 * is armed for 5000 + 512 * COUNT cycles later.  Any other value, or any
 * write of CMD while BUSY, sets ERROR at once (a command in flight goes on
 * unharmed).  Starting a command does not clear DONE or ERROR: software
 * clears them.
 *
 * Completion, at that cycle: the whole transfer happens, deterministically,
 * then BUSY is cleared and DONE is set, or ERROR if COUNT is 0, the blocks
 * go beyond CAPACITY, the buffer is not all inside RAM, the host file
 * fails (short read, I/O error), or the command is a WRITE to a file that
 * could only be opened read-only.  Range errors move no data; a host error
 * partway may leave the blocks before it transferred.  Writes go through to
 * the host file (no cache in vmlab).
 *
 * Interrupt.  Line IRQ_DISK = (DONE || ERROR) && IRQ_ENABLE, a level.
 *
 * The host's own transfers.  dev_disk_io moves blocks for the software that
 * hosts the disk (the monitor's paravirtual disk queue): the same transfer
 * code and checks as a command's completion, done at once, the latency
 * returned for the caller to charge; the registers, the timer and the
 * interrupt line are not touched, so the guest's view of the device is
 * the one above.
 *
 * Reset: every register 0 but CAPACITY.
 *
 * Snapshots.  The file's contents are device state too: going back to a
 * snapshot must undo the guest's writes since.  The disk keeps, for every
 * block the guest has written since the file was opened, the block's
 * original contents (captured just before the first write to it).  A
 * snapshot holds the registers and the current contents of exactly those
 * blocks; restoring one writes its blocks back and returns every other
 * written block to its original, so the file is as it was when the
 * snapshot was taken, in either direction of time.  A snapshot grows with
 * the number of distinct blocks written, never with the size of the disk.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"

enum {
	DISK_BLOCK = 0x00,
	DISK_ADDR = 0x04,
	DISK_COUNT = 0x08,
	DISK_CMD = 0x0c,
	DISK_STATUS = 0x10,
	DISK_CAPACITY = 0x14,
	DISK_CTRL = 0x18,
};
#define DISK_CMD_READ       1u
#define DISK_CMD_WRITE      2u
#define DISK_STATUS_BUSY    0x1u
#define DISK_STATUS_DONE    0x2u
#define DISK_STATUS_ERROR   0x4u
#define DISK_CTRL_IRQ       0x1u
#define DISK_BLOCK_BYTES    512u
#define DISK_LATENCY        5000u /* cycles per command, plus 512 per block */

struct dev_disk {
	struct dev_host host;  /* owner: cycle counter, event timer, irq, DMA      */
	int event;          /* machine timer that fires at command completion   */
	int fd;             /* host file (read-write, else read-only), or -1    */
	uint32_t capacity;  /* CAPACITY: size of the file in blocks             */
	uint32_t block;     /* BLOCK register                                   */
	uint32_t addr;      /* ADDR register                                    */
	uint32_t count;     /* COUNT register                                   */
	uint32_t status;    /* STATUS register (DISK_STATUS_* bits)             */
	uint32_t ctrl;      /* CTRL register (DISK_CTRL_IRQ)                    */
	uint32_t cmd;       /* command in flight, latched when it was issued    */
	uint32_t cmd_block; /* its BLOCK                                        */
	uint32_t cmd_addr;  /* its ADDR                                         */
	uint32_t cmd_count; /* its COUNT                                        */
	struct disk_orig *orig; /* blocks the guest wrote, by block number     */
	size_t norig, caporig;
};

/* A block the guest has written, as it was before the first write. */
struct disk_orig {
	uint32_t block;
	uint8_t data[DISK_BLOCK_BYTES];
};

/* Index of block in d->orig, or where it would go (*found false). */
static size_t dev_disk_orig_find(const struct dev_disk *d, uint32_t block, bool *found)
{
	size_t lo = 0, hi = d->norig;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->orig[mid].block < block)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < d->norig && d->orig[lo].block == block;
	return lo;
}

/* Remember a block's contents before its first write; false on a host error. */
static bool dev_disk_keep_orig(struct dev_disk *d, uint32_t block)
{
	bool found;
	size_t at = dev_disk_orig_find(d, block, &found);
	struct disk_orig o = { .block = block };

	if (found)
		return true;
	if (pread(d->fd, o.data, sizeof o.data, (off_t)block * DISK_BLOCK_BYTES) != (ssize_t)sizeof o.data)
		return false;
	if (d->norig == d->caporig) {
		size_t cap = d->caporig ? d->caporig * 2 : 16;
		struct disk_orig *n = realloc(d->orig, cap * sizeof *n);
		if (!n)
			return false;
		d->orig = n;
		d->caporig = cap;
	}
	memmove(&d->orig[at + 1], &d->orig[at], (d->norig - at) * sizeof *d->orig);
	d->orig[at] = o;
	d->norig++;
	return true;
}

static void dev_disk_update_irq(struct dev_disk *d)
{
	dev_set_irq(&d->host, IRQ_DISK,
			(d->status & (DISK_STATUS_DONE | DISK_STATUS_ERROR)) &&
			(d->ctrl & DISK_CTRL_IRQ));
}

/* Move one block between the host file and RAM; false on any failure. */
static bool dev_disk_move(struct dev_disk *d, bool write, uint64_t block, uint32_t pa)
{
	uint8_t buf[DISK_BLOCK_BYTES];
	off_t pos = (off_t)(block * DISK_BLOCK_BYTES);

	if (write)
		return dev_dma_read(&d->host, pa, buf, sizeof buf) &&
		       dev_disk_keep_orig(d, (uint32_t)block) &&
		       pwrite(d->fd, buf, sizeof buf, pos) == (ssize_t)sizeof buf;
	return pread(d->fd, buf, sizeof buf, pos) == (ssize_t)sizeof buf &&
	       dev_dma_write(&d->host, pa, buf, sizeof buf);
}

/* Cycles from a command to its completion. */
static uint64_t dev_disk_latency(uint32_t count)
{
	return DISK_LATENCY + (uint64_t)DISK_BLOCK_BYTES * count;
}

/* A transfer, run to the end (a DMA command's completion, or the host's
 * dev_disk_io): range checks first, so a range error moves no data. */
static enum dev_disk_io_status dev_disk_run(struct dev_disk *d, bool write, uint32_t block,
					    uint32_t count, uint32_t pa)
{
	uint64_t bytes = (uint64_t)count * DISK_BLOCK_BYTES;

	if (count == 0 || (uint64_t)block + count > d->capacity)
		return DISK_IO_RANGE;
	if ((uint64_t)pa + bytes > dev_ram_size(&d->host))
		return DISK_IO_RAM;
	for (uint32_t i = 0; i < count; i++) /* a read-only file fails its first pwrite (EBADF) */
		if (!dev_disk_move(d, write, (uint64_t)block + i, pa + i * DISK_BLOCK_BYTES))
			return DISK_IO_HOST;
	return DISK_IO_OK;
}

/* The latched command, run to the end: true if it succeeded. */
static bool dev_disk_transfer(struct dev_disk *d)
{
	return dev_disk_run(d, d->cmd == DISK_CMD_WRITE, d->cmd_block, d->cmd_count,
			    d->cmd_addr) == DISK_IO_OK;
}

enum dev_disk_io_status dev_disk_io(struct dev_disk *d, bool write, uint32_t block, uint32_t count,
				    uint32_t pa, uint64_t *cycles)
{
	*cycles = dev_disk_latency(count);
	return dev_disk_run(d, write, block, count, pa);
}

static void dev_disk_complete(void *opaque)
{
	struct dev_disk *d = opaque;

	assert(d->status & DISK_STATUS_BUSY); /* armed only by a command */
	d->status &= ~DISK_STATUS_BUSY;
	d->status |= dev_disk_transfer(d) ? DISK_STATUS_DONE : DISK_STATUS_ERROR;
	dev_disk_update_irq(d);
}

static void dev_disk_command(struct dev_disk *d, uint32_t cmd)
{
	if ((d->status & DISK_STATUS_BUSY) ||
	    (cmd != DISK_CMD_READ && cmd != DISK_CMD_WRITE)) {
		d->status |= DISK_STATUS_ERROR;
		return;
	}
	d->cmd = cmd;
	d->cmd_block = d->block;
	d->cmd_addr = d->addr;
	d->cmd_count = d->count;
	d->status |= DISK_STATUS_BUSY;
	dev_timer_arm(&d->host, d->event, dev_now(&d->host) + dev_disk_latency(d->count));
}

/* The register a rw offset names, NULL if the offset is not a rw one. */
static uint32_t *dev_disk_rw_reg(struct dev_disk *d, uint32_t offset)
{
	switch (offset) {
	case DISK_BLOCK:
		return &d->block;
	case DISK_ADDR:
		return &d->addr;
	case DISK_COUNT:
		return &d->count;
	default:
		return NULL;
	}
}

static bool dev_disk_read(void *dev, uint32_t offset, uint32_t *value)
{
	struct dev_disk *d = dev;
	uint32_t *reg = dev_disk_rw_reg(d, offset);

	if (reg) {
		*value = *reg;
		return true;
	}
	switch (offset) {
	case DISK_STATUS:
		*value = d->status;
		return true;
	case DISK_CAPACITY:
		*value = d->capacity;
		return true;
	case DISK_CTRL:
		*value = d->ctrl;
		return true;
	default:
		return false; /* CMD is write-only */
	}
}

static bool dev_disk_write(void *dev, uint32_t offset, uint32_t value)
{
	struct dev_disk *d = dev;
	uint32_t *reg = dev_disk_rw_reg(d, offset);

	if (reg) {
		*reg = value;
		return true;
	}
	switch (offset) {
	case DISK_CMD:
		dev_disk_command(d, value);
		break;
	case DISK_STATUS:
		d->status &= ~(value & (DISK_STATUS_DONE | DISK_STATUS_ERROR));
		break;
	case DISK_CTRL:
		d->ctrl = value & DISK_CTRL_IRQ;
		break;
	default:
		return false; /* CAPACITY is read-only */
	}
	dev_disk_update_irq(d);
	return true;
}

static void dev_disk_free(void *dev)
{
	struct dev_disk *d = dev;

	if (d->fd >= 0)
		close(d->fd);
	free(d->orig);
	free(d);
}

/* The registers in snapshot order (CAPACITY first: it is only checked). */
static void dev_disk_regs(struct dev_disk *d, uint32_t *regs[10])
{
	uint32_t *r[10] = { &d->capacity, &d->block, &d->addr, &d->count, &d->status,
			    &d->ctrl, &d->cmd, &d->cmd_block, &d->cmd_addr, &d->cmd_count };
	memcpy(regs, r, sizeof r);
}

static void dev_disk_save(void *dev, struct snap_writer *w)
{
	struct dev_disk *d = dev;
	uint32_t *regs[10];
	uint8_t buf[DISK_BLOCK_BYTES];

	dev_disk_regs(d, regs);
	for (int i = 0; i < 10; i++)
		snap_put_u32(w, *regs[i]);
	snap_put_u32(w, (uint32_t)d->norig);
	for (size_t i = 0; i < d->norig; i++) {
		off_t pos = (off_t)d->orig[i].block * DISK_BLOCK_BYTES;
		if (pread(d->fd, buf, sizeof buf, pos) != (ssize_t)sizeof buf)
			memset(buf, 0, sizeof buf); /* unreadable now: it reads as zeros */
		snap_put_u32(w, d->orig[i].block);
		snap_put(w, buf, sizeof buf);
	}
}

static bool dev_disk_load(void *dev, struct snap_reader *r)
{
	struct dev_disk *d = dev;
	uint32_t *regs[10], v[10], n;
	struct disk_orig *blocks;
	bool ok = true;

	for (int i = 0; i < 10; i++)
		if (!snap_get_u32(r, &v[i]))
			return false;
	if (v[0] != d->capacity || !snap_get_u32(r, &n) ||
	    (uint64_t)n * (4 + DISK_BLOCK_BYTES) > snap_left(r))
		return false; /* another disk: its blocks would not fit this file */
	blocks = malloc((n ? n : 1) * sizeof *blocks);
	if (!blocks)
		return false;
	for (uint32_t i = 0; ok && i < n; i++)
		ok = snap_get_u32(r, &blocks[i].block) && blocks[i].block < d->capacity &&
		     (i == 0 || blocks[i].block > blocks[i - 1].block) &&
		     snap_get(r, blocks[i].data, DISK_BLOCK_BYTES);
	/* the snapshot's blocks as they were; every other written block as it
	 * was before the guest wrote it */
	for (uint32_t i = 0; ok && i < n; i++)
		ok = dev_disk_keep_orig(d, blocks[i].block) &&
		     pwrite(d->fd, blocks[i].data, DISK_BLOCK_BYTES,
			    (off_t)blocks[i].block * DISK_BLOCK_BYTES) == (ssize_t)DISK_BLOCK_BYTES;
	for (size_t i = 0, k = 0; ok && i < d->norig; i++) {
		while (k < n && blocks[k].block < d->orig[i].block)
			k++;
		if (k < n && blocks[k].block == d->orig[i].block)
			continue;
		ok = pwrite(d->fd, d->orig[i].data, DISK_BLOCK_BYTES,
			    (off_t)d->orig[i].block * DISK_BLOCK_BYTES) == (ssize_t)DISK_BLOCK_BYTES;
	}
	free(blocks);
	if (!ok)
		return false;
	dev_disk_regs(d, regs);
	for (int i = 1; i < 10; i++)
		*regs[i] = v[i];
	return true;
}

static const char *dev_disk_check(void *dev, bool armed, uint64_t when)
{
	const struct dev_disk *d = dev;
	bool line = (dev_irq_lines(&d->host) >> IRQ_DISK) & 1;

	if (d->status & ~(DISK_STATUS_BUSY | DISK_STATUS_DONE | DISK_STATUS_ERROR))
		return "disk STATUS has bits that read 0";
	if (d->ctrl & ~DISK_CTRL_IRQ)
		return "disk CTRL has bits that read 0";
	if (armed != !!(d->status & DISK_STATUS_BUSY))
		return "disk BUSY and its completion timer disagree";
	if ((d->status & DISK_STATUS_BUSY) && d->cmd != DISK_CMD_READ && d->cmd != DISK_CMD_WRITE)
		return "disk BUSY with no command latched";
	if (line != ((d->status & (DISK_STATUS_DONE | DISK_STATUS_ERROR)) &&
		     (d->ctrl & DISK_CTRL_IRQ)))
		return "irq line 2 and the disk's STATUS, CTRL disagree";
	return NULL;
}

static const struct dev_ops dev_disk_ops = {
	.name = "disk",
	.check = dev_disk_check,
	.read = dev_disk_read,
	.write = dev_disk_write,
	.free = dev_disk_free,
	.save = dev_disk_save,
	.load = dev_disk_load,
};

/* Open the backing file (read-write, else read-only) and size the disk. */
static bool dev_disk_open(struct dev_disk *d, const char *path, char *err, size_t errlen)
{
	struct stat st;

	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return false;
	}
	if (fstat(d->fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return false;
	}
	if (st.st_size == 0 || st.st_size % DISK_BLOCK_BYTES != 0) {
		snprintf(err, errlen, "%s: size %lld is not a %smultiple of %u bytes", path,
			 (long long)st.st_size, st.st_size ? "" : "nonzero ", DISK_BLOCK_BYTES);
		return false;
	}
	if (st.st_size / DISK_BLOCK_BYTES > UINT32_MAX) {
		snprintf(err, errlen, "%s: size %lld is more than %u blocks", path,
			 (long long)st.st_size, (unsigned)UINT32_MAX);
		return false;
	}
	d->capacity = (uint32_t)(st.st_size / DISK_BLOCK_BYTES);
	return true;
}

struct dev_disk *dev_disk_attach(const struct dev_host *host, const char *path_or_NULL, char *err,
				 size_t errlen)
{
	struct dev_disk *d = calloc(1, sizeof *d);

	if (!d) {
		dev_fail(err, errlen, dev_disk_ops.name, "out of memory");
		return NULL;
	}
	d->host = *host;
	d->fd = -1;
	if (path_or_NULL && !dev_disk_open(d, path_or_NULL, err, errlen)) {
		dev_disk_free(d);
		return NULL;
	}
	d->event = dev_event_new(host, dev_disk_complete, d, dev_disk_ops.name, err, errlen);
	if (d->event < 0) {
		dev_disk_free(d);
		return NULL;
	}
	dev_disk_update_irq(d);
	return dev_map(host, MMIO_DISK, &dev_disk_ops, d, err, errlen) ? d : NULL;
}
