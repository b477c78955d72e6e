/*
 * check_disk_io.c -- dev_disk_io, the disk's transfer for its host's own
 * software (the monitor's paravirtual disk queue), on a fake host: a RAM
 * array, a recorded timer and interrupt line.  The guest-visible side of
 * the device (registers, DMA commands) is check_dev.c's.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/devices.h"

#define RAM 0x10000u
#define NBLOCKS 8u

struct fake {
	uint8_t ram[RAM];
	int armed, irqs;          /* timer_arm calls, set_irq(..., true) calls */
	const struct dev_ops *ops;
	void *dev;
	char path[64];
};

static uint64_t f_now(void *h) { (void)h; return 100; }
static int f_timer_new(void *h, dev_timer_fn fn, void *o) { (void)h; (void)fn; (void)o; return 0; }
static void f_timer_arm(void *h, int t, uint64_t w) { (void)t; (void)w; ((struct fake *)h)->armed++; }
static void f_timer_disarm(void *h, int t) { (void)h; (void)t; }
static void f_set_irq(void *h, unsigned line, bool level) { (void)line; ((struct fake *)h)->irqs += level; }
static uint32_t f_zero(void *h) { (void)h; return 0; }
static void f_set_enabled(void *h, uint32_t m) { (void)h; (void)m; }
static uint32_t f_ram_size(void *h) { (void)h; return RAM; }

static bool f_dma_read(void *h, uint32_t pa, void *buf, uint32_t len)
{
	struct fake *f = h;

	if ((uint64_t)pa + len > RAM)
		return false;
	memcpy(buf, f->ram + pa, len);
	return true;
}

static bool f_dma_write(void *h, uint32_t pa, const void *buf, uint32_t len)
{
	struct fake *f = h;

	if ((uint64_t)pa + len > RAM)
		return false;
	memcpy(f->ram + pa, buf, len);
	return true;
}

static bool f_map(void *h, uint32_t base, uint32_t size, const struct dev_ops *ops, void *dev)
{
	struct fake *f = h;

	(void)base;
	(void)size;
	f->ops = ops;
	f->dev = dev;
	return true;
}

static const struct dev_host_ops fake_ops = {
	.now = f_now, .timer_new = f_timer_new, .timer_arm = f_timer_arm,
	.timer_disarm = f_timer_disarm, .set_irq = f_set_irq, .irq_lines = f_zero,
	.irq_enabled = f_zero, .set_irq_enabled = f_set_enabled, .ram_size = f_ram_size,
	.dma_read = f_dma_read, .dma_write = f_dma_write, .map = f_map,
};

static uint8_t pattern(uint32_t block, uint32_t i)
{
	return (uint8_t)(block * 31 + i * 7 + 1);
}

/* A fake host with a disk of NBLOCKS patterned blocks (none: no file). */
static struct dev_disk *attach(struct fake *f, bool with_file)
{
	struct dev_host host = { .ops = &fake_ops, .h = f };
	char err[256];
	struct dev_disk *d;

	memset(f, 0, sizeof *f);
	if (with_file) {
		uint8_t b[512];
		strcpy(f->path, "/tmp/check_disk_io_XXXXXX");
		int fd = mkstemp(f->path);
		ck_assert_int_ge(fd, 0);
		for (uint32_t k = 0; k < NBLOCKS; k++) {
			for (uint32_t i = 0; i < 512; i++)
				b[i] = pattern(k, i);
			ck_assert_int_eq(write(fd, b, 512), 512);
		}
		close(fd);
	}
	d = dev_disk_attach(&host, with_file ? f->path : NULL, err, sizeof err);
	ck_assert_msg(d != NULL, "dev_disk_attach: %s", err);
	ck_assert_ptr_eq(f->dev, d); /* the device it mapped is the one returned */
	return d;
}

static void done(struct fake *f)
{
	f->ops->free(f->dev);
	if (f->path[0])
		unlink(f->path);
}

static uint32_t reg(struct fake *f, uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	ck_assert(f->ops->read(f->dev, off, &v));
	return v;
}

