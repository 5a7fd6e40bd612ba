/* The built-in device profiles: the one file of the bench room that names
 * devices. A new built-in profile is one entry here. */
#include <stddef.h>

#include "profiles_priv.h"

/* QEMU's edu: identity and options as QEMU 7.2 has them (docs/qemu-edu.md). */
static const char *const edu_qemu_options[] = { "dma_mask", NULL };

static const struct bench_profile bench_builtin_profiles[] = {
	{
		.name = "edu",
		.summary = "QEMU's educational device: MSI, DMA engine, factorial unit",
		.vendor_id = 0x1234,
		.device_id = 0x11e8,
		.class_code = 0x00ff00,
		.model = "edu",
		.qemu_device = "edu",
		.qemu_options = edu_qemu_options,
	},
};

const struct bench_profile *bench_profile_builtin_at(size_t i)
{
	return i < sizeof(bench_builtin_profiles) / sizeof(bench_builtin_profiles[0])
		       ? &bench_builtin_profiles[i]
		       : NULL;
}
