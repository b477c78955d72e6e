/*
 * dev_rng.c -- the random-number generator, at MMIO_RNG (0xf0006000).
 *
 *   offset  name   access  bits
 *   ------  -----  ------  --------------------------------------------------
 *   0x00    VALUE  ro      the next 32 random bits: each read steps the
 *                          generator once and returns the low 32 bits of
 *                          its 64-bit output
 *   0x04    SEED   wo      reseed: state = the value written (zero-extended)
 *
 * The generator is splitmix64 (Steele, Lea, Flood 2014; the seeding
 * generator of xoshiro), so a guest's "random" numbers depend only on the
 * seed: --seed (default 1) at reset, then whatever the guest writes to
 * SEED.  No host randomness ever reaches the guest.
 *
 *   state += 0x9e3779b97f4a7c15
 *   z = state
 *   z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
 *   z = (z ^ (z >> 27)) * 0x94d049bb133111eb
 *   output z ^ (z >> 31)
 */
#include <stdlib.h>

#include "devices.h"

enum {
	RNG_VALUE = 0x00,
	RNG_SEED = 0x04,
};

struct dev_rng {
	uint64_t state; /* splitmix64 state */
};

static uint64_t dev_rng_next(struct dev_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static bool dev_rng_read(void *dev, uint32_t offset, uint32_t *value)
{
	if (offset != RNG_VALUE)
		return false; /* SEED is write-only */
	*value = (uint32_t)dev_rng_next(dev);
	return true;
}

static bool dev_rng_write(void *dev, uint32_t offset, uint32_t value)
{
	struct dev_rng *r = dev;

	if (offset != RNG_SEED)
		return false; /* VALUE is read-only */
	r->state = value;
	return true;
}

static void dev_rng_save(void *dev, struct snap_writer *w)
{
	snap_put_u64(w, ((struct dev_rng *)dev)->state);
}

static bool dev_rng_load(void *dev, struct snap_reader *r)
{
	return snap_get_u64(r, &((struct dev_rng *)dev)->state);
}

static const struct dev_ops dev_rng_ops = {
	.name = "rng",
	.read = dev_rng_read,
	.write = dev_rng_write,
	.free = free,
	.save = dev_rng_save,
	.load = dev_rng_load,
};

bool dev_rng_attach(const struct dev_host *host, char *err, size_t errlen)
{
	struct dev_rng *r = calloc(1, sizeof *r);

	if (!r)
		return dev_fail(err, errlen, dev_rng_ops.name, "out of memory");
	r->state = host->seed;
	return dev_map(host, MMIO_RNG, &dev_rng_ops, r, err, errlen);
}
