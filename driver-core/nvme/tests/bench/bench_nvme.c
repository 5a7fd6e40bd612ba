/* bench_nvme: figures for the NVMe driver, printed, never asserted.
 * 4 KiB reads per second through the driver's user client (a root client,
 * one synchronous read of 8 blocks at a time) on sim, qemu:nvme and
 * qemu-proxy:nvme; on the QEMU hosts also the qtest socket round trips per
 * read, with the host's CPU mapping of guest RAM in use and without it (as
 * before guest RAM was shared: DMA memory and the MSI mailbox through
 * qtest). Release or debugoptimized builds give the figures that count;
 * --record keeps them in the records database too.
 * usage: bench_nvme [--record ...] KEXT [SIM_READS [QEMU_READS]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/host.h"
#include "bench/kext.h"
#include "bench/machine.h"
#include "bench_figures.h"
#include "nvme/nvme_userclient.h"
#include "shim/host_qemu.h"
#include "shim/uc_client.h"

#define NVB_SIM_READS 200000ul
#define NVB_QEMU_READS 5000ul
#define NVB_BLOCKS 8u            /* 4 KiB of 512-byte blocks */
#define NVB_SPAN 1000u           /* reads walk this many 4 KiB slots of the namespace */
#define NVB_VALGRIND_DIVISOR 200ul

struct nvb_run {
	const struct bench_host_factory *host;
	bool mapped;
	unsigned long reads;
	const char *figure;       /* the figures' name stem */
};

static struct bench_figures nvb_fig;

struct nvb_result {
	double reads_per_s;
	double round_trips;       /* per read; < 0: not a qtest host */
	unsigned long done;
	char why[256];
};

static double nvb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The reads themselves, on a started service. */
static void nvb_reads(shim_service *svc, const struct shim_host *host, unsigned long n,
		      struct nvb_result *res)
{
	static uint8_t buf[NVB_BLOCKS * 512];
	unsigned long long rt0 = shim_qemu_host_round_trips(host);
	shim_task *task = NULL;
	shim_uc_conn *conn = NULL;
	double t0, t;
	shim_ret r = shim_task_create(0, NULL, 0, &task);

	if (r == SHIM_OK)
		r = shim_uc_open(task, svc, &conn);
	t0 = nvb_now();
	for (res->done = 0; r == SHIM_OK && res->done < n; res->done++) {
		uint64_t in[2] = { (res->done % NVB_SPAN) * NVB_BLOCKS, NVB_BLOCKS };
		struct shim_uc_call call = { .scalar_in = in, .scalar_in_count = 2,
					     .struct_out = buf, .struct_out_size = sizeof(buf) };

		r = shim_uc_call(conn, NVME_UC_READ, &call);
	}
	t = nvb_now() - t0;
	if (r != SHIM_OK)
		snprintf(res->why, sizeof(res->why), "read %lu: %s", res->done, shim_ret_string(r));
	res->reads_per_s = (double)res->done / (t > 0 ? t : 1e-9);
	res->round_trips = shim_host_is_qemu(host) && res->done
				   ? (double)(shim_qemu_host_round_trips(host) - rt0) / (double)res->done
				   : -1.0;
	if (task != NULL)
		shim_task_destroy(task);
}

/* A machine built by hand (not bench_machine_boot) so that the host's
 * mapping can be switched off before the shim asks for it. */
static void nvb_one(struct bench_kext *kext, const struct nvb_run *run, struct nvb_result *res)
{
	struct bench_options opt = { .profile = bench_profile_builtin_find("nvme"), .no_tap = true };
	struct bench_machine view = { 0 };
	struct bench_host_parts parts = { 0 };
	shim_machine *m = NULL;
	shim_kext *k = NULL;
	shim_pci_device *dev;
	shim_service *svc;
	size_t started = 0;
	shim_ret r;

	memset(res, 0, sizeof(*res));
	res->round_trips = -1;
	if (!run->host->available(opt.profile, res->why, sizeof(res->why)))
		return;
	r = run->host->create(&opt, &parts, res->why, sizeof(res->why));
	if (r != SHIM_OK)
		return;
	if (shim_host_is_qemu(&parts.host))
		(void)shim_qemu_host_use_ram_map(&parts.host, run->mapped);
	r = shim_machine_create(parts.host, &m);
	if (r == SHIM_OK)
		r = bench_kext_load(kext, NULL, &k, res->why, sizeof(res->why));
	if (r == SHIM_OK)
		r = shim_machine_match(m, k, &started);
	view.machine = m;
	view.opt = opt;
	view.opt.kext = kext;
	dev = r == SHIM_OK ? bench_machine_find_device(&view) : NULL;
	svc = dev ? shim_machine_service(m, dev) : NULL;
	if (svc != NULL)
		nvb_reads(svc, &parts.host, run->reads, res);
	else if (res->why[0] == '\0')
		snprintf(res->why, sizeof(res->why), "driver not started: %s", shim_ret_string(r));
	if (dev && svc)
		shim_machine_terminate(m, dev);
	if (m)
		shim_machine_destroy(m);
	if (parts.release)
		parts.release(parts.priv);
	if (k) {
		char why[128];

		(void)bench_kext_unload(kext, why, sizeof(why));
	}
}

