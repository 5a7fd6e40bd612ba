/* Timer event sources on the host's virtual clock. Due timers fire on the
 * work loop in deadline order (ties in arming order), in gated context. */
#include "machine_internal.h"
#include "shim/alloc.h"

static shim_class shim_timer_class = SHIM_CLASS_INIT("ShimTimerEventSource");

static void shim_timer_free(shim_object *obj)
{
	shim_timer *t = (shim_timer *)obj;
	shim_workloop *wl = t->wl;

	shim_free(t, sizeof(*t));
	shim_workloop_release(wl);
}

shim_ret shim_timer_create(shim_workloop *wl, shim_timer_fn fn, void *owner, shim_timer **out)
{
	shim_timer *t;

	if (!out)
		return SHIM_ERR_BAD_ARGUMENT;
	*out = NULL;
	if (SHIM_FAULT(SHIM_FAULT_TIMER, NULL, 0))
		return SHIM_ERR_NO_MEMORY;
	if (!wl || !fn)
		return SHIM_ERR_BAD_ARGUMENT;
	t = shim_zalloc(sizeof(*t));
	if (!t)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&t->obj, &shim_timer_class, shim_timer_free);
	shim_object_retain(&wl->obj);
	t->wl = wl;
	t->fn = fn;
	t->owner = owner;
	t->next = wl->timers;
	wl->timers = t;
	*out = t;
	return SHIM_OK;
}

void shim_timer_arm_ns(shim_timer *timer, uint64_t delay_ns)
{
	uint64_t now;

	if (!timer || timer->released)
		return;
	now = shim_hostcall_clock_ns(timer->wl->m);
	timer->deadline = now + delay_ns < now ? UINT64_MAX : now + delay_ns;
	timer->seq = ++timer->wl->timer_seq;
	timer->armed = true;
}

void shim_timer_cancel(shim_timer *timer)
{
	if (timer)
		timer->armed = false;
}

void shim_timer_release(shim_timer *timer)
{
	shim_timer **pp;

	if (!timer || timer->released)
		return;
	timer->armed = false;
	timer->released = true;
	for (pp = &timer->wl->timers; *pp; pp = &(*pp)->next) {
		if (*pp == timer) {
			*pp = timer->next;
			break;
		}
	}
	shim_object_release(&timer->obj);
}

uint64_t shim_timers_next_deadline(shim_workloop *wl)
{
	uint64_t next = UINT64_MAX;

	for (const shim_timer *t = wl->timers; t; t = t->next)
		if (t->armed && !t->running && t->deadline < next)
			next = t->deadline;
	return next;
}

/* The earliest due timer not already fired in this pass (a callback that
 * re-arms with no delay waits for the next pass instead of spinning). */
static shim_timer *shim_timers_first_due(shim_workloop *wl, uint64_t now)
{
	shim_timer *best = NULL;

	for (shim_timer *t = wl->timers; t; t = t->next) {
		if (!t->armed || t->running || t->deadline > now || t->fired_pass == wl->pass)
			continue;
		if (!best || t->deadline < best->deadline ||
		    (t->deadline == best->deadline && t->seq < best->seq))
			best = t;
	}
	return best;
}

static bool shim_timers_any_armed(const shim_workloop *wl)
{
	for (const shim_timer *t = wl->timers; t; t = t->next)
		if (t->armed)
			return true;
	return false;
}

void shim_timers_run_due(shim_workloop *wl)
{
	uint64_t now;
	shim_timer *t;

	/* The clock is a host call (a round trip on qemu): only when needed. */
	if (!shim_timers_any_armed(wl))
		return;
	now = shim_hostcall_clock_ns(wl->m);
	while ((t = shim_timers_first_due(wl, now)) != NULL) {
		enum shim_context prev;

		t->armed = false;
		t->running = true;
		t->fired_pass = wl->pass;
		/* The callback may release its own timer: keep it alive meanwhile. */
		shim_object_retain(&t->obj);
		prev = shim_context_enter(SHIM_CTX_GATED);
		t->fn(t->owner, t);
		shim_context_leave(prev);
		t->running = false;
		shim_object_release(&t->obj);
	}
}
