/* 64-bit BARs on the sim host: the shim's firmware puts them in the host's
 * window above 4 GiB and the bus decodes them there; one that fits no
 * window refuses the machine with the reason. A small model with a 32-bit
 * register BAR and a 64-bit BAR stands in for a device. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/bus.h"
#include "shim/host_sim.h"
#include "shim/machine.h"
#include "shim/pci.h"
#include "shim/verifier.h"

#define WIDE_VENDOR 0x1234
#define WIDE_DEVICE 0xbe64
#define WIDE_SLOT 6u
#define WIDE_REG_BAR 0
#define WIDE_REG_SIZE 0x1000ull
#define WIDE_BIG_BAR 2
#define WIDE_WORDS 4
#define FOUR_GIB 0x100000000ull
#define RAM_SIZE (16ull << 20)

/* Reads give a pattern naming the BAR and offset, except the first words of
 * the 64-bit BAR, which hold what was written there. */
struct wide {
	model_device dev;
	uint32_t words[WIDE_WORDS];
};

static uint64_t wide_read(model_device *dev, unsigned bar, uint64_t off, unsigned size)
{
	struct wide *w = dev->state;

	(void)size;
	if (bar == WIDE_BIG_BAR && off < sizeof(w->words) && off % 4 == 0)
		return w->words[off / 4];
	return 0xb0000000u | (uint32_t)bar << 24 | (uint32_t)(off & 0xffffffu);
}

static void wide_write(model_device *dev, unsigned bar, uint64_t off, uint64_t val, unsigned size)
{
	struct wide *w = dev->state;

	if (bar == WIDE_BIG_BAR && size == 4 && off < sizeof(w->words) && off % 4 == 0)
		w->words[off / 4] = (uint32_t)val;
}

static void wide_destroy(model_device *dev)
{
	free(dev->state);
}

static const struct model_device_ops wide_ops = {
	.name = "wide", .bar_read = wide_read, .bar_write = wide_write, .destroy = wide_destroy,
};

static model_device *wide_create(uint64_t big_bar_size)
{
	struct wide *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	model_device_init(&w->dev, &wide_ops, w, WIDE_VENDOR, WIDE_DEVICE, 1, 0xff0000);
	model_device_declare_bar(&w->dev, WIDE_REG_BAR, MODEL_BAR_MEM32, WIDE_REG_SIZE);
	model_device_declare_bar(&w->dev, WIDE_BIG_BAR, MODEL_BAR_MEM64, big_bar_size);
	return &w->dev;
}

struct wide_fx {
	model_bus *bus;
	struct shim_host_layout layout;  /* what the sim host promises */
	shim_machine *m;
	shim_pci_device *dev;
};

/* A bus with the wide model in WIDE_SLOT, and the sim host's result of
 * shim_machine_create on it. */
static shim_ret wide_boot(struct wide_fx *fx, uint64_t big_bar_size)
{
	struct shim_host host;
	model_device *dev;

	fx->bus = model_bus_create(RAM_SIZE);
	assert_non_null(fx->bus);
	dev = wide_create(big_bar_size);
	assert_non_null(dev);
	assert_true(model_bus_attach(fx->bus, WIDE_SLOT, dev));
	assert_int_equal(SHIM_OK, shim_sim_host_create(fx->bus, &host));
	host.ops->layout(host.ctx, &fx->layout);
	return shim_machine_create(host, &fx->m);
}

static int wide_setup(void **state)
{
	shim_verifier_clear();
	*state = calloc(1, sizeof(struct wide_fx));
	return *state ? 0 : -1;
}

static int wide_teardown(void **state)
{
	struct wide_fx *fx = *state;

	shim_machine_destroy(fx->m);
	model_bus_destroy(fx->bus); /* after the host that borrowed it */
	free(fx);
	return 0;
}

static uint64_t bar_address(shim_pci_device *dev, unsigned bar)
{
	uint16_t off = (uint16_t)(0x10 + 4 * bar);
	uint64_t lo = shim_pci_cfg_read32(dev, off), hi = 0;

	if ((lo & 0x6) == 0x4)
		hi = shim_pci_cfg_read32(dev, (uint16_t)(off + 4));
	return hi << 32 | (lo & ~0xfull);
}

static void test_sim_puts_a_64bit_bar_above_4gib_and_decodes_it_there(void **state)
{
	struct wide_fx *fx = *state;
	const struct shim_host_layout *l = &fx->layout;
	shim_mmio_map *regs = NULL, *big = NULL;
	uint64_t reg_base, big_base;
	shim_pci_device *dev;

	assert_int_equal(SHIM_OK, wide_boot(fx, 64ull << 20));
	assert_int_equal(1, shim_machine_device_count(fx->m));
	dev = shim_machine_device(fx->m, 0);
	assert_int_equal(WIDE_DEVICE, shim_pci_device_id(dev));
	reg_base = bar_address(dev, WIDE_REG_BAR);
	big_base = bar_address(dev, WIDE_BIG_BAR);
	assert_true(l->mmio64_base >= FOUR_GIB);
	assert_true(big_base >= l->mmio64_base);
	assert_true(big_base + (64ull << 20) <= l->mmio64_base + l->mmio64_size);
	assert_int_equal(0, big_base % (64ull << 20));
	assert_true(reg_base >= l->mmio32_base);
	assert_true(reg_base + WIDE_REG_SIZE <= l->mmio32_base + l->mmio32_size);

	shim_pci_set_memory_enable(dev, true);
	assert_int_equal(SHIM_OK, shim_pci_map_bar(dev, WIDE_BIG_BAR, &big));
	assert_int_equal(SHIM_OK, shim_pci_map_bar(dev, WIDE_REG_BAR, &regs));
	assert_int_equal(64ull << 20, shim_mmio_length(big));
	assert_int_equal(0xb2abcdecu, shim_mmio_read32(big, 0xabcdec));
	assert_int_equal(0xb0000010u, shim_mmio_read32(regs, 0x10));
	shim_mmio_write32(big, 4, 0x600dcafe);
	assert_int_equal(0x600dcafe, shim_mmio_read32(big, 4));
	shim_mmio_unmap(regs);
	shim_mmio_unmap(big);
	assert_int_equal(0, shim_verifier_count());
}

static void test_sim_refuses_a_machine_whose_64bit_bar_fits_no_window(void **state)
{
	struct wide_fx *fx = *state;

	assert_int_equal(SHIM_ERR_NO_RESOURCES, wide_boot(fx, 4ull << 30));
	assert_null(fx->m);
	assert_string_equal("00:06.0 BAR2: 64-bit memory BAR of 4 GiB fits no window "
			    "(64-bit window 1 GiB at 0x10000000000; "
			    "32-bit window 14 MiB at 0xfe000000, 14332 KiB free)",
			    shim_machine_last_error(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_sim_puts_a_64bit_bar_above_4gib_and_decodes_it_there, wide_setup,
			wide_teardown),
		cmocka_unit_test_setup_teardown(
			test_sim_refuses_a_machine_whose_64bit_bar_fits_no_window, wide_setup,
			wide_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