/* argv[i] as a count of reads, else dflt (smaller under valgrind); false
 * for anything but a positive number. */
static bool nvb_arg(int argc, char **argv, int i, unsigned long dflt, unsigned long *n)
{
	char *end;

	if (argc <= i) {
		*n = getenv("DRVBENCH_UNDER_VALGRIND") != NULL ? dflt / NVB_VALGRIND_DIVISOR : dflt;
		*n = *n ? *n : 1;
		return true;
	}
	*n = strtoul(argv[i], &end, 0);
	return argv[i][0] >= '0' && argv[i][0] <= '9' && *end == '\0' && *n > 0;
}

int main(int argc, char **argv)
{
	unsigned long sim_reads, qemu_reads;
	/* Counts filled in once the arguments are read. */
	struct nvb_run runs[] = {
		{ &bench_host_sim_factory, true, 0, "sim" },
		{ &bench_host_qemu_factory, true, 0, "qemu_mapped" },
		{ &bench_host_qemu_factory, false, 0, "qemu_unmapped" },
		{ &bench_host_qemu_proxy_factory, true, 0, "proxy_mapped" },
		{ &bench_host_qemu_proxy_factory, false, 0, "proxy_unmapped" },
	};
	struct bench_kext *kext = NULL;
	char why[256];

	if (!bench_figures_options(&nvb_fig, &argc, argv))
		return 2;
	if (argc < 2 || argc > 4 || argv[1][0] == '-' ||
	    !nvb_arg(argc, argv, 2, NVB_SIM_READS, &sim_reads) ||
	    !nvb_arg(argc, argv, 3, NVB_QEMU_READS, &qemu_reads)) {
		fprintf(stderr, "usage: %s " BENCH_FIGURES_USAGE " KEXT [SIM_READS [QEMU_READS]]\n"
			"(read counts are positive numbers)\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		runs[i].reads = runs[i].host->kind == BENCH_HOST_SIM ? sim_reads : qemu_reads;
	if (bench_kext_open(argv[1], &kext, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "bench_nvme: %s\n", why);
		return 1;
	}
	if (!bench_figures_begin(&nvb_fig, "bench_nvme", kext, "nvme")) {
		bench_kext_close(kext);
		return 1;
	}
	printf("4 KiB reads through the NVMe driver's user client (synchronous, one at a time)\n");
	printf("%-18s %-22s %10s %14s %18s\n", "host", "guest RAM", "reads", "reads/s",
	       "round trips/read");
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct nvb_result res;
		char label[48];

		nvb_one(kext, &runs[i], &res);
		bench_host_label(runs[i].host, bench_profile_builtin_find("nvme"), label,
				 sizeof(label));
		printf("%-18s %-22s %10lu %14.0f ", label,
		       runs[i].host->kind == BENCH_HOST_SIM ? "bus memory (mapped)"
		       : runs[i].mapped ? "memfd, mapped" : "through qtest (before)",
		       res.done, res.reads_per_s);
		if (res.round_trips >= 0)
			printf("%18.2f", res.round_trips);
		else
			printf("%18s", "-");
		printf("%s%s\n", res.why[0] ? "  " : "", res.why);
		if (res.done) {
			char name[96];

			snprintf(name, sizeof(name), "nvme_%s_4k_reads_per_s", runs[i].figure);
			bench_figure(&nvb_fig, name, res.reads_per_s, "1/s");
			if (res.round_trips >= 0) {
				snprintf(name, sizeof(name), "nvme_%s_round_trips_per_read",
					 runs[i].figure);
				bench_figure(&nvb_fig, name, res.round_trips, "1");
			}
		}
	}
	bench_kext_close(kext);
	return bench_figures_end(&nvb_fig) ? 0 : 1;
}
