/*
 * pv_ring.c -- paravirtual I/O over a shared split ring (virtio's layout),
 * for `--vmm pv` guests (docs/paravirt.md, section 6).
 *
 * The guest gives the monitor Q descriptors and two rings in its own RAM
 * (queue_init); it fills descriptors, puts chain heads in the available
 * ring, advances avail.idx and kicks (notify) unless the monitor said it
 * polls (used.flags = NO_NOTIFY).  The monitor consumes each chain and
 * puts {head, bytes} in the used ring.  Everything the guest wrote is
 * untrusted: indices are free-running 16-bit counters checked against Q,
 * heads and next fields against Q, every buffer against the VM's RAM, and
 * a chain longer than Q descriptors is a loop.  A ring found inconsistent
 * is marked broken (virtio's NEEDS_RESET) until the guest sets it up again:
 * the guest loses its queue, never the monitor its footing.  Queue 0 is
 * the console's output (below), queue 1 the disk (pv_blk.c).
 *
 *   ring gpa ─► +0        desc[Q]    16 bytes: addr (lo, hi), len, flags | next << 16
 *               +16Q      avail      flags, idx, ring[Q], used_event   (u16 each)
 *               +U        used       flags, idx (u16), {id, len}[Q] (u32), avail_event
 *               U = 16Q + 6 + 2Q, rounded up to 4
 *   ring gpa: 16-byte aligned (virtio 1.0's descriptor table)
 */
#include "monitor/vmm_priv.h"

#include <string.h>

static uint32_t used_off(uint32_t q)
{
	return (16 * q + 6 + 2 * q + 3) & ~3u;
}

static uint32_t ring_bytes(uint32_t q)
{
	return used_off(q) + 6 + 8 * q;
}

/* (the ring lies in guest RAM: queue_init checked it whole) */
static uint16_t rd16(struct vmm *v, const struct vm *vm, uint32_t gpa)
{
	return (uint16_t)pv_rd(v, vm, gpa, 2);
}

static uint32_t rd32(struct vmm *v, const struct vm *vm, uint32_t gpa)
{
	return pv_rd(v, vm, gpa, 4);
}

static void wr16(struct vmm *v, struct vm *vm, uint32_t gpa, uint16_t x)
{
	pv_wr(v, vm, gpa, x, 2);
}

static void wr32(struct vmm *v, struct vm *vm, uint32_t gpa, uint32_t x)
{
	pv_wr(v, vm, gpa, x, 4);
}

int32_t pv_queue_init(struct vmm *v, struct vm *vm, uint32_t queue, uint32_t gpa, uint32_t q,
		      uint32_t flags)
{
	struct pv_queue *pq;

	if (queue >= PV_NQUEUES)
		return PV_ENOSYS;
	pq = &vm->pvq[queue];
	if (q == 0 || q > PV_QUEUE_MAX || (q & (q - 1)) || (gpa & (PV_RING_ALIGN - 1)) ||
	    flags > PV_QF_POLL)
		return PV_EINVAL;
	if (!gpa_is_ram(vm, gpa, ring_bytes(q)))
		return PV_EFAULT;
	*pq = (struct pv_queue){ .ready = true, .poll = flags & PV_QF_POLL, .gpa = gpa, .q = q };
	/* the monitor's side starts empty; it says whether it wants kicks */
	wr16(v, vm, gpa + used_off(q), pq->poll ? PV_USED_F_NO_NOTIFY : 0);
	wr16(v, vm, gpa + used_off(q) + 2, 0);
	return PV_EOK;
}

static int32_t broken(struct pv_queue *pq)
{
	pq->ready = false;
	pq->broken = true;
	return PV_EINVAL;
}

/* Read the chain from head into d[] (at most Q descriptors, so d needs
 * PV_QUEUE_MAX): false if the ring is inconsistent (a next beyond Q, more
 * descriptors than Q: a loop).  A descriptor whose buffer is not in the
 * VM's RAM (or is longer than PV_DESC_MAX, or has a high address word) is
 * kept with ok = false: its chain fails, the ring goes on.  Each queue's
 * device then works from this copy, checked whole before anything moves,
 * so a looping chain sends and writes nothing. */
