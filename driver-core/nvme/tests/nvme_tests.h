/* The NVMe driver's own scenarios (nvme_sc_*.c), gathered in nvme_tests.c,
 * and the helpers they share (nvme_helpers.c). */
#ifndef NVME_TESTS_H
#define NVME_TESTS_H

#include "bench/scenario.h"
#include "bench/uc_oracle.h"
#include "nvme_api.h"
#include "shim/uc_client.h"

extern const struct bench_scenario nvt_sc_identify, nvt_sc_write_read_prp, nvt_sc_uc_bad_input,
	nvt_sc_msix_per_queue, nvt_sc_masked_vector, nvt_sc_intx_fallback, nvt_sc_timeout,
	nvt_sc_fatal_recovery, nvt_sc_removal_io, nvt_sc_sleep_io, nvt_sc_garbage_cap,
	nvt_sc_garbage_never_ready, nvt_sc_garbage_phase, nvt_sc_garbage_cid;
/* The user client's contract, for the fuzzers (nvme_uc_oracle.c). */
extern const struct bench_uc_oracle nvt_uc_oracle;

/* nvme's power table is {off, sleep, on}. */
#define NVT_PS_SLEEP 1u
#define NVT_PS_ON 2u

/* Bytes that tell a block from its neighbours: seed and position. */
void nvt_fill(uint8_t *buf, size_t len, unsigned seed);
/* A write and read back of a few blocks through the driver, and a flush. */
enum bench_result nvt_works(struct bench_machine *fx, const char *when, char *why, size_t len);

/* A root client of the driver's user client. */
struct nvt_client {
	shim_task *task;
	shim_uc_conn *conn;
	unsigned long completions;
	shim_ret last_status;   /* from the last completion's values */
};
shim_ret nvt_client_open(struct bench_machine *fx, struct nvt_client *c, char *why, size_t len);
void nvt_client_close(struct nvt_client *c);
/* A call with scalars in, optional structure input/output, nothing async. */
shim_ret nvt_call(struct nvt_client *c, uint32_t sel, const uint64_t *in, uint32_t nin,
		  const void *sin, size_t sin_size, void *sout, size_t sout_size);
/* An async flush: its completion counts into c. */
shim_ret nvt_flush_async(struct nvt_client *c, uint64_t *handle);

/* True when a kernel log line so far holds needle (the ring is drained). */
bool nvt_log_has(const char *needle);

#endif
