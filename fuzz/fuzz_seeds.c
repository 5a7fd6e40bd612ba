/* Seed inputs derived from the dispatch tables alone (fuzz_targets.h), in
 * the encodings of fuzz_uc_struct.c and fuzz_uc_raw.c (fuzz/README.md):
 * a conforming call of each selector by root with every entitlement, so
 * the fuzzer starts inside every method instead of at the shim's checks;
 * every selector by an unprivileged client, and after a sleep, a removal,
 * a reset, so it starts in those states too. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_oracle.h"
#include "fuzz_targets.h"

#define SEED_MAX 4096
#define OP_TASK 0
#define OP_OPEN 1
#define OP_CALL 2
#define OP_RUN 6
#define OP_SLEEP 8
#define OP_WAKE 9
#define OP_REMOVE 10
#define OP_REPLUG 11
#define OP_RESET 12
#define MODE_ASYNC 128
#define RAW_UNPRIVILEGED 1 /* raw mode byte: bit 0, bits 1-2 the handle */
#define RAW_LIVE_HANDLE 2
#define RAW_STALE_HANDLE 4
#define RAW_FOREIGN_HANDLE 6
#define SCALAR_U8 0     /* scalar kind: one byte follows */
#define SHAPE_SMALL 0   /* variable shape kind: one byte follows */
#define SEED_SCALARS 1  /* a variable scalar count in a seed */
#define SEED_STRUCT 16  /* a variable structure size in a seed */

struct seed {
	uint8_t b[SEED_MAX];
	size_t n;
};

static void put(struct seed *s, uint8_t v)
{
	if (s->n < SEED_MAX)
		s->b[s->n++] = v;
}

static bool mkdirs(const char *dir, char *why, size_t len)
{
	char buf[4096];

	if ((size_t)snprintf(buf, sizeof(buf), "%s", dir) >= sizeof(buf)) {
		snprintf(why, len, "%s: path too long", dir);
		return false;
	}
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			break;
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
		snprintf(why, len, "cannot create %s: %s", dir, strerror(errno));
		return false;
	}
	return true;
}

/* What every seed written starts with, and its file names (the device
 * side's program, fuzz_seeds_struct_under). */
static struct {
	const uint8_t *b;
	size_t n;
	const char *name;
} head;

/* name with anything but [A-Za-z0-9_-] replaced, so it is a file name. */
static bool write_seed(const char *dir, const char *prefix, const char *name,
		       const struct seed *s, char *why, size_t len)
{
	char path[4096];
	FILE *f;
	size_t at;
	int n = snprintf(path, sizeof(path), "%s/%s%s", dir, head.name != NULL ? head.name : "",
			 prefix);

	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(why, len, "%s: path too long", dir);
		return false;
	}
	at = (size_t)n;
	for (const char *c = name != NULL ? name : "unnamed"; *c != '\0' && at + 1 < sizeof(path); c++)
		path[at++] = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
				     (*c >= '0' && *c <= '9') || *c == '-' ? *c : '_';
	path[at] = '\0';
	f = fopen(path, "wb");
	if (f == NULL || (head.n > 0 && fwrite(head.b, 1, head.n, f) != head.n) ||
	    fwrite(s->b, 1, s->n, f) != s->n) {
		snprintf(why, len, "cannot write %s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return false;
	}
	return fclose(f) == 0;
}

static void shape(struct seed *s, uint32_t declared, uint8_t small)
{
	if (declared == SHIM_UC_VARIABLE) {
		put(s, SHAPE_SMALL);
		put(s, small);
	}
}

static uint32_t count(uint32_t declared, uint32_t small)
{
	return declared == SHIM_UC_VARIABLE ? small : declared;
}

