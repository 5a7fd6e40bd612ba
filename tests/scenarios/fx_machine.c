/* Boot and shutdown of a fixture machine, in the order a kernel would:
 * machine (host + enumeration), kext load, match/start; and back. */
#include <stdio.h>
#include <string.h>

#include "edu/edu_driver.h"
#include "fx_machine.h"
#include "shim/verifier.h"

shim_pci_device *fx_machine_find_edu(shim_machine *m)
{
	for (size_t i = 0; i < shim_machine_device_count(m); i++) {
		shim_pci_device *dev = shim_machine_device(m, i);

		if (shim_pci_vendor_id(dev) == MODEL_EDU_VENDOR &&
		    shim_pci_device_id(dev) == MODEL_EDU_DEVICE)
			return dev;
	}
	return NULL;
}

static shim_ret fx_boot_machine(struct fx_machine *fx, char *why, size_t len)
{
	struct shim_host host;
	shim_ret r = fx->factory->create(&fx->opt, &fx->parts, why, len);

	if (r != SHIM_OK) {
		fx->host_refused = r == SHIM_ERR_UNSUPPORTED;
		return r;
	}
	fx->parts_live = true;
	host = fx->parts.host;
	if (!fx->opt.no_tap) {
		r = fx_tap_wrap(fx->parts.host, &fx->tap, &host);
		if (r != SHIM_OK) {
			snprintf(why, len, "cannot wrap the host: %s", shim_ret_string(r));
			return r;
		}
	}
	r = shim_machine_create(host, &fx->machine); /* owns host from here, even on failure */
	if (r != SHIM_OK) {
		fx->tap = NULL;
		snprintf(why, len, "shim_machine_create on %s: %s", fx->factory->name,
			 shim_ret_string(r));
		return r;
	}
	fx->dev = fx_machine_find_edu(fx->machine);
	if (fx->dev == NULL) {
		snprintf(why, len, "no edu device (%04x:%04x) among %zu enumerated functions",
			 MODEL_EDU_VENDOR, MODEL_EDU_DEVICE, shim_machine_device_count(fx->machine));
		return SHIM_ERR_NO_DEVICE;
	}
	return SHIM_OK;
}

shim_ret fx_machine_boot(struct fx_machine *fx, const struct fx_host_factory *factory,
			 const struct fx_options *opt, char *why, size_t len)
{
	const struct shim_kext_desc *desc;
	char host_why[160] = "";
	shim_ret r;

	memset(fx, 0, sizeof(*fx));
	fx->factory = factory;
	fx->opt = *opt;
	desc = opt->kext != NULL ? opt->kext : &edu_kext;
	if (!factory->available(host_why, sizeof(host_why))) {
		snprintf(why, len, "host %s unavailable: %s", factory->name, host_why);
		fx->host_refused = true;
		return SHIM_ERR_UNSUPPORTED;
	}
	fx_baseline_take(&fx->base);
	r = fx_boot_machine(fx, why, len);
	if (r == SHIM_OK) {
		r = shim_kext_load(desc, &fx->kext);
		if (r != SHIM_OK)
			snprintf(why, len, "shim_kext_load: %s", shim_ret_string(r));
	}
	if (r != SHIM_OK) {
		char ignored[8];

		fx_machine_shutdown(fx, ignored, sizeof(ignored));
		return r;
	}
	fx_baseline_take(&fx->pre_match);
	fx->match_ret = shim_machine_match(fx->machine, fx->kext, &fx->started);
	fx->svc = shim_machine_service(fx->machine, fx->dev);
	return SHIM_OK;
}

/* Each step runs even when an earlier one failed, so nothing is left behind
 * that can be freed; the first failure is what why reports. */
static bool fx_teardown(struct fx_machine *fx, char *why, size_t len)
{
	bool ok = true;
	shim_ret r;

	if (fx->svc != NULL) {
		r = shim_machine_terminate(fx->machine, fx->dev);
		if (r != SHIM_OK) {
			fx_why_append(why, len, "terminate: %s", shim_ret_string(r));
			ok = false;
		}
		fx->svc = NULL;
	}
	if (fx->kext != NULL) {
		r = shim_kext_unload(fx->kext);
		if (r != SHIM_OK) {
			fx_why_append(why, len, "kext unload: %s", shim_ret_string(r));
			ok = false;
		}
		fx->kext = NULL;
	}
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
	return ok;
}

bool fx_machine_shutdown(struct fx_machine *fx, char *why, size_t len)
{
	char buf[256] = "";
	bool ok;

	if (len > 0)
		why[0] = '\0';
	ok = fx_teardown(fx, why, len);
	if (fx->factory != NULL && !fx_baseline_matches(&fx->base, buf, sizeof(buf))) {
		fx_why_append(why, len, "not back to baseline: %s", buf);
		ok = false;
	}
	if (!fx_verifier_empty(buf, sizeof(buf))) {
		fx_why_append(why, len, "%s", buf);
		ok = false;
	}
	shim_verifier_clear(); /* the next machine starts clean; the report keeps the story */
	return ok;
}

bool fx_machine_device_errors(struct fx_machine *fx, unsigned long *count, const char **last)
{
	if (!fx->parts_live || fx->parts.device_errors == NULL)
		return false;
	*count = fx->parts.device_errors(fx->parts.priv, last);
	return true;
}

bool fx_machine_dma_seen(struct fx_machine *fx, struct fx_tap_counts *out)
{
	if (fx->tap == NULL || !fx_tap_sees_dma(fx->tap))
		return false;
	fx_tap_counts(fx->tap, out);
	return true;
}