static bool read_chain(struct vmm *v, struct vm *vm, const struct pv_queue *pq, uint32_t head,
		       struct pv_desc d[], uint32_t *n)
{
	*n = 0;
	for (uint32_t i = head;;) {
		if (*n >= pq->q)
			return false;
		uint32_t at = pq->gpa + 16 * i;
		struct pv_desc *x = &d[(*n)++];
		uint32_t hi = rd32(v, vm, at + 4), fn = rd32(v, vm, at + 12);
		x->addr = rd32(v, vm, at);
		x->len = rd32(v, vm, at + 8);
		x->flags = fn & 0xffffu;
		x->ok = !hi && x->len <= PV_DESC_MAX && gpa_is_ram(vm, x->addr, x->len ? x->len : 1);
		if (!(fn & PV_DESC_F_NEXT))
			return true;
		i = fn >> 16;
		if (i >= pq->q)
			return false;
	}
}

/* Queue 0: the device-readable buffers' bytes to the VM's console; the
 * used length is the bytes sent, 0 if a buffer was bad (nothing sent). */
static uint32_t console_chain(struct vmm *v, struct vm *vm, const struct pv_desc d[], uint32_t n)
{
	const struct vmm_io *io = &v->cfg.io;
	uint8_t buf[256];
	uint32_t total = 0;

	for (uint32_t i = 0; i < n; i++)
		if (!d[i].ok)
			return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (d[i].flags & PV_DESC_F_WRITE)
			continue; /* device-writable: nothing to send */
		for (uint32_t done = 0; done < d[i].len;) {
			uint32_t k = d[i].len - done < sizeof buf ? d[i].len - done : (uint32_t)sizeof buf;
			machine_phys_read(v->m, vm->base + d[i].addr + done, buf, k);
			if (io->console_out)
				io->console_out(io->opaque, vm->id, buf, k);
			done += k;
		}
		total += d[i].len;
	}
	return total;
}

/* Consume one chain: *len = its used length (the queue's device says). */
static bool consume(struct vmm *v, struct vm *vm, const struct pv_queue *pq, uint32_t head,
		    uint32_t *len)
{
	struct pv_desc d[PV_QUEUE_MAX];
	uint32_t n;

	if (!read_chain(v, vm, pq, head, d, &n))
		return false;
	if (pq == &vm->pvq[PV_QUEUE_DISK])
		*len = pv_blk_request(v, vm, d, n);
	else
		*len = console_chain(v, vm, d, n);
	vm->stats.ring_bytes += *len;
	return true;
}

/* Everything the guest made available since the last time: the number of
 * chains consumed, or PV_EINVAL (the ring is broken now). */
static int32_t drain(struct vmm *v, struct vm *vm, struct pv_queue *pq)
{
	uint32_t avail = pq->gpa + 16 * pq->q, used = pq->gpa + used_off(pq->q);
	uint16_t idx = rd16(v, vm, avail + 2);
	uint16_t n = (uint16_t)(idx - pq->last_avail);
	int32_t chains = 0;

	if (n > pq->q) /* the guest claims more than the ring holds */
		return broken(pq);
	for (; pq->last_avail != idx; pq->last_avail++) {
		uint32_t head = rd16(v, vm, avail + 4 + 2 * (pq->last_avail % pq->q)), len;
		if (head >= pq->q || !consume(v, vm, pq, head, &len))
			return broken(pq);
		uint32_t e = used + 4 + 8 * (pq->used_idx % pq->q);
		wr32(v, vm, e, head);
		wr32(v, vm, e + 4, len);
		pq->used_idx++;
		wr16(v, vm, used + 2, pq->used_idx); /* after the entry, as virtio says */
		vm->stats.ring_chains++;
		chains++;
	}
	return chains;
}

int32_t pv_queue_notify(struct vmm *v, struct vm *vm, uint32_t queue)
{
	struct pv_queue *pq;

	if (queue >= PV_NQUEUES)
		return PV_ENOSYS;
	pq = &vm->pvq[queue];
	vm->stats.ring_kicks++;
	if (!pq->ready)
		return pq->broken ? PV_EINVAL : PV_ENOSYS;
	return drain(v, vm, pq);
}

/* At every exit: a polled queue is drained without a kick. */
void pv_queue_poll(struct vmm *v, struct vm *vm)
{
	for (unsigned i = 0; i < PV_NQUEUES; i++)
		if (vm->pvq[i].ready && vm->pvq[i].poll)
			drain(v, vm, &vm->pvq[i]);
}
