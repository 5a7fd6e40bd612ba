/* What the remote gives its model (struct model_env): a clock, timers, DMA
 * into the shared guest RAM, and sinks for INTx and device errors.
 * The remote has no virtual clock: QEMU's runs in another process and we
 * cannot see it. Model time is CLOCK_MONOTONIC since start, multiplied by
 * time_scale, and a timer fires once that real deadline has passed (the
 * serve loop's poll() timeout is the time to the next deadline). A scale
 * above 1 makes a model's long delays (edu's 100 ms DMA) pass sooner. */
#include <inttypes.h>
#include <time.h>

#include "model/timer_list.h"
#include "remote_priv.h"

#define NS_PER_MS 1000000ull
#define MAX_WAIT_MS 1000 /* poll at least this often, so waits stay bounded */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static unsigned scale_of(const model_remote *r)
{
	return r->opt.time_scale ? r->opt.time_scale : 1;
}

void model_remote_clock_start(model_remote *r)
{
	r->clock_origin = mono_ns();
}

uint64_t model_remote_now_ns(const model_remote *r)
{
	return (mono_ns() - r->clock_origin) * scale_of(r);
}

static uint64_t env_clock_ns(void *ctx)
{
	return model_remote_now_ns(ctx);
}

static void unlink_timer(model_remote *r, model_timer *t)
{
	model_timer_list_remove(&r->timers, t);
}

static void env_timer_del(void *ctx, model_timer *t)
{
	unlink_timer(ctx, t);
}

static void env_timer_mod(void *ctx, model_timer *t, uint64_t expire_ns)
{
	model_timer_list_insert(&((model_remote *)ctx)->timers, t, expire_ns);
}

void model_remote_drop_timers(model_remote *r)
{
	while (r->timers)
		unlink_timer(r, r->timers);
}

int model_remote_run_timers(model_remote *r)
{
	uint64_t now = model_remote_now_ns(r), left_ms;

	while (r->timers && r->timers->expire_ns <= now) {
		model_timer *t = r->timers;
		unlink_timer(r, t);
		t->cb(t->opaque); /* may re-arm timers: take the head again */
		now = model_remote_now_ns(r);
	}
	if (!r->timers)
		return -1;
	/* Model ns back to real ms, rounded up so we never wake early. */
	left_ms = ((r->timers->expire_ns - now) / scale_of(r) + NS_PER_MS - 1) / NS_PER_MS;
	return left_ms > MAX_WAIT_MS ? MAX_WAIT_MS : (int)left_ms;
}

static bool env_dma(model_remote *r, uint64_t addr, void *buf, size_t len, bool write)
{
	if (model_remote_mem_rw(r, addr, buf, len, write))
		return true;
	r->stats.dma_errors++;
	model_device_error(r->dev, "DMA %s outside shared guest RAM: 0x%" PRIx64 "+0x%zx",
			   write ? "write" : "read", addr, len);
	return false;
}

static bool env_dma_read(void *ctx, model_device *dev, uint64_t addr, void *buf, size_t len)
{
	(void)dev;
	return env_dma(ctx, addr, buf, len, false);
}

/* MSI arrives here too: a 4-byte store of the message data at the
 * programmed address, which only lands if that address is shared RAM. */
static bool env_dma_write(void *ctx, model_device *dev, uint64_t addr, const void *buf, size_t len)
{
	(void)dev;
	return env_dma(ctx, addr, (void *)buf, len, true);
}

/* QEMU wires the SET_IRQFD eventfds to the interrupt controller only with
 * KVM's irqfd; under TCG (all qtest can use) a level change goes nowhere. */
static void env_set_intx(void *ctx, model_device *dev, bool level)
{
	model_remote *r = ctx;

	(void)dev;
	(void)level;
	if (r->stats.intx_changes++ == 0 && !r->opt.quiet)
		model_remote_log(r, MODEL_REMOTE_LOG_KEEP,
				 "INTx is not available through the proxy (MSI only)");
}

static void env_device_error(void *ctx, model_device *dev, const char *msg)
{
	model_remote *r = ctx;
	const char *name = dev && dev->ops && dev->ops->name ? dev->ops->name : "device";

	r->stats.device_errors++;
	if (!r->opt.quiet)
		model_remote_log(r, MODEL_REMOTE_LOG_KEEP, "device error (%s): %s", name, msg);
}

const struct model_env_ops model_remote_env_ops = {
	.clock_ns = env_clock_ns,
	.timer_mod = env_timer_mod,
	.timer_del = env_timer_del,
	.dma_read = env_dma_read,
	.dma_write = env_dma_write,
	.set_intx = env_set_intx,
	.device_error = env_device_error,
};
