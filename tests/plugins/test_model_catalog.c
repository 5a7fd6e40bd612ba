/* The model catalogue (model/catalog.h): built-in specs with and without
 * options, the sample plugin loaded by path and its device driven on the
 * in-process bus, and every refusal with its reason: unknown model, bad
 * options, missing file, not a shared object, no descriptor symbol,
 * another ABI version, a device that is not what the descriptor declares.
 * The plugins' paths come from meson (-D..._PLUGIN). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bell.h"
#include "model/bus.h"
#include "model/catalog.h"
#include "model/nvme.h"

#define SLOT 4
#define BAR0 0xfe000000u
#define RAM_SIZE (1u << 20)
#define MSI_DATA 0x31u

static char why[1024];

/* A device from spec that must build; the reason otherwise. */
static model_device *build(const char *spec)
{
	model_device *dev;

	why[0] = '\0';
	dev = model_catalog_create(spec, why, sizeof(why));
	if (!dev)
		fail_msg("'%s' refused: %s", spec, why);
	return dev;
}

/* spec must be refused with a reason holding each of the NULL-ended parts. */
static void refused(const char *spec, ...)
{
	model_device *dev;
	va_list ap;

	why[0] = '\0';
	dev = model_catalog_create(spec, why, sizeof(why));
	if (dev) {
		model_device_destroy(dev);
		fail_msg("'%s' was built; expected a refusal", spec);
	}
	va_start(ap, spec);
	for (const char *part = va_arg(ap, const char *); part; part = va_arg(ap, const char *))
		if (!strstr(why, part))
			fail_msg("refusal of '%s' lacks \"%s\": %s", spec, part, why);
	va_end(ap);
}

static char *spec_of(const char *path, const char *options)
{
	static char spec[1024];

	snprintf(spec, sizeof(spec), "%s%s%s", path, options ? "," : "", options ? options : "");
	return spec;
}

static uint32_t bar0_read(model_device *dev, uint64_t off)
{
	return (uint32_t)dev->ops->bar_read(dev, 0, off, 4);
}

/* ---- built-ins --------------------------------------------------------- */

static void test_edu_without_options_is_qemus_edu(void **state)
{
	model_device *dev = build("edu");

	(void)state;
	assert_int_equal(0x11e81234u, model_config_read(dev, MODEL_PCI_VENDOR_ID, 4));
	assert_int_equal(0x010000edu, bar0_read(dev, 0x00));
	assert_int_not_equal(0, dev->msi_cap);
	model_device_destroy(dev);
}

static void test_edu_options_select_its_variant(void **state)
{
	model_device *dev = build("edu,id=0x020000ed,dma_mask=0xffffffff");

	(void)state;
	assert_int_equal(0x020000edu, bar0_read(dev, 0x00));
	model_device_destroy(dev);
	dev = build("edu,no_msi");
	assert_int_equal(0, dev->msi_cap);
	model_device_destroy(dev);
	dev = build("edu,"); /* an empty option list is no option */
	assert_int_not_equal(0, dev->msi_cap);
	model_device_destroy(dev);
}

static void test_edu_bad_options_are_refused_with_the_reason(void **state)
{
	(void)state;
	refused("edu,bogus=1", "edu: unknown option 'bogus'", "[,no_msi]", NULL);
	refused("edu,id=-1", "edu: option 'id': '-1' is not a number", NULL);
	refused("edu,id=0x1ffffffff", "option 'id': 0x1ffffffff is above the largest value 0xffffffff",
		NULL);
	refused("edu,id", "option 'id' needs a value", NULL);
	refused("edu,no_msi=1", "option 'no_msi' is a flag and takes no value", NULL);
	refused("edu,=3", "has no name", NULL);
}

static void test_unknown_model_is_refused_naming_it_and_the_builtins(void **state)
{
	(void)state;
	refused("nope", "unknown model 'nope'", "edu[,dma_mask=N][,id=N][,no_msi]", "'/'", NULL);
	refused("libbell.so", "unknown model 'libbell.so'", "path", NULL);
	refused("", "no model named", NULL);
	refused(NULL, "no model named", NULL);
	refused(",id=3", "no model named", NULL);
}

static void test_builtins_are_listed_for_help_texts(void **state)
{
	(void)state;
	assert_string_equal("edu[,dma_mask=N][,id=N][,no_msi], nvme" MODEL_NVME_OPTIONS_HELP,
			    model_catalog_builtin_names());
	assert_non_null(model_catalog_builtin(0));
	assert_string_equal("edu", model_catalog_builtin(0)->name);
	assert_string_equal("nvme", model_catalog_builtin(1)->name);
	assert_null(model_catalog_builtin(2));
}

