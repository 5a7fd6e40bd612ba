/* Which service publishes which user client. Kept beside the service
 * rather than in it so the service object needs no user-client fields. */
#include "shim/alloc.h"
#include "shim/log.h"
#include "internal.h"
#include "uc_internal.h"

struct uc_entry {
	shim_service *svc;
	const struct shim_uc_desc *desc;
	void *ctx;
	struct uc_entry *next;
};

static struct uc_entry *entries;

static struct uc_entry **find_slot(shim_service *svc)
{
	struct uc_entry **p = &entries;

	while (*p != NULL && (*p)->svc != svc)
		p = &(*p)->next;
	return p;
}

bool shim_uc_registry_find_(shim_service *svc, const struct shim_uc_desc **desc, void **ctx)
{
	struct uc_entry *e = *find_slot(svc);

	if (e == NULL)
		return false;
	if (desc != NULL)
		*desc = e->desc;
	if (ctx != NULL)
		*ctx = e->ctx;
	return true;
}

static bool desc_valid(const struct shim_uc_desc *desc)
{
	if (desc->method_count > 0 && desc->methods == NULL)
		return false;
	for (uint32_t i = 0; i < desc->method_count; i++) {
		const struct shim_uc_method *m = &desc->methods[i];

		if (m->fn == NULL)
			continue;
		if ((m->scalar_in_count != SHIM_UC_VARIABLE && m->scalar_in_count > SHIM_UC_MAX_SCALARS) ||
		    (m->scalar_out_count != SHIM_UC_VARIABLE && m->scalar_out_count > SHIM_UC_MAX_SCALARS) ||
		    (m->struct_in_size != SHIM_UC_VARIABLE && m->struct_in_size > SHIM_UC_MAX_STRUCT_IN) ||
		    (m->struct_out_size != SHIM_UC_VARIABLE && m->struct_out_size > SHIM_UC_MAX_STRUCT_OUT))
			return false;
	}
	return true;
}

shim_ret shim_service_set_userclient(shim_service *svc, const struct shim_uc_desc *desc, void *ctx)
{
	struct uc_entry **slot;
	struct uc_entry *e;

	if (svc == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	if (desc != NULL && SHIM_FAULT(SHIM_FAULT_UC_PUBLISH, NULL, 0))
		return SHIM_ERR_NO_MEMORY;
	slot = find_slot(svc);
	if (desc == NULL) {
		if (*slot == NULL)
			return SHIM_OK;
		/* Connections end before the table they dispatch through goes away. */
		shim_uc_close_all_for_service_(svc);
		e = *slot;
		*slot = e->next;
		shim_free(e, sizeof(*e));
		return SHIM_OK;
	}
	if (!desc_valid(desc)) {
		shim_log(SHIM_LOG_ERR, "user client table declares a shape above the inline limits");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if (*slot != NULL)
		return SHIM_ERR_BUSY;
	e = shim_zalloc(sizeof(*e));
	if (e == NULL)
		return SHIM_ERR_NO_MEMORY;
	e->svc = svc;
	e->desc = desc;
	e->ctx = ctx;
	*slot = e;
	shim_uc_selectors_publish_(svc, desc);
	return SHIM_OK;
}

void *shim_service_userclient_context(shim_service *svc)
{
	void *ctx = NULL;

	return shim_uc_registry_find_(svc, NULL, &ctx) ? ctx : NULL;
}

const struct shim_uc_desc *shim_service_userclient(shim_service *svc)
{
	const struct shim_uc_desc *desc = NULL;

	return shim_uc_registry_find_(svc, &desc, NULL) ? desc : NULL;
}
