/* Handles: what a client holds instead of a pointer. Layout of the 64 bits
 * for a 64-bit client: connection id (32) | generation (24) | slot index (8).
 * A 32-bit client keeps only the low 32 bits of a scalar, so its handles are
 * connection id (low 8 bits) | generation (16) | slot index (8). The
 * generation is bumped on every free, so a stale handle never matches a
 * reused slot; the connection id makes another connection's handles foreign
 * (for 32-bit clients, all but 1 in 256 of them). */
#include "uc_internal.h"

#define UC_INDEX_BITS 8u
#define UC_GEN_MAX 0xffffffu
#define UC_GEN_MAX32 0xffffu
#define UC_ID_MASK32 0xffu

_Static_assert(SHIM_UC_MAX_HANDLES <= (1u << UC_INDEX_BITS), "handle index field too small");

static uint32_t gen_max(const shim_uc *uc)
{
	return uc->abi == SHIM_UC_ABI_ILP32 ? UC_GEN_MAX32 : UC_GEN_MAX;
}

/* The connection-id bits above generation and index. */
static uint64_t id_part(const shim_uc *uc)
{
	if (uc->abi == SHIM_UC_ABI_ILP32)
		return (uint64_t)(uc->id & UC_ID_MASK32) << (UC_INDEX_BITS + 16u);
	return (uint64_t)uc->id << 32;
}

static shim_uc_handle encode(const shim_uc *uc, uint32_t index, uint32_t gen)
{
	return id_part(uc) | (uint64_t)gen << UC_INDEX_BITS | index;
}

/* The slot a handle names, or NULL if it is not exactly a live one of `type`. */
static struct uc_handle_slot *resolve(shim_uc *uc, shim_uc_handle h, uint32_t type)
{
	uint32_t index = (uint32_t)(h & ((1u << UC_INDEX_BITS) - 1));
	uint32_t gen;
	struct uc_handle_slot *s;

	if (uc == NULL)
		return NULL;
	gen = (uint32_t)(h >> UC_INDEX_BITS) & gen_max(uc);
	if (encode(uc, index, gen) != h || index >= SHIM_UC_MAX_HANDLES)
		return NULL;
	s = &uc->handles[index];
	if (!s->used || s->gen != gen || s->type != type)
		return NULL;
	return s;
}

shim_ret shim_uc_handle_alloc(shim_uc *uc, uint32_t type, void *obj,
			      shim_uc_handle_release_fn release, shim_uc_handle *out)
{
	if (uc == NULL || out == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!uc->open)
		return SHIM_ERR_NOT_READY;
	for (uint32_t i = 0; i < SHIM_UC_MAX_HANDLES; i++) {
		struct uc_handle_slot *s = &uc->handles[i];

		if (s->used || s->retired)
			continue;
		if (s->gen == 0)
			s->gen = 1;
		s->used = true;
		s->obj = obj;
		s->type = type;
		s->release = release;
		shim_uc_stats_.handles++;
		*out = encode(uc, i, s->gen);
		return SHIM_OK;
	}
	return SHIM_ERR_NO_RESOURCES;
}

shim_ret shim_uc_handle_lookup(shim_uc *uc, shim_uc_handle h, uint32_t type, void **obj)
{
	struct uc_handle_slot *s = resolve(uc, h, type);

	if (s == NULL)
		return SHIM_ERR_BAD_HANDLE;
	if (obj != NULL)
		*obj = s->obj;
	return SHIM_OK;
}

static void slot_clear(const shim_uc *uc, struct uc_handle_slot *s)
{
	s->used = false;
	s->obj = NULL;
	s->release = NULL;
	if (s->gen >= gen_max(uc))
		s->retired = true; /* wrapping would revive stale handles */
	else
		s->gen++;
	shim_uc_stats_.handles--;
}

shim_ret shim_uc_handle_free(shim_uc *uc, shim_uc_handle h, uint32_t type, void **obj)
{
	struct uc_handle_slot *s = resolve(uc, h, type);

	if (s == NULL)
		return SHIM_ERR_BAD_HANDLE;
	if (obj != NULL)
		*obj = s->obj;
	slot_clear(uc, s);
	return SHIM_OK;
}

void shim_uc_handles_release_all_(shim_uc *uc)
{
	for (uint32_t i = 0; i < SHIM_UC_MAX_HANDLES; i++) {
		struct uc_handle_slot *s = &uc->handles[i];
		shim_uc_handle_release_fn release = s->release;
		void *obj = s->obj;

		if (!s->used)
			continue;
		slot_clear(uc, s);
		if (release != NULL)
			release(uc, obj);
	}
}

long shim_uc_handles_live_(const shim_uc *uc)
{
	long n = 0;

	for (uint32_t i = 0; i < SHIM_UC_MAX_HANDLES; i++)
		n += uc->handles[i].used;
	return n;
}
