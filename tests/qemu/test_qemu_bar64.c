/* 64-bit BARs on the qemu host, on q35 and on pc: the shim's firmware puts
 * BAR0 of QEMU's nvme (a 64-bit memory BAR) in the host's window above
 * 4 GiB, and MMIO there reaches the controller's registers. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "shim/host_qemu.h"
#include "shim/machine.h"
#include "shim/pci.h"
#include "shim/verifier.h"

#define NVME_VENDOR 0x1b36
#define NVME_DEVICE 0x0010
#define NVME_BAR0_SIZE 0x4000u
#define NVME_DISK_BYTES (1u << 20)
/* Controller registers (NVMe base spec, "Controller Registers"). */
#define NVME_CAP 0x00
#define NVME_VS 0x08
#define NVME_ASQ 0x28
#define NVME_CAP_MQES_MASK 0xffffull
#define NVME_CAP_CSS_NVM (1ull << 37)
#define NVME_VS_1_4 0x00010400u   /* what QEMU 7.2's controller reports */
#define QEMU_NVME_MQES 0x7ffu    /* QEMU's default queue size limit, minus one */
#define BAR_TYPE_MASK 0x6u
#define BAR_TYPE_64 0x4u
#define FOUR_GIB 0x100000000ull
/* The 64-bit window shim/host_qemu.h promises. */
#define QEMU_MMIO64_BASE 0x1000000000ull
#define QEMU_MMIO64_SIZE 0x1000000000ull

struct bar64_fx {
	char dir[64];           /* temp dir of the disk image; gone once QEMU holds it */
	shim_machine *m;        /* owns the host */
	shim_pci_device *nvme;
};

static void bar64_forget_disk(struct bar64_fx *fx)
{
	char path[96];

	if (!fx->dir[0])
		return;
	snprintf(path, sizeof(path), "%s/disk.img", fx->dir);
	unlink(path);
	rmdir(fx->dir);
	fx->dir[0] = '\0';
}

/* A 1 MiB raw image in a fresh temp dir; false (and nothing left) on error. */
static bool bar64_make_disk(struct bar64_fx *fx, char *path, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(fx->dir, sizeof(fx->dir), "%s/drvbench-nvme-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir)) {
		fx->dir[0] = '\0';
		return false;
	}
	snprintf(path, len, "%s/disk.img", fx->dir);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, NVME_DISK_BYTES) != 0) {
		if (fd >= 0)
			close(fd);
		bar64_forget_disk(fx);
		return false;
	}
	close(fd);
	return true;
}

static int bar64_boot(void **state, const char *machine)
{
	struct bar64_fx *fx = calloc(1, sizeof(*fx));
	char disk[96], drive[160], err[1024];
	const char *devices[] = { "nvme,serial=drvbench,drive=d0,addr=5", NULL };
	const char *extra[] = { "-drive", drive, NULL };
	struct shim_qemu_options o = { .machine = machine, .device_args = devices,
				       .extra_args = extra };
	struct shim_host host;

	if (!fx || !bar64_make_disk(fx, disk, sizeof(disk))) {
		fprintf(stderr, "%s: cannot make the nvme disk image\n", machine);
		free(fx);
		return -1;
	}
	snprintf(drive, sizeof(drive), "if=none,id=d0,file=%s,format=raw", disk);
	shim_verifier_clear();
	if (shim_qemu_host_create(&o, &host, err, sizeof(err)) != SHIM_OK) {
		fprintf(stderr, "%s: qemu host: %s\n", machine, err);
		bar64_forget_disk(fx);
		free(fx);
		return -1;
	}
	bar64_forget_disk(fx); /* QEMU has it open: nothing stays on disk */
	if (shim_machine_create(host, &fx->m) != SHIM_OK) {
		fprintf(stderr, "%s: machine: %s\n", machine, shim_machine_last_error(NULL));
		free(fx);
		return -1;
	}
	for (size_t i = 0; i < shim_machine_device_count(fx->m); i++) {
		shim_pci_device *d = shim_machine_device(fx->m, i);

		if (shim_pci_vendor_id(d) == NVME_VENDOR && shim_pci_device_id(d) == NVME_DEVICE)
			fx->nvme = d;
	}
	*state = fx;
	return 0;
}

