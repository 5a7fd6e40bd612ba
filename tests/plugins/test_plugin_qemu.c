/* The sample model plugin (bell) inside a real QEMU, one for the group:
 * the qemu host in proxy mode serves the plugin's device, named by its
 * path, through x-pci-proxy-dev; the shim's firmware enumerates it, a BAR
 * mapping reads its ID register, and its doorbell's MSI reaches the host.
 * A plugin the catalogue refuses fails host creation with its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bell.h"
#include "shim/host_qemu.h"
#include "shim/machine.h"
#include "shim/pci.h"
#include "shim/verifier.h"

#define BELL_ID_OPTION 0xbe11c0deu
#define WAIT_ROUNDS 1500 /* clock_run returns within ~2 ms */
#define RUN_STEP_NS 200000000ull
#define PCI_CAP_ID_MSI 0x05
#define MSI_FLAGS_ENABLE 0x0001
#define PCI_CMD_MEMORY 0x0002
#define PCI_CMD_MASTER 0x0004

struct bell_fx {
	struct shim_host host; /* a copy: the machine owns the host */
	shim_machine *m;
	shim_pci_device *dev;
	shim_mmio_map *bar0;
};

static int bell_setup(void **state)
{
	static struct bell_fx fx;
	static char spec[512];
	struct shim_qemu_options o = { .proxy_model = spec, .proxy_slot = 4 };
	char err[1024];

	memset(&fx, 0, sizeof(fx));
	snprintf(spec, sizeof(spec), "%s,id=0x%x", BELL_PLUGIN, BELL_ID_OPTION);
	shim_verifier_clear();
	if (shim_qemu_host_create(&o, &fx.host, err, sizeof(err)) != SHIM_OK) {
		print_error("proxy host with %s: %s\n", spec, err);
		return -1;
	}
	if (shim_machine_create(fx.host, &fx.m) != SHIM_OK) {
		print_error("machine on the proxy host failed\n");
		return -1; /* the host went with it */
	}
	for (size_t i = 0; i < shim_machine_device_count(fx.m) && !fx.dev; i++) {
		shim_pci_device *d = shim_machine_device(fx.m, i);
		if (shim_pci_vendor_id(d) == BELL_VENDOR && shim_pci_device_id(d) == BELL_DEVICE)
			fx.dev = d;
	}
	*state = &fx;
	return 0;
}

static int bell_teardown(void **state)
{
	struct bell_fx *fx = *state;

	if (fx->m)
		shim_machine_destroy(fx->m);
	memset(fx, 0, sizeof(*fx));
	return 0;
}

/* Each test leaves the device unmapped, MSI off, decode off. */
static int unmap(void **state)
{
	struct bell_fx *fx = *state;
	uint8_t cap;

	if (fx->bar0)
		shim_mmio_unmap(fx->bar0);
	fx->bar0 = NULL;
	if (!fx->dev)
		return 0;
	cap = shim_pci_find_capability(fx->dev, PCI_CAP_ID_MSI);
	if (cap)
		shim_pci_cfg_write16(fx->dev, cap + 2, 0);
	shim_pci_set_bus_master(fx->dev, false);
	shim_pci_set_memory_enable(fx->dev, false);
	return 0;
}

/* The device found and its BAR0 mapped, with memory decode and bus mastering on. */
static struct bell_fx *mapped(void **state)
{
	struct bell_fx *fx = *state;

	if (!fx->dev)
		fail_msg("the firmware found no %04x:%04x device", BELL_VENDOR, BELL_DEVICE);
	shim_pci_set_memory_enable(fx->dev, true);
	shim_pci_set_bus_master(fx->dev, true);
	assert_int_equal(SHIM_OK, shim_pci_map_bar(fx->dev, 0, &fx->bar0));
	return fx;
}

static void test_firmware_enumerates_the_plugins_device(void **state)
{
	struct bell_fx *fx = *state;
	uint32_t bar0;

	assert_non_null(fx->dev);
	assert_string_equal("00:04.0", shim_pci_name(fx->dev));
	assert_int_equal(BELL_CLASS, shim_pci_cfg_read32(fx->dev, 0x08) >> 8);
	bar0 = shim_pci_cfg_read32(fx->dev, 0x10) & ~0xfu;
	assert_true(bar0 >= 0xfe000000u && bar0 + BELL_BAR0_SIZE <= 0xfec00000u);
	assert_int_not_equal(0, shim_pci_find_capability(fx->dev, PCI_CAP_ID_MSI));
}

