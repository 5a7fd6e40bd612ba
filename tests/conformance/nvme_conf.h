/* What the NVMe conformance test's two files share: a host under a trace
 * recorder with the driver's operations resolved from its kext, the notes
 * every case writes, and the cases about interrupts and power
 * (nvme_conf_irq_pm.c). */
#ifndef NVME_CONF_H
#define NVME_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/host.h"
#include "bench/kext.h"
#include "bench/trace.h"
#include "nvme/nvme_driver.h"

#define NC_WATCH_NS 3600000000000ull /* an hour: longer than any command's timeout */

/* The driver's operations, found in the kext loaded for the host at hand. */
struct nc_api {
	__typeof__(&org_drvbench_driver_nvme_get_info) get_info;
	__typeof__(&org_drvbench_driver_nvme_identify) identify;
	__typeof__(&org_drvbench_driver_nvme_read) read;
	__typeof__(&org_drvbench_driver_nvme_write) write;
	__typeof__(&org_drvbench_driver_nvme_read_buf) read_buf;
	__typeof__(&org_drvbench_driver_nvme_write_buf) write_buf;
	__typeof__(&org_drvbench_driver_nvme_flush) flush;
	__typeof__(&org_drvbench_driver_nvme_passthru) passthru;
	__typeof__(&org_drvbench_driver_nvme_completion_log) completion_log;
	__typeof__(&org_drvbench_driver_nvme_set_watch) set_watch;
	__typeof__(&org_drvbench_driver_nvme_get_stats) get_stats;
	__typeof__(&org_drvbench_driver_nvme_set_queue_interrupt) set_queue_interrupt;
};

struct nc_host {
	struct bench_kext *kext;
	struct bench_host_parts parts;
	bool parts_live;
	struct bench_trace *trace;
	shim_machine *m;
	shim_kext *k;
	shim_pci_device *dev;
	shim_service *svc;
	struct nc_api api;
};

/* Every completion the driver consumed since the last look, as notes. */
void nc_note_completions(struct nc_host *h);
/* A hash of len bytes at buf, as a note naming what they are. */
void nc_note_data(struct nc_host *h, const char *what, const void *buf, size_t len);

/* The cases of nvme_conf_irq_pm.c; each false with why on failure. */
bool nc_case_msix_per_queue(struct nc_host *h, char *why, size_t len);
bool nc_case_masked_vector(struct nc_host *h, char *why, size_t len);
bool nc_case_sleep_io(struct nc_host *h, char *why, size_t len);
bool nc_case_fatal_recovery(struct nc_host *h, char *why, size_t len);
/* Last, on a machine of its own: it leaves the device gone. */
bool nc_case_removal_io(struct nc_host *h, char *why, size_t len);

#endif
