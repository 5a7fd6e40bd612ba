/* The scan of a binary property list ("bplist00") before libplist parses
 * it: the trailer and offset table in bounds, then a walk of the object
 * graph from the top object with an explicit stack, so a list nested
 * deeper than SHIM_PLIST_MAX_DEPTH, one that refers to itself or one whose
 * shared objects expand past SHIM_PLIST_MAX_NODES is refused without
 * recursion. Strings and keys holding a NUL, and integers wider than
 * 64 bits, are refused on the way. Layout: 8-byte header, objects, offset
 * table, 32-byte trailer (offset size, reference size, object count, top
 * object, table offset; big-endian). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "shim/plist_parse.h"

#define BPLIST_HEADER 8u
#define BPLIST_TRAILER 32u

enum { BP_UNSEEN = 0, BP_OPEN, BP_DONE };

struct bp_obj {
	uint8_t state, depth;
	uint32_t nodes; /* what libplist makes of it, shared objects copied */
};

struct bplist {
	const uint8_t *b;
	size_t n;
	unsigned off_size, ref_size;
	uint64_t count, top, table;
	uint64_t budget;  /* object bytes the walk may still read: overlaps cost twice */
	struct bp_obj *obj;
	char *why;
	size_t len;
};

struct bp_frame {
	uint64_t id, refs, next, data;
	uint32_t nodes;
	uint8_t depth;   /* deepest child so far */
};

static uint64_t bp_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static shim_ret bp_bad(struct bplist *bp, uint64_t id, const char *what)
{
	return shim_plist_refuse(bp->why, bp->len, "parse error: binary property list object %llu: "
				 "%s", (unsigned long long)id, what);
}

/* Data of `bytes` at `at` must lie between the header and the offset table. */
static bool bp_fits(struct bplist *bp, uint64_t at, uint64_t bytes)
{
	if (at > bp->table || bytes > bp->table - at || bytes > bp->budget)
		return false;
	bp->budget -= bytes;
	return true;
}

/* An object's marker: its type, count (from the marker or the integer
 * after it) and where its data starts. */
static shim_ret bp_header(struct bplist *bp, uint64_t id, unsigned *type, uint64_t *count,
			  uint64_t *data)
{
	uint64_t off = bp_be(bp->b + bp->table + id * bp->off_size, bp->off_size);
	unsigned info;

	if (off < BPLIST_HEADER || off >= bp->table)
		return bp_bad(bp, id, "offset outside the object area");
	*type = bp->b[off] >> 4;
	info = bp->b[off] & 0xfu;
	*count = info;
	*data = off + 1;
	if (info == 0xfu && ((*type >= 0x4 && *type <= 0x7) || *type == 0xa || *type >= 0xc)) {
		unsigned im, width;

		if (off + 2 > bp->table)
			return bp_bad(bp, id, "count outside the object area");
		im = bp->b[off + 1];
		width = 1u << (im & 0xfu);
		if ((im >> 4) != 0x1 || (im & 0xfu) > 3 || off + 2 + width > bp->table)
			return bp_bad(bp, id, "malformed count");
		*count = bp_be(bp->b + off + 2, width);
		*data = off + 2 + width;
	}
	return SHIM_OK;
}

/* A scalar: bounds, NUL-free strings, integers of at most 64 bits. */
static shim_ret bp_scalar(struct bplist *bp, uint64_t id, unsigned type, uint64_t count,
			  uint64_t data)
{
	uint64_t bytes;

	switch (type) {
	case 0x0:
		return SHIM_OK;
	case 0x1:
		if (count > 3)
			return shim_plist_refuse(bp->why, bp->len, "binary property list object "
						 "%llu: an integer wider than 64 bits",
						 (unsigned long long)id);
		/* fall through */
	case 0x2:
		bytes = count > 4 ? UINT64_MAX : 1ull << count;
		break;
	case 0x3:
		bytes = 8;
		break;
	case 0x4:
	case 0x5:
	case 0x7:
		bytes = count;
		break;
	case 0x6:
		bytes = count > UINT64_MAX / 2 ? UINT64_MAX : count * 2;
		break;
	case 0x8:
		bytes = count + 1;
		break;
	default:
		return bp_bad(bp, id, "unknown object type");
	}
	if (!bp_fits(bp, data, bytes))
		return bp_bad(bp, id, "data outside the object area (or overlapping)");
	for (uint64_t i = 0; (type == 0x5 || type == 0x7) && i < bytes; i++)
		if (bp->b[data + i] == 0)
			goto nul;
	for (uint64_t i = 0; type == 0x6 && i < bytes; i += 2)
		if (bp->b[data + i] == 0 && bp->b[data + i + 1] == 0)
			goto nul;
	return SHIM_OK;
nul:
	return shim_plist_refuse(bp->why, bp->len, "binary property list object %llu: a NUL "
				 "inside a string or key (it would end there)",
				 (unsigned long long)id);
}

