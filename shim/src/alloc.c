/* Accounted allocations (IOMalloc/IOFree style): each block carries a header
 * with a magic, its size and where it was allocated, and every live block is
 * in a pointer set, so a free can be checked without touching memory that
 * may not be ours (foreign pointers, double frees stay valgrind-clean). */
#include "shim/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ALLOC_MAGIC_LIVE 0x5348494d414c4c43ull  /* "SHIMALLC" */
#define ALLOC_MAGIC_FREED 0x5348494d46524545ull /* "SHIMFREE" */
#define RECENT_FREES 16

struct alloc_header {
	size_t size;
	const char *file;
	int line;
};

/* The header region: the fields above, padding, then the magic in its last
 * 8 bytes, right below the block, so a small underrun hits it. Its size is a
 * multiple of max_align_t's alignment so the block keeps malloc's alignment;
 * computed rather than laid out by the compiler because ILP32's alignments
 * (uint64_t aligned to 4, max_align_t to 16) would leave the padding after
 * the magic. */
#define ALLOC_ALIGN _Alignof(max_align_t)
#define ALLOC_HEADER_SIZE                                                                  \
	((sizeof(struct alloc_header) + sizeof(uint64_t) + ALLOC_ALIGN - 1) / ALLOC_ALIGN * \
	 ALLOC_ALIGN)

static struct alloc_header *header_of(const void *user)
{
	return (struct alloc_header *)((uintptr_t)user - ALLOC_HEADER_SIZE);
}

static uint64_t *magic_of(const void *user)
{
	return (uint64_t *)((uintptr_t)user - sizeof(uint64_t));
}

static long live_count;
static uint64_t live_bytes;
static uint64_t high_water;
static long fail_countdown;

/* Open-addressing set of live user pointers (linear probing, power-of-two size). */
static void **live_set;
static size_t live_set_cap;

/* Recently freed pointers, only to tell a double free from a foreign pointer. */
static void *recent_frees[RECENT_FREES];
static size_t recent_next;

static size_t ptr_hash(const void *p, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)p;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)h & (cap - 1);
}

static size_t live_set_find(const void *p)
{
	if (live_set_cap == 0)
		return SIZE_MAX;
	for (size_t i = ptr_hash(p, live_set_cap);; i = (i + 1) & (live_set_cap - 1)) {
		if (live_set[i] == NULL)
			return SIZE_MAX;
		if (live_set[i] == p)
			return i;
	}
}

static void live_set_put(void **set, size_t cap, void *p)
{
	size_t i = ptr_hash(p, cap);

	while (set[i] != NULL)
		i = (i + 1) & (cap - 1);
	set[i] = p;
}

