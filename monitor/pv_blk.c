/*
 * pv_blk.c -- the paravirtual disk: queue 1 of a `--vmm pv` guest, a
 * virtio-blk device over the shared ring of pv_ring.c (docs/paravirt.md,
 * section 6).
 *
 * A request is a chain of three descriptors (pv_abi.h):
 *
 *   header ──► +0 type (0 IN: read, 1 OUT: write)   device-readable,
 *              +4 reserved                          16 bytes
 *              +8 block, low word; +12 high word (must be 0)
 *   data   ──► N × 512 bytes, N >= 1                 writable for IN,
 *                                                   readable for OUT
 *   status ──► 1 byte: 0 OK, 1 IOERR, 2 UNSUPP       device-writable
 *
 * The monitor reaches the VM's disk as the software hosting it
 * (dev_disk_io: the code path of the disk's own DMA) and completes the
 * request before notify returns, like the console queue.  The disk's
 * latency (5000 + 512 per block cycles, the device model's) is charged on
 * the VM's clock, not hidden from it: the guest has waited for the disk as
 * if it had spun on BUSY, so its time stays comparable with the emulated
 * disk's (why synchronous: docs/paravirt.md, section 6).
 *
 * Untrusted: the chain was copied and its buffers checked against the
 * VM's RAM by pv_ring.c; here the shape is checked whole before any block
 * moves.  A status descriptor that cannot take the status (read-only,
 * empty, outside RAM, missing) fails the request with used length 0 and
 * nothing written; any other fault is IOERR (UNSUPP for an unknown type),
 * with no block moved.
 */
#include "monitor/vmm_priv.h"

/* The status the request earns, everything but the status descriptor
 * checked; on OK, *write, *block, *count say what to move. */
static uint8_t check(struct vmm *v, const struct vm *vm, const struct pv_desc d[], uint32_t n,
		     bool *write, uint32_t *block, uint32_t *count)
{
	const struct pv_desc *h = &d[0], *data = &d[1];
	uint32_t type;

	if (!h->ok || (h->flags & PV_DESC_F_WRITE) || h->len < PV_BLK_HDR_BYTES)
		return PV_BLK_S_IOERR;
	type = pv_rd(v, vm, h->addr, 4);
	if (type != PV_BLK_T_IN && type != PV_BLK_T_OUT)
		return PV_BLK_S_UNSUPP;
	*write = type == PV_BLK_T_OUT;
	*block = pv_rd(v, vm, h->addr + 8, 4);
	/* one data buffer, of whole blocks, the right way round */
	if (n != 3 || pv_rd(v, vm, h->addr + 12, 4) != 0 || !data->ok || data->len == 0 ||
	    data->len % 512 || !(data->flags & PV_DESC_F_WRITE) == !*write)
		return PV_BLK_S_IOERR;
	*count = data->len / 512;
	return PV_BLK_S_OK;
}

uint32_t pv_blk_request(struct vmm *v, struct vm *vm, const struct pv_desc d[], uint32_t n)
{
	const struct pv_desc *st = &d[n - 1];
	bool write = false;
	uint32_t block = 0, count = 0;
	uint64_t cycles = 0;
	uint8_t status;

	if (n < 2 || !st->ok || !(st->flags & PV_DESC_F_WRITE) || st->len == 0)
		return 0; /* nowhere to say how it went */
	status = check(v, vm, d, n, &write, &block, &count);
	if (status == PV_BLK_S_OK) {
		/* range, RAM and host checked by the disk before any block moves */
		if (dev_disk_io(vm->disk, write, block, count, d[1].addr, &cycles) != DISK_IO_OK)
			status = PV_BLK_S_IOERR;
		machine_charge(v->m, cycles); /* on the VM's clock: the disk's time */
	}
	pv_wr(v, vm, st->addr, status, 1);
	return 1 + (status == PV_BLK_S_OK && !write ? d[1].len : 0);
}
