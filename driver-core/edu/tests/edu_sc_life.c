/* edu scenarios about the driver's life: a start that must fail, calls
 * after stop, and the verifier catching misuse. */
#include <string.h>

#include "edu_tests.h"
#include "shim/memory.h"
#include "shim/verifier.h"

/* Not edu's 0x010000ed: wrong major version and wrong low byte. */
#define EDU_WRONG_ID 0x0badc0deu
#define EDU_WRONG_ID_TEXT "0x0badc0de"

static enum bench_result run_wrong_id(struct bench_machine *fx, char *why, size_t len)
{
	char diff[BENCH_WHY_LEN] = "";

	if (fx->svc != NULL || fx->started != 0)
		return bench_fail(why, len, "driver started on a device whose ID register reads 0x%08x",
			       EDU_WRONG_ID);
	if (!bench_baseline_matches(&fx->pre_match, diff, sizeof(diff)))
		return bench_fail(why, len, "failed start left resources behind: %s", diff);
	if (!bench_verifier_empty(diff, sizeof(diff)))
		return bench_fail(why, len, "failed start: %s", diff);
	return BENCH_PASS;
}

/* Calls made from inside stop, after the driver's own stop ran: the
 * service still exists but the driver must answer NOT_READY. A user client
 * racing a termination sees exactly this window. */
static struct {
	const struct shim_driver *inner;
	struct shim_driver wrapped;
	const struct shim_driver *drivers[1];
	struct shim_kext_desc desc;
	bool ran;
	shim_ret liveness, read_id, factorial, dma, raise;
} edu_after_stop;

static void edu_probing_stop(shim_service *svc)
{
	static uint8_t byte;
	uint32_t v = 0;

	edu_after_stop.inner->stop(svc);
	edu_after_stop.ran = true;
	edu_after_stop.liveness = edu_api.liveness(svc, 1, &v);
	edu_after_stop.read_id = edu_api.read_id(svc, &v);
	edu_after_stop.factorial = edu_api.factorial(svc, 3, &v);
	edu_after_stop.dma = edu_api.dma_to_device(svc, 0, &byte, 1);
	edu_after_stop.raise = edu_api.raise_interrupt(svc, 0x1000);
}

/* The loaded kext with its driver's stop instrumented. */
static const struct shim_kext_desc *wrap_after_stop(const struct shim_kext_desc *loaded)
{
	memset(&edu_after_stop, 0, sizeof(edu_after_stop));
	edu_after_stop.inner = loaded->drivers[0];
	edu_after_stop.wrapped = *loaded->drivers[0];
	edu_after_stop.wrapped.stop = edu_probing_stop;
	edu_after_stop.drivers[0] = &edu_after_stop.wrapped;
	edu_after_stop.desc = *loaded;
	edu_after_stop.desc.drivers = edu_after_stop.drivers;
	edu_after_stop.desc.driver_count = 1;
	return &edu_after_stop.desc;
}

static enum bench_result run_after_stop(struct bench_machine *fx, char *why, size_t len)
{
	static const char *const names[] = { "liveness", "read_id", "factorial", "dma_to_device",
					     "raise_interrupt" };
	shim_ret got[5];
	shim_ret r = shim_machine_terminate(fx->machine, fx->dev);

	fx->svc = NULL;
	if (r != SHIM_OK)
		return bench_fail(why, len, "terminate: %s", shim_ret_string(r));
	if (!edu_after_stop.ran)
		return bench_fail(why, len, "terminate did not call the driver's stop");
	got[0] = edu_after_stop.liveness;
	got[1] = edu_after_stop.read_id;
	got[2] = edu_after_stop.factorial;
	got[3] = edu_after_stop.dma;
	got[4] = edu_after_stop.raise;
	for (size_t i = 0; i < 5; i++)
		if (got[i] != SHIM_ERR_NOT_READY)
			return bench_fail(why, len, "edu_%s after stop: %s, expected %s", names[i],
				       shim_ret_string(got[i]), shim_ret_string(SHIM_ERR_NOT_READY));
	return BENCH_PASS;
}

