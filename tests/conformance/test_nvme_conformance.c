/* Conformance of the NVMe driver's work on three hosts: the same cases run
 * through the driver on sim (our nvme model), qemu:nvme (QEMU's own) and
 * qemu-proxy:nvme (our model behind x-pci-proxy-dev), each under a trace
 * recorder. The controller's behaviour lives in memory as much as in its
 * registers, so besides MMIO and config accesses each trace carries every
 * completion entry the driver consumed (queue, command ID, SQ head,
 * status, phase, result) and a hash of every data buffer read back. The
 * proxy's trace and the sim's are compared with QEMU's, under
 * nvme_allowlist.txt (argv[2]). Hosts run one after the other, each for
 * every case, so one kext image is loaded at a time; differences are
 * dumped to conf-nvme-<case>-<host>.trace. The qemu hosts boot pc, whose
 * root bus can remove the controller (the removal case, last, on a machine
 * of its own).
 * usage: test_nvme_conformance KEXT ALLOWLIST */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench/kext.h"
#include "bench/machine.h"
#include "conf.h"
#include "nvme_conf.h"
#include "shim/verifier.h"

#define NC_CASES 11
#define NC_REPORT 4096
#define NC_LOG 64
#define NC_BOOT_TRIES 3

enum { NC_SIM, NC_QEMU, NC_PROXY, NC_HOSTS };
static const char *const nc_tag[NC_HOSTS] = { "sim", "qemu", "proxy" };

/* What a case recorded on a host, kept for the comparison. */
struct nc_record {
	struct bench_trace_line *lines;
	size_t n;
	bool done;
	char why[CONF_WHY_LEN];
};

struct nc_case {
	const char *name;
	bool (*run)(struct nc_host *h, char *why, size_t len);
	bool fresh; /* on a machine of its own, booted for it */
};

static struct {
	const char *kext_path, *allowlist_path;
	struct conf_allowlist al;
	struct nc_record rec[NC_HOSTS][NC_CASES];
	char boot_why[NC_HOSTS][CONF_WHY_LEN];
	bool booted[NC_HOSTS];
} S;

