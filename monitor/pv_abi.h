/*
 * pv_abi.h -- the paravirtual interface between a guest kernel and the
 * monitor (`vmlab run --vmm pv`; docs/paravirt.md is the full text).
 *
 * A call: t0 = number, a0..a3 = arguments, then `hypercall`; the result
 * comes back in t0 (0 or a count, or a negative PV_E* code); every other
 * register is kept.  Addresses in arguments are guest-physical.
 *
 * The shared page (one per VM, registered with PV_HC_INIT):
 *
 *   offset  size  field        written by  meaning
 *   0x000   4     magic        monitor     PV_MAGIC once registered
 *   0x004   4     irq_enabled  guest       the virtual interrupt flag (0/1)
 *   0x008   4     irq_pending  monitor     virtual lines raised & enabled
 *   0x00c   4     kstack       monitor     the registered kernel stack
 *   0x010   8     time         monitor     the VM's clock, cycles (lo, hi)
 *   0x018   4     mem_bytes    monitor     start info: guest RAM
 *   0x01c   4     vm_id        monitor     start info: this VM's number
 *   0x020   4     cpuid        monitor     start info: the machine's cpuid
 *   0x024   4     nvms         monitor     start info: VMs on the monitor
 *   0x028   ...   (zero; reserved)
 */
#ifndef VMLAB_PV_ABI_H
#define VMLAB_PV_ABI_H

#define PV_MAGIC 0x31765670u          /* "pVv1" */
#define PV_MARKER_SYMBOL "__vmlab_paravirt" /* in every pv image (ELF symbol) */

/* shared page offsets */
#define PV_SH_MAGIC       0x000u
#define PV_SH_IRQ_ENABLED 0x004u
#define PV_SH_IRQ_PENDING 0x008u
#define PV_SH_KSTACK      0x00cu
#define PV_SH_TIME        0x010u
#define PV_SH_MEM_BYTES   0x018u
#define PV_SH_VM_ID       0x01cu
#define PV_SH_CPUID       0x020u
#define PV_SH_NVMS        0x024u

/* hypercall numbers (t0) */
enum pv_hcall {
	PV_HC_INIT = 0,         /* a0 = shared page gpa                       */
	PV_HC_MMU_UPDATE = 1,   /* a0 = array gpa, a1 = count: batched PTEs   */
	PV_HC_MMUEXT = 2,       /* a0 = PV_MMUEXT_* op, a1 = its argument      */
	PV_HC_SET_TRAP_TABLE = 3, /* a0 = vector table (tvec1), 0 = none      */
	PV_HC_SET_KSTACK = 4,   /* a0 = kernel stack top                      */
	PV_HC_SET_TIMER = 5,    /* a0 = cycles from now (0: stop): one-shot   */
	PV_HC_BLOCK = 6,        /* irq_enabled = 1, sleep until an interrupt  */
	PV_HC_YIELD = 7,        /* give up the rest of the time slice         */
	PV_HC_IRQ_ENABLE = 8,   /* irq_enabled became 1 with irq_pending != 0 */
	PV_HC_IRET = 9,         /* return with interrupts on (see paravirt.md) */
	PV_HC_CONSOLE_WRITE = 10, /* a0 = bytes gpa, a1 = length              */
	PV_HC_NOTIFY = 11,      /* a0 = queue: consume what is available      */
	PV_HC_MULTICALL = 12,   /* a0 = array gpa, a1 = count                 */
	PV_HC_QUEUE_INIT = 13,  /* a0 = queue, a1 = ring gpa, a2 = Q, a3 = flags */
	PV_HC_COUNT
};

/* PV_HC_MMUEXT operations */
enum pv_mmuext {
	PV_MMUEXT_NEW_BASEPTR = 0, /* ptbr = arg (a page directory in RAM)   */
	PV_MMUEXT_SET_ASID = 1,    /* asid = arg                             */
	PV_MMUEXT_PAGING = 2,      /* paging on (arg 1) or off (arg 0)       */
	PV_MMUEXT_TLB_FLUSH = 3,   /* forget every translation               */
	PV_MMUEXT_INVLPG = 4,      /* forget the translation of va = arg     */
};

/* result codes (t0, and each batch entry's status) */
#define PV_EOK     0
#define PV_EPERM   (-1)  /* maps a frame the VM does not own            */
#define PV_EINVAL  (-2)  /* a bad argument (count, op, alignment)       */
#define PV_ENOSYS  (-3)  /* no such hypercall                          */
#define PV_EFAULT  (-4)  /* an argument's memory is outside guest RAM   */

/* batches: mmu_update entries {ptr, val, status}, multicall entries
 * {op, a0, a1, a2, result}, at most PV_BATCH_MAX of either per call */
#define PV_MMU_ENTRY_BYTES 12u
#define PV_MC_ENTRY_BYTES 20u
#define PV_BATCH_MAX 1024u
#define PV_BATCH_BUCKETS 6       /* --stats: 1, 2-3, 4-15, 16-63, 64-255, 256+ */
/* shared rings (virtio's split layout; docs/paravirt.md, section 6) */
#define PV_QUEUE_CONSOLE 0       /* console output                       */
#define PV_QUEUE_DISK 1          /* the disk: virtio-blk requests        */
#define PV_NQUEUES 2
#define PV_QUEUE_MAX 256u        /* Q: a power of 2, at most this        */
#define PV_QF_POLL 1u            /* queue_init flag: the monitor polls   */
#define PV_DESC_F_NEXT 1u        /* descriptor flags (low 16 bits)       */
#define PV_DESC_F_WRITE 2u
#define PV_DESC_MAX 65536u       /* bytes in one descriptor              */
#define PV_USED_F_NO_NOTIFY 1u   /* used.flags: do not kick, I poll       */
#define PV_RING_ALIGN 16u        /* a ring's gpa: 16-byte aligned        */

/* The disk queue's request (virtio-blk): a chain of three descriptors,
 *   header  device-readable, 16 bytes: type, reserved, block (lo, hi)
 *   data    one buffer, a multiple of 512 bytes (at most PV_DESC_MAX):
 *           device-writable for a read, device-readable for a write
 *   status  device-writable, at least 1 byte: the PV_BLK_S_* the device
 *           writes when it is done */
#define PV_BLK_HDR_BYTES 16u
#define PV_BLK_T_IN 0u           /* read: disk -> the data buffer        */
#define PV_BLK_T_OUT 1u          /* write: the data buffer -> disk       */
#define PV_BLK_S_OK 0u
#define PV_BLK_S_IOERR 1u        /* a bad request, or the disk failed    */
#define PV_BLK_S_UNSUPP 2u       /* an unknown type                      */

const char *pv_hcall_name(unsigned n);

#endif
