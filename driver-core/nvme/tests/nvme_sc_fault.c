/* NVMe scenarios about faults: a command that never completes (timeout,
 * reset, the driver goes on), a fatal controller status (bus mastering
 * lost under the driver: the controller cannot fetch, CSTS.CFS; reset and
 * back), and devices that answer with garbage (all-ones CAP, CSTS never
 * ready, a phase tag that never flips, completions for unknown command
 * IDs): the start fails with a timeout or refusal and a log line, leaking
 * nothing and never hanging. */
#include <stdio.h>
#include <string.h>

#include "nvme_tests.h"
#include "shim/pci.h"

#define NVT_SHORT_TIMEOUT_NS 50000000ull

static enum bench_result run_timeout(struct bench_machine *fx, char *why, size_t len)
{
	struct nvme_stats st;
	static uint8_t id[NVME_ID_BYTES];
	shim_ret r;

	/* Behind the proxy the clock is real time: keep the wait short. */
	nvt_api.set_timeout(fx->svc, NVT_SHORT_TIMEOUT_NS);
	r = nvt_api.flush(fx->svc);
	nvt_api.get_stats(fx->svc, &st);
	if (r != SHIM_ERR_TIMEOUT || st.timeouts != 1 || st.resets != 1)
		return bench_fail(why, len, "flush on a controller that holds I/O: %s, %llu "
				  "timeout(s), %llu reset(s); want TIMEOUT, 1, 1", shim_ret_string(r),
				  (unsigned long long)st.timeouts, (unsigned long long)st.resets);
	if (!nvt_log_has("timed out"))
		return bench_fail(why, len, "no log line says the command timed out");
	/* The controller came back: admin commands (which it does complete) work. */
	r = nvt_api.identify(fx->svc, 1, 0, id);
	if (r != SHIM_OK)
		return bench_fail(why, len, "identify after the reset: %s", shim_ret_string(r));
	snprintf(why, len, "timed out after %llu ms, controller reset, identify works",
		 NVT_SHORT_TIMEOUT_NS / 1000000ull);
	return BENCH_PASS;
}

static enum bench_result run_fatal_recovery(struct bench_machine *fx, char *why, size_t len)
{
	struct nvme_stats st;
	enum bench_result res = nvt_works(fx, "before", why, len);
	shim_ret r;

	if (res != BENCH_PASS)
		return res;
	/* Bus mastering off behind the driver: the next fetch fails. */
	shim_pci_set_bus_master(fx->dev, false);
	r = nvt_api.flush(fx->svc);
	nvt_api.get_stats(fx->svc, &st);
	if (r != SHIM_ERR_DEVICE_ERROR || st.resets != 1 || st.device_errors != 1)
		return bench_fail(why, len, "flush with the controller fatal: %s, %llu reset(s), %llu "
				  "fatal status(es); want DEVICE_ERROR, 1, 1", shim_ret_string(r),
				  (unsigned long long)st.resets, (unsigned long long)st.device_errors);
	if (!nvt_log_has("fatal controller status"))
		return bench_fail(why, len, "no log line names the fatal status");
	res = nvt_works(fx, "after the reset", why, len);
	if (res == BENCH_PASS)
		snprintf(why, len, "CSTS.CFS seen, controller reset, I/O works again");
	return res;
}

/* A hostile variant: the driver must not start, with a log line. */
static enum bench_result nvt_garbage(struct bench_machine *fx, const char *log, char *why,
				     size_t len)
{
	if (fx->svc != NULL)
		return bench_fail(why, len, "the driver started on a controller that answers "
				  "garbage");
	if (fx->match_ret == SHIM_OK)
		return bench_fail(why, len, "start failed but the match says OK");
	if (!nvt_log_has(log))
		return bench_fail(why, len, "start failed (%s) without a log line saying '%s'",
				  shim_ret_string(fx->match_ret), log);
	snprintf(why, len, "start failed with %s, logged '%s'", shim_ret_string(fx->match_ret), log);
	return BENCH_PASS;
}

static enum bench_result run_garbage_cap(struct bench_machine *fx, char *why, size_t len)
{
	return nvt_garbage(fx, "CAP reads all-ones", why, len);
}

static enum bench_result run_garbage_never_ready(struct bench_machine *fx, char *why, size_t len)
{
	return nvt_garbage(fx, "never read", why, len);
}

static enum bench_result run_garbage_phase(struct bench_machine *fx, char *why, size_t len)
{
	return nvt_garbage(fx, "timed out", why, len);
}

static enum bench_result run_garbage_cid(struct bench_machine *fx, char *why, size_t len)
{
	return nvt_garbage(fx, "unknown command ID", why, len);
}

static const struct bench_expect nvt_timeout_cannot[] = {
	{ "qemu", "has no 'stall_io' option" },
	{ NULL, NULL },
};

/* QEMU's own nvme has no such variants; the model behind the proxy has,
 * but there every timeout of a failing start would cost real seconds. */
static const struct bench_expect nvt_garbage_cannot[] = {
	{ "qemu", "needs a virtual clock" },
	{ "qemu-proxy", "needs a virtual clock" },
	{ NULL, NULL },
};

const struct bench_scenario nvt_sc_timeout = {
	.name = "command-timeout",
	.summary = "an I/O command the controller never completes times out with a log line; "
		   "the controller is reset and answers again",
	.run = run_timeout,
	.device_options = "stall_io",
	.cannot_run = nvt_timeout_cannot,
};

const struct bench_scenario nvt_sc_fatal_recovery = {
	.name = "fatal-status-recovery",
	.summary = "bus mastering lost under the driver: the controller reports a fatal status, "
		   "the command fails, the driver resets it and I/O works again",
	.run = run_fatal_recovery,
};

const struct bench_scenario nvt_sc_garbage_cap = {
	.name = "garbage-cap-all-ones",
	.summary = "CAP reads all-ones: start refused with a log line, nothing leaked",
	.run = run_garbage_cap,
	.device_options = "cap_all_ones",
	.start_may_fail = true,
	.needs = BENCH_CAP_VIRTUAL_TIME, /* a start timing out costs seconds on a real clock */
	.cannot_run = nvt_garbage_cannot,
};

const struct bench_scenario nvt_sc_garbage_never_ready = {
	.name = "garbage-never-ready",
	.summary = "CSTS.RDY never comes up: start times out after CAP.TO with a log line",
	.run = run_garbage_never_ready,
	.device_options = "never_ready",
	.start_may_fail = true,
	.needs = BENCH_CAP_VIRTUAL_TIME, /* a start timing out costs seconds on a real clock */
	.cannot_run = nvt_garbage_cannot,
};

const struct bench_scenario nvt_sc_garbage_phase = {
	.name = "garbage-phase-stuck",
	.summary = "completions whose phase tag never flips: the first command times out, the "
		   "reset does not help, start fails with a log line",
	.run = run_garbage_phase,
	.device_options = "phase_stuck",
	.start_may_fail = true,
	.needs = BENCH_CAP_VIRTUAL_TIME, /* a start timing out costs seconds on a real clock */
	.cannot_run = nvt_garbage_cannot,
};

const struct bench_scenario nvt_sc_garbage_cid = {
	.name = "garbage-unknown-command-id",
	.summary = "completions for command IDs never submitted are logged and dropped; the "
		   "real command times out and start fails",
	.run = run_garbage_cid,
	.device_options = "unknown_cid",
	.start_may_fail = true,
	.needs = BENCH_CAP_VIRTUAL_TIME, /* a start timing out costs seconds on a real clock */
	.cannot_run = nvt_garbage_cannot,
};
