/* Host factory "qemu-proxy:edu": a real QEMU whose device in slot 4 is our
 * edu model, served from a child process through x-pci-proxy-dev (the qemu
 * host's proxy mode, model/remote). Model variants travel in the model
 * spec; an INTx-only variant cannot work (proxied INTx needs KVM's irqfd). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fx_host.h"
#include "shim/host_qemu.h"

#define PROXY_SPEC_LEN 128

static bool proxy_available(char *why, size_t len)
{
	const char *bin = getenv("DRVBENCH_QEMU");
	const char *path = getenv("PATH");
	char full[512];

	if (bin && *bin) {
		if (access(bin, X_OK) == 0)
			return true;
		snprintf(why, len, "DRVBENCH_QEMU=%s is not executable", bin);
		return false;
	}
	for (const char *p = path; p && *p;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		snprintf(full, sizeof(full), "%.*s/qemu-system-x86_64", (int)n, p);
		if (n && access(full, X_OK) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	snprintf(why, len, "qemu-system-x86_64 not found on PATH (set DRVBENCH_QEMU)");
	return false;
}

static void proxy_release(void *priv)
{
	(void)priv;
}

static shim_ret proxy_create(const struct fx_options *opt, struct fx_host_parts *out, char *why,
			     size_t len)
{
	char spec[PROXY_SPEC_LEN];
	uint64_t ram = opt->ram_size != 0 ? opt->ram_size : FX_DEFAULT_RAM;
	struct shim_qemu_options qo = { .proxy_model = spec, .proxy_slot = FX_EDU_SLOT,
					.ram_mb = ram >> 20 };
	int n = snprintf(spec, sizeof(spec), "edu");
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
	r = shim_qemu_host_create(&qo, &out->host, why, len);
	if (r != SHIM_OK)
		return r;
	out->priv = NULL;
	out->release = proxy_release;
	return SHIM_OK;
}

const struct fx_host_factory fx_host_qemu_proxy_factory = {
	.kind = FX_HOST_QEMU_PROXY,
	.name = "qemu-proxy:edu",
	.summary = "real QEMU with our edu model in a separate process via x-pci-proxy-dev (MSI only)",
	.caps = 0,
	.available = proxy_available,
	.create = proxy_create,
};
