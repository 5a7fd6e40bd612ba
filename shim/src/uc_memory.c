/* Client memory: buffers a task maps into its own address space (below
 * 4 GiB for a 32-bit task, above it for a 64-bit one) and the descriptors a
 * driver makes over an address range of its caller, whose bytes move in at
 * prepare and back at complete, as DMA to wired client pages would. */
#include <string.h>

#include "machine_internal.h"
#include "shim/alloc.h"
#include "shim/log.h"
#include "uc_internal.h"

#define MAP_PAGE 4096ull
#define MAP_BASE32 0x10000000ull    /* above a 32-bit process's text, as its heap */
#define MAP_LIMIT32 0x100000000ull  /* 4 GiB: a 32-bit address stops here */
#define MAP_BASE64 0x7f0000000000ull /* where a 64-bit process's mappings live */
#define MAP_LIMIT64 0x800000000000ull

static void map_put(struct shim_client_map *map)
{
	if (--map->refs == 0)
		shim_free(map, sizeof(*map));
}

void shim_client_map_put_(struct shim_client_map *map)
{
	map_put(map);
}

static size_t map_count(const shim_task *t)
{
	size_t n = 0;

	for (const struct shim_client_map *m = t->maps; m != NULL; m = m->next)
		n++;
	return n;
}

shim_ret shim_task_map(shim_task *task, void *buf, size_t len, uint64_t *addr)
{
	uint64_t limit, at, span;
	struct shim_client_map *map;

	if (task == NULL || buf == NULL || len == 0 || addr == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	limit = task->abi == SHIM_UC_ABI_ILP32 ? MAP_LIMIT32 : MAP_LIMIT64;
	if (task->next_addr == 0)
		task->next_addr = task->abi == SHIM_UC_ABI_ILP32 ? MAP_BASE32 : MAP_BASE64;
	at = task->next_addr;
	if (map_count(task) >= SHIM_UC_MAX_MAPS || (uint64_t)len > limit - at)
		return SHIM_ERR_NO_RESOURCES;
	map = shim_zalloc(sizeof(*map));
	if (map == NULL)
		return SHIM_ERR_NO_MEMORY;
	*map = (struct shim_client_map){ .addr = at, .len = len, .buf = buf, .refs = 1,
					 .next = task->maps };
	task->maps = map;
	/* Page-aligned, with an unmapped page after each: ranges never merge. */
	span = ((uint64_t)len + MAP_PAGE - 1) / MAP_PAGE * MAP_PAGE + MAP_PAGE;
	task->next_addr = span < limit - at ? at + span : limit;
	*addr = at;
	return SHIM_OK;
}

shim_ret shim_task_unmap(shim_task *task, uint64_t addr)
{
	if (task == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	for (struct shim_client_map **p = &task->maps; *p != NULL; p = &(*p)->next) {
		struct shim_client_map *map = *p;

		if (map->addr != addr)
			continue;
		*p = map->next;
		map->buf = NULL; /* descriptors over it reach the client no more */
		map->next = NULL;
		map_put(map);
		return SHIM_OK;
	}
	return SHIM_ERR_NOT_FOUND;
}

void shim_task_unmap_all_(shim_task *task)
{
	while (task->maps != NULL)
		shim_task_unmap(task, task->maps->addr);
}

/* The mapping that holds all of [addr, addr + len), or NULL. */
static struct shim_client_map *map_find(const shim_task *t, uint64_t addr, uint64_t len)
{
	for (struct shim_client_map *m = t->maps; m != NULL; m = m->next)
		if (addr >= m->addr && len <= m->len && addr - m->addr <= m->len - len)
			return m;
	return NULL;
}

shim_ret shim_uc_client_memdesc(shim_uc *uc, uint64_t addr, uint64_t len, bool device_writes,
				shim_memdesc **out)
{
	struct shim_client_map *map;
	shim_memdesc *md;
	shim_ret r;

	if (out != NULL)
		*out = NULL;
	if (uc == NULL || out == NULL || len == 0)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!uc->open || uc->task == NULL)
		return SHIM_ERR_NOT_READY;
	map = map_find(uc->task, addr, len);
	if (map == NULL) {
		shim_log(SHIM_LOG_INFO, "user client: [0x%llx, +0x%llx) is not memory of the %s "
			 "client task", (unsigned long long)addr, (unsigned long long)len,
			 uc->abi == SHIM_UC_ABI_ILP32 ? "32-bit" : "64-bit");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	r = shim_dma_buffer_alloc(shim_service_provider(uc->svc), len, 0, UINT64_MAX, &md);
	if (r != SHIM_OK)
		return r;
	map->refs++;
	md->client = map;
	md->client_off = addr - map->addr;
	md->to_client = device_writes;
	*out = md;
	return SHIM_OK;
}

void shim_client_map_sync_(shim_memdesc *md, bool in)
{
	uint8_t *client = md->client->buf;

	if (client == NULL)
		return; /* unmapped, or the task is gone: nothing to copy to or from */
	client += md->client_off;
	if (in)
		(void)shim_memdesc_write(md, 0, client, md->length);
	else
		(void)shim_memdesc_read(md, 0, client, md->length);
}
