/* bench_qemu: what one register access costs on the qemu host, against the
 * physical limit of this machine, and how long QEMU takes to come up, for
 * the device of a profile (host_bench.h: --device, default the first
 * built-in). Prints, in one run: qtest MMIO round trips per second (readl
 * of BAR0 + 0 of QEMU's own device, straight through the qemu host), a
 * bare unix-socket ping-pong between two processes (4-byte messages),
 * their ratio, and the time from starting QEMU to the device's first reply
 * (its config-space ID; median of several starts). The two rates are
 * measured in alternating rounds and the medians reported, so a noisy
 * neighbour hits both alike. Figures only, no assertions.
 * Usage: bench_qemu [--device NAME|FILE] [SECONDS per rate, 1] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_figures.h"
#include "host_bench.h"

#define BENCH_OFFSET 0x00u /* BAR0 + 0, which every device maps */
#define BENCH_STARTS 5
#define BENCH_ROUNDS 5
#define BENCH_BATCH 1000

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Round trips per second of readl on BAR0 + 0; < 0 on error. */
static double bench_mmio_rate(struct drvbench_hostbench *b, double seconds)
{
	double t0 = bench_now(), t;
	unsigned long n = 0;
	uint64_t v;

	do {
		for (int i = 0; i < BENCH_BATCH; i++)
			if (drvbench_hostbench_read(b, BENCH_OFFSET, &v) != SHIM_OK)
				return -1;
		n += BENCH_BATCH;
		t = bench_now() - t0;
	} while (t < seconds);
	return (double)n / t;
}

