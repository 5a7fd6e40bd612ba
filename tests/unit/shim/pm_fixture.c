/* The power/rescan test fixture declared in pm_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pm_fixture.h"

struct pm_driver_log pm_log;
static unsigned pm_reset_count;
static struct shim_host_ops pm_ops;

static bool pm_reset_fails;

static shim_ret pm_device_reset(void *ctx, uint16_t bdf)
{
	struct fake_host *fh = ctx;

	if (pm_reset_fails)
		return SHIM_ERR_DEVICE_ERROR;

	for (size_t i = 0; i < fh->dev_count; i++) {
		struct fake_dev *d = &fh->dev[i];

		if (!d->present || d->bdf != bdf)
			continue;
		/* Power-on values: no BARs, decode off, MSI off and unprogrammed. */
		memset(&d->cfg[0x10], 0, 0x18);
		memset(&d->cfg[0x04], 0, 2);
		d->cfg[0x3c] = 0;
		d->cfg[FAKE_MSI_CAP + 2] &= (uint8_t)~0x71u;
		memset(&d->cfg[FAKE_MSI_CAP + 4], 0, 10);
		pm_reset_count++;
		return SHIM_OK;
	}
	return SHIM_ERR_NO_DEVICE;
}

unsigned pm_resets(void)
{
	return pm_reset_count;
}

void pm_set_reset(enum pm_reset how)
{
	pm_reset_fails = how == PM_RESET_FAILS;
	pm_ops.device_reset = how == PM_RESET_ABSENT ? NULL : pm_device_reset;
}

struct fake_dev *pm_add_device(struct fake_host *fh, uint16_t bdf)
{
	struct fake_dev *d = fake_dev_add(fh, bdf, PM_VENDOR, PM_DEVICE);

	fake_dev_bar(d, 0, PM_BAR_SIZE, 0);
	fake_dev_msi(d, 0, true);
	return d;
}

static void pm_action(void *owner, shim_intr_source *src, int count)
{
	(void)owner;
	(void)src;
	(void)count;
}

static shim_ret pm_start(shim_service *svc, shim_pci_device *dev)
{
	shim_intr_source *src = NULL;
	shim_ret r = shim_intr_source_create(shim_service_workloop(svc), dev, 1, NULL, pm_action,
					     NULL, &src);

	if (r != SHIM_OK)
		return r;
	shim_intr_source_enable(src);
	shim_service_set_private(svc, src);
	shim_pci_set_memory_enable(dev, true);
	shim_pci_set_bus_master(dev, true);
	pm_log.starts++;
	pm_log.svc = svc;
	return SHIM_OK;
}

static void pm_stop(shim_service *svc)
{
	shim_intr_source_release(shim_service_private(svc));
	pm_log.stops++;
}

static void pm_gone(shim_service *svc)
{
	(void)svc;
	pm_log.gones++;
}

static uint32_t pm_set_power_state(shim_service *svc, unsigned state)
{
	pm_log.calls++;
	pm_log.last_state = state;
	if (state == PM_ON)
		pm_log.bar0_at_wake = shim_pci_cfg_read32(shim_service_provider(svc), 0x10);
	return pm_log.ack_us;
}

static const struct shim_power_state pm_states[] = {
	{ "off", 0 }, { "sleep", 0 }, { "on", SHIM_POWER_ON },
};
static const struct shim_power_desc pm_power = { pm_states, 3, pm_set_power_state };

static const struct shim_driver pm_driver = {
	.class_name = "com_example_PM", .start = pm_start, .stop = pm_stop,
	.device_gone = pm_gone, .power = &pm_power,
};
static const struct shim_driver pm_driver_nopower = {
	.class_name = "com_example_PM", .start = pm_start, .stop = pm_stop,
	.device_gone = pm_gone,
};
static const struct shim_driver *const pm_drivers[] = { &pm_driver };
static const struct shim_driver *const pm_drivers_nopower[] = { &pm_driver_nopower };

static const char pm_plist[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<plist version=\"1.0\"><dict>"
	"<key>CFBundleIdentifier</key><string>com.example.pm</string>"
	"<key>CFBundleVersion</key><string>1.0.0</string>"
	"<key>IOKitPersonalities</key><dict><key>PM</key><dict>"
	"<key>IOClass</key><string>com_example_PM</string>"
	"<key>IOProviderClass</key><string>IOPCIDevice</string>"
	"<key>IOPCIMatch</key><string>0x11e81234</string>"
	"</dict></dict></dict></plist>\n";

static struct shim_kext_desc pm_desc;

void pm_boot(struct plat_fixture *f, shim_kext **k, bool with_power)
{
	struct shim_host h = fake_host_handle(f->fh);
	size_t started = 0;

	memset(&pm_log, 0, sizeof(pm_log));
	pm_reset_count = 0;
	pm_ops = *h.ops;
	pm_set_reset(PM_RESET_WORKS);
	h.ops = &pm_ops;
	assert_int_equal(SHIM_OK, shim_machine_create(h, &f->m));
	pm_desc = (struct shim_kext_desc){ pm_plist, sizeof(pm_plist) - 1,
					   with_power ? pm_drivers : pm_drivers_nopower, 1, NULL,
					   0 };
	assert_int_equal(SHIM_OK, shim_kext_load(&pm_desc, k));
	assert_int_equal(SHIM_OK, shim_machine_match(f->m, *k, &started));
}

void pm_unload(struct plat_fixture *f, shim_kext *k)
{
	for (size_t i = 0; i < shim_machine_device_count(f->m); i++)
		(void)shim_machine_terminate(f->m, shim_machine_device(f->m, i));
	assert_int_equal(SHIM_OK, shim_kext_unload(k));
}
