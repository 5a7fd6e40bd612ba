/* The machine's work loop: one dispatch step drains the host's interrupt
 * and DMA observations, runs filters, actions and due timers; sleeping and
 * delaying run steps and the host's virtual clock until the condition holds.
 * A real-time guard bounds every wait so a stuck host cannot hang a test. */
#include <stdlib.h>
#include <time.h>

#include "machine_internal.h"
#include "shim/alloc.h"
#include "shim/log.h"

static shim_class shim_workloop_class = SHIM_CLASS_INIT("ShimWorkLoop");

#define SHIM_WL_WALL_GUARD_NS 10000000000ull
/* Under valgrind everything runs ~20x slower; the guard must not fire early. */
#define SHIM_WL_WALL_GUARD_SLOW_FACTOR 10u

static void shim_workloop_free(shim_object *obj)
{
	shim_workloop *wl = (shim_workloop *)obj;
	shim_machine *m = wl->m;

	shim_free(wl, sizeof(*wl));
	shim_object_release(&m->obj);
}

shim_ret shim_workloop_create(shim_machine *m, shim_workloop **out)
{
	shim_workloop *wl = shim_zalloc(sizeof(*wl));

	if (!wl)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&wl->obj, &shim_workloop_class, shim_workloop_free);
	shim_object_retain(&m->obj);
	wl->m = m;
	*out = wl;
	return SHIM_OK;
}

void shim_workloop_release(shim_workloop *wl)
{
	if (wl)
		shim_object_release(&wl->obj);
}

uint64_t shim_workloop_now_ns(shim_workloop *wl)
{
	return wl ? shim_hostcall_clock_ns(wl->m) : 0;
}

static void shim_workloop_check_dma(shim_workloop *wl, const struct shim_host_dma *ev)
{
	if (ev->len == 0 || shim_memdesc_covers_dma(wl->m, ev->addr, ev->len))
		return;
	SHIM_VERIFY_FAIL(SHIM_V_DMA_OUT_OF_RANGE,
			 "device %02x:%02x.%x DMA %s 0x%llx+0x%llx outside every prepared descriptor",
			 (unsigned)(ev->bdf >> 8), (unsigned)((ev->bdf >> 3) & 0x1f),
			 (unsigned)(ev->bdf & 7), ev->to_memory ? "to" : "from",
			 (unsigned long long)ev->addr, (unsigned long long)ev->len);
}

shim_ret shim_workloop_dispatch(shim_workloop *wl)
{
	struct shim_host_irq irq;
	struct shim_host_dma dma;
	shim_ret r;

	wl->pass++;
	while ((r = shim_hostcall_irq_next(wl->m, &irq)) == SHIM_OK) {
		if (irq.kind == SHIM_HOST_IRQ_MSI)
			shim_intr_deliver_msi(wl, irq.id);
		else if (irq.kind == SHIM_HOST_IRQ_INTX)
			shim_intr_set_line(wl, irq.id, irq.level);
	}
	if (r != SHIM_ERR_NOT_FOUND)
		return SHIM_ERR_HOST;
	shim_intr_run_filters(wl);
	shim_intr_run_actions(wl);
	shim_timers_run_due(wl);
	while ((r = shim_hostcall_dma_next(wl->m, &dma)) == SHIM_OK)
		shim_workloop_check_dma(wl, &dma);
	return r == SHIM_ERR_NOT_FOUND ? SHIM_OK : SHIM_ERR_HOST;
}

static bool shim_workloop_take_pending(shim_workloop *wl, const void *event)
{
	for (size_t i = 0; i < wl->pending_count; i++) {
		if (wl->pending[i] == event) {
			wl->pending[i] = wl->pending[--wl->pending_count];
			return true;
		}
	}
	return false;
}

