/* A tiny in-test host for the shim's machine side: config spaces in arrays
 * (BARs with size masks, an optional MSI capability), a RAM array, a manual
 * virtual clock with scheduled interrupt events, and queues the test fills.
 * Plus a per-test fixture that builds a machine on it and checks at the end
 * that the test left no allocation, object, wired byte or verifier record. */
#ifndef DRVBENCH_TESTS_FAKE_HOST_H
#define DRVBENCH_TESTS_FAKE_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "shim/host.h"
#include "shim/machine.h"
#include "shim/verifier.h"

#define FAKE_MAX_DEVS 4
#define FAKE_MMIO_REGS 4096
#define FAKE_QUEUE 64
#define FAKE_MSI_CAP 0x40
#define FAKE_MSI_ADDR 0xfee00000ull
#define FAKE_INTX_LINE_BASE 16u

struct fake_dev {
	bool present;
	uint16_t bdf;
	uint8_t cfg[256];
	uint8_t wmask[256];        /* writable bits of ordinary registers */
	uint32_t bar_wmask[6];     /* writable (address) bits of each BAR register */
	uint8_t regs[FAKE_MMIO_REGS]; /* what BAR0 decodes to */
	unsigned cfg_reads;
};

struct fake_host {
	struct fake_dev dev[FAKE_MAX_DEVS];
	size_t dev_count;
	struct shim_host_layout layout;
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t now;
	bool clock_stuck;          /* clock_run does not advance time */
	bool fail_clock_run;       /* clock_run reports a dead host */
	bool offer_skip;           /* the handle has clock_skip (set before the machine) */
	struct {
		uint64_t at;
		struct shim_host_irq ev;
	} sched[FAKE_QUEUE];
	size_t sched_count;
	struct shim_host_irq irq[FAKE_QUEUE];
	size_t irq_head, irq_count;
	struct shim_host_dma dma[FAKE_QUEUE];
	size_t dma_head, dma_count;
	unsigned mem_reads, mem_writes;
	unsigned clock_runs, clock_skips;
	bool *destroyed;           /* set true by destroy, if non-NULL */
};

/* Default layout: RAM 0..65 MiB, DMA pool 1..65 MiB, 32-bit window at
 * 0xe0000000 (256 MiB), 64-bit window at 512 GiB (4 GiB), I/O 0xc000..0xffff. */
struct fake_host *fake_host_new(void);
struct shim_host fake_host_handle(struct fake_host *fh);

struct fake_dev *fake_dev_add(struct fake_host *fh, uint16_t bdf, uint16_t vendor,
			      uint16_t device);
/* size a power of two; kind 0 = mem32, 1 = io, 2 = mem64 (uses i and i+1). */
void fake_dev_bar(struct fake_dev *d, unsigned i, uint64_t size, int kind);
void fake_dev_msi(struct fake_dev *d, unsigned mmc_log2, bool is64);
void fake_dev_pin(struct fake_dev *d, uint8_t pin);
uint32_t fake_cfg32(const struct fake_dev *d, unsigned off);
uint16_t fake_cfg16(const struct fake_dev *d, unsigned off);

/* The device signals MSI vector k as programmed (dropped when MSI is off). */
bool fake_dev_fire_msi(struct fake_host *fh, struct fake_dev *d, unsigned k);
void fake_host_queue_irq(struct fake_host *fh, enum shim_host_irq_kind kind, uint32_t id,
			 bool level);
void fake_host_schedule_irq(struct fake_host *fh, uint64_t at, enum shim_host_irq_kind kind,
			    uint32_t id, bool level);
void fake_host_queue_dma(struct fake_host *fh, uint16_t bdf, uint64_t addr, uint64_t len,
			 bool to_memory);

/* Per-test fixture. */
struct plat_fixture {
	struct fake_host *fh;
	shim_machine *m;
	struct shim_counters start;
};
/* Empties verifier/log, snapshots counters; the machine is built by the test. */
int plat_setup(void **state);
/* Builds the machine on f->fh; asserts success. */
void plat_machine(struct plat_fixture *f);
/* Destroys the machine (if any) and checks counters are back and no record is left. */
int plat_teardown(void **state);
/* Number of verifier records of `kind`; then clears the verifier. */
size_t plat_take_violations(enum shim_violation_kind kind);

#define PLAT_TEST(fn) cmocka_unit_test_setup_teardown(fn, plat_setup, plat_teardown)

#endif
