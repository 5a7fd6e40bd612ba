/* The handle book (see fuzz_handle_book.h). */
#include "fuzz_handle_book.h"

#include "fuzz_harness.h"

#define BOOK_MAX 128

static struct {
	struct {
		uint64_t v;
		size_t conn;
		bool live;
	} e[BOOK_MAX];
	size_t n;
	bool lost; /* the book cannot follow any more: no opinion on handles */
	long base; /* the shim's count when the input started */
} b;

long fuzz_book_shim_handles(void)
{
	struct shim_uc_counters u;

	shim_uc_counters_snapshot(&u);
	return u.handles;
}

void fuzz_book_reset(void)
{
	b.n = 0;
	b.lost = false;
	b.base = fuzz_book_shim_handles();
}

enum bench_uc_handle_state fuzz_book_state(void *ctx, uint64_t v)
{
	size_t conn = (size_t)(uintptr_t)ctx;

	if (b.lost)
		return BENCH_UC_HANDLE_LIVE;
	for (size_t i = 0; i < b.n; i++) {
		if (b.e[i].v != v)
			continue;
		if (b.e[i].conn != conn)
			return BENCH_UC_HANDLE_FOREIGN;
		return b.e[i].live ? BENCH_UC_HANDLE_LIVE : BENCH_UC_HANDLE_STALE;
	}
	return BENCH_UC_HANDLE_FORGED;
}

uint32_t fuzz_book_live(size_t conn)
{
	uint32_t n = 0;

	for (size_t i = 0; i < b.n; i++)
		n += b.e[i].conn == conn && b.e[i].live;
	return n;
}

bool fuzz_book_pick(uint8_t k, uint64_t *v)
{
	if (b.n == 0)
		return false;
	*v = b.e[k % b.n].v;
	return true;
}

size_t fuzz_book_count(void)
{
	return b.n;
}

void fuzz_book_close(size_t conn)
{
	for (size_t i = 0; i < b.n; i++)
		if (b.e[i].conn == conn)
			b.e[i].live = false;
}

static void book_add(size_t conn, const uint64_t *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		/* A value seen before cannot be a new handle: stop judging. */
		if (b.n == BOOK_MAX || fuzz_book_state(NULL, v[i]) != BENCH_UC_HANDLE_FORGED) {
			b.lost = true;
			return;
		}
		b.e[b.n].v = v[i];
		b.e[b.n].conn = conn;
		b.e[b.n++].live = true;
	}
}

static long book_kill(size_t conn, const uint64_t *v, uint32_t n)
{
	long killed = 0;

	for (size_t i = 0; i < b.n; i++) {
		for (uint32_t k = 0; k < n; k++) {
			if (b.e[i].conn == conn && b.e[i].live && b.e[i].v == v[k]) {
				b.e[i].live = false;
				killed++;
				break;
			}
		}
	}
	return killed;
}

void fuzz_book_follow(const char *target, size_t conn, const struct shim_uc_call *sent,
		      const struct shim_uc_call *done, shim_ret r, long shim_before, bool check)
{
	long now = fuzz_book_shim_handles(), d = now - shim_before, live = 0;

	if (b.lost)
		return;
	if (r == SHIM_OK && d > 0 && done->scalar_out_count == (uint32_t)d)
		book_add(conn, done->scalar_out, done->scalar_out_count);
	else if (r == SHIM_OK && d < 0)
		b.lost = book_kill(conn, sent->scalar_in, sent->scalar_in_count) != -d;
	else if (d != 0)
		b.lost = true; /* e.g. handles among other outputs: cannot tell which */
	for (size_t i = 0; i < b.n; i++)
		live += b.e[i].live;
	if (check && !b.lost && live != now - b.base)
		fuzz_die(target, "oracle: the shim holds %ld handles, the clients hold %ld live ones",
			 now - b.base, live);
}