void shim_workloop_wakeup(shim_workloop *wl, const void *event)
{
	if (!wl)
		return;
	for (size_t i = 0; i < wl->pending_count; i++)
		if (wl->pending[i] == event)
			return;
	if (wl->pending_count == SHIM_WL_PENDING_MAX) {
		/* Forget the oldest: a wakeup nobody waited for that long is stale. */
		for (size_t i = 1; i < SHIM_WL_PENDING_MAX; i++)
			wl->pending[i - 1] = wl->pending[i];
		wl->pending_count--;
	}
	wl->pending[wl->pending_count++] = event;
}

static uint64_t shim_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t shim_wall_guard_ns(void)
{
	/* Read once: every loop run asks (a fuzzer runs the loop per input). */
	static uint64_t guard;

	if (guard == 0) {
		const char *slow = getenv("DRVBENCH_UNDER_VALGRIND");

		guard = SHIM_WL_WALL_GUARD_NS * (slow && *slow ? SHIM_WL_WALL_GUARD_SLOW_FACTOR : 1);
	}
	return guard;
}

static uint64_t shim_add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Runs loop steps (unless `dispatch` is false: a busy-wait in a filter may
 * only let time pass) and the virtual clock until `event` is posted (if
 * non-NULL) or the clock reaches `until`; with `skip`, the stretches up to
 * the next timer are skipped (the host's clock_skip) rather than run. */
static shim_ret shim_workloop_run(shim_workloop *wl, const void *event, uint64_t until,
				  bool dispatch, bool skip)
{
	uint64_t wall_end = shim_add_sat(shim_wall_ns(), shim_wall_guard_ns());

	for (;;) {
		uint64_t now, next;

		if (event && shim_workloop_take_pending(wl, event))
			return SHIM_OK;
		if (dispatch && shim_workloop_dispatch(wl) != SHIM_OK)
			return SHIM_ERR_HOST;
		if (event && shim_workloop_take_pending(wl, event))
			return SHIM_OK;
		now = shim_hostcall_clock_ns(wl->m);
		if (now >= until)
			return event ? SHIM_ERR_TIMEOUT : SHIM_OK;
		if (shim_wall_ns() > wall_end) {
			shim_log(SHIM_LOG_ERR, "work loop: no progress in real time at %llu ns",
				 (unsigned long long)now);
			return SHIM_ERR_TIMEOUT;
		}
		next = dispatch ? shim_timers_next_deadline(wl) : UINT64_MAX;
		next = next < until ? next : until;
		if (skip && next > now) {
			if (shim_hostcall_clock_skip(wl->m, next - now) != SHIM_OK)
				return SHIM_ERR_HOST;
		} else if (shim_hostcall_clock_run(wl->m, next) != SHIM_OK) {
			return SHIM_ERR_HOST;
		}
	}
}

shim_ret shim_workloop_sleep_(shim_workloop *wl, const void *event, uint64_t timeout_ns,
			      const char *file, int line)
{
	if (!wl)
		return SHIM_ERR_BAD_ARGUMENT;
	if (SHIM_FAULT(SHIM_FAULT_WORKLOOP, file, line))
		return SHIM_ERR_TIMEOUT;
	if (!shim_context_may_block_("shim_workloop_sleep", file, line))
		return SHIM_ERR_NOT_PERMITTED;
	return shim_workloop_run(wl, event,
				 shim_add_sat(shim_hostcall_clock_ns(wl->m), timeout_ns), true, false);
}

shim_ret shim_workloop_delay_ns(shim_workloop *wl, uint64_t ns)
{
	if (!wl)
		return SHIM_ERR_BAD_ARGUMENT;
	return shim_workloop_run(wl, NULL, shim_add_sat(shim_hostcall_clock_ns(wl->m), ns),
				 shim_context_current() != SHIM_CTX_FILTER, false);
}

shim_ret shim_workloop_idle_ns(shim_workloop *wl, uint64_t ns)
{
	if (!wl)
		return SHIM_ERR_BAD_ARGUMENT;
	return shim_workloop_run(wl, NULL, shim_add_sat(shim_hostcall_clock_ns(wl->m), ns), true,
				 shim_hostcall_can_skip(wl->m));
}
