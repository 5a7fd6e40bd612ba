/* Simulated client tasks: credentials (uid, entitlements) and the end of a
 * task, orderly or by death, which takes its connections with it. */
#include <string.h>

#include "shim/alloc.h"
#include "uc_internal.h"

static void free_entitlements(shim_task *t)
{
	for (size_t i = 0; i < t->entitlement_count; i++)
		if (t->entitlements[i] != NULL)
			shim_free(t->entitlements[i], strlen(t->entitlements[i]) + 1);
	if (t->entitlements != NULL)
		shim_free(t->entitlements, t->entitlement_count * sizeof(char *));
}

shim_ret shim_task_create(uint32_t uid, const char *const *entitlements, size_t count,
			  shim_task **out)
{
	shim_task *t;

	if (out == NULL || (count > 0 && entitlements == NULL) || count > 64)
		return SHIM_ERR_BAD_ARGUMENT;
	t = shim_zalloc(sizeof(*t));
	if (t == NULL)
		return SHIM_ERR_NO_MEMORY;
	t->uid = uid;
	if (count > 0) {
		t->entitlements = shim_zalloc(count * sizeof(char *));
		if (t->entitlements == NULL) {
			shim_free(t, sizeof(*t));
			return SHIM_ERR_NO_MEMORY;
		}
		t->entitlement_count = count;
	}
	for (size_t i = 0; i < count; i++) {
		size_t len = entitlements[i] != NULL ? strlen(entitlements[i]) + 1 : 0;

		if (len == 0 || (t->entitlements[i] = shim_malloc(len)) == NULL) {
			free_entitlements(t);
			shim_free(t, sizeof(*t));
			return len == 0 ? SHIM_ERR_BAD_ARGUMENT : SHIM_ERR_NO_MEMORY;
		}
		memcpy(t->entitlements[i], entitlements[i], len);
	}
	shim_uc_stats_.tasks++;
	*out = t;
	return SHIM_OK;
}

shim_ret shim_task_set_abi(shim_task *task, enum shim_uc_abi abi)
{
	if (task == NULL || (abi != SHIM_UC_ABI_LP64 && abi != SHIM_UC_ABI_ILP32))
		return SHIM_ERR_BAD_ARGUMENT;
	if (task->conns != NULL || task->maps != NULL)
		return SHIM_ERR_BUSY; /* a process does not change ABI once it holds anything */
	task->abi = abi;
	return SHIM_OK;
}

enum shim_uc_abi shim_task_abi(const shim_task *task)
{
	return task != NULL ? task->abi : SHIM_UC_ABI_LP64;
}

static void task_end(shim_task *t, bool died)
{
	if (t == NULL)
		return;
	while (t->conns != NULL) {
		shim_uc_conn *c = t->conns;

		if (c->uc != NULL)
			shim_uc_close_internal_(c->uc, died);
		t->conns = c->next;
		shim_free(c, sizeof(*c));
		shim_uc_stats_.connections--;
	}
	shim_task_unmap_all_(t);
	free_entitlements(t);
	shim_free(t, sizeof(*t));
	shim_uc_stats_.tasks--;
}

void shim_task_destroy(shim_task *task)
{
	task_end(task, false);
}

void shim_task_die(shim_task *task)
{
	task_end(task, true);
}

uint32_t shim_task_uid(const shim_task *task)
{
	/* A missing task has no privilege: report a non-root uid. */
	return task != NULL ? task->uid : UINT32_MAX;
}

bool shim_task_has_entitlement(const shim_task *task, const char *name)
{
	if (task == NULL || name == NULL)
		return false;
	for (size_t i = 0; i < task->entitlement_count; i++)
		if (strcmp(task->entitlements[i], name) == 0)
			return true;
	return false;
}