static int bar64_boot_q35(void **state)
{
	return bar64_boot(state, "q35");
}

static int bar64_boot_pc(void **state)
{
	return bar64_boot(state, "pc");
}

static int bar64_shutdown(void **state)
{
	struct bar64_fx *fx = *state;

	if (fx) {
		shim_machine_destroy(fx->m);
		bar64_forget_disk(fx);
		free(fx);
	}
	return 0;
}

static uint64_t bar0_address(shim_pci_device *dev)
{
	uint32_t lo = shim_pci_cfg_read32(dev, 0x10), hi = shim_pci_cfg_read32(dev, 0x14);

	assert_int_equal(BAR_TYPE_64, lo & BAR_TYPE_MASK);
	return (uint64_t)hi << 32 | (lo & ~0xfu);
}

static void test_nvme_bar0_is_assigned_in_the_window_above_4gib(void **state)
{
	struct bar64_fx *fx = *state;
	uint64_t bar0;

	assert_non_null(fx->nvme);
	bar0 = bar0_address(fx->nvme);
	assert_true(bar0 >= FOUR_GIB);
	assert_true(bar0 >= QEMU_MMIO64_BASE);
	assert_true(bar0 + NVME_BAR0_SIZE <= QEMU_MMIO64_BASE + QEMU_MMIO64_SIZE);
	assert_int_equal(0, bar0 % NVME_BAR0_SIZE);
}

static void test_mmio_above_4gib_reads_the_nvme_registers(void **state)
{
	struct bar64_fx *fx = *state;
	shim_mmio_map *map = NULL;
	uint64_t cap;

	assert_non_null(fx->nvme);
	shim_pci_set_memory_enable(fx->nvme, true);
	assert_int_equal(SHIM_OK, shim_pci_map_bar(fx->nvme, 0, &map));
	assert_int_equal(NVME_BAR0_SIZE, shim_mmio_length(map));
	assert_int_equal(NVME_VS_1_4, shim_mmio_read32(map, NVME_VS));
	cap = shim_mmio_read64(map, NVME_CAP);
	assert_int_equal(QEMU_NVME_MQES, cap & NVME_CAP_MQES_MASK);
	assert_true(cap & NVME_CAP_CSS_NVM);
	shim_mmio_unmap(map);
	assert_true(shim_pci_set_memory_enable(fx->nvme, false)); /* it was on */
	assert_int_equal(0, shim_verifier_count());
}

static void test_mmio_writes_above_4gib_reach_the_controller(void **state)
{
	struct bar64_fx *fx = *state;
	const uint64_t asq = 0x00123000ull; /* only kept in the register, never used */
	shim_mmio_map *map = NULL;

	assert_non_null(fx->nvme);
	shim_pci_set_memory_enable(fx->nvme, true);
	assert_int_equal(SHIM_OK, shim_pci_map_bar(fx->nvme, 0, &map));
	shim_mmio_write64(map, NVME_ASQ, asq);
	assert_int_equal(asq, shim_mmio_read64(map, NVME_ASQ));
	shim_mmio_write64(map, NVME_ASQ, 0);
	assert_int_equal(0, shim_mmio_read64(map, NVME_ASQ));
	shim_mmio_unmap(map);
	assert_true(shim_pci_set_memory_enable(fx->nvme, false)); /* it was on */
	assert_int_equal(0, shim_verifier_count());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nvme_bar0_is_assigned_in_the_window_above_4gib),
		cmocka_unit_test(test_mmio_above_4gib_reads_the_nvme_registers),
		cmocka_unit_test(test_mmio_writes_above_4gib_reach_the_controller),
	};
	int failed = cmocka_run_group_tests_name("q35", tests, bar64_boot_q35, bar64_shutdown);

	failed += cmocka_run_group_tests_name("pc", tests, bar64_boot_pc, bar64_shutdown);
	return failed;
}
