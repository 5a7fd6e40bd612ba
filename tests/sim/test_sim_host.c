/* The sim host's ops, called directly on a model_bus with edu in slot 4:
 * the layout it promises, interrupt routes, config/RAM errors, the clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/bus.h"
#include "model/edu.h"
#include "shim/host_sim.h"

#define RAM_SIZE (64ull << 20)
#define EDU_SLOT 4u
#define EDU_BDF SHIM_BDF(0, EDU_SLOT, 0)
#define BAR0 0xfe000000ull
/* edu registers (offsets in BAR0), see docs/qemu-edu.md, 'Registers' */
#define REG_FACTORIAL 0x08
#define REG_STATUS 0x20
#define REG_DMA_SRC 0x80
#define REG_DMA_DST 0x88
#define REG_DMA_COUNT 0x90
#define REG_DMA_CMD 0x98
#define STATUS_COMPUTING 0x01u
#define DMA_CMD_START 0x01u
#define EDU_BUFFER 0x40000ull

struct sim_env {
	model_bus *bus;
	struct shim_host host;
};

static int setup(void **state)
{
	static struct sim_env env;
	model_device *edu;

	env.bus = model_bus_create(RAM_SIZE);
	if (env.bus == NULL)
		return -1;
	edu = model_edu_create(&(struct model_edu_config){ 0 });
	if (edu == NULL || !model_bus_attach(env.bus, EDU_SLOT, edu) ||
	    shim_sim_host_create(env.bus, &env.host) != SHIM_OK) {
		model_bus_destroy(env.bus);
		return -1;
	}
	*state = &env;
	return 0;
}

static int teardown(void **state)
{
	struct sim_env *env = *state;

	env->host.ops->destroy(env->host.ctx);
	model_bus_destroy(env->bus); /* still ours: the host only borrowed it */
	return 0;
}

/* Firmware's job, done by hand: BAR0 at 0xfe000000, memory decode and bus master. */
static void map_edu(struct sim_env *env)
{
	const struct shim_host_ops *ops = env->host.ops;

	assert_int_equal(SHIM_OK, ops->cfg_write(env->host.ctx, EDU_BDF, 0x10, 4, (uint32_t)BAR0));
	assert_int_equal(SHIM_OK, ops->cfg_write(env->host.ctx, EDU_BDF, 0x04, 2, 0x0006));
}

static uint64_t mmio_read(struct sim_env *env, uint64_t off)
{
	uint64_t v = 0;

	assert_int_equal(SHIM_OK, env->host.ops->mem_read(env->host.ctx, BAR0 + off, 4, &v));
	return v;
}

static void mmio_write(struct sim_env *env, uint64_t off, unsigned size, uint64_t v)
{
	assert_int_equal(SHIM_OK, env->host.ops->mem_write(env->host.ctx, BAR0 + off, size, v));
}

static void test_sim_host_layout_matches_the_documented_windows(void **state)
{
	struct sim_env *env = *state;
	struct shim_host_layout l;

	memset(&l, 0xa5, sizeof(l));
	env->host.ops->layout(env->host.ctx, &l);
	assert_int_equal(0x100000, l.dma_base);
	assert_int_equal(RAM_SIZE - 0x100000, l.dma_size);
	assert_int_equal(0xfe000000u, l.mmio32_base);
	assert_int_equal(0xe00000u, l.mmio32_size);
	assert_true(l.mmio32_base + l.mmio32_size <= MODEL_BUS_MSI_WINDOW);
	assert_int_equal(0x10000000000ull, l.mmio64_base);
	assert_int_equal(1ull << 30, l.mmio64_size);
	assert_int_equal(0xc000, l.io_base);
	assert_int_equal(0x4000, l.io_size);
	assert_int_equal(0, l.max_bus);
	assert_string_equal("sim", env->host.ops->name);
}

static void test_sim_host_msi_route_write_comes_back_as_the_vector(void **state)
{
	struct sim_env *env = *state;
	const struct shim_host_ops *ops = env->host.ops;
	struct shim_host_irq ev;
	uint64_t addr = 0;
	uint32_t data = 0;

	assert_int_equal(SHIM_OK, ops->msi_route(env->host.ctx, 0x21, &addr, &data));
	assert_int_equal(MODEL_BUS_MSI_WINDOW, addr);
	assert_int_equal(0x21, data);
	assert_int_equal(SHIM_OK, ops->mem_write(env->host.ctx, addr, 4, data));
	assert_int_equal(SHIM_OK, ops->irq_next(env->host.ctx, &ev));
	assert_int_equal(SHIM_HOST_IRQ_MSI, ev.kind);
	assert_int_equal(0x21, ev.id);
	assert_true(ev.level);
	assert_int_equal(SHIM_ERR_NOT_FOUND, ops->irq_next(env->host.ctx, &ev));
}

