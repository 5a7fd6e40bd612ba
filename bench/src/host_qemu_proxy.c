/* Host factory "qemu-proxy:edu": a real QEMU (machine as qemu:edu: q35,
 * or pc when the scenario hot-plugs) whose device in slot 4 is our edu model, served from a child process
 * through x-pci-proxy-dev (the qemu host's proxy mode, model/remote).
 * Model variants travel in the model spec; an INTx-only variant cannot
 * work (proxied INTx needs KVM's irqfd). Device errors are the model's
 * own reports, read back from the remote's log. Hot-plug as on qemu:edu:
 * the host unplugs the proxy (its remote exits and is reaped) and re-plugs
 * one with a fresh remote (shim/host_qemu.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/host.h"
#include "log_follow.h"
#include "shim/host_qemu.h"

#define PROXY_SPEC_LEN 128
#define PROXY_ERROR_SIGN "device error"

struct proxy_priv {
	struct shim_host host; /* a copy; valid until the machine destroys the host */
	struct bench_log_follow log; /* the remote's log, read up to here */
};

static bool proxy_available(char *why, size_t len)
{
	return bench_host_qemu_edu_factory.available(why, len); /* the same binary */
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
static shim_ret proxy_replug(void *priv, const struct bench_options *opt, char *why, size_t len)
{
	struct proxy_priv *p = priv;

	(void)opt;
	return shim_qemu_host_proxy_replug(&p->host, why, len);
}

static shim_ret proxy_create(const struct bench_options *opt, struct bench_host_parts *out, char *why,
			     size_t len)
{
	char spec[PROXY_SPEC_LEN];
	uint64_t ram = opt->ram_size != 0 ? opt->ram_size : BENCH_DEFAULT_RAM;
	struct shim_qemu_options qo = { .machine = opt->hotplug ? "pc" : "q35",
					.ram_mb = ram >> 20, .proxy_model = spec,
					.proxy_slot = BENCH_EDU_SLOT };
	int n = snprintf(spec, sizeof(spec), "edu");
	struct proxy_priv *p;
	shim_ret r;

	if (opt->edu.no_msi) {
		snprintf(why, len, "qemu-proxy: an INTx-only device cannot interrupt through "
				   "x-pci-proxy-dev (needs KVM irqfd); the proxy path is MSI-only");
		return SHIM_ERR_UNSUPPORTED;
	}
	if (opt->edu.dma_mask)
		n += snprintf(spec + n, sizeof(spec) - (size_t)n, ",dma_mask=0x%" PRIx64,
			      opt->edu.dma_mask);
	if (opt->edu.id_value)
		snprintf(spec + n, sizeof(spec) - (size_t)n, ",id=0x%" PRIx32, opt->edu.id_value);
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(why, len, "qemu-proxy: out of memory");
		return SHIM_ERR_NO_MEMORY;
	}
	r = shim_qemu_host_create(&qo, &out->host, why, len);
	if (r != SHIM_OK) {
		free(p);
		return r;
	}
	p->host = out->host;
	out->priv = p;
	out->release = proxy_release;
	out->device_errors = proxy_device_errors;
	if (opt->hotplug) { /* pc's ACPI hotplug; q35's root bus has none */
		out->unplug = proxy_unplug;
		out->replug = proxy_replug;
	} else {
		out->no_hotplug_why = "qemu-proxy:edu booted q35, whose root bus is not "
				      "hot-pluggable; a scenario that removes the device declares "
				      "it (opt.hotplug) and runs on pc";
	}
	return SHIM_OK;
}

const struct bench_host_factory bench_host_qemu_proxy_factory = {
	.kind = BENCH_HOST_QEMU_PROXY,
	.name = "qemu-proxy:edu",
	.summary = "real QEMU (q35; pc where a scenario hot-plugs) with our edu model in its own "
		   "process via x-pci-proxy-dev (MSI only)",
	.caps = BENCH_CAP_DEVICE_ERRORS, /* the model's reports, from the remote's log */
	.available = proxy_available,
	.create = proxy_create,
};
