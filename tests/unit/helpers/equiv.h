/*
 * equiv.h -- one guest program on the bare machine and under the monitor,
 * and what the guest could observe of each run, compared.
 *
 * A test assembles a small guest kernel (assemble), runs it bare
 * (run_bare) and as a guest of the trap-and-emulate monitor (run_vmm,
 * several guests at once with run_vmm_cfg) and compares (check_same): the
 * console, how it ended (power-off status, or crash with cause and pc)
 * and every byte of its guest-physical RAM at the end (read at the VM's
 * slice of host memory).  Used by check_vmm and check_vmm_ring1.
 */
#ifndef VMLAB_TEST_EQUIV_H
#define VMLAB_TEST_EQUIV_H

#include <stddef.h>
#include <stdint.h>

#include "monitor/vmm.h"
#include "sim/image.h"
#include "sim/machine.h"

#define CON_MAX 16384
#define KMEM    (4u << 20)  /* guest RAM of the test kernels          */
#define BUDGET  20000000u   /* instructions; no test comes near it    */
#define MAXG    4           /* guests in one run                      */

/* ---- running one program bare and under the monitor ------------------- */

struct guest_spec {
	const struct image *img;
	uint32_t mem;
	uint64_t seed;
	const char *disk;
};

enum end { END_LIMIT, END_POWER, END_CRASH };

/* Everything a guest left behind that the guest itself could observe. */
struct out {
	char con[CON_MAX];
	size_t conlen;
	enum end end;
	int code;          /* END_POWER                                */
	uint32_t cause;    /* END_CRASH: the trap nothing could handle  */
	uint32_t pc;
	uint32_t badva;
	uint8_t *ram;      /* guest-physical RAM at the end             */
	uint32_t mem;
};

/* What a run under the monitor leaves besides each guest's outcome. */
struct vmm_result {
	enum vmm_stop stop;
	struct vmm_stats st;      /* totals over the guests      */
	struct vmm_stats vm[MAXG];
	uint64_t cycles, instret; /* the machine's               */
};

void out_free(struct out *o, int n);
/* Run g on a fresh bare machine of this variant until it stops. */
void run_bare(const struct guest_spec *g, enum machine_variant var, struct out *o);
/* Run n guests at once under the monitor with this configuration (res
 * may be NULL); o[i] is guest i's. */
void run_vmm_cfg(const struct guest_spec *g, int n, enum machine_variant var,
		 const struct vmm_config *vcfg, struct out *o, struct vmm_result *res);
/* The same with the default configuration. */
void run_vmm(const struct guest_spec *g, int n, enum machine_variant var, struct out *o,
	     struct vmm_result *res);
/* The word at guest-physical gpa of a run's RAM. */
uint32_t ram32(const struct out *o, uint32_t gpa);
/* The guest saw the same thing bare and under the monitor. */
void check_same(const struct out *bare, const struct out *vm, const char *what);
/* The console is exactly expect. */
void check_console(const struct out *o, const char *expect, const char *what);
/* Assemble printf-formatted source (the test fails on any diagnostic). */
struct image *assemble(const char *fmt, ...);
/* The value of a symbol the image must have. */
uint32_t sym(const struct image *img, const char *name);
/* Both runs of one image on this variant, compared. */
void both(const struct guest_spec *g, enum machine_variant var, struct out *bare,
	  struct out *vm, const char *what);

#endif