/* Keeps the load factor at or below one half; false when the table cannot grow. */
static bool live_set_reserve(size_t entries)
{
	size_t cap = live_set_cap ? live_set_cap : 64;
	void **set;

	while (entries * 2 > cap)
		cap *= 2;
	if (cap == live_set_cap)
		return true;
	set = calloc(cap, sizeof(*set));
	if (set == NULL)
		return false;
	for (size_t i = 0; i < live_set_cap; i++)
		if (live_set[i] != NULL)
			live_set_put(set, cap, live_set[i]);
	free(live_set);
	live_set = set;
	live_set_cap = cap;
	return true;
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void live_set_remove(size_t i)
{
	size_t mask = live_set_cap - 1;
	size_t j = i;

	live_set[i] = NULL;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (live_set[j] == NULL)
			break;
		home = ptr_hash(live_set[j], live_set_cap);
		/* Move j back into the hole unless its home lies cyclically in (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			live_set[i] = live_set[j];
			live_set[j] = NULL;
			i = j;
		}
	}
	/* Give the table back when nothing is live, so idle processes hold no memory. */
	if (live_count == 0) {
		free(live_set);
		live_set = NULL;
		live_set_cap = 0;
	}
}

static bool recently_freed(const void *p)
{
	for (size_t i = 0; i < RECENT_FREES; i++)
		if (recent_frees[i] == p)
			return true;
	return false;
}

static bool take_injected_failure(void)
{
	if (fail_countdown <= 0)
		return false;
	return --fail_countdown == 0;
}

enum alloc_init { ALLOC_FILL, ALLOC_ZERO, ALLOC_RAW };

static void *alloc_block(size_t size, enum alloc_init init, const char *file, int line)
{
	struct alloc_header *h;
	void *user;

	if (!shim_context_may_block_("shim_malloc", file, line))
		return NULL;
	if (size == 0 || size > SIZE_MAX - ALLOC_HEADER_SIZE)
		return NULL;
	if (take_injected_failure() || SHIM_FAULT(SHIM_FAULT_ALLOC, file, line))
		return NULL;
	if (!live_set_reserve((size_t)live_count + 1))
		return NULL;
	h = init == ALLOC_ZERO ? calloc(1, ALLOC_HEADER_SIZE + size) : malloc(ALLOC_HEADER_SIZE + size);
	if (h == NULL)
		return NULL;
	user = (unsigned char *)h + ALLOC_HEADER_SIZE;
	*magic_of(user) = ALLOC_MAGIC_LIVE;
	h->size = size;
	h->file = file;
	h->line = line;
	if (init == ALLOC_FILL && shim_alloc_fill_enabled())
		memset(user, SHIM_ALLOC_FILL, size); /* what "uninitialised" looks like here */
	live_set_put(live_set, live_set_cap, user);

	live_count++;
	live_bytes += size;
	if (live_bytes > high_water)
		high_water = live_bytes;
	return user;
}

void *shim_malloc_(size_t size, bool zero, const char *file, int line)
{
	return alloc_block(size, zero ? ALLOC_ZERO : ALLOC_FILL, file, line);
}

void *shim_alloc_unfilled_(size_t size, const char *file, int line)
{
	return alloc_block(size, ALLOC_RAW, file, line);
}

void shim_free_(void *p, size_t size, const char *file, int line)
{
	struct alloc_header *h;
	size_t slot;

	if (p == NULL)
		return;
	slot = live_set_find(p);
	if (slot == SIZE_MAX) {
		shim_verifier_record_(SHIM_V_FREE_MISMATCH, file, line, "free of %p: %s", p,
				      recently_freed(p) ? "already freed (double free)"
							: "not a shim allocation");
		return;
	}
	h = header_of(p);
	if (*magic_of(p) != ALLOC_MAGIC_LIVE) {
		/* Something wrote below the block; its recorded size cannot be trusted. */
		shim_verifier_record_(SHIM_V_FREE_MISMATCH, file, line,
				      "free of %p: block header overwritten (buffer underrun?)", p);
		return;
	}
	if (h->size != size)
		shim_verifier_record_(SHIM_V_FREE_MISMATCH, file, line,
				      "free of %p with size %zu, allocated with size %zu at %s:%d",
				      p, size, h->size, h->file ? h->file : "?", h->line);

	live_count--;
	live_bytes -= h->size;
	live_set_remove(slot);
	recent_frees[recent_next] = p;
	recent_next = (recent_next + 1) % RECENT_FREES;
	*magic_of(p) = ALLOC_MAGIC_FREED;
	free(h);
}

bool shim_alloc_fill_enabled(void)
{
	/* -1: not decided yet. memcheck tracks undefined bytes itself, and
	 * better than a pattern: there the fill would only hide them. */
	static int enabled = -1;

	if (enabled < 0) {
		const char *vg = getenv("DRVBENCH_UNDER_VALGRIND");

		enabled = vg == NULL || *vg == '\0';
	}
	return enabled != 0;
}

bool shim_alloc_contains(uintptr_t p)
{
	for (size_t i = 0; i < live_set_cap; i++) {
		const struct alloc_header *h;
		uintptr_t user = (uintptr_t)live_set[i];

		if (live_set[i] == NULL)
			continue;
		/* The header region is ALLOC_HEADER_SIZE, not sizeof(*h). */
		h = header_of(live_set[i]);
		if (p >= (uintptr_t)h && p < user + h->size)
			return true;
	}
	return false;
}

void shim_alloc_fail_nth(long n)
{
	fail_countdown = n > 0 ? n : 0;
}

void shim_alloc_totals(long *count, uint64_t *bytes, uint64_t *high)
{
	if (count)
		*count = live_count;
	if (bytes)
		*bytes = live_bytes;
	if (high)
		*high = high_water;
}

/* Site names copied out of unloaded images, kept for the process's life. */
struct alloc_site_copy {
	struct alloc_site_copy *next;
	char name[];
};
static struct alloc_site_copy *site_copies;

static const char *site_copy(const char *name)
{
	struct alloc_site_copy *c;
	size_t n = strlen(name);

	for (c = site_copies; c != NULL; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c->name;
	c = malloc(sizeof(*c) + n + 1);
	if (c == NULL)
		return "(site of an unloaded kext)";
	memcpy(c->name, name, n + 1);
	c->next = site_copies;
	site_copies = c;
	return c->name;
}

long shim_alloc_rehome_sites(uintptr_t lo, uintptr_t hi)
{
	long n = 0;

	for (size_t i = 0; i < live_set_cap; i++) {
		struct alloc_header *h;

		if (live_set[i] == NULL)
			continue;
		h = header_of(live_set[i]);
		if (h->file != NULL && (uintptr_t)h->file >= lo && (uintptr_t)h->file < hi) {
			h->file = site_copy(h->file);
			n++;
		}
	}
	return n;
}

size_t shim_alloc_live_sites(struct shim_alloc_site *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < live_set_cap; i++) {
		const struct alloc_header *h;

		if (live_set[i] == NULL)
			continue;
		h = header_of(live_set[i]);
		if (out != NULL && n < max) {
			out[n].file = h->file != NULL ? h->file : "?";
			out[n].line = h->line;
			out[n].size = h->size;
		}
		n++;
	}
	return n;
}