static void test_describe_gives_a_builtins_identity(void **state)
{
	struct model_catalog_info info;

	(void)state;
	assert_true(model_catalog_describe("edu,no_msi", &info, why, sizeof(why)));
	assert_string_equal("edu", info.name);
	assert_null(info.plugin_path);
	assert_int_equal(0x1234, info.vendor_id);
	assert_int_equal(0x11e8, info.device_id);
	assert_int_equal(0x00ff00, info.class_code);
	assert_int_equal(0x1af4, info.subsystem_vendor_id);
	assert_int_equal(0x1100, info.subsystem_id);
	assert_false(model_catalog_describe("nope", &info, why, sizeof(why)));
	assert_non_null(strstr(why, "unknown model 'nope'"));
}

/* ---- the sample plugin ------------------------------------------------- */

static void test_plugin_builds_its_device_with_the_declared_identity(void **state)
{
	model_device *dev = build(BELL_PLUGIN);

	(void)state;
	assert_int_equal(BELL_VENDOR, model_config_read(dev, MODEL_PCI_VENDOR_ID, 2));
	assert_int_equal(BELL_DEVICE, model_config_read(dev, MODEL_PCI_DEVICE_ID, 2));
	assert_int_equal(BELL_CLASS, model_config_read(dev, MODEL_PCI_REVISION, 4) >> 8);
	assert_int_equal(BELL_SUBSYS_VENDOR, model_config_read(dev, MODEL_PCI_SUBSYS_VENDOR, 2));
	assert_int_not_equal(0, dev->msi_cap);
	assert_int_equal(BELL_ID_DEFAULT, bar0_read(dev, BELL_REG_ID));
	dev->ops->bar_write(dev, 0, BELL_REG_SCRATCH, 0x5a5aa5a5u, 4);
	assert_int_equal(0x5a5aa5a5u, bar0_read(dev, BELL_REG_SCRATCH));
	model_device_destroy(dev);
}

static void test_plugin_options_reach_the_plugin(void **state)
{
	model_device *dev = build(spec_of(BELL_PLUGIN, "id=0xbe11c0de"));

	(void)state;
	assert_int_equal(0xbe11c0deu, bar0_read(dev, BELL_REG_ID));
	model_device_destroy(dev);
}

static void test_plugin_bad_option_is_refused_with_the_plugins_reason(void **state)
{
	(void)state;
	refused(spec_of(BELL_PLUGIN, "loud"), BELL_PLUGIN ": unknown option 'loud'", NULL);
	refused(spec_of(BELL_PLUGIN, "id=x"), BELL_PLUGIN ": option 'id': 'x' is not a number", NULL);
}

static void test_describe_gives_a_plugins_identity_without_building(void **state)
{
	struct model_catalog_info info;

	(void)state;
	/* describe() does not check options: create() does. */
	assert_true(model_catalog_describe(spec_of(BELL_PLUGIN, "loud"), &info, why, sizeof(why)));
	assert_string_equal("bell", info.name);
	assert_string_equal("[,id=N][,irq_delay_ns=N]", info.options_help);
	assert_non_null(info.plugin_path);
	assert_int_equal('/', info.plugin_path[0]);
	assert_non_null(strstr(info.plugin_path, "libbell.so"));
	assert_int_equal(BELL_VENDOR, info.vendor_id);
	assert_int_equal(BELL_DEVICE, info.device_id);
	assert_int_equal(BELL_CLASS, info.class_code);
	assert_int_equal(BELL_SUBSYS_VENDOR, info.subsystem_vendor_id);
	assert_int_equal(BELL_SUBSYS_ID, info.subsystem_id);
}

static void test_plugin_is_loaded_once_whatever_the_path_spelling(void **state)
{
	struct model_catalog_info a, b;
	char dotted[1024];
	const char *slash = strrchr(BELL_PLUGIN, '/');

	(void)state;
	snprintf(dotted, sizeof(dotted), "%.*s/./%s", (int)(slash - BELL_PLUGIN), BELL_PLUGIN,
		 slash + 1);
	assert_true(model_catalog_describe(BELL_PLUGIN, &a, why, sizeof(why)));
	assert_true(model_catalog_describe(dotted, &b, why, sizeof(why)));
	assert_ptr_equal(a.plugin_path, b.plugin_path); /* one cache entry */
	assert_ptr_equal(a.name, b.name);               /* one descriptor */
}

/* The plugin's device on the in-process bus (what the sim host runs):
 * BAR decoding, and the doorbell's MSI, at once and after a delay. */
