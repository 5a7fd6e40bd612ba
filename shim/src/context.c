/* The calling thread's execution context as a kernel sees it. The bench
 * runs one machine per process on one thread, so a single global suffices. */
#include "internal.h"

static enum shim_context current_ctx = SHIM_CTX_THREAD;

enum shim_context shim_context_current(void)
{
	return current_ctx;
}

enum shim_context shim_context_enter(enum shim_context ctx)
{
	enum shim_context prev = current_ctx;

	current_ctx = ctx;
	return prev;
}

void shim_context_leave(enum shim_context prev)
{
	current_ctx = prev;
}

bool shim_context_may_block_(const char *what, const char *file, int line)
{
	if (current_ctx != SHIM_CTX_FILTER)
		return true;
	shim_verifier_record_(SHIM_V_BLOCKING_IN_FILTER, file, line,
			      "%s called in filter (primary interrupt) context",
			      what ? what : "blocking call");
	return false;
}
