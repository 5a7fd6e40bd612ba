/* Guest-RAM allocator for DMA buffers: a first-fit free list over the host's
 * DMA window, sorted by address, searched top-down so that a buffer lands as
 * high as the caller's physical mask allows (as a real kernel's would, which
 * is what exposes a driver that passes a mask wider than its device). */
#include "machine_internal.h"
#include "shim/alloc.h"

struct shim_dma_range {
	uint64_t base, size;
	struct shim_dma_range *next;
};

struct shim_dma_pool {
	struct shim_dma_range *free_list; /* ascending, never adjacent */
	uint64_t base, size;
};

static struct shim_dma_range *shim_dma_range_new(uint64_t base, uint64_t size,
						 struct shim_dma_range *next)
{
	struct shim_dma_range *r = shim_malloc(sizeof(*r));

	if (r) {
		r->base = base;
		r->size = size;
		r->next = next;
	}
	return r;
}

shim_ret shim_dma_pool_create(uint64_t base, uint64_t size, struct shim_dma_pool **out)
{
	struct shim_dma_pool *pool = shim_zalloc(sizeof(*pool));

	if (!pool)
		return SHIM_ERR_NO_MEMORY;
	if (base + size < base)
		size = UINT64_MAX - base;
	pool->base = base;
	pool->size = size;
	if (size) {
		pool->free_list = shim_dma_range_new(base, size, NULL);
		if (!pool->free_list) {
			shim_free(pool, sizeof(*pool));
			return SHIM_ERR_NO_MEMORY;
		}
	}
	*out = pool;
	return SHIM_OK;
}

shim_ret shim_dma_pool_add(struct shim_dma_pool *pool, uint64_t base, uint64_t size)
{
	struct shim_dma_range **pp = &pool->free_list;

	if (size == 0)
		return SHIM_OK;
	if (base + size < base)
		size = UINT64_MAX - base;
	while (*pp) {
		if ((*pp)->base + (*pp)->size > base)
			return SHIM_ERR_BAD_ARGUMENT; /* overlaps or lies below: not "above" */
		pp = &(*pp)->next;
	}
	*pp = shim_dma_range_new(base, size, NULL);
	if (!*pp)
		return SHIM_ERR_NO_MEMORY;
	pool->size += size;
	return SHIM_OK;
}

void shim_dma_pool_destroy(struct shim_dma_pool *pool)
{
	if (!pool)
		return;
	while (pool->free_list) {
		struct shim_dma_range *r = pool->free_list;

		pool->free_list = r->next;
		shim_free(r, sizeof(*r));
	}
	shim_free(pool, sizeof(*pool));
}

/* Highest aligned start in r whose last byte is <= limit; false if none. */
static bool shim_dma_range_top(const struct shim_dma_range *r, uint64_t size, uint64_t align,
			       uint64_t limit, uint64_t *start)
{
	uint64_t last = r->base + r->size - 1;
	uint64_t a;

	if (limit < last)
		last = limit;
	if (last < r->base || last - r->base + 1 < size)
		return false;
	a = (last - size + 1) & ~(align - 1);
	if (a < r->base)
		return false;
	*start = a;
	return true;
}

shim_ret shim_dma_pool_alloc(struct shim_dma_pool *pool, uint64_t size, uint64_t align,
			     uint64_t phys_mask, uint64_t *addr)
{
	struct shim_dma_range *best = NULL, *best_prev = NULL, *prev = NULL;
	uint64_t best_start = 0, start, end;

	if (!pool || size == 0 || align == 0 || (align & (align - 1)) != 0)
		return SHIM_ERR_BAD_ARGUMENT;
	for (struct shim_dma_range *r = pool->free_list; r; prev = r, r = r->next) {
		if (shim_dma_range_top(r, size, align, phys_mask, &start) &&
		    (!best || start > best_start)) {
			best = r;
			best_prev = prev;
			best_start = start;
		}
	}
	if (!best)
		return SHIM_ERR_NO_RESOURCES;
	end = best_start + size;
	if (best_start > best->base && end < best->base + best->size) {
		/* Split: the tail becomes a new range after best. */
		struct shim_dma_range *tail =
			shim_dma_range_new(end, best->base + best->size - end, best->next);

		if (!tail)
			return SHIM_ERR_NO_MEMORY;
		best->next = tail;
		best->size = best_start - best->base;
	} else if (best_start > best->base) {
		best->size = best_start - best->base;
	} else if (end < best->base + best->size) {
		best->size = best->base + best->size - end;
		best->base = end;
	} else {
		if (best_prev)
			best_prev->next = best->next;
		else
			pool->free_list = best->next;
		shim_free(best, sizeof(*best));
	}
	*addr = best_start;
	return SHIM_OK;
}

void shim_dma_pool_free(struct shim_dma_pool *pool, uint64_t addr, uint64_t size)
{
	struct shim_dma_range *prev = NULL, *next;

	if (!pool || size == 0)
		return;
	next = pool->free_list;
	while (next && next->base < addr) {
		prev = next;
		next = next->next;
	}
	if (prev && prev->base + prev->size == addr) {
		prev->size += size;
		if (next && addr + size == next->base) {
			prev->size += next->size;
			prev->next = next->next;
			shim_free(next, sizeof(*next));
		}
		return;
	}
	if (next && addr + size == next->base) {
		next->base = addr;
		next->size += size;
		return;
	}
	{
		/* No neighbour to merge with. If the node cannot be allocated the
		 * range is lost to the pool, never handed out twice. */
		struct shim_dma_range *r = shim_dma_range_new(addr, size, next);

		if (!r)
			return;
		if (prev)
			prev->next = r;
		else
			pool->free_list = r;
	}
}

uint64_t shim_dma_pool_free_bytes(const struct shim_dma_pool *pool)
{
	uint64_t total = 0;

	for (const struct shim_dma_range *r = pool ? pool->free_list : NULL; r; r = r->next)
		total += r->size;
	return total;
}
