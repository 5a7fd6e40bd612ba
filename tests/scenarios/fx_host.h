/* Host factories for the fixture: each kind of machine the scenarios can
 * run on (the in-process sim bus today; QEMU kinds plug in the same way)
 * is one entry of a small table, built in its own fx_host_*.c file. */
#ifndef FX_HOST_H
#define FX_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "model/edu.h"
#include "shim/driver.h"
#include "shim/host.h"

/* To add a host: a value here, an fx_host_<kind>.c with its factory, and
 * one line in fx_hosts.c. */
enum fx_host_kind { FX_HOST_SIM = 0, FX_HOST_QEMU, FX_HOST_QEMU_PROXY, FX_HOST_KIND_COUNT };

/* Optional observations a host can offer; scenarios declare the ones they need. */
enum fx_cap {
	FX_CAP_DEVICE_ERRORS = 1u << 0, /* count of device faults (sim bus; qemu: its output) */
	FX_CAP_DMA_OBSERVER = 1u << 1,  /* host ops report device DMA (dma_next) */
};

#define FX_DEFAULT_RAM (128ull << 20)
#define FX_EDU_SLOT 4u

/* What a machine is built from. Zeroes mean defaults. */
struct fx_options {
	uint64_t ram_size;                 /* 0: FX_DEFAULT_RAM */
	struct model_edu_config edu;       /* device variant (sim-like hosts) */
	const struct shim_kext_desc *kext; /* NULL: edu_kext */
	bool no_tap;                       /* skip the observing wrapper (benchmarks) */
	bool hotplug;                      /* the edu function will be removed and re-added
					    * (qemu:edu then boots pc: q35's root bus cannot) */
};

/* What a factory hands back: the host for shim_machine_create plus the
 * factory's own state, which lives until the machine is destroyed. */
struct fx_host_parts {
	struct shim_host host;
	void *priv;
	void (*release)(void *priv); /* after the machine (and host) are gone */
	/* NULL when the host has no device-error counter. */
	unsigned long (*device_errors)(void *priv, const char **last);
	/* NULL when the host cannot hot-plug (fx_pm.h). unplug: the edu
	 * function vanishes as in a surprise removal, the shim is not told;
	 * replug: a fresh edu function (opt's variant) appears in its slot. */
	shim_ret (*unplug)(void *priv, char *why, size_t len);
	shim_ret (*replug)(void *priv, const struct fx_options *opt, char *why, size_t len);
	const char *no_hotplug_why; /* optional, when unplug is NULL: the reason */
};

struct fx_host_factory {
	enum fx_host_kind kind;
	const char *name;    /* as given to drvbench --host */
	const char *summary;
	unsigned caps;       /* enum fx_cap bits */
	/* False (with a reason) when this machine cannot run here. */
	bool (*available)(char *why, size_t len);
	/* SHIM_ERR_UNSUPPORTED (with why) when this host cannot build the
	 * requested variant, e.g. a model option QEMU's own edu lacks: the
	 * scenario is then CANNOT RUN, not FAIL. */
	shim_ret (*create)(const struct fx_options *opt, struct fx_host_parts *out, char *why,
			   size_t len);
};

extern const struct fx_host_factory fx_host_sim_factory;
extern const struct fx_host_factory fx_host_qemu_edu_factory;
extern const struct fx_host_factory fx_host_qemu_proxy_factory;

/* The table: NULL past the end. */
const struct fx_host_factory *fx_host_at(size_t i);
const struct fx_host_factory *fx_host_by_kind(enum fx_host_kind kind);
const struct fx_host_factory *fx_host_by_name(const char *name);

#endif