/* Checks that exactly one record was added since `before`, of `kind`, at this file:line. */
static enum bench_result edu_expect_record(size_t before, enum shim_violation_kind kind, int line,
				       const char *what, char *why, size_t len)
{
	const struct shim_violation *v;

	if (shim_verifier_count() != before + 1)
		return bench_fail(why, len, "%s: %zu verifier record(s), expected 1", what,
			       shim_verifier_count() - before);
	v = shim_verifier_get(before);
	if (v == NULL)
		return bench_fail(why, len, "%s: record %zu not kept", what, before);
	if (v->kind != kind)
		return bench_fail(why, len, "%s: recorded %s, expected %s", what,
			       shim_violation_kind_string(v->kind), shim_violation_kind_string(kind));
	if (v->file == NULL || strcmp(v->file, __FILE__) != 0 || v->line != line)
		return bench_fail(why, len, "%s: recorded at %s:%d, expected %s:%d", what,
			       v->file ? v->file : "(null)", v->line, __FILE__, line);
	return BENCH_PASS;
}

static enum bench_result edu_misuse(shim_memdesc *md, char *why, size_t len)
{
	enum bench_result res;
	uint64_t addr = 0;
	size_t before = shim_verifier_count();
	int line;
	shim_ret r;

	if (before != 0)
		return bench_fail(why, len, "verifier not empty before the misuse (%zu)", before);
	line = __LINE__ + 1;
	(void)shim_memdesc_complete(md);
	res = edu_expect_record(0, SHIM_V_PREPARE_UNBALANCED, line, "complete without prepare",
			       why, len);
	if (res != BENCH_PASS)
		return res;
	line = __LINE__ + 1;
	r = shim_memdesc_dma_address(md, 0, 16, &addr);
	if (r != SHIM_ERR_NOT_READY)
		return bench_fail(why, len, "dma address of an unprepared descriptor: %s, expected %s",
			       shim_ret_string(r), shim_ret_string(SHIM_ERR_NOT_READY));
	return edu_expect_record(1, SHIM_V_DMA_UNPREPARED, line, "dma address while unprepared",
				why, len);
}

static enum bench_result run_verifier_misuse(struct bench_machine *fx, char *why, size_t len)
{
	shim_memdesc *md = NULL;
	enum bench_result res;
	shim_ret r = shim_dma_buffer_alloc(fx->dev, 4096, 0, EDU_DMA_MASK, &md);

	if (r != SHIM_OK)
		return bench_fail(why, len, "dma buffer: %s", shim_ret_string(r));
	res = edu_misuse(md, why, len);
	shim_memdesc_release(md);
	shim_verifier_clear();
	if (res == BENCH_PASS && shim_verifier_count() != 0)
		res = bench_fail(why, len, "verifier still holds %zu record(s) after clear",
			      shim_verifier_count());
	return res;
}

const struct bench_scenario edu_sc_wrong_id = {
	.name = "wrong-id-start-fails",
	.summary = "a device with a wrong ID register is refused; counters return to baseline",
	.run = run_wrong_id,
	.device_options = "id=" EDU_WRONG_ID_TEXT,
	.cannot_run = (const struct bench_expect[]){
		{ "qemu", "no 'id' option" }, /* QEMU's edu has a fixed ID register */
		{ NULL, NULL } },
	.start_may_fail = true,
};

const struct bench_scenario edu_sc_after_stop = {
	.name = "calls-after-stop",
	.summary = "driver operations after stop answer NOT_READY",
	.run = run_after_stop,
	.wrap_kext = wrap_after_stop,
};

const struct bench_scenario edu_sc_verifier_misuse = {
	.name = "verifier-catches-misuse",
	.summary = "complete/DMA address on an unprepared descriptor are recorded with file:line",
	.run = run_verifier_misuse,
};