static uint32_t nc_hash(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t h = 2166136261u; /* FNV-1a, as the recorder hashes RAM */

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

void nc_note_completions(struct nc_host *h)
{
	struct nvme_completion c[NC_LOG];
	size_t n;

	while ((n = h->api.completion_log(h->svc, c, NC_LOG)) > 0)
		for (size_t i = 0; i < n; i++)
			bench_trace_note(h->trace, "cqe q%u cid 0x%04x sqhd %u status 0x%04x "
					 "phase %u dw0 0x%08x", c[i].qid, c[i].cid, c[i].sqhd,
					 c[i].status, c[i].phase, c[i].dw0);
}

void nc_note_data(struct nc_host *h, const char *what, const void *buf, size_t len)
{
	bench_trace_note(h->trace, "data %s %zu bytes hash %08x", what, len, nc_hash(buf, len));
}

/* ---- the cases ---- */

static bool nc_case_start(struct nc_host *h, char *why, size_t len)
{
	(void)why;
	(void)len;
	(void)h; /* the driver's start is what the section holds */
	return true;
}

static bool nc_case_identify(struct nc_host *h, char *why, size_t len)
{
	static uint8_t d[NVME_ID_BYTES];
	const struct { uint8_t cns; uint32_t nsid; shim_ret want; } id[] = {
		{ 1, 0, SHIM_OK }, { 0, 1, SHIM_OK }, { 2, 0, SHIM_OK }, { 3, 1, SHIM_OK },
		{ 0, 2, SHIM_OK }, { 0, 0xffffffffu, SHIM_ERR_BAD_ARGUMENT },
		{ 0x55, 0, SHIM_ERR_BAD_ARGUMENT }, { 0, 0, SHIM_ERR_BAD_ARGUMENT },
	};

	for (size_t i = 0; i < sizeof(id) / sizeof(id[0]); i++) {
		shim_ret r;

		memset(d, 0xee, sizeof(d));
		r = h->api.identify(h->svc, id[i].cns, id[i].nsid, d);
		if (r != id[i].want) {
			snprintf(why, len, "identify CNS %u NSID %u: %s", id[i].cns, id[i].nsid,
				 shim_ret_string(r));
			return false;
		}
		if (r == SHIM_OK)
			nc_note_data(h, "identify", d, sizeof(d));
	}
	return true;
}

/* Writes read back through every PRP shape, from both kinds of memory. */
static bool nc_case_write_read(struct nc_host *h, char *why, size_t len)
{
	const struct { uint32_t blocks; bool pages; uint64_t off; } shape[] = {
		{ 1, false, 0 }, { 8, false, 0x800 }, { 16, false, 0 }, { 24, false, 0x200 },
		{ 128, true, 0 }, { 256, true, 0x400 }, { 1024, true, 0 },
	};
	uint64_t lba = 32;

	for (size_t i = 0; i < sizeof(shape) / sizeof(shape[0]); i++) {
		uint64_t bytes = shape[i].blocks * 512ull, size = bytes + shape[i].off + 4096;
		uint8_t *buf = malloc(bytes);
		shim_memdesc *src = NULL, *dst = NULL;
		shim_ret r = buf ? SHIM_OK : SHIM_ERR_NO_MEMORY;

		if (r == SHIM_OK)
			r = shape[i].pages ? shim_memdesc_alloc_pages(h->dev, size, &src)
					   : shim_dma_buffer_alloc(h->dev, size, 0, UINT64_MAX, &src);
		if (r == SHIM_OK)
			r = shim_memdesc_alloc_pages(h->dev, size, &dst);
		for (uint64_t k = 0; buf && k < bytes; k++)
			buf[k] = (uint8_t)(k * 13 + i * 7 + (k >> 9));
		if (r == SHIM_OK)
			r = shim_memdesc_write(src, shape[i].off, buf, bytes);
		if (r == SHIM_OK)
			r = h->api.write(h->svc, lba, shape[i].blocks, src, shape[i].off);
		if (r == SHIM_OK)
			r = h->api.read(h->svc, lba, shape[i].blocks, dst, 0);
		if (r == SHIM_OK)
			r = shim_memdesc_read(dst, 0, buf, bytes);
		if (r == SHIM_OK)
			nc_note_data(h, "read back", buf, bytes);
		shim_memdesc_release(src);
		shim_memdesc_release(dst);
		free(buf);
		if (r != SHIM_OK) {
			snprintf(why, len, "%u blocks: %s", shape[i].blocks, shim_ret_string(r));
			return false;
		}
		lba += shape[i].blocks;
	}
	return h->api.flush(h->svc) == SHIM_OK;
}

/* Raw commands QEMU answers with a status: the model must give the same. */
static bool nc_case_bad_commands(struct nc_host *h, char *why, size_t len)
{
	struct nc_raw {
		unsigned queue;
		uint8_t opcode, flags;
		uint32_t nsid, cdw10, cdw11, cdw12;
		bool data;         /* PRP1 on the driver's page */
		uint64_t prp2_off; /* PRP2 = the test buffer + this (0: none) */
	} raw[] = {
		{ 0, 0xff, 0, 0, 0, 0, 0, false, 0 },                /* invalid admin opcode */
		{ 0, 0x05, 0, 0, 0x000f0000, 1, 0, false, 0 },       /* create CQ, QID 0 */
		{ 0, 0x05, 0, 0, 0x00000009, 1, 0, false, 0 },       /* create CQ, 1 entry */
		{ 0, 0x01, 0, 0, 0x000f0009, 0x00090001, 0, false, 0 }, /* SQ on a missing CQ */
		{ 0, 0x04, 0, 0, 9, 0, 0, false, 0 },                 /* delete a missing CQ */
		{ 0, 0x0a, 0, 0, 7, 0, 0, false, 0 },                 /* get number of queues */
		{ 0, 0x0a, 0, 0, 9, 0, 0, false, 0 },                 /* get vector config 0 */
		{ 0, 0x09, 0, 0, 8, 0, 0, false, 0 },                 /* set coalescing */
		{ 0, 0x09, 0, 0, 7, 0x00030003, 0, false, 0 },        /* set queues: too late */
		{ 1, 0x7f, 0, 1, 0, 0, 0, false, 0 },                 /* invalid I/O opcode */
		{ 1, 0x02, 0, 1, 8192, 0, 0, true, 0 },               /* read past the end */
		{ 1, 0x02, 0, 0, 0, 0, 0, true, 0 },                  /* NSID 0 */
		{ 1, 0x02, 0, 2, 0, 0, 0, true, 0 },                  /* NSID 2 */
		{ 1, 0x02, 0, 1, 0, 0, 15, true, 0x1008 },            /* PRP2 not page-aligned */
		{ 1, 0x02, 0, 1, 0, 0, 0xffff, true, 0 },             /* over MDTS */
		{ 1, 0x02, 1, 1, 0, 0, 0, true, 0 },                  /* fused */
	};
	static uint8_t page[NVME_PAGE];
	shim_memdesc *buf = NULL;
	uint64_t base = 0;
	shim_ret r = shim_dma_buffer_alloc(h->dev, 4 * NVME_PAGE, 0, UINT64_MAX, &buf);

	if (r == SHIM_OK)
		r = shim_memdesc_prepare(buf);
	if (r == SHIM_OK)
		r = shim_memdesc_dma_address(buf, 0, 4 * NVME_PAGE, &base);
	for (size_t i = 0; r == SHIM_OK && i < sizeof(raw) / sizeof(raw[0]); i++) {
		const struct nc_raw *c = &raw[i];
		struct nvme_completion cqe;
		uint8_t sqe[64] = { 0 };

		sqe[0] = c->opcode;
		sqe[1] = c->flags;
		memcpy(sqe + 4, &c->nsid, 4);
		memcpy(sqe + 40, &c->cdw10, 4);
		memcpy(sqe + 44, &c->cdw11, 4);
		memcpy(sqe + 48, &c->cdw12, 4);
		if (c->prp2_off) {
			uint64_t prp1 = base, prp2 = base + c->prp2_off;

			memcpy(sqe + 24, &prp1, 8);
			memcpy(sqe + 32, &prp2, 8);
		}
		r = h->api.passthru(h->svc, c->queue, sqe, c->data && !c->prp2_off ? page : NULL,
				    &cqe);
		if (r != SHIM_OK)
			snprintf(why, len, "raw command %zu (opcode 0x%02x): %s", i, c->opcode,
				 shim_ret_string(r));
	}
	if (buf != NULL && shim_memdesc_is_prepared(buf))
		(void)shim_memdesc_complete(buf);
	shim_memdesc_release(buf);
	return r == SHIM_OK;
}

/* The driver's NVMe scenarios that run on all three hosts, in order on one
 * machine per host (cases of interrupts, power and faults in
 * nvme_conf_irq_pm.c). Left out, because QEMU's own controller cannot
 * play them:
 * - command-timeout: QEMU completes every valid command during the
 *   doorbell write; it has no way to hold one (the model's stall_io);
 * - garbage-* (all-ones CAP, never ready, stuck phase, unknown CID): model
 *   variants QEMU's nvme has no option for;
 * - intx-fallback: QEMU's nvme cannot be started without MSI-X, and INTx
 *   does not cross x-pci-proxy-dev. */
static const struct nc_case nc_cases[NC_CASES] = {
	{ "start", nc_case_start, false },
	{ "identify", nc_case_identify, false },
	{ "write-read", nc_case_write_read, false },
	{ "bad-commands", nc_case_bad_commands, false },
	{ "msix-per-queue", nc_case_msix_per_queue, false },
	{ "masked-vector", nc_case_masked_vector, false },
	{ "sleep-io", nc_case_sleep_io, false },
	{ "fatal-recovery", nc_case_fatal_recovery, false },
	{ "stop", NULL, false }, /* the driver's stop: terminate */
	{ "unload", NULL, false },
	{ "surprise-removal-io", nc_case_removal_io, true },
};

/* ---- machines ---- */

/* The driver exports its operations under its bundle's prefix. */
#define NC_RESOLVE(field)                                                                   \
	do {                                                                                \
		const char *sym = "org_drvbench_driver_nvme_" #field;                       \
		void *p_ = bench_kext_symbol(h->kext, sym);                                 \
		if (p_ == NULL) {                                                           \
			snprintf(why, len, "the kext exports no %s", sym);                  \
			return SHIM_ERR_NOT_FOUND;                                          \
		}                                                                           \
		memcpy(&h->api.field, &p_, sizeof(p_));                                     \
	} while (0)

static shim_ret nc_resolve(struct nc_host *h, char *why, size_t len)
{
	NC_RESOLVE(get_info);
	NC_RESOLVE(identify);
	NC_RESOLVE(read);
	NC_RESOLVE(write);
	NC_RESOLVE(read_buf);
	NC_RESOLVE(write_buf);
	NC_RESOLVE(flush);
	NC_RESOLVE(set_queue_interrupt);
	NC_RESOLVE(passthru);
	NC_RESOLVE(completion_log);
	NC_RESOLVE(set_watch);
	NC_RESOLVE(get_stats);
	/* No look at the controller mid-wait: when it comes depends on the
	 * load on this machine, not on the device (set_watch). */
	return h->api.set_watch(h->svc, NC_WATCH_NS);
}

/* Boots f's machine with nvme under a recorder, the kext loaded and
 * matched: the trace then holds the driver's start. */
static shim_ret nc_boot(struct nc_host *h, const struct bench_host_factory *f, char *why,
			size_t len)
{
	const struct bench_profile *p = bench_profile_builtin_find("nvme");
	/* hotplug: pc rather than q35, so that the removal case can run */
	struct bench_options opt = { .profile = p, .no_tap = true, .hotplug = true };
	struct bench_machine view = { 0 };
	struct shim_pci_bar_info bar;
	struct shim_host host;
	size_t started = 0;
	uint64_t base;
	shim_ret r;

	memset(h, 0, sizeof(*h));
	if (!f->available(p, why, len))
		return SHIM_ERR_UNSUPPORTED;
	r = bench_kext_open(S.kext_path, &h->kext, why, len);
	if (r != SHIM_OK)
		return r;
	h->trace = bench_trace_create(SHIM_BDF(0, bench_profile_slot(p), 0));
	r = f->create(&opt, &h->parts, why, len);
	if (r != SHIM_OK)
		return r;
	h->parts_live = true;
	r = bench_trace_wrap(h->trace, h->parts.host, &host);
	if (r == SHIM_OK)
		r = shim_machine_create(host, &h->m);
	view.machine = h->m;
	view.opt = opt;
	view.opt.kext = h->kext;
	h->dev = r == SHIM_OK ? bench_machine_find_device(&view) : NULL;
	if (h->dev == NULL || shim_pci_bar_info(h->dev, 0, &bar) != SHIM_OK) {
		snprintf(why, len, "%s: no nvme function", f->name);
		return SHIM_ERR_NO_DEVICE;
	}
	base = shim_pci_cfg_read32(h->dev, 0x10) & ~0xfull;
	if (bar.type == SHIM_BAR_TYPE_MEM64)
		base |= (uint64_t)shim_pci_cfg_read32(h->dev, 0x14) << 32;
	bench_trace_window(h->trace, base, bar.size);
	bench_trace_clear(h->trace); /* enumeration differs: the proxy shows a 32-bit BAR */
	r = bench_kext_load(h->kext, NULL, &h->k, why, len);
	if (r == SHIM_OK)
		r = shim_machine_match(h->m, h->k, &started);
	h->svc = shim_machine_service(h->m, h->dev);
	if (r == SHIM_OK && h->svc == NULL)
		r = SHIM_ERR_NOT_FOUND;
	if (r != SHIM_OK) {
		snprintf(why + strlen(why), len - strlen(why), "%sdriver start: %s",
			 why[0] ? "; " : "", shim_ret_string(r));
		return r;
	}
	return nc_resolve(h, why, len);
}

static void nc_shutdown(struct nc_host *h)
{
	if (h->svc)
		shim_machine_terminate(h->m, h->dev);
	h->svc = NULL;
	if (h->m)
		shim_machine_destroy(h->m);
	h->m = NULL;
	if (h->parts_live && h->parts.release)
		h->parts.release(h->parts.priv);
	h->parts_live = false;
	if (h->k) {
		char why[128];

		(void)bench_kext_unload(h->kext, why, sizeof(why));
	}
	h->k = NULL;
	bench_kext_close(h->kext);
	h->kext = NULL;
	bench_trace_destroy(h->trace);
	h->trace = NULL;
}

static void nc_keep(struct nc_host *h, struct nc_record *rec)
{
	const struct bench_trace_line *l;
	size_t n;

	nc_note_completions(h);
	n = bench_trace_lines(h->trace, &l);
	rec->lines = malloc((n ? n : 1) * sizeof(*l));
	if (rec->lines)
		memcpy(rec->lines, l, n * sizeof(*l));
	rec->n = rec->lines ? n : 0;
	rec->done = rec->lines != NULL && bench_trace_complete(h->trace);
	bench_trace_clear(h->trace);
}

/* Boots f's machine for host, again (up to NC_BOOT_TRIES) while the
 * driver's start looked at the controller mid-wait: a wait during start
 * that outlasted the default watch is the busy machine's doing, not the
 * driver's or the device's. That start is not compared; the next may be. */
static bool nc_boot_quiet(int host, const struct bench_host_factory *f, struct nc_host *h,
			  char *why, size_t len)
{
	for (int t = 1;; t++) {
		struct nvme_stats st;

		if (nc_boot(h, f, why, len) != SHIM_OK)
			return false;
		if (h->api.get_stats(h->svc, &st) != SHIM_OK || st.watch_looks == 0)
			return true;
		nc_shutdown(h);
		shim_verifier_clear();
		if (t == NC_BOOT_TRIES) {
			snprintf(why, len, "the driver's start looked at the controller mid-wait on "
				 "all %d tries (the machine is too busy to compare traces)",
				 NC_BOOT_TRIES);
			return false;
		}
		fprintf(stderr, "nvme conformance: %s start %d looked at the controller "
			"mid-wait (a busy machine); booting again\n", nc_tag[host], t);
	}
}

/* The trace so far as rec, with no look at the completion log (the
 * service is gone or going). */
static void nc_keep_bare(struct nc_host *h, struct nc_record *rec)
{
	const struct bench_trace_line *l;
	size_t n = bench_trace_lines(h->trace, &l);

	rec->lines = malloc((n ? n : 1) * sizeof(*l));
	if (rec->lines)
		memcpy(rec->lines, l, n * sizeof(*l));
	rec->n = rec->lines ? n : 0;
	rec->done = rec->lines != NULL;
	bench_trace_clear(h->trace);
}

/* Every case on one host, in order, each section kept. A case marked
 * fresh runs on a machine of its own, whose start is not compared again. */
static void nc_run_host(int host, const struct bench_host_factory *f)
{
	struct nc_host h;
	char why[CONF_WHY_LEN] = "";

	S.booted[host] = nc_boot_quiet(host, f, &h, why, sizeof(why));
	snprintf(S.boot_why[host], sizeof(S.boot_why[host]), "%s", why);
	if (S.booted[host]) {
		nc_keep(&h, &S.rec[host][0]);
		for (int c = 1; c < NC_CASES; c++) {
			struct nc_record *rec = &S.rec[host][c];
			bool bare = strcmp(nc_cases[c].name, "stop") == 0 ||
				    strcmp(nc_cases[c].name, "unload") == 0;

			if (nc_cases[c].fresh) {
				nc_shutdown(&h);
				shim_verifier_clear();
				if (!nc_boot_quiet(host, f, &h, rec->why, sizeof(rec->why)))
					break;
				nc_note_completions(&h);
				bench_trace_clear(h.trace);
			}
			if (nc_cases[c].run != NULL) {
				if (!nc_cases[c].run(&h, rec->why, sizeof(rec->why)))
					break;
			} else if (strcmp(nc_cases[c].name, "stop") == 0) {
				shim_machine_terminate(h.m, h.dev);
				h.svc = NULL;
			} else {
				(void)bench_kext_unload(h.kext, rec->why, sizeof(rec->why));
				h.k = NULL;
			}
			if (bare || h.svc == NULL)
				nc_keep_bare(&h, rec);
			else
				nc_keep(&h, rec);
		}
	}
	nc_shutdown(&h);
	shim_verifier_clear();
}

static int nc_group_setup(void **state)
{
	char why[CONF_WHY_LEN] = "";

	(void)state;
	if (!conf_allowlist_load(&S.al, S.allowlist_path, why, sizeof(why))) {
		fprintf(stderr, "nvme conformance: %s\n", why);
		return -1;
	}
	nc_run_host(NC_SIM, &bench_host_sim_factory);
	nc_run_host(NC_QEMU, &bench_host_qemu_factory);
	nc_run_host(NC_PROXY, &bench_host_qemu_proxy_factory);
	return 0;
}

static int nc_group_teardown(void **state)
{
	(void)state;
	for (int h = 0; h < NC_HOSTS; h++)
		for (int c = 0; c < NC_CASES; c++)
			free(S.rec[h][c].lines);
	conf_allowlist_free(&S.al);
	return 0;
}

static void nc_dump(int c, int host)
{
	char path[128];

	snprintf(path, sizeof(path), "conf-nvme-%s-%s.trace", nc_cases[c].name, nc_tag[host]);
	conf_trace_dump(path, S.rec[host][c].lines, S.rec[host][c].n);
}

/* Host `host`'s section of case c against QEMU's own controller's. */
static void nc_compare(int c, int host)
{
	static char why[NC_REPORT];
	const struct nc_record *a = &S.rec[host][c], *q = &S.rec[NC_QEMU][c];

	for (int h = 0; h < NC_HOSTS; h++)
		if (!S.booted[h])
			fail_msg("%s did not come up with the driver: %s", nc_tag[h], S.boot_why[h]);
	if (!a->done || !q->done)
		fail_msg("case %s did not complete (%s: %s; qemu: %s)", nc_cases[c].name, nc_tag[host],
			 a->why, q->why);
	if (getenv("DRVBENCH_CONF_DUMP") != NULL) {
		nc_dump(c, host);
		nc_dump(c, NC_QEMU);
	}
	if (!conf_compare(a->lines, a->n, q->lines, q->n, &S.al, why, sizeof(why))) {
		nc_dump(c, host);
		nc_dump(c, NC_QEMU);
		fail_msg("nvme conformance %s (first: %s, second: qemu:nvme): %s\n(full traces: "
			 "conf-nvme-%s-{%s,qemu}.trace)", nc_cases[c].name, nc_tag[host], why,
			 nc_cases[c].name, nc_tag[host]);
	}
}

#define NC_TEST(fn, c)                      \
	static void fn##_sim(void **state)  \
	{                                   \
		(void)state;                \
		nc_compare(c, NC_SIM);      \
	}                                   \
	static void fn##_proxy(void **state) \
	{                                   \
		(void)state;                \
		nc_compare(c, NC_PROXY);    \
	}

NC_TEST(test_driver_start_matches_qemus, 0)
NC_TEST(test_identify_data_and_statuses_match_qemus, 1)
NC_TEST(test_writes_read_back_through_every_prp_shape_match_qemus, 2)
NC_TEST(test_bad_commands_get_qemus_statuses, 3)
NC_TEST(test_each_io_queue_completes_on_its_own_vector_as_qemus, 4)
NC_TEST(test_masked_vector_pends_and_is_delivered_on_unmask_as_qemus, 5)
NC_TEST(test_sleep_with_a_write_in_flight_shuts_down_as_qemus, 6)
NC_TEST(test_fatal_status_is_recovered_from_as_on_qemus, 7)
NC_TEST(test_driver_stop_matches_qemus, 8)
NC_TEST(test_unload_touches_nothing, 9)
NC_TEST(test_removal_with_io_in_flight_fails_it_as_on_qemus, 10)

/* Every allow-list line must still excuse something, or it goes. */
static void test_allowlist_has_no_stale_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < S.al.count; i++)
		if (S.al.items[i].used == 0)
			fail_msg("allow-list line '%s' excused nothing: remove it",
				 S.al.items[i].pattern);
}

