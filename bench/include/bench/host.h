/* Hosts a machine can run on, each built from a device profile: the
 * in-process sim bus, a real QEMU with its own device, and a real QEMU with
 * our model behind x-pci-proxy-dev. One table entry per host kind, each in
 * its own bench/src/host_*.c file; none of them knows a particular device. */
#ifndef BENCH_HOST_H
#define BENCH_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "bench/profile.h"
#include "shim/driver.h"
#include "shim/host.h"
#include "shim/userclient.h"

struct bench_kext;
struct bench_test_module;
struct model_hostile;

/* To add a host: a value here, a host_<kind>.c with its factory, and one
 * line in hosts.c. */
enum bench_host_kind {
	BENCH_HOST_SIM = 0,
	BENCH_HOST_QEMU,
	BENCH_HOST_QEMU_PROXY,
	BENCH_HOST_KIND_COUNT
};

/* Optional observations a host can offer; scenarios declare the ones they need. */
enum bench_cap {
	BENCH_CAP_DEVICE_ERRORS = 1u << 0, /* count of device faults (sim bus; qemu: its output) */
	BENCH_CAP_DMA_OBSERVER = 1u << 1,  /* host ops report device DMA (dma_next) */
	/* The clock is virtual all through: waiting out a timeout costs no
	 * real time (sim). QEMU's clock stands still while a device is idle,
	 * and the qemu hosts let real time pass for it. */
	BENCH_CAP_VIRTUAL_TIME = 1u << 2,
};

#define BENCH_DEFAULT_RAM (128ull << 20)

/* Wraps a loaded kext's descriptor for one run (e.g. a driver callback
 * instrumented by a test); returns the descriptor to load. */
typedef const struct shim_kext_desc *(*bench_kext_wrap_fn)(const struct shim_kext_desc *loaded);

/* What a machine is built from. Zeroes mean defaults. */
struct bench_options {
	uint64_t ram_size;                  /* 0: BENCH_DEFAULT_RAM */
	const struct bench_profile *profile; /* the device; required */
	/* Device variant, "key[=value],..." (e.g. "no_msi" or "dma_mask=0xffff"):
	 * appended to the model spec on sim and qemu-proxy; on qemu each key must
	 * be one of the profile's qemu_options (else the host cannot run it). */
	const char *device_options;
	struct bench_kext *kext;            /* NULL: no kext (the caller plays the driver) */
	bench_kext_wrap_fn wrap_kext;       /* optional */
	const struct bench_test_module *module; /* the driver's tests (its alive check), optional */
	bool no_tap;                        /* skip the observing wrapper (benchmarks) */
	bool hotplug;                       /* the device will be removed and re-added */
	/* The ABI of the client tasks the generic user-client scenarios and the
	 * open-close cycle make: SHIM_UC_ABI_ILP32 plays 32-bit processes. */
	enum shim_uc_abi client_abi;
	/* The sim host wraps its device (and every re-plugged one) in this
	 * hostile device (model/hostile.h; the caller owns it and destroys it
	 * after the machine); a removal the program makes detaches the device
	 * as an unplug would. Other hosts refuse it (CANNOT RUN). */
	struct model_hostile *hostile;
};

/* What a factory hands back: the host for shim_machine_create plus the
 * factory's own state, which lives until the machine is destroyed. */
struct bench_host_parts {
	struct shim_host host;
	void *priv;
	void (*release)(void *priv); /* after the machine (and host) are gone */
	/* NULL when the host has no device-error counter. */
	unsigned long (*device_errors)(void *priv, const char **last);
	/* NULL when the host cannot hot-plug (bench/pm.h). unplug: the device
	 * vanishes as in a surprise removal, the shim is not told; replug: a
	 * fresh one (the same variant) appears in its slot. */
	shim_ret (*unplug)(void *priv, char *why, size_t len);
	shim_ret (*replug)(void *priv, char *why, size_t len);
	const char *no_hotplug_why; /* optional, when unplug is NULL: the reason */
};

struct bench_host_factory {
	enum bench_host_kind kind;
	const char *name;    /* as given to drvbench --host */
	const char *summary;
	unsigned caps;       /* enum bench_cap bits */
	/* False (with a reason) when this host cannot run this device here:
	 * QEMU missing, or the profile gives it nothing to run. */
	bool (*available)(const struct bench_profile *p, char *why, size_t len);
	/* SHIM_ERR_UNSUPPORTED (with why) when this host cannot build the
	 * requested variant, e.g. an option QEMU's own device lacks: the
	 * scenario is then CANNOT RUN, not FAIL. */
	shim_ret (*create)(const struct bench_options *opt, struct bench_host_parts *out, char *why,
			   size_t len);
	/* Optional. Removes what processes of this host that were killed left
	 * behind and no live process holds (temp dirs): after an isolated run
	 * was killed, say. */
	void (*sweep)(void);
	/* Optional, async-signal-safe: the process is about to die of a
	 * signal; remove what only it holds (its live temp dirs). */
	void (*abandon)(void);
};

extern const struct bench_host_factory bench_host_sim_factory;
extern const struct bench_host_factory bench_host_qemu_factory;
extern const struct bench_host_factory bench_host_qemu_proxy_factory;

/* The table: NULL past the end. */
const struct bench_host_factory *bench_host_at(size_t i);
const struct bench_host_factory *bench_host_by_kind(enum bench_host_kind kind);
/* "sim", "qemu", "qemu-proxy"; also the shorthand "qemu:DEVICE" (host plus
 * device): *device then points at the part after ':' (else NULL). */
const struct bench_host_factory *bench_host_by_name(const char *name, const char **device);
/* "host:device" label of a host and profile, in buf. */
const char *bench_host_label(const struct bench_host_factory *h, const struct bench_profile *p,
			     char *buf, size_t len);

#endif
