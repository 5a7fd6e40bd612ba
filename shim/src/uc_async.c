/* Async completions: a client's callback reference, queued by the driver
 * and delivered later on the service's work loop by a per-connection
 * timer. Close detaches every reference and frees the queue, so nothing is
 * delivered after it; the references stay valid objects for the driver to
 * release. */
#include <string.h>

#include "shim/alloc.h"
#include "uc_internal.h"

static shim_class async_class = SHIM_CLASS_INIT("shim_uc_async");

static void unlink_async(shim_uc_async *a)
{
	if (a->uc == NULL)
		return;
	if (a->prev != NULL)
		a->prev->next = a->next;
	else
		a->uc->asyncs = a->next;
	if (a->next != NULL)
		a->next->prev = a->prev;
	a->prev = a->next = NULL;
	a->uc = NULL;
}

static void async_free(shim_object *obj)
{
	shim_uc_async *a = (shim_uc_async *)obj;

	unlink_async(a);
	shim_uc_stats_.asyncs--;
	shim_free(a, sizeof(*a));
}

shim_ret shim_uc_async_create_(shim_uc *uc, shim_uc_async_fn fn, void *refcon, shim_uc_async **out)
{
	shim_uc_async *a = shim_zalloc(sizeof(*a));

	if (a == NULL)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&a->obj, &async_class, async_free);
	a->uc = uc;
	a->fn = fn;
	a->refcon = refcon;
	a->next = uc->asyncs;
	if (a->next != NULL)
		a->next->prev = a;
	uc->asyncs = a;
	shim_uc_stats_.asyncs++;
	*out = a;
	return SHIM_OK;
}

shim_uc_async *shim_uc_async_retain(shim_uc_async *a)
{
	if (a != NULL)
		shim_object_retain(&a->obj);
	return a;
}

void shim_uc_async_release(shim_uc_async *a)
{
	if (a != NULL)
		shim_object_release(&a->obj);
}

static void deliver(void *owner, shim_timer *timer)
{
	shim_uc *uc = owner;

	(void)timer;
	shim_object_retain(&uc->obj); /* a callback may end the connection */
	uc->delivering = true;
	while (uc->open && uc->pending_head != NULL) {
		struct uc_pending *p = uc->pending_head;

		uc->pending_head = p->next;
		if (uc->pending_head == NULL)
			uc->pending_tail = NULL;
		shim_uc_stats_.pending--;
		shim_uc_stats_.delivered++;
		p->fn(p->refcon, p->status, p->vals, p->count);
		shim_free(p, sizeof(*p));
	}
	uc->delivering = false;
	if (!uc->open && uc->timer != NULL) {
		shim_timer_release(uc->timer);
		uc->timer = NULL;
	}
	shim_object_release(&uc->obj);
}

shim_ret shim_uc_async_complete(shim_uc_async *a, shim_ret status, const uint64_t *vals,
				uint32_t count)
{
	struct uc_pending *p;
	shim_uc *uc;

	if (a == NULL || count > SHIM_UC_MAX_SCALARS || (count > 0 && vals == NULL))
		return SHIM_ERR_BAD_ARGUMENT;
	uc = a->uc;
	if (uc == NULL || !uc->open)
		return SHIM_ERR_ABORTED;
	if (uc->timer == NULL) {
		shim_ret r = shim_timer_create(shim_service_workloop(uc->svc), deliver, uc, &uc->timer);

		if (r != SHIM_OK)
			return r;
	}
	p = shim_zalloc(sizeof(*p));
	if (p == NULL)
		return SHIM_ERR_NO_MEMORY;
	p->fn = a->fn;
	p->refcon = a->refcon;
	p->status = status;
	p->count = count;
	if (count > 0)
		memcpy(p->vals, vals, count * sizeof(uint64_t));
	/* A 32-bit client's completion carries 32-bit values, as its scalars do. */
	for (uint32_t i = 0; uc->abi == SHIM_UC_ABI_ILP32 && i < count; i++)
		p->vals[i] = (uint32_t)p->vals[i];
	if (uc->pending_tail != NULL)
		uc->pending_tail->next = p;
	else
		uc->pending_head = p;
	uc->pending_tail = p;
	shim_uc_stats_.pending++;
	shim_timer_arm_ns(uc->timer, 0);
	return SHIM_OK;
}

void shim_uc_async_detach_all_(shim_uc *uc)
{
	while (uc->asyncs != NULL)
		unlink_async(uc->asyncs);
	while (uc->pending_head != NULL) {
		struct uc_pending *p = uc->pending_head;

		uc->pending_head = p->next;
		shim_free(p, sizeof(*p));
		shim_uc_stats_.pending--;
	}
	uc->pending_tail = NULL;
	if (uc->timer != NULL) {
		shim_timer_cancel(uc->timer);
		/* Released by deliver() when we are inside it. */
		if (!uc->delivering) {
			shim_timer_release(uc->timer);
			uc->timer = NULL;
		}
	}
}