START_TEST(test_io_read)
{
	static struct fake f;
	struct dev_disk *d = attach(&f, true);
	uint64_t cycles = 0;

	ck_assert_int_eq(dev_disk_io(d, false, 2, 3, 0x1000, &cycles), DISK_IO_OK);
	ck_assert_uint_eq(cycles, 5000 + 3 * 512); /* the device model's latency */
	for (uint32_t k = 0; k < 3; k++)
		for (uint32_t i = 0; i < 512; i++)
			ck_assert_uint_eq(f.ram[0x1000 + k * 512 + i], pattern(2 + k, i));
	ck_assert_uint_eq(f.ram[0x1000 + 3 * 512], 0);
	/* the guest's view is untouched: no timer, no line, STATUS 0 */
	ck_assert_int_eq(f.armed, 0);
	ck_assert_int_eq(f.irqs, 0);
	ck_assert_uint_eq(reg(&f, 0x10), 0);
	done(&f);
}
END_TEST

START_TEST(test_io_write)
{
	static struct fake f;
	struct dev_disk *d = attach(&f, true);
	uint64_t cycles = 0;
	uint8_t b[512];
	int fd;

	memset(f.ram + 0x2000, 0xab, 1024);
	ck_assert_int_eq(dev_disk_io(d, true, 6, 2, 0x2000, &cycles), DISK_IO_OK);
	ck_assert_uint_eq(cycles, 5000 + 2 * 512);
	fd = open(f.path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, b, 512, 5 * 512), 512);
	ck_assert_uint_eq(b[0], pattern(5, 0)); /* the block before: untouched */
	ck_assert_int_eq(pread(fd, b, 512, 7 * 512), 512);
	ck_assert_uint_eq(b[511], 0xab);
	close(fd);
	done(&f);
}
END_TEST

START_TEST(test_io_errors_move_nothing)
{
	static struct fake f;
	struct dev_disk *d = attach(&f, true);
	uint64_t cycles = 0;

	ck_assert_int_eq(dev_disk_io(d, false, 7, 2, 0x1000, &cycles), DISK_IO_RANGE);
	ck_assert_int_eq(dev_disk_io(d, false, NBLOCKS, 1, 0x1000, &cycles), DISK_IO_RANGE);
	ck_assert_int_eq(dev_disk_io(d, false, 0xffffffffu, 2, 0x1000, &cycles), DISK_IO_RANGE);
	ck_assert_int_eq(dev_disk_io(d, false, 0, 0, 0x1000, &cycles), DISK_IO_RANGE);
	ck_assert_int_eq(dev_disk_io(d, false, 0, 0xffffffffu, 0x1000, &cycles), DISK_IO_RANGE);
	ck_assert_int_eq(dev_disk_io(d, false, 0, 1, RAM - 256, &cycles), DISK_IO_RAM);
	ck_assert_int_eq(dev_disk_io(d, false, 0, 2, 0xfffffe00u, &cycles), DISK_IO_RAM);
	ck_assert_int_eq(dev_disk_io(d, true, 0, 1, RAM, &cycles), DISK_IO_RAM);
	for (uint32_t i = 0; i < RAM; i++)
		ck_assert_uint_eq(f.ram[i], 0);
	ck_assert_int_eq(f.armed, 0);
	ck_assert_int_eq(f.irqs, 0);
	done(&f);
}
END_TEST

START_TEST(test_io_no_disk)
{
	static struct fake f;
	struct dev_disk *d = attach(&f, false);
	uint64_t cycles = 0;

	ck_assert_int_eq(dev_disk_io(d, false, 0, 1, 0x1000, &cycles), DISK_IO_RANGE);
	ck_assert_int_eq(dev_disk_io(d, true, 0, 1, 0x1000, &cycles), DISK_IO_RANGE);
	done(&f);
}
END_TEST

static Suite *disk_io_suite(void)
{
	Suite *s = suite_create("disk_io");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_io_read);
	tcase_add_test(tc, test_io_write);
	tcase_add_test(tc, test_io_errors_move_nothing);
	tcase_add_test(tc, test_io_no_disk);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(disk_io_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