static void test_sim_host_msi_route_rejects_vectors_wider_than_16_bits(void **state)
{
	struct sim_env *env = *state;
	uint64_t addr;
	uint32_t data;

	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 env->host.ops->msi_route(env->host.ctx, 0x10000, &addr, &data));
	assert_non_null(strstr(env->host.ops->last_error(env->host.ctx), "MSI"));
}

static void test_sim_host_intx_route_follows_the_bus_rule(void **state)
{
	struct sim_env *env = *state;
	uint32_t line = 0;

	assert_int_equal(SHIM_OK, env->host.ops->intx_route(env->host.ctx, EDU_BDF, 1, &line));
	assert_int_equal(model_bus_intx_line(EDU_SLOT, 1), line);
	assert_int_equal(20, line); /* q35: 20 + ((4 + 1 - 1) % 4), as QEMU routes edu in slot 4 */
	assert_int_equal(SHIM_OK, env->host.ops->intx_route(env->host.ctx, EDU_BDF, 2, &line));
	assert_int_equal(21, line);
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 env->host.ops->intx_route(env->host.ctx, EDU_BDF, 0, &line));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 env->host.ops->intx_route(env->host.ctx, EDU_BDF, 5, &line));
}

static void test_sim_host_config_of_absent_functions_reads_all_ones(void **state)
{
	struct sim_env *env = *state;
	const struct shim_host_ops *ops = env->host.ops;
	uint32_t v = 0;

	assert_int_equal(SHIM_OK, ops->cfg_read(env->host.ctx, EDU_BDF, 0, 4, &v));
	assert_int_equal(0x11e81234u, v);
	assert_int_equal(SHIM_OK, ops->cfg_read(env->host.ctx, SHIM_BDF(0, 7, 0), 0, 4, &v));
	assert_int_equal(0xffffffffu, v);
	assert_int_equal(SHIM_OK, ops->cfg_read(env->host.ctx, SHIM_BDF(1, EDU_SLOT, 0), 0, 2, &v));
	assert_int_equal(0xffffu, v);
}

static void test_sim_host_bad_config_access_fails_with_detail(void **state)
{
	struct sim_env *env = *state;
	const struct shim_host_ops *ops = env->host.ops;
	uint32_t v = 0;

	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, ops->cfg_read(env->host.ctx, EDU_BDF, 0, 3, &v));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, ops->cfg_read(env->host.ctx, EDU_BDF, 2, 4, &v));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, ops->cfg_write(env->host.ctx, EDU_BDF, 256, 4, 0));
	assert_non_null(strstr(ops->last_error(env->host.ctx), "config"));
}

static void test_sim_host_ram_access_outside_ram_fails(void **state)
{
	struct sim_env *env = *state;
	const struct shim_host_ops *ops = env->host.ops;
	uint8_t buf[16] = { 1, 2, 3 }, back[16] = { 0 };

	assert_int_equal(SHIM_OK, ops->ram_write(env->host.ctx, 0x200000, buf, sizeof(buf)));
	assert_int_equal(SHIM_OK, ops->ram_read(env->host.ctx, 0x200000, back, sizeof(back)));
	assert_memory_equal(buf, back, sizeof(buf));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 ops->ram_read(env->host.ctx, RAM_SIZE - 8, back, sizeof(back)));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 ops->ram_write(env->host.ctx, RAM_SIZE, buf, 1));
	assert_non_null(strstr(ops->last_error(env->host.ctx), "RAM"));
}

static void test_sim_host_clock_run_stops_at_a_device_timer(void **state)
{
	struct sim_env *env = *state;
	const struct shim_host_ops *ops = env->host.ops;
	uint64_t start, until;

	map_edu(env);
	start = ops->clock_ns(env->host.ctx);
	until = start + 1000000000ull;
	mmio_write(env, REG_FACTORIAL, 4, 5);
	assert_int_equal(SHIM_OK, ops->clock_run(env->host.ctx, until));
	assert_true(ops->clock_ns(env->host.ctx) > start);
	assert_true(ops->clock_ns(env->host.ctx) < until); /* stopped at the timer, not at until */
	assert_int_equal(0, mmio_read(env, REG_STATUS) & STATUS_COMPUTING);
	assert_int_equal(120, mmio_read(env, REG_FACTORIAL));
}

