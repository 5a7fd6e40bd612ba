/* The smallest signal hook the weekend run needs (interrupt.h): a flag the
 * cycle runner polls between cycles. Cleanup of temp dirs and output on a
 * signal belongs to the command's own robustness, not to this flag. */
#include <string.h>
#include <unistd.h>

#include "interrupt.h"

volatile sig_atomic_t drvbench_interrupted;

static void drvbench_on_signal(int sig)
{
	static const char msg[] = "\ndrvbench: stopping after the current step "
				  "(again to stop now)\n";

	if (drvbench_interrupted != 0) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	drvbench_interrupted = sig;
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
}

void drvbench_interrupt_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = drvbench_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int drvbench_interrupt_status(void)
{
	return 128 + (int)drvbench_interrupted;
}
