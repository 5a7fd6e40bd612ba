/* The built-in device profiles: the one file of the bench room that names
 * devices. A new built-in profile is one entry here. */
#include <stddef.h>

#include "profiles_priv.h"

/* QEMU's edu: identity and options as QEMU 7.2 has them (docs/qemu-edu.md). */
static const char *const edu_qemu_options[] = { "dma_mask", NULL };

/* QEMU's nvme (docs/qemu-nvme.md): the variants both QEMU and the model
 * take by the same name; one 4 MiB raw image per machine as its namespace,
 * as large as the model's memory-backed one; RAM above 4 GiB so that its
 * 64-bit DMA meets wide addresses. */
static const char *const nvme_qemu_options[] = { "max_ioqpairs", "msix_qsize", "mdts", NULL };
static const struct bench_backing nvme_backing[] = { { "disk", "nvm0", 4u << 20 } };

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
	{
		.name = "nvme",
		.summary = "QEMU's NVMe controller: MSI-X, admin and I/O queues, PRP lists, one "
			   "4 MiB namespace",
		.vendor_id = 0x1b36,
		.device_id = 0x0010,
		.class_code = 0x010802,
		.model = "nvme",
		.qemu_device = "nvme,serial=drvbench,drive=nvm0",
		.qemu_options = nvme_qemu_options,
		.backing = nvme_backing,
		.nbacking = 1,
		.ram_high = 64u << 20,
	},
};

const struct bench_profile *bench_profile_builtin_at(size_t i)
{
	return i < sizeof(bench_builtin_profiles) / sizeof(bench_builtin_profiles[0])
		       ? &bench_builtin_profiles[i]
		       : NULL;
}
