/* The trust-boundary scan (fuzz_scan.h): fill words and process addresses
 * in what a client gets back. Addresses come from /proc/self/maps (heap,
 * stack, every mapped file with the memory right after it: code, data and
 * bss) and from the shim's own book of live allocations. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_scan.h"
#include "shim/machine.h"
#include "shim/userclient.h"

#define SCAN_MAX_RANGES 512
#define SCAN_LOWEST 0x10000ull           /* nothing is mapped below */
#define SCAN_HIGHEST 0x800000000000ull   /* user half of the address space */
#define CLANG_STACK_FILL 0xaau           /* -ftrivial-auto-var-init=pattern */
#define GCC_STACK_FILL 0xfeu

/* Present when built with a sanitizer: is p a block of its allocator? */
extern int __sanitizer_get_ownership(const volatile void *p) __attribute__((weak));

struct range {
	uint64_t lo, hi;
	char what[80];
};

static struct {
	struct range r[SCAN_MAX_RANGES];
	size_t n;
	uint64_t lo, hi;     /* over every range: a quick first test */
	size_t heap;         /* index of [heap], SCAN_MAX_RANGES if none */
	bool read;
} map;

static void add_range(uint64_t lo, uint64_t hi, const char *what)
{
	struct range *r;

	if (map.n == SCAN_MAX_RANGES)
		return;
	r = &map.r[map.n++];
	r->lo = lo;
	r->hi = hi;
	snprintf(r->what, sizeof(r->what), "%s", what);
	map.lo = map.lo == 0 || lo < map.lo ? lo : map.lo;
	map.hi = hi > map.hi ? hi : map.hi;
}

void fuzz_scan_refresh(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], last_file[80] = "";
	uint64_t last_end = 0;

	map.n = 0;
	map.lo = map.hi = 0;
	map.heap = SCAN_MAX_RANGES;
	map.read = true;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		unsigned long long lo, hi;
		char path[400] = "", what[80];
		const char *base;

		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %399s", &lo, &hi, path) < 2)
			continue;
		if (strcmp(path, "[heap]") == 0) {
			map.heap = map.n;
			add_range(lo, hi, "the heap");
		} else if (strcmp(path, "[stack]") == 0) {
			add_range(lo, hi, "the stack");
		} else if (path[0] == '/') {
			base = strrchr(path, '/') + 1;
			snprintf(last_file, sizeof(last_file), "%s", base);
			snprintf(what, sizeof(what), "code or data of %s", base);
			add_range(lo, hi, what);
		} else if (path[0] == '\0' && lo == last_end && last_file[0] != '\0') {
			/* A file's bss follows it, anonymous. */
			snprintf(what, sizeof(what), "globals (bss) of %s", last_file);
			add_range(lo, hi, what);
		}
		last_end = hi;
		if (path[0] != '/')
			last_file[0] = '\0';
	}
	if (f != NULL)
		fclose(f);
}

/* What v points into, or NULL. */
static const char *points_into(uint64_t v, char *buf, size_t len)
{
	if (v < SCAN_LOWEST || v >= SCAN_HIGHEST)
		return NULL;
	if (!map.read)
		fuzz_scan_refresh();
	if (shim_alloc_contains((uintptr_t)v))
		return "a live shim allocation (the kernel heap)";
	if (__sanitizer_get_ownership != NULL &&
	    __sanitizer_get_ownership((const volatile void *)(uintptr_t)v))
		return "a heap block";
	/* In a 32-bit process the mapped ranges (libraries and stack near the
	 * top, the heap low) cover so much of the 4 GiB that an ordinary
	 * 32-bit output value (a count, a complement, a hash) often falls in
	 * one: only the exact allocations above are findings there. */
	if (sizeof(void *) < sizeof(uint64_t))
		return NULL;
	/* The heap grows after the map was read: its end is the break now. */
	if (map.heap < map.n && v >= map.r[map.heap].lo && v < (uint64_t)(uintptr_t)sbrk(0))
		return map.r[map.heap].what;
	if (v < map.lo || v >= map.hi)
		return NULL;
	for (size_t i = 0; i < map.n; i++) {
		if (v >= map.r[i].lo && v < map.r[i].hi) {
			snprintf(buf, len, "%s", map.r[i].what);
			return buf;
		}
	}
	return NULL;
}

