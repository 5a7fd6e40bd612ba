/* Interruption of the qemu host's waits (shim_qemu_interrupt_on), and the
 * test hook that interrupts a start-up at a named phase. */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu_internal.h"

static const int *intr_fd; /* process-wide, as signals are */

void shim_qemu_interrupt_on(const int *fd)
{
	intr_fd = fd;
}

int shim_qemu_interrupt_fd(void)
{
	return intr_fd != NULL ? *intr_fd : -1;
}

bool shim_qemu_interrupted(void)
{
	struct pollfd p = { .fd = shim_qemu_interrupt_fd(), .events = POLLIN };

	return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* DRVBENCH_TEST_SIGNAL=PHASE:SIGNAL[:parent] raises SIGNAL (INT, TERM, HUP,
 * KILL) in this process, or sends it to the parent, when a start-up reaches
 * PHASE: the signal tests' hooked points, each phase exactly. */
void shim_qemu_phase(const char *phase)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = { { "INT", SIGINT }, { "TERM", SIGTERM }, { "HUP", SIGHUP }, { "KILL", SIGKILL } };
	const char *spec = getenv("DRVBENCH_TEST_SIGNAL"), *colon;
	size_t n = strlen(phase);

	if (spec == NULL || strncmp(spec, phase, n) != 0 || spec[n] != ':')
		return;
	colon = strchr(spec + n + 1, ':');
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		size_t k = strlen(sigs[i].name);

		if (strncmp(spec + n + 1, sigs[i].name, k) != 0 ||
		    (spec[n + 1 + k] != '\0' && spec[n + 1 + k] != ':'))
			continue;
		if (colon != NULL && strcmp(colon + 1, "parent") == 0)
			kill(getppid(), sigs[i].sig);
		else
			raise(sigs[i].sig);
	}
}