static void test_mmio_reads_the_id_register_set_by_the_plugin_option(void **state)
{
	struct bell_fx *fx = mapped(state);

	assert_int_equal(BELL_BAR0_SIZE, shim_mmio_length(fx->bar0));
	assert_int_equal(BELL_ID_OPTION, shim_mmio_read32(fx->bar0, BELL_REG_ID));
	shim_mmio_write32(fx->bar0, BELL_REG_SCRATCH, 0x0badf00du);
	assert_int_equal(0x0badf00du, shim_mmio_read32(fx->bar0, BELL_REG_SCRATCH));
	assert_int_equal(0, shim_verifier_count());
}

static void test_doorbell_raises_msi_vector_0_at_the_host(void **state)
{
	struct bell_fx *fx = mapped(state);
	struct shim_host *h = &fx->host;
	uint8_t cap = shim_pci_find_capability(fx->dev, PCI_CAP_ID_MSI);
	struct shim_host_irq ev;
	uint64_t addr;
	uint32_t data;
	int i;

	assert_int_not_equal(0, cap);
	assert_int_equal(SHIM_OK, h->ops->msi_route(h->ctx, 0, &addr, &data));
	shim_pci_cfg_write32(fx->dev, cap + 4, (uint32_t)addr);
	shim_pci_cfg_write32(fx->dev, cap + 8, (uint32_t)(addr >> 32));
	shim_pci_cfg_write16(fx->dev, cap + 12, (uint16_t)data);
	shim_pci_cfg_write16(fx->dev, cap + 2,
			     shim_pci_cfg_read16(fx->dev, cap + 2) | MSI_FLAGS_ENABLE);
	assert_int_equal(PCI_CMD_MEMORY | PCI_CMD_MASTER,
			 shim_pci_cfg_read16(fx->dev, 0x04) & (PCI_CMD_MEMORY | PCI_CMD_MASTER));
	shim_mmio_write32(fx->bar0, BELL_REG_DOORBELL, 1);
	for (i = 0; i < WAIT_ROUNDS; i++) {
		if (h->ops->irq_next(h->ctx, &ev) == SHIM_OK)
			break;
		assert_int_equal(SHIM_OK,
				 h->ops->clock_run(h->ctx, h->ops->clock_ns(h->ctx) + RUN_STEP_NS));
	}
	if (i == WAIT_ROUNDS)
		fail_msg("no interrupt from the doorbell after %d rounds", WAIT_ROUNDS);
	assert_int_equal(SHIM_HOST_IRQ_MSI, ev.kind);
	assert_int_equal(0, ev.id);
	assert_int_equal(BELL_STATUS_RUNG, shim_mmio_read32(fx->bar0, BELL_REG_STATUS));
	assert_int_equal(1, shim_mmio_read32(fx->bar0, BELL_REG_RINGS));
	shim_mmio_write32(fx->bar0, BELL_REG_ACK, 1);
	assert_int_equal(0, shim_mmio_read32(fx->bar0, BELL_REG_STATUS));
}

static void test_refused_plugin_fails_host_creation_with_the_catalogues_reason(void **state)
{
	struct shim_qemu_options o = { .proxy_model = NOSYM_PLUGIN };
	char long_spec[4096], err[1024]; /* longer than any spec the proxy keeps */
	struct shim_host h;

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_qemu_host_create(&o, &h, err, sizeof(err)));
	if (!strstr(err, NOSYM_PLUGIN ": no symbol drvbench_model_plugin: not a drvbench model plugin"))
		fail_msg("reason does not name the file and the symbol: %s", err);
	o.proxy_model = BELL_PLUGIN ",loud";
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_qemu_host_create(&o, &h, err, sizeof(err)));
	if (!strstr(err, "unknown option 'loud'"))
		fail_msg("reason does not carry the plugin's: %s", err);
	memset(long_spec, 'x', sizeof(long_spec) - 1);
	long_spec[sizeof(long_spec) - 1] = '\0';
	long_spec[0] = '/';
	o.proxy_model = long_spec;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_qemu_host_create(&o, &h, err, sizeof(err)));
	assert_non_null(strstr(err, "model spec longer than"));
}

#define T(f) cmocka_unit_test_teardown(f, unmap)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_firmware_enumerates_the_plugins_device),
		T(test_mmio_reads_the_id_register_set_by_the_plugin_option),
		T(test_doorbell_raises_msi_vector_0_at_the_host),
		cmocka_unit_test(test_refused_plugin_fails_host_creation_with_the_catalogues_reason),
	};

	return cmocka_run_group_tests(tests, bell_setup, bell_teardown);
}