static bool is_fill(unsigned b)
{
	return b == SHIM_UC_POISON || b == SHIM_ALLOC_FILL || b == CLANG_STACK_FILL ||
	       b == GCC_STACK_FILL;
}

/* The fill of a word made of one fill byte, else 0. */
static unsigned fill_word(uint32_t w)
{
	unsigned b = w & 0xffu;

	return is_fill(b) && w == b * 0x01010101u ? b : 0;
}

static enum fuzz_scan_kind fill_kind(unsigned b)
{
	if (b == SHIM_UC_POISON)
		return FUZZ_SCAN_POISON;
	return b == SHIM_ALLOC_FILL ? FUZZ_SCAN_HEAP : FUZZ_SCAN_STACK;
}

static bool hit_fill(uint32_t w, size_t off, uint64_t value, struct fuzz_scan_hit *hit)
{
	unsigned b = fill_word(w);

	if (b == 0)
		return false;
	hit->kind = fill_kind(b);
	hit->offset = off;
	hit->value = value;
	snprintf(hit->where, sizeof(hit->where), "fill byte 0x%02x", b);
	return true;
}

static bool hit_pointer(uint64_t v, size_t off, struct fuzz_scan_hit *hit)
{
	char buf[96];
	const char *where = points_into(v, buf, sizeof(buf));

	if (where == NULL)
		return false;
	hit->kind = FUZZ_SCAN_POINTER;
	hit->offset = off;
	hit->value = v;
	snprintf(hit->where, sizeof(hit->where), "%s", where);
	return true;
}

bool fuzz_scan_scalars(const uint64_t *v, uint32_t n, struct fuzz_scan_hit *hit)
{
	for (uint32_t i = 0; i < n; i++)
		if (hit_fill((uint32_t)v[i], i, v[i], hit) || hit_pointer(v[i], i, hit))
			return true;
	return false;
}

bool fuzz_scan_bytes(const void *p, size_t n, struct fuzz_scan_hit *hit)
{
	const uint8_t *b = p;

	/* Fields sit at 4-byte boundaries of the output (a u32 or wider). */
	for (size_t off = 0; off + 4 <= n; off += 4) {
		uint32_t w;
		uint64_t q;

		memcpy(&w, b + off, 4);
		if (hit_fill(w, off, w, hit))
			return true;
		if (off + 8 > n)
			continue;
		memcpy(&q, b + off, 8);
		if (hit_pointer(q, off, hit))
			return true;
	}
	return false;
}

const char *fuzz_scan_kind_name(enum fuzz_scan_kind k)
{
	switch (k) {
	case FUZZ_SCAN_POISON: return "uninitialised output (the shim's output poison: never written)";
	case FUZZ_SCAN_HEAP: return "uninitialised output (the shim's heap/DMA fill: memory never written)";
	case FUZZ_SCAN_STACK: return "uninitialised output (the stack pattern: a variable never written)";
	default: return "kernel address disclosed";
	}
}

static bool looks_bad(uint64_t v)
{
	char buf[96];

	return fill_word((uint32_t)v) != 0 || points_into(v, buf, sizeof(buf)) != NULL;
}

uint64_t fuzz_scan_clean_scalar(uint64_t v)
{
	/* A readback may be the complement (edu's liveness is ~value). */
	if (fill_word((uint32_t)v) != 0 || fill_word((uint32_t)~v) != 0)
		v ^= 1;
	if (looks_bad(v) || looks_bad(~v))
		v &= 0xffffffffull;
	return looks_bad(v) || looks_bad(~v) ? 0 : v;
}

void fuzz_scan_clean_bytes(void *p, size_t n)
{
	uint8_t *b = p;
	size_t run = 0;

	/* Any 4 equal fill bytes, at any offset: data may come back shifted. */
	for (size_t i = 0; i < n; i++) {
		run = is_fill(b[i]) && i > 0 && run > 0 && b[i] == b[i - 1] ? run + 1 : is_fill(b[i]);
		if (run == 4) {
			b[i] ^= 1;
			run = 0;
		}
	}
	if (!map.read)
		fuzz_scan_refresh();
	for (size_t i = 0; i + 8 <= n; i++) {
		uint64_t q;
		char buf[96];

		memcpy(&q, b + i, 8);
		if (q >= SCAN_LOWEST && q < SCAN_HIGHEST && points_into(q, buf, sizeof(buf)) != NULL)
			b[i + 7] ^= 0x40; /* the top byte: no longer a user address */
	}
}
