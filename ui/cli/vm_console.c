/*
 * vm_console.c -- several guests, one keyboard (vm_console.h).
 *
 * The monitor keeps its own idle loop (it lets time pass inside its trap
 * handler when every guest is halted), so the pacing here is after the
 * fact: the front end runs the monitor in chunks of VM_CHUNK instructions
 * and, after each, waits on the keyboard for as long as the idle cycles
 * the chunk contained take at CONSOLE_IDLE_HZ (the waits add up until they
 * are worth a system call).  A key arrives at the cycle of the chunk's end.
 */
#include "ui/cli/vm_console.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ui/cli/console.h"
#include "ui/cli/tty.h"

#define VM_CHUNK 4096u            /* instructions between looks at the keyboard */
#define VM_WAIT_NS 2000000ull     /* idle waits shorter than this add up first */
#define CTRL_A 0x01

bool vm_console_interactive(int console_vm, int nvms, const char *cmd, int *status)
{
	if (console_vm < 0 || console_vm >= nvms) {
		fprintf(stderr, "vmlab %s: --console-vm: %d is not a VM (0 to %d)\n", cmd,
			console_vm, nvms - 1);
		*status = 2;
		return false;
	}
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

struct keyboard {
	struct vmm *v;
	int kbd;                 /* the VM that gets the keys       */
	bool escape;             /* Ctrl-A seen, waiting for its key */
	bool open[64];           /* the VM's input has not ended    */
};

static void say(const char *fmt, int n)
{
	fputs("\n[vmlab: ", stderr);
	fprintf(stderr, fmt, n);
	fputs("]\n", stderr);
}

static void deliver(struct keyboard *k, const uint8_t *b, size_t n)
{
	if (n && k->open[k->kbd])
		vmm_console_input(k->v, k->kbd, b, n);
}

/* Keys as typed: escapes for us, the rest for the keyboard VM. */
static void keys(struct keyboard *k, const uint8_t *b, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (k->escape) {
			k->escape = false;
			start = i + 1;
			if (b[i] >= '0' && b[i] <= '9' && b[i] - '0' < vmm_vm_count(k->v)) {
				k->kbd = b[i] - '0';
				say("the keyboard goes to vm%d", k->kbd);
			} else if (b[i] == 'a' || b[i] == CTRL_A) {
				deliver(k, (const uint8_t *)"\001", 1);
			} else {
				say("Ctrl-A then: 0..9 the keyboard to that VM (now vm%d), "
				    "a a Ctrl-A", k->kbd);
			}
		} else if (b[i] == CTRL_A || b[i] == tty_eof_char()) {
			deliver(k, b + start, i - start);
			start = i + 1;
			if (b[i] == CTRL_A) {
				k->escape = true;
			} else if (k->open[k->kbd]) {
				vmm_console_eof(k->v, k->kbd);
				k->open[k->kbd] = false;
			}
		}
	}
	deliver(k, b + start, n - start);
}

/* Wait up to ns for a key; read and hand out what came. */
static void poll_keys(struct keyboard *k, uint64_t ns)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	uint8_t buf[256];
	ssize_t n;

	if (poll(&p, 1, (int)((ns + 999999u) / 1000000u)) <= 0 || !(p.revents & POLLIN))
		return;
	n = read(STDIN_FILENO, buf, sizeof buf);
	if (n > 0)
		keys(k, buf, (size_t)n);
}

enum vmm_stop vm_console_run(struct vmm *v, struct machine *m, int kbd, uint64_t max_insns,
			     void (*flush)(void *opaque),
			     bool (*again)(void *opaque, enum vmm_stop why), void *opaque,
			     bool *stopped)
{
	struct keyboard k = { .v = v, .kbd = kbd };
	uint64_t start = machine_instret(m), debt = 0, idle_seen = 0;
	enum vmm_stop why;
	struct vmm_stats st;

	for (int i = 0; i < 64; i++)
		k.open[i] = true;
	*stopped = false;
	tty_catch_interrupt();
	tty_raw(STDIN_FILENO);
	say("the keyboard goes to vm%d; Ctrl-A ? for the keys", kbd);
	for (;;) {
		uint64_t done = machine_instret(m) - start, n = VM_CHUNK;
		if (tty_interrupted()) {
			*stopped = true;
			why = VMM_STOPPED;
			break;
		}
		if (max_insns - done < n)
			n = max_insns - done;
		why = vmm_run(v, n);
		flush(opaque);
		if (why != VMM_LIMIT && again && again(opaque, why))
			continue;
		if (why != VMM_LIMIT || machine_instret(m) - start >= max_insns)
			break;
		vmm_get_stats(v, -1, &st);
		debt += (st.idle_cycles - idle_seen) * (1000000000ull / CONSOLE_IDLE_HZ);
		idle_seen = st.idle_cycles;
		if (debt >= VM_WAIT_NS) {
			poll_keys(&k, debt > 1000000000ull ? 1000000000ull : debt);
			debt = 0;
		} else {
			poll_keys(&k, 0);
		}
	}
	tty_restore();
	tty_release_interrupt();
	return why;
}