static void test_plugin_device_rings_msi_on_the_in_process_bus(void **state)
{
	model_bus *bus = model_bus_create(RAM_SIZE);
	model_device *dev = build(spec_of(BELL_PLUGIN, "irq_delay_ns=1000"));
	struct model_bus_irq ev;
	unsigned cap = dev->msi_cap;

	(void)state;
	assert_true(model_bus_attach(bus, SLOT, dev));
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_BAR0, BAR0, 4);
	model_bus_cfg_write(bus, SLOT, 0, cap + 4, (uint32_t)MODEL_BUS_MSI_WINDOW, 4);
	model_bus_cfg_write(bus, SLOT, 0, cap + 8, 0, 4);
	model_bus_cfg_write(bus, SLOT, 0, cap + 12, MSI_DATA, 2);
	model_bus_cfg_write(bus, SLOT, 0, cap + 2, MODEL_MSI_FLAGS_ENABLE, 2);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND,
			    MODEL_PCI_CMD_MEMORY | MODEL_PCI_CMD_MASTER, 2);
	assert_int_equal(BELL_ID_DEFAULT, (uint32_t)model_bus_mem_read(bus, BAR0 + BELL_REG_ID, 4));
	model_bus_mem_write(bus, BAR0 + BELL_REG_DOORBELL, 1, 4);
	assert_false(model_bus_irq_next(bus, &ev)); /* not before the delay */
	model_bus_run_until(bus, model_bus_clock_ns(bus) + 1000);
	assert_true(model_bus_irq_next(bus, &ev));
	assert_true(ev.msi);
	assert_int_equal(MSI_DATA, ev.id);
	assert_int_equal(BELL_STATUS_RUNG, (uint32_t)model_bus_mem_read(bus, BAR0 + BELL_REG_STATUS, 4));
	assert_int_equal(1, (uint32_t)model_bus_mem_read(bus, BAR0 + BELL_REG_RINGS, 4));
	model_bus_destroy(bus);
}

/* ---- refused plugins --------------------------------------------------- */

static void test_missing_plugin_file_is_refused_naming_it(void **state)
{
	(void)state;
	refused("/nonexistent/libnothing.so,id=1", "/nonexistent/libnothing.so: No such file", NULL);
}

static void test_file_that_is_not_a_shared_object_is_refused_with_the_loaders_reason(void **state)
{
	char path[] = "/tmp/drvbench-notelf-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(9, write(fd, "not an so", 9));
	close(fd);
	refused(path, path, "not loadable", NULL);
	unlink(path);
	refused("/tmp", "/tmp: not a regular file", NULL);
}

static void test_plugin_without_the_symbol_is_refused_naming_file_and_symbol(void **state)
{
	struct model_catalog_info info;

	(void)state;
	refused(NOSYM_PLUGIN,
		NOSYM_PLUGIN ": no symbol drvbench_model_plugin: not a drvbench model plugin", NULL);
	assert_false(model_catalog_describe(NOSYM_PLUGIN, &info, why, sizeof(why)));
	assert_non_null(strstr(why, "no symbol drvbench_model_plugin"));
}

static void test_plugin_of_another_abi_version_is_refused_unrun(void **state)
{
	(void)state;
	/* Its create() aborts: reaching it would end this test program. */
	refused(BADABI_PLUGIN, BADABI_PLUGIN ": built for model plugin ABI version 100",
		"this drvbench loads version 2", NULL);
}

static void test_plugin_building_another_identity_is_refused(void **state)
{
	(void)state;
	refused(LIAR_PLUGIN, LIAR_PLUGIN ": create() built 1234:be12",
		"descriptor declares 1234:be11", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edu_without_options_is_qemus_edu),
		cmocka_unit_test(test_edu_options_select_its_variant),
		cmocka_unit_test(test_edu_bad_options_are_refused_with_the_reason),
		cmocka_unit_test(test_unknown_model_is_refused_naming_it_and_the_builtins),
		cmocka_unit_test(test_builtins_are_listed_for_help_texts),
		cmocka_unit_test(test_describe_gives_a_builtins_identity),
		cmocka_unit_test(test_plugin_builds_its_device_with_the_declared_identity),
		cmocka_unit_test(test_plugin_options_reach_the_plugin),
		cmocka_unit_test(test_plugin_bad_option_is_refused_with_the_plugins_reason),
		cmocka_unit_test(test_describe_gives_a_plugins_identity_without_building),
		cmocka_unit_test(test_plugin_is_loaded_once_whatever_the_path_spelling),
		cmocka_unit_test(test_plugin_device_rings_msi_on_the_in_process_bus),
		cmocka_unit_test(test_missing_plugin_file_is_refused_naming_it),
		cmocka_unit_test(test_file_that_is_not_a_shared_object_is_refused_with_the_loaders_reason),
		cmocka_unit_test(test_plugin_without_the_symbol_is_refused_naming_file_and_symbol),
		cmocka_unit_test(test_plugin_of_another_abi_version_is_refused_unrun),
		cmocka_unit_test(test_plugin_building_another_identity_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