static void bench_echo(int fd)
{
	char msg[4];

	for (;;) {
		if (read(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
			_exit(0);
		if (write(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
			_exit(1);
	}
}

/* Round trips per second of 4-byte messages to a child echoing them; < 0 on error. */
static double bench_pingpong_rate(double seconds)
{
	int sv[2];
	pid_t child;
	double t0, t = 0;
	unsigned long n = 0;
	char msg[4] = { 'p', 'i', 'n', 'g' };
	bool ok = true;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	child = fork();
	if (child < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (child == 0) {
		close(sv[0]);
		bench_echo(sv[1]);
	}
	close(sv[1]);
	t0 = bench_now();
	while (ok && t < seconds) {
		for (int i = 0; ok && i < BENCH_BATCH; i++)
			ok = write(sv[0], msg, sizeof(msg)) == (ssize_t)sizeof(msg) &&
			     read(sv[0], msg, sizeof(msg)) == (ssize_t)sizeof(msg);
		n += BENCH_BATCH;
		t = bench_now() - t0;
	}
	close(sv[0]); /* the child sees EOF and exits */
	waitpid(child, NULL, 0);
	return ok ? (double)n / t : -1;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Milliseconds from spawning QEMU to the device's first reply (a config
 * read of its IDs, in the profile's slot); < 0 on error. */
static double bench_startup_ms(const struct bench_profile *p, char *err, size_t len)
{
	const struct bench_options opt = { .profile = p, .no_tap = true };
	const uint32_t want = (uint32_t)p->device_id << 16 | p->vendor_id;
	struct bench_host_parts parts = { 0 };
	double t0 = bench_now(), t;
	uint32_t id = 0;
	shim_ret r = bench_host_qemu_factory.create(&opt, &parts, err, len);

	if (r != SHIM_OK)
		return -1;
	r = parts.host.ops->cfg_read(parts.host.ctx, SHIM_BDF(0, bench_profile_slot(p), 0), 0, 4, &id);
	t = (bench_now() - t0) * 1e3;
	if (r != SHIM_OK)
		snprintf(err, len, "first config read: %s", parts.host.ops->last_error(parts.host.ctx));
	else if (id != want)
		snprintf(err, len, "the device's config reads 0x%08x, want 0x%08x", id, want);
	parts.host.ops->destroy(parts.host.ctx);
	if (parts.release != NULL)
		parts.release(parts.priv);
	return r == SHIM_OK && id == want ? t : -1;
}

static double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), bench_cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	struct bench_figures fig = { 0 };
	bool opts_ok = bench_figures_options(&fig, &argc, argv);
	const struct bench_profile *p =
		opts_ok ? drvbench_hostbench_profile("bench_qemu", &argc, argv) : NULL;
	double seconds = argc > 1 ? atof(argv[1]) : 1.0, mmio_r[BENCH_ROUNDS], pp_r[BENCH_ROUNDS];
	double mmio, pp, starts[BENCH_STARTS];
	struct drvbench_hostbench b;
	char err[1024] = "";

	if (p == NULL)
		return 2;
	if (argc > 2 || seconds <= 0 || seconds > 60) {
		fprintf(stderr, "usage: %s " BENCH_FIGURES_USAGE " [--device NAME|FILE]\n"
				"       [SECONDS per rate, 0 < S <= 60]\n"
				"  %s\n", argv[0], DRVBENCH_HOSTBENCH_DEVICE_HELP);
		return 2;
	}
	if (!bench_figures_begin(&fig, "bench_qemu", NULL, p->name))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if (drvbench_hostbench_boot(&b, &bench_host_qemu_factory, p, err, sizeof(err)) != SHIM_OK) {
		fprintf(stderr, "bench_qemu: cannot start qemu:%s: %s\n", p->name, err);
		fig.failed = true; /* the run is ended as failed */
		bench_figures_end(&fig);
		return 1;
	}
	for (int i = 0; i < BENCH_ROUNDS; i++) {
		mmio_r[i] = bench_mmio_rate(&b, seconds / BENCH_ROUNDS);
		pp_r[i] = bench_pingpong_rate(seconds / BENCH_ROUNDS);
	}
	for (int i = 0; i < BENCH_ROUNDS; i++)
		if (mmio_r[i] < 0)
			snprintf(err, sizeof(err), "MMIO read: %s", drvbench_hostbench_error(&b));
	drvbench_hostbench_shutdown(&b);
	mmio = bench_median(mmio_r, BENCH_ROUNDS);
	pp = bench_median(pp_r, BENCH_ROUNDS);
	for (int i = 0; i < BENCH_STARTS; i++)
		starts[i] = bench_startup_ms(p, err, sizeof(err));
	bench_median(starts, BENCH_STARTS);
	if (mmio_r[0] < 0 || pp_r[0] < 0 || starts[0] < 0) { /* sorted: failures first */
		fprintf(stderr, "bench_qemu: a measurement failed: %s\n", err);
		fig.failed = true;
		bench_figures_end(&fig);
		return 1;
	}
	printf("device: %s (QEMU's -device %s)\n", p->name, p->qemu_device);
	printf("qtest MMIO round trips (readl, BAR0 + 0):     %10.0f /s  (%.1f us each, "
	       "median of %d rounds)\n", mmio, 1e6 / mmio, BENCH_ROUNDS);
	printf("unix-socket ping-pong, 2 processes, 4 bytes:  %10.0f /s  (%.1f us each, "
	       "median of %d rounds)\n", pp, 1e6 / pp, BENCH_ROUNDS);
	printf("ratio ping-pong / qtest MMIO:                 %10.2f x\n", pp / mmio);
	printf("QEMU start to the device's first reply:       %10.1f ms median of %d "
	       "(min %.1f, max %.1f)\n",
	       starts[BENCH_STARTS / 2], BENCH_STARTS, starts[0], starts[BENCH_STARTS - 1]);
	bench_figure(&fig, "qemu_qtest_mmio_read_us", 1e6 / mmio, "us");
	bench_figure(&fig, "qemu_qtest_mmio_over_pingpong", pp / mmio, "x");
	bench_figure(&fig, "qemu_start_ms", starts[BENCH_STARTS / 2], "ms");
	return bench_figures_end(&fig) ? 0 : 1;
}
