/* Mutex-style lock. The bench is single-threaded per machine, so a lock
 * never blocks here; what it checks is misuse: taking it in filter context,
 * recursion, unlocking a lock not held, freeing a held lock. */
#ifndef SHIM_LOCK_H
#define SHIM_LOCK_H

#include "shim/types.h"

typedef struct shim_lock shim_lock;

shim_lock *shim_lock_alloc_(const char *file, int line);
void shim_lock_free_(shim_lock *lk, const char *file, int line);
void shim_lock_lock_(shim_lock *lk, const char *file, int line);
void shim_lock_unlock_(shim_lock *lk, const char *file, int line);
#define shim_lock_alloc() shim_lock_alloc_(__FILE__, __LINE__)
#define shim_lock_free(l) shim_lock_free_((l), __FILE__, __LINE__)
#define shim_lock_lock(l) shim_lock_lock_((l), __FILE__, __LINE__)
#define shim_lock_unlock(l) shim_lock_unlock_((l), __FILE__, __LINE__)
bool shim_lock_held(const shim_lock *lk);

#endif
