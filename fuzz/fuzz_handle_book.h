/* A client's book of the handles it was given, for the handle oracle: a
 * handle appears in a call's scalar outputs when that call raised the
 * shim's live-handle count by exactly the number of scalars it wrote; it
 * dies when a call it was passed to lowers the count, or when its
 * connection ends. Nothing here knows the handle encoding. Connections
 * are the caller's indices. */
#ifndef FUZZ_HANDLE_BOOK_H
#define FUZZ_HANDLE_BOOK_H

#include <stddef.h>

#include "fuzz_oracle.h"

void fuzz_book_reset(void);
/* ctx is the connection index (fuzz_call_model.handle). */
enum bench_uc_handle_state fuzz_book_state(void *ctx, uint64_t v);
uint32_t fuzz_book_live(size_t conn);
/* The k-th (mod count) handle ever issued by this input, live or not, of
 * any connection: a cheap way to reach stale and foreign ones. */
bool fuzz_book_pick(uint8_t k, uint64_t *v);
size_t fuzz_book_count(void);
/* The connection ended: its handles are stale. */
void fuzz_book_close(size_t conn);
/* The shim's live-handle count (take it before a call). */
long fuzz_book_shim_handles(void);
/* After a call: follow what it issued or released, then (with check)
 * abort unless the shim holds exactly the handles the book says are live. */
void fuzz_book_follow(const char *target, size_t conn, const struct shim_uc_call *sent,
		      const struct shim_uc_call *done, shim_ret r, long shim_before, bool check);

#endif