/* One op 2 (call) on connection 0, conforming, scalars 1. */
static void call(struct seed *s, uint32_t sel, const struct shim_uc_method *m)
{
	uint32_t n = count(m->scalar_in_count, SEED_SCALARS);

	put(s, OP_CALL);
	put(s, 0);
	put(s, (uint8_t)sel);
	put(s, m->async_allowed ? MODE_ASYNC : 0);
	shape(s, m->scalar_in_count, SEED_SCALARS);
	shape(s, m->struct_in_size, SEED_STRUCT);
	shape(s, m->scalar_out_count, SEED_SCALARS);
	shape(s, m->struct_out_size, SEED_STRUCT);
	for (uint32_t i = 0; i < n; i++) {
		put(s, SCALAR_U8);
		put(s, 1);
	}
	if (count(m->struct_in_size, SEED_STRUCT) > 0) {
		put(s, 0); /* fill byte */
		put(s, 0); /* no literal bytes */
	}
}

/* A task (uid index, entitlement mask) in slot 0 opens service svc. */
static void open_as(struct seed *s, uint8_t uid, uint8_t mask, size_t svc)
{
	const uint8_t prologue[] = { OP_TASK, uid, mask, 0, OP_OPEN, 0, (uint8_t)svc };

	for (size_t i = 0; i < sizeof(prologue); i++)
		put(s, prologue[i]);
}

/* Root with every entitlement (mask: all bits). */
static void open_as_root(struct seed *s, size_t svc)
{
	open_as(s, 0, 0xff, svc);
}

/* The mask bits of the entitlements opening d needs (table and contract). */
static uint8_t open_mask(const struct fuzz_world *w, const struct shim_uc_desc *d)
{
	const char *need[2] = { d->open_entitlement, fuzz_oracle_open_entitlement(d) };
	uint8_t mask = 0;

	for (size_t i = 0; i < w->nents && i < 8; i++)
		for (size_t k = 0; k < 2; k++)
			if (need[k] != NULL && strcmp(need[k], w->ents[i]) == 0)
				mask |= (uint8_t)(1u << i);
	return mask;
}

/* Every selector of d after prologue ops (bytes), as one seed. */
static bool every_after(const struct fuzz_world *w, size_t v, const char *dir, const char *prefix,
			const char *name, uint8_t uid, const uint8_t *ops, size_t nops, char *why,
			size_t len)
{
	const struct shim_uc_desc *d = w->desc[v];
	struct seed sd = { .n = 0 };

	open_as(&sd, uid, uid == 0 ? 0xff : open_mask(w, d), v);
	for (size_t i = 0; i < nops; i++)
		put(&sd, ops[i]);
	for (uint32_t k = 0; k < d->method_count && k < 254; k++)
		if (d->methods[k].fn != NULL)
			call(&sd, k, &d->methods[k]);
	put(&sd, OP_RUN);
	put(&sd, 50);
	return write_seed(dir, prefix, name, &sd, why, len);
}

