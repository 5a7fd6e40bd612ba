/* bench_qemu: what one register access costs on the qemu host, against the
 * physical limit of this machine, and how long QEMU takes to come up.
 * Prints, in one run: qtest MMIO round trips per second (readl of edu's
 * liveness register through the qemu host), a bare unix-socket ping-pong
 * between two processes (4-byte messages), their ratio, and the time from
 * starting QEMU to the first MMIO reply (median of several starts). The
 * two rates are measured in alternating rounds and the medians reported,
 * so a noisy neighbour hits both alike. Figures only, no assertions.
 * Usage: bench_qemu [SECONDS per rate, 1] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shim/host_qemu.h"

#define BENCH_EDU_BDF SHIM_BDF(0, 4, 0)
#define BENCH_BAR0 0xfe000000u
#define BENCH_LIVENESS 0x04u
#define BENCH_STARTS 5
#define BENCH_ROUNDS 5
#define BENCH_BATCH 1000

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static shim_ret bench_start(struct shim_host *h, char *err, size_t len)
{
	static const char *const devices[] = { "edu,id=edu0,addr=4", NULL };
	struct shim_qemu_options o = { .device_args = devices };

	return shim_qemu_host_create(&o, h, err, len);
}

/* As firmware would: BAR0 at a fixed address, memory decode on. */
static shim_ret bench_map(struct shim_host *h)
{
	shim_ret r = h->ops->cfg_write(h->ctx, BENCH_EDU_BDF, 0x10, 4, BENCH_BAR0);

	return r == SHIM_OK ? h->ops->cfg_write(h->ctx, BENCH_EDU_BDF, 0x04, 2, 0x0002) : r;
}

/* Round trips per second of readl on edu's liveness register; < 0 on error. */
static double bench_mmio_rate(struct shim_host *h, double seconds)
{
	double t0 = bench_now(), t;
	unsigned long n = 0;
	uint64_t v;

	do {
		for (int i = 0; i < BENCH_BATCH; i++)
			if (h->ops->mem_read(h->ctx, BENCH_BAR0 + BENCH_LIVENESS, 4, &v) != SHIM_OK)
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

/* Milliseconds from spawning QEMU to the first MMIO reply; < 0 on error. */
static double bench_startup_ms(char *err, size_t len)
{
	struct shim_host h;
	double t0 = bench_now(), t;
	uint64_t id = 0;
	shim_ret r = bench_start(&h, err, len);

	if (r != SHIM_OK)
		return -1;
	r = bench_map(&h);
	if (r == SHIM_OK)
		r = h.ops->mem_read(h.ctx, BENCH_BAR0, 4, &id);
	t = (bench_now() - t0) * 1e3;
	if (r != SHIM_OK)
		snprintf(err, len, "first MMIO read: %s", h.ops->last_error(h.ctx));
	h.ops->destroy(h.ctx);
	return r == SHIM_OK && id != 0 ? t : -1;
}

static double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), bench_cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0, mmio_r[BENCH_ROUNDS], pp_r[BENCH_ROUNDS];
	double mmio, pp, starts[BENCH_STARTS];
	struct shim_host h;
	char err[1024] = "";

	if (seconds <= 0 || seconds > 60) {
		fprintf(stderr, "usage: %s [SECONDS per rate, 0 < S <= 60]\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (bench_start(&h, err, sizeof(err)) != SHIM_OK || bench_map(&h) != SHIM_OK) {
		fprintf(stderr, "bench_qemu: cannot start QEMU: %s\n", err);
		return 1;
	}
	for (int i = 0; i < BENCH_ROUNDS; i++) {
		mmio_r[i] = bench_mmio_rate(&h, seconds / BENCH_ROUNDS);
		pp_r[i] = bench_pingpong_rate(seconds / BENCH_ROUNDS);
	}
	h.ops->destroy(h.ctx);
	mmio = bench_median(mmio_r, BENCH_ROUNDS);
	pp = bench_median(pp_r, BENCH_ROUNDS);
	for (int i = 0; i < BENCH_STARTS; i++)
		starts[i] = bench_startup_ms(err, sizeof(err));
	bench_median(starts, BENCH_STARTS);
	if (mmio_r[0] < 0 || pp_r[0] < 0 || starts[0] < 0) { /* sorted: failures first */
		fprintf(stderr, "bench_qemu: a measurement failed: %s\n", err);
		return 1;
	}
	printf("qtest MMIO round trips (readl, edu liveness): %10.0f /s  (%.1f us each, "
	       "median of %d rounds)\n", mmio, 1e6 / mmio, BENCH_ROUNDS);
	printf("unix-socket ping-pong, 2 processes, 4 bytes:  %10.0f /s  (%.1f us each, "
	       "median of %d rounds)\n", pp, 1e6 / pp, BENCH_ROUNDS);
	printf("ratio ping-pong / qtest MMIO:                 %10.2f x\n", pp / mmio);
	printf("QEMU start to first MMIO reply:               %10.1f ms median of %d "
	       "(min %.1f, max %.1f)\n",
	       starts[BENCH_STARTS / 2], BENCH_STARTS, starts[0], starts[BENCH_STARTS - 1]);
	return 0;
}
