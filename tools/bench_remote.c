/* bench_remote: MMIO round trips per second through QEMU's x-pci-proxy-dev
 * to our model process, beside the same read on QEMU's own edu (plain
 * qtest) and a bare unix-socket ping-pong between two processes (the floor
 * for one process hop). Prints figures and ratios, since this machine's
 * absolute numbers are noisy. Usage: bench_remote [ROUND_TRIPS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model/remote.h"
#include "shim/host_qemu.h"

#define DEFAULT_TRIPS 3000
#define WARMUP 200
#define EDU_BDF SHIM_BDF(0, 4, 0)
#define BAR0 0xfe000000u
#define EDU_ID 0x00

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* readl of edu's ID register through a host; round trips per second, or -1. */
static double bench_host(const struct shim_qemu_options *o, const char *what, int trips)
{
	struct shim_host h;
	char err[1024];
	uint64_t v = 0;
	double t0, rate = -1;
	shim_ret r = shim_qemu_host_create(o, &h, err, sizeof(err));

	if (r != SHIM_OK) {
		fprintf(stderr, "bench_remote: %s: %s\n", what, err);
		return -1;
	}
	if (h.ops->cfg_write(h.ctx, EDU_BDF, 0x10, 4, BAR0) != SHIM_OK ||
	    h.ops->cfg_write(h.ctx, EDU_BDF, 0x04, 2, 0x0006) != SHIM_OK)
		goto out;
	for (int i = 0; i < WARMUP; i++)
		if (h.ops->mem_read(h.ctx, BAR0 + EDU_ID, 4, &v) != SHIM_OK)
			goto out;
	t0 = now_s();
	for (int i = 0; i < trips; i++)
		if (h.ops->mem_read(h.ctx, BAR0 + EDU_ID, 4, &v) != SHIM_OK)
			goto out;
	rate = trips / (now_s() - t0);
	if (v != 0x010000ed) {
		fprintf(stderr, "bench_remote: %s: edu ID read 0x%llx\n", what, (unsigned long long)v);
		rate = -1;
	}
out:
	if (rate < 0)
		fprintf(stderr, "bench_remote: %s: %s\n", what, h.ops->last_error(h.ctx));
	h.ops->destroy(h.ctx);
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
	static const char *const edu_dev[] = { "edu,id=edu0,addr=4", NULL };
	struct shim_qemu_options plain = { .device_args = edu_dev };
	struct shim_qemu_options proxied = { .proxy_model = "edu", .proxy_slot = 4 };
	int trips = argc > 1 ? atoi(argv[1]) : DEFAULT_TRIPS;
	double pp, q, p;

	if (argc > 2 || trips <= 0 || trips > 10000000) {
		fprintf(stderr, "usage: bench_remote [ROUND_TRIPS]\n");
		return 2;
	}
	pp = bench_pingpong(trips * 10);
	q = bench_host(&plain, "qemu:edu (QEMU's edu, plain qtest)", trips);
	p = bench_host(&proxied, "qemu-proxy:edu (our model via x-pci-proxy-dev)", trips);
	if (pp < 0 || q < 0 || p < 0)
		return 1;
	printf("bench_remote: %d round trips each (ping-pong %d), one run\n", trips, trips * 10);
	printf("  unix-socket ping-pong, 2 processes : %10.0f round trips/s  (%6.2f us)\n", pp, 1e6 / pp);
	printf("  qemu:edu readl (qtest, in QEMU)    : %10.0f round trips/s  (%6.2f us)\n", q, 1e6 / q);
	printf("  qemu-proxy:edu readl (via remote)  : %10.0f round trips/s  (%6.2f us)\n", p, 1e6 / p);
	printf("  ratios: proxied/plain = %.2f, plain/ping-pong = %.2f, proxied/ping-pong = %.2f\n",
	       p / q, q / pp, p / pp);
	printf("  the proxy hop costs %.2f us per access (%.1f ping-pongs)\n", 1e6 / p - 1e6 / q,
	       (1e6 / p - 1e6 / q) / (1e6 / pp));
	return 0;
}