#define NC_ENTRY(fn) cmocka_unit_test(fn##_sim), cmocka_unit_test(fn##_proxy)

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		NC_ENTRY(test_driver_start_matches_qemus),
		NC_ENTRY(test_identify_data_and_statuses_match_qemus),
		NC_ENTRY(test_writes_read_back_through_every_prp_shape_match_qemus),
		NC_ENTRY(test_bad_commands_get_qemus_statuses),
		NC_ENTRY(test_each_io_queue_completes_on_its_own_vector_as_qemus),
		NC_ENTRY(test_masked_vector_pends_and_is_delivered_on_unmask_as_qemus),
		NC_ENTRY(test_sleep_with_a_write_in_flight_shuts_down_as_qemus),
		NC_ENTRY(test_fatal_status_is_recovered_from_as_on_qemus),
		NC_ENTRY(test_driver_stop_matches_qemus),
		NC_ENTRY(test_unload_touches_nothing),
		NC_ENTRY(test_removal_with_io_in_flight_fails_it_as_on_qemus),
		cmocka_unit_test(test_allowlist_has_no_stale_line),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s KEXT ALLOWLIST\n", argv[0]);
		return 2;
	}
	S.kext_path = argv[1];
	S.allowlist_path = argv[2];
	return cmocka_run_group_tests_name("nvme_conformance", tests, nc_group_setup,
					   nc_group_teardown);
}
