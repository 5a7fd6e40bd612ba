/* Misuse-checking mutex. One thread runs a machine, so a lock never has to
 * wait; it records who holds it so recursion, foreign unlocks and freeing a
 * held lock are caught where they happen. */
#include "shim/lock.h"

#include "shim/alloc.h"
#include "internal.h"

struct shim_lock {
	bool held;
	const char *held_file; /* where the holder took it, for the report */
	int held_line;
};

shim_lock *shim_lock_alloc_(const char *file, int line)
{
	/* Allocated through the accounted allocator, so a leaked lock shows up. */
	shim_lock *lk = shim_malloc_(sizeof(*lk), true, file, line);

	return lk;
}

void shim_lock_free_(shim_lock *lk, const char *file, int line)
{
	if (lk == NULL)
		return;
	if (lk->held)
		shim_verifier_record_(SHIM_V_LOCK_MISUSE, file, line,
				      "lock freed while held (taken at %s:%d)",
				      lk->held_file ? lk->held_file : "?", lk->held_line);
	/* Freed anyway: keeping it would turn one misuse into a leak report too. */
	shim_free_(lk, sizeof(*lk), file, line);
}

void shim_lock_lock_(shim_lock *lk, const char *file, int line)
{
	if (lk == NULL) {
		shim_verifier_record_(SHIM_V_LOCK_MISUSE, file, line, "lock of NULL lock");
		return;
	}
	/* Recorded but still taken, so the matching unlock stays balanced. */
	(void)shim_context_may_block_("shim_lock_lock", file, line);
	if (lk->held) {
		shim_verifier_record_(SHIM_V_LOCK_MISUSE, file, line,
				      "recursive lock (already taken at %s:%d)",
				      lk->held_file ? lk->held_file : "?", lk->held_line);
		return;
	}
	lk->held = true;
	lk->held_file = file;
	lk->held_line = line;
}

void shim_lock_unlock_(shim_lock *lk, const char *file, int line)
{
	if (lk == NULL) {
		shim_verifier_record_(SHIM_V_LOCK_MISUSE, file, line, "unlock of NULL lock");
		return;
	}
	if (!lk->held) {
		shim_verifier_record_(SHIM_V_LOCK_MISUSE, file, line, "unlock of a lock not held");
		return;
	}
	lk->held = false;
	lk->held_file = NULL;
	lk->held_line = 0;
}

bool shim_lock_held(const shim_lock *lk)
{
	return lk != NULL && lk->held;
}