static void test_sim_host_clock_run_reaches_until_when_idle(void **state)
{
	struct sim_env *env = *state;
	const struct shim_host_ops *ops = env->host.ops;
	uint64_t until = ops->clock_ns(env->host.ctx) + 5000;

	assert_int_equal(SHIM_OK, ops->clock_run(env->host.ctx, until));
	assert_int_equal(until, ops->clock_ns(env->host.ctx));
	assert_int_equal(SHIM_OK, ops->clock_run(env->host.ctx, until - 1)); /* never backwards */
	assert_int_equal(until, ops->clock_ns(env->host.ctx));
}

static void test_sim_host_clock_run_holds_once_for_a_queued_interrupt(void **state)
{
	struct sim_env *env = *state;
	const struct shim_host_ops *ops = env->host.ops;
	struct shim_host_irq ev;
	uint64_t start = ops->clock_ns(env->host.ctx);

	assert_int_equal(SHIM_OK, ops->mem_write(env->host.ctx, MODEL_BUS_MSI_WINDOW, 4, 3));
	assert_int_equal(SHIM_OK, ops->clock_run(env->host.ctx, start + 1000));
	assert_int_equal(start, ops->clock_ns(env->host.ctx));
	/* A caller that does not drain must not stall the clock forever. */
	assert_int_equal(SHIM_OK, ops->clock_run(env->host.ctx, start + 1000));
	assert_int_equal(start + 1000, ops->clock_ns(env->host.ctx));
	assert_int_equal(SHIM_OK, ops->irq_next(env->host.ctx, &ev));
	assert_int_equal(3, ev.id);
}

static void test_sim_host_dma_next_reports_device_dma(void **state)
{
	struct sim_env *env = *state;
	const struct shim_host_ops *ops = env->host.ops;
	struct shim_host_dma ev;
	uint64_t until;

	map_edu(env);
	mmio_write(env, REG_DMA_SRC, 8, 0x200000);
	mmio_write(env, REG_DMA_DST, 8, EDU_BUFFER);
	mmio_write(env, REG_DMA_COUNT, 8, 16);
	mmio_write(env, REG_DMA_CMD, 8, DMA_CMD_START);
	until = ops->clock_ns(env->host.ctx) + 2 * MODEL_EDU_DMA_DELAY_NS;
	for (int i = 0; i < 8 && (mmio_read(env, REG_DMA_CMD) & DMA_CMD_START); i++)
		assert_int_equal(SHIM_OK, ops->clock_run(env->host.ctx, until));
	assert_int_equal(0, mmio_read(env, REG_DMA_CMD) & DMA_CMD_START);
	assert_int_equal(SHIM_OK, ops->dma_next(env->host.ctx, &ev));
	assert_int_equal(EDU_BDF, ev.bdf);
	assert_int_equal(0x200000, ev.addr);
	assert_int_equal(16, ev.len);
	assert_false(ev.to_memory);
	assert_int_equal(SHIM_ERR_NOT_FOUND, ops->dma_next(env->host.ctx, &ev));
}

static void test_sim_host_destroy_leaves_the_bus_usable(void **state)
{
	model_bus *bus = model_bus_create(RAM_SIZE);
	struct shim_host host;
	uint8_t b = 0x5a;

	(void)state;
	assert_non_null(bus);
	assert_int_equal(SHIM_OK, shim_sim_host_create(bus, &host));
	host.ops->destroy(host.ctx);
	assert_true(model_bus_ram_write(bus, 0x1000, &b, 1));
	model_bus_destroy(bus);
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_sim_host_create(NULL, &host));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
int main(void)
{
	static const struct CMUnitTest tests[] = {
		T(test_sim_host_layout_matches_the_documented_windows),
		T(test_sim_host_msi_route_write_comes_back_as_the_vector),
		T(test_sim_host_msi_route_rejects_vectors_wider_than_16_bits),
		T(test_sim_host_intx_route_follows_the_bus_rule),
		T(test_sim_host_config_of_absent_functions_reads_all_ones),
		T(test_sim_host_bad_config_access_fails_with_detail),
		T(test_sim_host_ram_access_outside_ram_fails),
		T(test_sim_host_clock_run_stops_at_a_device_timer),
		T(test_sim_host_clock_run_reaches_until_when_idle),
		T(test_sim_host_clock_run_holds_once_for_a_queued_interrupt),
		T(test_sim_host_dma_next_reports_device_dma),
		cmocka_unit_test(test_sim_host_destroy_leaves_the_bus_usable),
	};

	return cmocka_run_group_tests_name("sim_host", tests, NULL, NULL);
}