/* Visits object id from its parent: a container becomes a new frame; a
 * scalar is checked and done. */
static shim_ret bp_visit(struct bplist *bp, uint64_t id, struct bp_frame *stack, size_t *sp)
{
	unsigned type = 0;
	uint64_t count = 0, data = 0;
	shim_ret r;

	if (id >= bp->count)
		return bp_bad(bp, id, "reference past the last object");
	if (bp->obj[id].state == BP_OPEN)
		return shim_plist_refuse(bp->why, bp->len, "binary property list object %llu "
					 "contains itself", (unsigned long long)id);
	if (bp->obj[id].state == BP_DONE)
		return SHIM_OK;
	r = bp_header(bp, id, &type, &count, &data);
	if (r != SHIM_OK)
		return r;
	if (type != 0xa && type != 0xc && type != 0xd) {
		r = bp_scalar(bp, id, type, count, data);
		bp->obj[id] = (struct bp_obj){ BP_DONE, 0, 1 };
		return r;
	}
	if (*sp == SHIM_PLIST_MAX_DEPTH)
		return shim_plist_refuse(bp->why, bp->len, "arrays and dictionaries nested deeper "
					 "than %d (binary property list)", SHIM_PLIST_MAX_DEPTH);
	if (type == 0xd)
		count = count > UINT64_MAX / 2 ? UINT64_MAX : count * 2; /* keys, then values */
	if (count > bp->n || !bp_fits(bp, data, count * bp->ref_size))
		return bp_bad(bp, id, "references outside the object area (or overlapping)");
	bp->obj[id].state = BP_OPEN;
	stack[(*sp)++] = (struct bp_frame){ .id = id, .refs = count, .data = data, .nodes = 1 };
	return SHIM_OK;
}

/* Folds a finished child's depth and node count into its parent frame. */
static shim_ret bp_fold(struct bplist *bp, struct bp_frame *f, uint64_t child)
{
	const struct bp_obj *c = &bp->obj[child];

	if (c->depth > f->depth)
		f->depth = c->depth;
	f->nodes += c->nodes;
	if (f->nodes > SHIM_PLIST_MAX_NODES)
		return shim_plist_refuse(bp->why, bp->len, "binary property list expands to more "
					 "than %u nodes (shared objects are copied)",
					 SHIM_PLIST_MAX_NODES);
	return SHIM_OK;
}

static shim_ret bp_walk(struct bplist *bp)
{
	struct bp_frame stack[SHIM_PLIST_MAX_DEPTH];
	size_t sp = 0;
	shim_ret r = bp_visit(bp, bp->top, stack, &sp);

	while (r == SHIM_OK && sp > 0) {
		struct bp_frame *f = &stack[sp - 1];

		if (f->next < f->refs) {
			uint64_t child = bp_be(bp->b + f->data + f->next * bp->ref_size, bp->ref_size);
			size_t before = sp;

			f->next++;
			r = bp_visit(bp, child, stack, &sp);
			if (r == SHIM_OK && sp == before)
				r = bp_fold(bp, f, child);
			continue;
		}
		bp->obj[f->id] = (struct bp_obj){ BP_DONE, (uint8_t)(f->depth + 1), f->nodes };
		sp--;
		if (sp > 0)
			r = bp_fold(bp, &stack[sp - 1], f->id);
	}
	return r;
}

shim_ret shim_plist_scan_bin(const uint8_t *b, size_t n, char *why, size_t len)
{
	struct bplist bp = { .b = b, .n = n, .why = why, .len = len, .budget = n };
	const uint8_t *t = b + n - BPLIST_TRAILER;
	shim_ret r;

	if (n < BPLIST_HEADER + BPLIST_TRAILER + 1)
		return shim_plist_refuse(why, len, "parse error: binary property list shorter than "
					 "its header and trailer");
	bp.off_size = t[6];
	bp.ref_size = t[7];
	bp.count = bp_be(t + 8, 8);
	bp.top = bp_be(t + 16, 8);
	bp.table = bp_be(t + 24, 8);
	if (bp.off_size < 1 || bp.off_size > 8 || bp.ref_size < 1 || bp.ref_size > 8 ||
	    bp.count == 0 || bp.top >= bp.count || bp.table < BPLIST_HEADER ||
	    bp.table > n - BPLIST_TRAILER || bp.count > (n - BPLIST_TRAILER - bp.table) / bp.off_size)
		return shim_plist_refuse(why, len, "parse error: binary property list trailer "
					 "out of bounds");
	bp.obj = calloc((size_t)bp.count, sizeof(*bp.obj));
	if (bp.obj == NULL) {
		shim_plist_refuse(why, len, "out of memory");
		return SHIM_ERR_NO_MEMORY;
	}
	r = bp_walk(&bp);
	free(bp.obj);
	return r;
}