bool fuzz_seeds_struct(const struct fuzz_world *w, const char *dir, char *why, size_t len)
{
	if (!mkdirs(dir, why, len))
		return false;
	for (size_t v = 0; v < w->nservices; v++) {
		const struct shim_uc_desc *d = w->desc[v];
		char prefix[32] = "";
		struct seed all = { .n = 0 };

		if (w->nservices > 1)
			snprintf(prefix, sizeof(prefix), "uc%zu_", v);
		open_as_root(&all, v);
		/* Selectors are one byte in this encoding (mod count + 2). */
		for (uint32_t k = 0; k < d->method_count && k < 254; k++) {
			struct seed one = { .n = 0 };

			if (d->methods[k].fn == NULL)
				continue;
			open_as_root(&one, v);
			call(&one, k, &d->methods[k]);
			put(&one, OP_RUN);
			put(&one, 20);
			call(&all, k, &d->methods[k]);
			if (!write_seed(dir, prefix, d->methods[k].name, &one, why, len))
				return false;
		}
		put(&all, OP_RUN);
		put(&all, 50);
		if (!write_seed(dir, prefix, "every_selector", &all, why, len))
			return false;
		/* uid 501 holding only what opening needs; then the machine states. */
		static const uint8_t sleep_ops[] = { OP_SLEEP, 0 }, wake_ops[] = { OP_SLEEP, 0, OP_WAKE, 0 };
		static const uint8_t remove_ops[] = { OP_REMOVE, 1 }, gone_ops[] = { OP_REMOVE, 0 };
		static const uint8_t replug_ops[] = { OP_REMOVE, 1, OP_REPLUG, 0, OP_OPEN, 0, 0 };
		static const uint8_t reset_ops[] = { OP_RESET, 0, OP_OPEN, 0, 0 };
		if (!every_after(w, v, dir, prefix, "every_selector_unprivileged", 1, NULL, 0, why,
				 len) ||
		    !every_after(w, v, dir, prefix, "every_selector_asleep", 0, sleep_ops,
				 sizeof(sleep_ops), why, len) ||
		    !every_after(w, v, dir, prefix, "every_selector_after_wake", 0, wake_ops,
				 sizeof(wake_ops), why, len) ||
		    !every_after(w, v, dir, prefix, "every_selector_removed", 0, remove_ops,
				 sizeof(remove_ops), why, len) ||
		    !every_after(w, v, dir, prefix, "every_selector_gone_untold", 0, gone_ops,
				 sizeof(gone_ops), why, len) ||
		    !every_after(w, v, dir, prefix, "every_selector_replugged", 0, replug_ops,
				 sizeof(replug_ops), why, len) ||
		    !every_after(w, v, dir, prefix, "every_selector_after_reset", 0, reset_ops,
				 sizeof(reset_ops), why, len))
			return false;
	}
	return true;
}

bool fuzz_seeds_struct_under(const struct fuzz_world *w, const uint8_t *b, size_t n,
			     const char *name, const char *dir, char *why, size_t len)
{
	bool ok;

	head.b = b;
	head.n = n;
	head.name = name;
	ok = fuzz_seeds_struct(w, dir, why, len);
	head.b = NULL;
	head.n = 0;
	head.name = NULL;
	return ok;
}

/* The mode byte, then scalars all equal to v, a small variable output, a
 * small input. */
static void raw_seed(struct seed *s, const struct shim_uc_method *m, uint8_t mode, uint8_t v)
{
	uint32_t n = count(m->scalar_in_count, SEED_SCALARS);
	uint32_t in = count(m->struct_in_size, SEED_STRUCT);

	put(s, mode);
	if (m->scalar_in_count == SHIM_UC_VARIABLE)
		put(s, (uint8_t)n);
	for (uint32_t i = 0; i < n; i++)
		for (unsigned b = 0; b < 8; b++)
			put(s, b == 0 ? v : 0);
	if (m->struct_out_size == SHIM_UC_VARIABLE) {
		put(s, SEED_STRUCT);
		put(s, 0);
	}
	for (uint32_t i = 0; i < in && s->n < SEED_MAX; i++)
		put(s, v);
}

bool fuzz_seeds_raw(const struct fuzz_world *w, size_t svc, uint32_t sel, const char *dir,
		    char *why, size_t len)
{
	static const struct {
		const char *name;
		uint8_t mode, v;
		bool needs_scalar;
	} seeds[] = {
		{ "zero", 0, 0, false },
		{ "one", 0, 1, false },
		{ "unprivileged", RAW_UNPRIVILEGED, 1, false },
		{ "live_handle", RAW_LIVE_HANDLE, 0, true },
		{ "stale_handle", RAW_STALE_HANDLE, 0, true },
		{ "foreign_handle", RAW_FOREIGN_HANDLE, 0, true },
	};
	const struct shim_uc_method *m = &w->desc[svc]->methods[sel];

	if (!mkdirs(dir, why, len))
		return false;
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		struct seed sd = { .n = 0 };

		if (seeds[i].needs_scalar && count(m->scalar_in_count, SEED_SCALARS) == 0)
			continue;
		raw_seed(&sd, m, seeds[i].mode, seeds[i].v);
		if (!write_seed(dir, seeds[i].name, "", &sd, why, len))
			return false;
	}
	return true;
}
