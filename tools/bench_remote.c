/* bench_remote: MMIO round trips per second through QEMU's x-pci-proxy-dev
 * to our model of a device in its own process, beside the same read on
 * QEMU's own model of it (plain qtest) and a bare unix-socket ping-pong
 * between two processes (the floor for one process hop). The device comes
 * from a profile (host_bench.h: --device, default the first built-in) that
 * names both; the read is BAR0 + 0. Prints figures and ratios, since this
 * machine's absolute numbers are noisy.
 * Usage: bench_remote [--device NAME|FILE] [ROUND_TRIPS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_figures.h"
#include "host_bench.h"
#include "model/remote.h"

#define DEFAULT_TRIPS 3000
#define WARMUP 200
#define BENCH_OFFSET 0x00u /* BAR0 + 0, which every device maps */
#define ALL_ONES 0xffffffffull

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* readl of BAR0 + 0 through a host; round trips per second, or -1. *val
 * is what the read returned (all-ones, a missing device, is a failure). */
static double bench_host(const struct bench_host_factory *f, const struct bench_profile *p,
			 int trips, uint64_t *val)
{
	struct drvbench_hostbench b;
	char err[1024] = "";
	double t0, rate = -1;

	*val = 0;
	if (drvbench_hostbench_boot(&b, f, p, err, sizeof(err)) != SHIM_OK) {
		fprintf(stderr, "bench_remote: %s:%s: %s\n", f->name, p->name, err);
		return -1;
	}
	for (int i = 0; i < WARMUP; i++)
		if (drvbench_hostbench_read(&b, BENCH_OFFSET, val) != SHIM_OK)
			goto out;
	t0 = now_s();
	for (int i = 0; i < trips; i++)
		if (drvbench_hostbench_read(&b, BENCH_OFFSET, val) != SHIM_OK)
			goto out;
	rate = trips / (now_s() - t0);
out:
	if (rate < 0)
		fprintf(stderr, "bench_remote: %s:%s: %s\n", f->name, p->name,
			drvbench_hostbench_error(&b));
	else if (*val == ALL_ONES) {
		fprintf(stderr, "bench_remote: %s:%s: BAR0 + 0 reads all-ones (no device?)\n",
			f->name, p->name);
		rate = -1;
	}
	drvbench_hostbench_shutdown(&b);
	return rate;
}

/* Both directions the size of a proxied BAR read: request 40 bytes, RET 24. */
static bool xfer(int fd, void *buf, size_t len, bool out)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = out ? send(fd, (char *)buf + done, len - done, MSG_NOSIGNAL)
				: recv(fd, (char *)buf + done, len - done, 0);
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

static double bench_pingpong(int trips)
{
	uint8_t req[MODEL_REMOTE_HDR_SIZE + MODEL_REMOTE_BAR_PAYLOAD] = { 0 };
	uint8_t ret[MODEL_REMOTE_HDR_SIZE + MODEL_REMOTE_RET_PAYLOAD] = { 0 };
	int sv[2], st;
	double t0 = 0, rate = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		while (xfer(sv[1], req, sizeof(req), false) && xfer(sv[1], ret, sizeof(ret), true))
			;
		_exit(0);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return -1;
	}
	for (int i = 0; i < WARMUP + trips; i++) {
		if (i == WARMUP)
			t0 = now_s();
		if (!xfer(sv[0], req, sizeof(req), true) || !xfer(sv[0], ret, sizeof(ret), false))
			goto out;
	}
	rate = trips / (now_s() - t0);
out:
	close(sv[0]);
	waitpid(pid, &st, 0);
	return rate;
}

int main(int argc, char **argv)
{
	struct bench_figures fig = { 0 };
	bool opts_ok = bench_figures_options(&fig, &argc, argv);
	const struct bench_profile *p =
		opts_ok ? drvbench_hostbench_profile("bench_remote", &argc, argv) : NULL;
	int trips = argc > 1 ? atoi(argv[1]) : DEFAULT_TRIPS;
	uint64_t vq = 0, vp = 0;
	double pp, q, pr;

	if (p == NULL)
		return 2;
	if (argc > 2 || trips <= 0 || trips > 10000000) {
		fprintf(stderr, "usage: bench_remote " BENCH_FIGURES_USAGE " [--device NAME|FILE] [ROUND_TRIPS]\n  %s\n",
			DRVBENCH_HOSTBENCH_DEVICE_HELP);
		return 2;
	}
	if (!bench_figures_begin(&fig, "bench_remote", NULL, p->name))
		return 1;
	pp = bench_pingpong(trips * 10);
	q = bench_host(&bench_host_qemu_factory, p, trips, &vq);
	pr = bench_host(&bench_host_qemu_proxy_factory, p, trips, &vp);
	if (pp < 0 || q < 0 || pr < 0) {
		fig.failed = true; /* the run is ended as failed */
		bench_figures_end(&fig);
		return 1;
	}
	printf("bench_remote: device %s, %d round trips each (ping-pong %d), one run\n", p->name,
	       trips, trips * 10);
	if (vq != vp) /* the model should read what QEMU's device reads; a figure, not a verdict */
		printf("  note: BAR0 + 0 reads 0x%llx on QEMU's device, 0x%llx on our model\n",
		       (unsigned long long)vq, (unsigned long long)vp);
	printf("  unix-socket ping-pong, 2 processes : %10.0f round trips/s  (%6.2f us)\n", pp, 1e6 / pp);
	printf("  qemu readl (qtest, in QEMU)        : %10.0f round trips/s  (%6.2f us)\n", q, 1e6 / q);
	printf("  qemu-proxy readl (via remote)      : %10.0f round trips/s  (%6.2f us)\n", pr, 1e6 / pr);
	printf("  ratios: proxied/plain = %.2f, plain/ping-pong = %.2f, proxied/ping-pong = %.2f\n",
	       pr / q, q / pp, pr / pp);
	printf("  the proxy hop costs %.2f us per access (%.1f ping-pongs)\n", 1e6 / pr - 1e6 / q,
	       (1e6 / pr - 1e6 / q) / (1e6 / pp));
	bench_figure(&fig, "qemu_proxy_hop_us", 1e6 / pr - 1e6 / q, "us");
	bench_figure(&fig, "qemu_proxy_over_plain", pr / q, "x");
	return bench_figures_end(&fig) ? 0 : 1;
}
