/*
 * vdev.c -- each VM's devices: the same code as the bare machine's
 * (sim/dev_*.c), hosted by the monitor instead of the machine.
 *
 * The guest reaches them at the usual physical addresses.  Those pages are
 * never mapped in a shadow, so every access faults into the monitor, which
 * decodes the load or store and calls the device (an MMIO exit).  For the
 * devices, the monitor is the host: their timers are the monitor's events
 * (on the real timer), their interrupt lines go to the VM's virtual
 * interrupt controller, their DMA lands in the VM's own RAM (and keeps the
 * shadows coherent), and their output is labelled with the VM.  The VM
 * keeps its disk (vm->disk): the paravirtual disk queue (pv_blk.c) moves
 * blocks through it with dev_disk_io, as software hosting the disk.
 */
#include "monitor/vmm_priv.h"

#include <stdio.h>
#include <string.h>

static uint64_t vh_now(void *h)
{
	struct vm *vm = h;
	return vmm_vm_now(vm->vmm, vm); /* the VM's clock, per the timer policy */
}

static int vh_timer_new(void *h, dev_timer_fn fn, void *opaque)
{
	struct vm *vm = h;
	return vmm_event_new(vm->vmm, vm, fn, opaque);
}

static void vh_timer_arm(void *h, int t, uint64_t when)
{
	struct vm *vm = h;
	vmm_event_arm(vm->vmm, t, when);
}

static void vh_timer_disarm(void *h, int t)
{
	struct vm *vm = h;
	vmm_event_disarm(vm->vmm, t);
}

static void vh_set_irq(void *h, unsigned line, bool level)
{
	struct vm *vm = h;
	uint32_t bit = 1u << (line & 31);
	vm->vlines = level ? vm->vlines | bit : vm->vlines & ~bit;
	vmm_vm_changed(vm->vmm, vm); /* the timer line decides a late tick */
}

static uint32_t vh_irq_lines(void *h) { return ((struct vm *)h)->vlines; }
static uint32_t vh_irq_enabled(void *h) { return ((struct vm *)h)->venabled; }
static void vh_set_irq_enabled(void *h, uint32_t mask) { ((struct vm *)h)->venabled = mask; }
static uint32_t vh_ram_size(void *h) { return ((struct vm *)h)->mem; }

static bool vh_dma_read(void *h, uint32_t gpa, void *buf, uint32_t len)
{
	struct vm *vm = h;
	return gpa_is_ram(vm, gpa, len) && machine_phys_read(vm->vmm->m, vm->base + gpa, buf, len);
}

static bool vh_dma_write(void *h, uint32_t gpa, const void *buf, uint32_t len)
{
	struct vm *vm = h;

	return vmm_guest_write(vm->vmm, vm, gpa, buf, len); /* keeps shadows right */
}

static void vh_power_off(void *h, int code)
{
	struct vm *vm = h;
	if (vm->state == VM_RUNNING) {
		vm->state = VM_POWERED_OFF;
		vmm_vm_changed(vm->vmm, vm);
		vm->exit_code = code;
		vmm_vm_ended(vm->vmm, vm);
	}
}

static void vh_debug_break(void *h)
{
	(void)h; /* a guest's breakpoint request: no debugger is attached to VMs yet */
}

static void vh_console_out(void *h, const uint8_t *b, size_t n)
{
	struct vm *vm = h;
	const struct vmm_io *io = &vm->vmm->cfg.io;
	if (io->console_out)
		io->console_out(io->opaque, vm->id, b, n);
}

static void vh_debug_print(void *h, uint32_t value, bool hex)
{
	struct vm *vm = h;
	const struct vmm_io *io = &vm->vmm->cfg.io;
	if (io->debug_print)
		io->debug_print(io->opaque, vm->id, value, hex);
}

static void vh_debug_trace(void *h, bool on)
{
	(void)h;
	(void)on;
}

static bool vh_map(void *h, uint32_t base, uint32_t size, const struct dev_ops *ops, void *dev)
{
	struct vm *vm = h;

	if (vm->ndevs == (int)(sizeof vm->devs / sizeof vm->devs[0]))
		return false;
	vm->devs[vm->ndevs++] = (struct mdev){ base, size, ops, dev };
	return true;
}

