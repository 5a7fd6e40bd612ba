/* Generic scenarios about what the firmware may do between a stop and a
 * start: move every BAR and the MSI message (rebalance), and turn memory
 * and bus-master decode off (disable/enable). A driver must take nothing
 * across a stop: it maps, enables and registers again on start. The shim
 * records any access through a mapping made before its BAR moved. */
#include <stdio.h>

#include "generic.h"
#include "io.h"

#define BENCH_PCI_COMMAND 0x04u
#define BENCH_PCI_CMD_DECODE 0x0007u /* I/O, memory, bus master */
#define BENCH_PCI_BAR0 0x10u
#define BENCH_PCI_CAP_MSI 0x05u
#define BENCH_MSI_ADDR_LO 4u

struct bench_layout {
	uint32_t bar[6];
	uint32_t msi_addr, msi_data;
	bool msi;
};

/* BARs as config space holds them, and the MSI message if MSI is on. */
static void bench_layout_read(shim_pci_device *dev, struct bench_layout *l)
{
	uint8_t cap = shim_pci_find_capability(dev, BENCH_PCI_CAP_MSI);

	for (unsigned i = 0; i < 6; i++)
		l->bar[i] = shim_pci_cfg_read32(dev, (uint16_t)(BENCH_PCI_BAR0 + 4 * i));
	l->msi = cap != 0 && (shim_pci_cfg_read16(dev, (uint16_t)(cap + 2)) & 1u) != 0;
	if (l->msi) {
		bool is64 = (shim_pci_cfg_read16(dev, (uint16_t)(cap + 2)) & 0x80u) != 0;

		l->msi_addr = shim_pci_cfg_read32(dev, (uint16_t)(cap + BENCH_MSI_ADDR_LO));
		l->msi_data = shim_pci_cfg_read16(dev, (uint16_t)(cap + (is64 ? 12 : 8)));
	}
}

/* Start again, check the driver answers and that I/O through every
 * selector records nothing (a stale mapping would). */
static enum bench_result bench_restart_and_use(struct bench_machine *fx, const char *after,
					       char *why, size_t len)
{
	char v[BENCH_WHY_LEN] = "";
	struct bench_io io;
	unsigned taken = 0;
	shim_ret r;

	fx->match_ret = shim_machine_match(fx->machine, fx->kext, &fx->started);
	fx->svc = shim_machine_service(fx->machine, fx->dev);
	if (fx->svc == NULL)
		return bench_fail(why, len, "no start after %s: match %s, %zu started", after,
				  shim_ret_string(fx->match_ret), fx->started);
	if (bench_machine_alive(fx, after, why, len) != SHIM_OK)
		return BENCH_FAIL;
	r = bench_io_open(fx, &io, why, len);
	if (r == SHIM_OK) {
		r = bench_io_each(&io, false, &taken, why, len);
		bench_io_close(&io);
	} else if (r == SHIM_ERR_UNSUPPORTED) {
		r = SHIM_OK; /* no user client: the alive check is all there is */
	}
	if (r != SHIM_OK)
		return BENCH_FAIL;
	if (!bench_verifier_empty(v, sizeof(v)))
		return bench_fail(why, len, "after %s: %s", after, v);
	return BENCH_PASS;
}

static enum bench_result run_rebalance(struct bench_machine *fx, char *why, size_t len)
{
	struct bench_layout before, moved, after;
	bool bar_moved = false;
	shim_ret r;

	bench_layout_read(fx->dev, &before);
	r = shim_machine_terminate(fx->machine, fx->dev);
	fx->svc = NULL;
	if (r != SHIM_OK)
		return bench_fail(why, len, "terminate: %s", shim_ret_string(r));
	r = shim_machine_rebalance(fx->machine, fx->dev);
	if (r != SHIM_OK)
		return bench_fail(why, len, "rebalance: %s (%s)", shim_ret_string(r),
				  shim_machine_last_error(fx->machine));
	bench_layout_read(fx->dev, &moved);
	for (unsigned i = 0; i < 6; i++)
		bar_moved = bar_moved || (before.bar[i] & ~0xfu) != (moved.bar[i] & ~0xfu);
	if (!bar_moved)
		return bench_fail(why, len, "the firmware moved no BAR: nothing was tested");
	if (bench_restart_and_use(fx, "a rebalance", why, len) != BENCH_PASS)
		return BENCH_FAIL;
	bench_layout_read(fx->dev, &after);
	if (before.msi && after.msi && before.msi_addr == after.msi_addr &&
	    before.msi_data == after.msi_data)
		return bench_fail(why, len, "the MSI message did not change (0x%08x/0x%04x)",
				  after.msi_addr, after.msi_data);
	snprintf(why, len, "BAR0 0x%08x -> 0x%08x%s", before.bar[0] & ~0xfu, after.bar[0] & ~0xfu,
		 after.msi ? ", MSI message changed" : ", MSI not in use");
	return BENCH_PASS;
}

/* Decode off after a stop: the next start must turn on what it needs. Then
 * off and on again around a stop and start. */
static enum bench_result run_disable_enable(struct bench_machine *fx, char *why, size_t len)
{
	uint16_t cmd;
	shim_ret r;

	for (int round = 0; round < 2; round++) {
		r = shim_machine_terminate(fx->machine, fx->dev);
		fx->svc = NULL;
		if (r != SHIM_OK)
			return bench_fail(why, len, "terminate: %s", shim_ret_string(r));
		cmd = shim_pci_cfg_read16(fx->dev, BENCH_PCI_COMMAND);
		shim_pci_cfg_write16(fx->dev, BENCH_PCI_COMMAND,
				     (uint16_t)(cmd & ~BENCH_PCI_CMD_DECODE));
		if (round == 1)
			shim_pci_cfg_write16(fx->dev, BENCH_PCI_COMMAND, cmd);
		if (bench_restart_and_use(fx, round == 0 ? "decode turned off" :
							  "decode turned off and on",
					  why, len) != BENCH_PASS)
			return BENCH_FAIL;
	}
	return BENCH_PASS;
}

const struct bench_scenario bench_sc_rebalance = {
	.name = "rebalance",
	.summary = "stopped, every BAR and the MSI message moved, started again: the driver maps "
		   "and registers afresh, nothing goes through an old mapping",
	.run = run_rebalance,
};

const struct bench_scenario bench_sc_disable_enable = {
	.name = "disable-enable-decode",
	.summary = "memory and bus-master decode turned off after a stop (and on again): the "
		   "next start enables what it needs and the driver answers",
	.run = run_disable_enable,
};
