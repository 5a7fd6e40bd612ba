/* Host factory "qemu-proxy": a real QEMU (q35, or pc when the device is
 * removed) whose device in the profile's slot is our model of it, served
 * from a child process through x-pci-proxy-dev (the qemu host's proxy
 * mode, model/remote). Variants travel in the model spec; a device without
 * MSI cannot work (proxied INTx needs KVM's irqfd). Device errors are the
 * model's own reports, read back from the remote's log. Hot-plug as on
 * qemu: the host unplugs the proxy (its remote exits and is reaped) and
 * re-plugs one with a fresh remote (shim/host_qemu.h). */
#include <stdio.h>
#include <stdlib.h>

#include "bench/host.h"
#include "bench/interrupt.h"
#include "host_qemu_common.h"
#include "model_spec.h"
#include "log_follow.h"
#include "shim/host_qemu.h"

#define PROXY_ERROR_SIGN "device error"

struct proxy_priv {
	struct shim_host host; /* a copy; valid until the machine destroys the host */
	char spec[BENCH_MODEL_SPEC_LEN]; /* the model, as the remote builds it */
	struct bench_log_follow log; /* the remote's log, read up to here */
};

static bool proxy_available(const struct bench_profile *p, char *why, size_t len)
{
	if (p->model == NULL) {
		snprintf(why, len, "profile %s has no model to serve through the proxy", p->name);
		return false;
	}
	return bench_qemu_binary_available(why, len);
}

static void proxy_release(void *priv)
{
	free(priv);
}

/* Counts the model's error reports in the remote's log since the host
 * started, one per line (the log spans replugs), so the count only grows. */
static unsigned long proxy_device_errors(void *priv, const char **last)
{
	static const char *const signs[] = { PROXY_ERROR_SIGN, NULL };
	struct proxy_priv *p = priv;
	unsigned long n = bench_log_follow_scan(&p->log, &p->host, SHIM_QEMU_LOG_REMOTE, signs);

	if (last != NULL)
		*last = p->log.last[0] != '\0' ? p->log.last : NULL;
	return n;
}

static shim_ret proxy_unplug(void *priv, char *why, size_t len)
{
	struct proxy_priv *p = priv;

	return shim_qemu_host_proxy_unplug(&p->host, why, len);
}

/* The variant travels in the model spec the host keeps. */
static shim_ret proxy_replug(void *priv, char *why, size_t len)
{
	struct proxy_priv *p = priv;

	return shim_qemu_host_proxy_replug(&p->host, why, len);
}

static shim_ret proxy_create(const struct bench_options *opt, struct bench_host_parts *out,
			     char *why, size_t len)
{
	uint64_t ram = opt->ram_size != 0 ? opt->ram_size : BENCH_DEFAULT_RAM;
	bool hotplug = opt->hotplug || opt->profile->hotplug;
	struct proxy_priv *p;
	struct shim_qemu_options qo = { .machine = hotplug ? "pc" : "q35", .ram_mb = ram >> 20,
					.ram_high_mb = opt->profile->ram_high >> 20,
					.proxy_slot = bench_profile_slot(opt->profile) };
	model_device *probe;
	shim_ret r;

	if (opt->hostile != NULL) {
		snprintf(why, len, "qemu-proxy: the hostile device is the sim host's only");
		return SHIM_ERR_UNSUPPORTED;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(why, len, "qemu-proxy: out of memory");
		return SHIM_ERR_NO_MEMORY;
	}
	if (!bench_model_spec(opt, p->spec, sizeof(p->spec), why, len)) {
		free(p);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	/* Build it once here, so a bad spec fails with its reason, and an
	 * INTx-only device (no MSI or MSI-X capability) is refused up front. */
	probe = bench_model_create(p->spec, why, len);
	if (probe == NULL) {
		free(p);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if (probe->msi_cap == 0 && probe->msix.cap == 0) {
		snprintf(why, len, "qemu-proxy: '%s' has no MSI or MSI-X capability, and INTx cannot "
				   "cross x-pci-proxy-dev (needs KVM irqfd); the proxy path is "
				   "MSI-only (MSI or MSI-X)", p->spec);
		model_device_destroy(probe);
		free(p);
		return SHIM_ERR_UNSUPPORTED;
	}
	model_device_destroy(probe);
	qo.proxy_model = p->spec;
	shim_qemu_interrupt_on(bench_interrupt_fd_ref()); /* waits end at an interrupt */
	r = shim_qemu_host_create(&qo, &out->host, why, len);
	if (r != SHIM_OK) {
		free(p);
		return r;
	}
	p->host = out->host;
	out->priv = p;
	out->release = proxy_release;
	out->device_errors = proxy_device_errors;
	if (hotplug) { /* pc's ACPI hotplug; q35's root bus has none */
		out->unplug = proxy_unplug;
		out->replug = proxy_replug;
	} else {
		out->no_hotplug_why = "qemu-proxy booted q35, whose root bus is not hot-pluggable; "
				      "a scenario that removes the device declares it (hotplug) "
				      "and runs on pc";
	}
	return SHIM_OK;
}

const struct bench_host_factory bench_host_qemu_proxy_factory = {
	.kind = BENCH_HOST_QEMU_PROXY,
	.name = "qemu-proxy",
	.summary = "real QEMU (q35; pc where a scenario hot-plugs) with our model of the device in "
		   "its own process via x-pci-proxy-dev (MSI only)",
	.caps = BENCH_CAP_DEVICE_ERRORS, /* the model's reports, from the remote's log */
	.available = proxy_available,
	.create = proxy_create,
	.sweep = bench_qemu_sweep,
	.abandon = bench_qemu_abandon,
};
