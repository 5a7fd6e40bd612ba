/* Boot and shutdown of a bench machine, in the order a kernel would:
 * machine (host + enumeration), kext load, match/start; and back. */
#include <stdio.h>
#include <string.h>

#include "bench/kext.h"
#include "bench/machine.h"
#include "shim/verifier.h"
#include "tap.h"

static bool bench_device_is_ours(struct bench_machine *fx, shim_pci_device *dev)
{
	uint16_t v = shim_pci_vendor_id(dev), d = shim_pci_device_id(dev);

	if (fx->opt.kext != NULL)
		return bench_kext_matches(fx->opt.kext, v, d, shim_pci_class_code(dev));
	return v == fx->opt.profile->vendor_id && d == fx->opt.profile->device_id;
}

shim_pci_device *bench_machine_find_device(struct bench_machine *fx)
{
	for (size_t i = 0; fx->machine != NULL && i < shim_machine_device_count(fx->machine); i++) {
		shim_pci_device *dev = shim_machine_device(fx->machine, i);

		if (bench_device_is_ours(fx, dev))
			return dev;
	}
	return NULL;
}

/* Names every function the firmware found, for a "no device" reason. */
static void bench_list_functions(struct bench_machine *fx, char *why, size_t len)
{
	size_t n = shim_machine_device_count(fx->machine);

	for (size_t i = 0; i < n && i < 8; i++) {
		shim_pci_device *dev = shim_machine_device(fx->machine, i);

		bench_why_append(why, len, "%s %04x:%04x class %06x", shim_pci_name(dev),
				 shim_pci_vendor_id(dev), shim_pci_device_id(dev),
				 shim_pci_class_code(dev));
	}
}

static shim_ret bench_boot_machine(struct bench_machine *fx, char *why, size_t len)
{
	struct shim_host host;
	shim_ret r = fx->factory->create(&fx->opt, &fx->parts, why, len);

	if (r != SHIM_OK) {
		fx->host_refused = r == SHIM_ERR_UNSUPPORTED;
		fx->host_failed = !fx->host_refused;
		return r;
	}
	fx->parts_live = true;
	host = fx->parts.host;
	if (!fx->opt.no_tap) {
		r = bench_tap_wrap(fx->parts.host, &fx->tap, &host);
		if (r != SHIM_OK) {
			snprintf(why, len, "cannot wrap the host: %s", shim_ret_string(r));
			return r;
		}
	}
	r = shim_machine_create(host, &fx->machine); /* owns host from here, even on failure */
	if (r != SHIM_OK) {
		fx->tap = NULL;
		snprintf(why, len, "%s: machine creation failed: %s (%s)", fx->factory->name,
			 shim_ret_string(r), shim_machine_last_error(NULL));
		return r;
	}
	fx->dev = bench_machine_find_device(fx);
	if (fx->dev == NULL) {
		if (fx->opt.kext != NULL)
			snprintf(why, len, "no function matches the personalities of %s among %zu "
					   "enumerated: ", bench_kext_bundle_id(fx->opt.kext),
				 shim_machine_device_count(fx->machine));
		else
			snprintf(why, len, "no %04x:%04x function (profile %s) among %zu enumerated: ",
				 fx->opt.profile->vendor_id, fx->opt.profile->device_id,
				 fx->opt.profile->name, shim_machine_device_count(fx->machine));
		bench_list_functions(fx, why, len);
		return SHIM_ERR_NO_DEVICE;
	}
	return SHIM_OK;
}

