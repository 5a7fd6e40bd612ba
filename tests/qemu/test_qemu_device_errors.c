/* The device-error counters of the hosts, the evidence edu's DMA refusal
 * scenarios rely on: a real edu fault (QEMU's abort or clamped address; our
 * model's report of the same) is counted on qemu and sim for the same
 * request, and the count only grows: each of several identical faults adds
 * exactly one, on qemu and qemu-proxy, though the same message is already
 * in QEMU's (or the remote's) output. Raw hosts from the factories, edu
 * driven through edu_qos; teardown destroys a host a failed test left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/host.h"
#include "edu_qos.h"

#define LARGE_RAM (512ull << 20) /* the 28-bit mask boundary lies inside RAM */
#define CLAMPED_SRC 0x10200000u  /* a bus address above edu's 28-bit mask */
#define FAULT_ROUNDS 200
#define REPEATS 3

struct errors_fx {
	const struct bench_host_factory *factory;
	struct bench_host_parts parts;
	bool live;
	struct edu_qos edu;
};

static int errors_setup(void **state)
{
	static struct errors_fx f;

	memset(&f, 0, sizeof(f));
	*state = &f;
	return 0;
}

static void errors_destroy(struct errors_fx *f)
{
	if (!f->live)
		return;
	f->parts.host.ops->destroy(f->parts.host.ctx);
	f->parts.release(f->parts.priv);
	f->live = false;
}

static int errors_teardown(void **state)
{
	errors_destroy(*state);
	return 0;
}

/* A raw host of factory with edu, BAR0 placed as firmware would. */
static void errors_create(struct errors_fx *f, const struct bench_host_factory *factory,
			  uint64_t ram)
{
	const struct bench_profile *edu = bench_profile_builtin_find("edu");
	struct bench_options opt = { .ram_size = ram, .profile = edu };
	char why[512] = "";

	errors_destroy(f);
	f->factory = factory;
	if (!factory->available(edu, why, sizeof(why)))
		fail_msg("%s unavailable: %s", factory->name, why);
	if (factory->create(&opt, &f->parts, why, sizeof(why)) != SHIM_OK)
		fail_msg("%s create: %s", factory->name, why);
	f->live = true;
	if (f->parts.device_errors == NULL)
		fail_msg("%s has no device-error counter", factory->name);
	edu_qos_init(&f->edu, &f->parts.host, SHIM_BDF(0, bench_profile_slot(edu), 0));
	edu_qos_map(&f->edu, EDU_QOS_BAR0_ADDR);
}

/* Runs the clock until the count passes `before` (the DMA timer fired, or
 * QEMU died of it); the count then. */
static unsigned long errors_wait_past(struct errors_fx *f, unsigned long before, const char **last)
{
	unsigned long n = f->parts.device_errors(f->parts.priv, last);

	for (int i = 0; i < FAULT_ROUNDS && n == before; i++) {
		(void)edu_qos_try_run(&f->edu, EDU_QOS_STEP_NS); /* fails once QEMU aborted */
		n = f->parts.device_errors(f->parts.priv, last);
	}
	return n;
}

/* One faulty 16-byte DMA; the count must become at least one and the last
 * report must carry sign. */
static void fault_is_counted(struct errors_fx *f, const struct bench_host_factory *factory,
			     uint64_t ram, uint64_t src, uint64_t dst, uint32_t cmd, const char *sign)
{
	const char *last = NULL;
	char report[512];
	unsigned long n;

	errors_create(f, factory, ram);
	assert_int_equal(0, f->parts.device_errors(f->parts.priv, &last));
	edu_qos_dma_start(&f->edu, src, dst, 16, cmd);
	n = errors_wait_past(f, 0, &last);
	snprintf(report, sizeof(report), "%s", last != NULL ? last : "(none)"); /* priv owns last */
	errors_destroy(f);
	if (n < 1)
		fail_msg("%s: the faulty DMA was not counted", factory->name);
	if (strstr(report, sign) == NULL)
		fail_msg("%s: fault report '%s' lacks '%s'", factory->name, report, sign);
}

static void test_device_errors_count_last_byte_dma_on_qemu_and_sim(void **state)
{
	const uint32_t to_ram = EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM;
	/* 16 bytes from the buffer's end - 8 touch its last byte: QEMU 7.2 aborts. */
	const uint32_t src = EDU_QOS_DMA_BUF + EDU_QOS_DMA_BUF_SIZE - 8;

	fault_is_counted(*state, &bench_host_qemu_factory, 0, src, 0x200000u, to_ram,
			 "hardware error");
	fault_is_counted(*state, &bench_host_sim_factory, 0, src, 0x200000u, to_ram,
			 "out of bounds");
}

static void test_device_errors_count_clamped_dma_on_qemu_and_sim(void **state)
{
	/* A bus address above the 28-bit mask is clamped, with a note. */
	fault_is_counted(*state, &bench_host_qemu_factory, LARGE_RAM, CLAMPED_SRC, EDU_QOS_DMA_BUF,
			 EDU_QOS_DMA_START, "clamping DMA");
	fault_is_counted(*state, &bench_host_sim_factory, LARGE_RAM, CLAMPED_SRC, EDU_QOS_DMA_BUF,
			 EDU_QOS_DMA_START, "clamping DMA");
}

static void repeat_fault_counts_each(struct errors_fx *f, const struct bench_host_factory *factory)
{
	unsigned long n[REPEATS + 1] = { 0 };

	errors_create(f, factory, LARGE_RAM);
	n[0] = f->parts.device_errors(f->parts.priv, NULL);
	for (unsigned k = 1; k <= REPEATS; k++) {
		edu_qos_dma_start(&f->edu, CLAMPED_SRC, EDU_QOS_DMA_BUF, 16, EDU_QOS_DMA_START);
		n[k] = errors_wait_past(f, n[k - 1], NULL);
	}
	errors_destroy(f);
	print_message("  %s: device errors %lu -> %lu -> %lu -> %lu\n", factory->name, n[0], n[1],
		      n[2], n[3]);
	for (unsigned k = 0; k <= REPEATS; k++)
		if (n[k] != k)
			fail_msg("%s: after %u clamped DMA(s) the count is %lu, want %u",
				 factory->name, k, n[k], k);
}

static void test_device_errors_count_identical_faults_each_time(void **state)
{
	repeat_fault_counts_each(*state, &bench_host_qemu_factory);
	repeat_fault_counts_each(*state, &bench_host_qemu_proxy_factory);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_device_errors_count_last_byte_dma_on_qemu_and_sim,
						errors_setup, errors_teardown),
		cmocka_unit_test_setup_teardown(test_device_errors_count_clamped_dma_on_qemu_and_sim,
						errors_setup, errors_teardown),
		cmocka_unit_test_setup_teardown(test_device_errors_count_identical_faults_each_time,
						errors_setup, errors_teardown),
	};

	return cmocka_run_group_tests_name("device_errors", tests, NULL, NULL);
}