static const struct dev_host_ops vm_host_ops = {
	.now = vh_now, .timer_new = vh_timer_new, .timer_arm = vh_timer_arm,
	.timer_disarm = vh_timer_disarm, .set_irq = vh_set_irq,
	.irq_lines = vh_irq_lines, .irq_enabled = vh_irq_enabled,
	.set_irq_enabled = vh_set_irq_enabled, .ram_size = vh_ram_size,
	.dma_read = vh_dma_read, .dma_write = vh_dma_write,
	.power_off = vh_power_off, .debug_break = vh_debug_break,
	.console_out = vh_console_out, .debug_print = vh_debug_print,
	.debug_trace = vh_debug_trace, .map = vh_map,
};

bool vdev_attach(struct vmm *v, struct vm *vm, const struct vm_config *vc, char *err, size_t errlen)
{
	int first_event;

	vm->host = (struct dev_host){ .ops = &vm_host_ops, .h = vm, .seed = vc->seed };
	if (!dev_intc_attach(&vm->host, err, errlen))
		return false;
	/* the timer's event is the one its attach creates: the timer policy
	 * treats its ticks apart (vmm.c) */
	first_event = v->nevents;
	if (!dev_timer_attach(&vm->host, err, errlen))
		return false;
	if (v->nevents == first_event + 1)
		vm->timer_event = first_event;
	for (int i = 0; i < vm->ndevs; i++)
		if (vm->devs[i].base == MMIO_TIMER)
			vm->timer = &vm->devs[i];
	if (!(vm->uart = dev_uart_attach(&vm->host, err, errlen)) ||
	    !(vm->disk = dev_disk_attach(&vm->host, vc->disk_path, err, errlen)) ||
	    !dev_power_attach(&vm->host, err, errlen) || !dev_debug_attach(&vm->host, err, errlen) ||
	    !dev_rng_attach(&vm->host, err, errlen))
		return false;
	if (vc->console_in_len)
		dev_uart_input(vm->uart, vc->console_in, vc->console_in_len);
	if (!vc->console_open)
		dev_uart_eof(vm->uart);
	return true;
}

bool vmm_console_input(struct vmm *v, int vm, const uint8_t *bytes, size_t n)
{
	if (vm < 0 || vm >= v->nvms)
		return false;
	return dev_uart_input_at(v->vms[vm]->uart, 0, bytes, n, false); /* 0: now */
}

bool vmm_console_eof(struct vmm *v, int vm)
{
	if (vm < 0 || vm >= v->nvms)
		return false;
	return dev_uart_input_at(v->vms[vm]->uart, 0, NULL, 0, true);
}

void vdev_free(struct vm *vm)
{
	for (int i = 0; i < vm->ndevs; i++)
		if (vm->devs[i].ops->free)
			vm->devs[i].ops->free(vm->devs[i].dev);
	vm->ndevs = 0;
}

bool vdev_is_mmio(uint32_t gpa)
{
	return gpa >= MMIO_BASE;
}

void vdev_mmio(struct vmm *v, struct vm *vm, const struct trap_event *t, uint32_t gpa)
{
	enum mem_access acc = CAUSE_ACCESS(t->cause);
	struct isa_insn in;
	uint32_t value = 0;
	const struct mdev *d = NULL;
	bool ok;

	for (int i = 0; i < vm->ndevs; i++)
		if (gpa - vm->devs[i].base < vm->devs[i].size)
			d = &vm->devs[i];
	/* devices take aligned 32-bit accesses only, as on the bare machine */
	if (!d || !isa_decode(t->insn, &in) || (in.op != OP_lw && in.op != OP_sw)) {
		vcpu_inject(v, vm, TRAP_BUS_ERROR, acc, 0, t->pc, t->badva);
		return;
	}
	if (in.op == OP_lw) {
		ok = d->ops->read && d->ops->read(d->dev, gpa - d->base, &value);
		if (ok)
			machine_set_reg(v->m, in.rd, value);
	} else {
		ok = d->ops->write && d->ops->write(d->dev, gpa - d->base, machine_reg(v->m, in.rs2));
	}
	if (!ok) {
		vcpu_inject(v, vm, TRAP_BUS_ERROR, acc, 0, t->pc, t->badva);
		return;
	}
	vcpu_next(v, vm, t);
}