shim_ret bench_machine_boot(struct bench_machine *fx, const struct bench_host_factory *factory,
			    const struct bench_options *opt, char *why, size_t len)
{
	char host_why[256] = "";
	shim_ret r;

	memset(fx, 0, sizeof(*fx));
	fx->factory = factory;
	fx->opt = *opt;
	if (opt->profile == NULL) {
		snprintf(why, len, "no device profile given");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if (!factory->available(opt->profile, host_why, sizeof(host_why))) {
		snprintf(why, len, "host %s unavailable: %s", factory->name, host_why);
		fx->host_refused = true;
		return SHIM_ERR_UNSUPPORTED;
	}
	bench_baseline_take(&fx->base);
	r = bench_boot_machine(fx, why, len);
	if (r == SHIM_OK && opt->kext != NULL)
		r = bench_kext_load(opt->kext, opt->wrap_kext, &fx->kext, why, len);
	if (r != SHIM_OK) {
		char ignored[8];

		bench_machine_shutdown(fx, ignored, sizeof(ignored));
		return r;
	}
	bench_baseline_take(&fx->pre_match);
	if (fx->kext != NULL) {
		fx->match_ret = shim_machine_match(fx->machine, fx->kext, &fx->started);
		fx->svc = shim_machine_service(fx->machine, fx->dev);
	}
	return SHIM_OK;
}

/* Each step runs even when an earlier one failed, so nothing is left behind
 * that can be freed; the first failure is what why reports. The image of
 * the kext is unmapped last, after the machine that could call into it. */
static bool bench_teardown(struct bench_machine *fx, char *why, size_t len)
{
	bool ok = true;
	shim_ret r;

	if (fx->svc != NULL && fx->dev != NULL) {
		r = shim_machine_terminate(fx->machine, fx->dev);
		if (r != SHIM_OK) {
			bench_why_append(why, len, "terminate: %s", shim_ret_string(r));
			ok = false;
		}
	}
	fx->svc = NULL;
	if (fx->machine != NULL) {
		shim_machine_destroy(fx->machine); /* destroys the host (and tap) too */
		fx->machine = NULL;
		fx->tap = NULL;
		fx->dev = NULL;
	}
	if (fx->parts_live) {
		if (fx->parts.release != NULL)
			fx->parts.release(fx->parts.priv);
		fx->parts_live = false;
	}
	if (fx->kext != NULL && fx->opt.kext != NULL) {
		char kwhy[256] = "";

		if (bench_kext_unload(fx->opt.kext, kwhy, sizeof(kwhy)) != SHIM_OK) {
			bench_why_append(why, len, "kext unload: %s", kwhy);
			ok = false;
		}
	}
	fx->kext = NULL;
	return ok;
}

bool bench_machine_shutdown(struct bench_machine *fx, char *why, size_t len)
{
	char buf[512] = "";
	bool ok;

	if (len > 0)
		why[0] = '\0';
	ok = bench_teardown(fx, why, len);
	if (fx->factory != NULL && !bench_baseline_matches(&fx->base, buf, sizeof(buf))) {
		bench_why_append(why, len, "not back to baseline: %s", buf);
		ok = false;
	}
	if (!bench_verifier_empty(buf, sizeof(buf))) {
		bench_why_append(why, len, "%s", buf);
		ok = false;
	}
	shim_verifier_clear(); /* the next machine starts clean; the report keeps the story */
	return ok;
}

bool bench_machine_note_host_gone(struct bench_machine *fx, char *why, size_t len)
{
	if (fx->machine == NULL || shim_machine_host_ping(fx->machine) != SHIM_ERR_HOST)
		return false;
	if (strstr(why, shim_machine_last_error(fx->machine)) == NULL)
		bench_why_append(why, len, "the host is gone: %s",
				 shim_machine_last_error(fx->machine));
	return true;
}

bool bench_machine_device_errors(struct bench_machine *fx, unsigned long *count, const char **last)
{
	if (!fx->parts_live || fx->parts.device_errors == NULL)
		return false;
	*count = fx->parts.device_errors(fx->parts.priv, last);
	return true;
}

bool bench_machine_dma_seen(struct bench_machine *fx, struct bench_tap_counts *out)
{
	if (fx->tap == NULL || !bench_tap_sees_dma(fx->tap))
		return false;
	bench_tap_counts(fx->tap, out);
	return true;
}

bool bench_machine_register_accesses(struct bench_machine *fx, uint64_t *count)
{
	struct bench_tap_counts c;

	if (fx->tap == NULL)
		return false;
	bench_tap_counts(fx->tap, &c);
	*count = c.register_accesses;
	return true;
}
