/* The machine: a host, the devices the firmware found on it, its work loop
 * and DMA pool; and the services that drivers run on its devices (matching,
 * probe, start, terminate). */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"
#include "shim/alloc.h"
#include "shim/log.h"

static shim_class shim_machine_class = SHIM_CLASS_INIT("ShimMachine");
static shim_class shim_service_class = SHIM_CLASS_INIT("ShimService");

struct shim_service {
	shim_object obj;
	shim_machine *m;
	shim_pci_device *dev;      /* retained */
	shim_kext *kext;
	const struct shim_driver *driver;
	void *priv;
};

/* Runs when the last reference goes: after destroy, and after every object
 * that pointed at the machine (possibly leaked by a driver) is gone. */
static void shim_machine_free(shim_object *obj)
{
	shim_machine *m = (shim_machine *)obj;

	shim_dma_pool_destroy(m->pool);
	if (m->devs)
		shim_free(m->devs, m->dev_cap * sizeof(*m->devs));
	shim_free(m, sizeof(*m));
}

shim_ret shim_machine_add_device(shim_machine *m, shim_pci_device *dev)
{
	if (m->dev_count == m->dev_cap) {
		size_t cap = m->dev_cap ? m->dev_cap * 2 : 8;
		shim_pci_device **devs = shim_malloc(cap * sizeof(*devs));

		if (!devs)
			return SHIM_ERR_NO_MEMORY;
		if (m->devs) {
			memcpy(devs, m->devs, m->dev_count * sizeof(*devs));
			shim_free(m->devs, m->dev_cap * sizeof(*m->devs));
		}
		m->devs = devs;
		m->dev_cap = cap;
	}
	m->devs[m->dev_count++] = dev;
	return SHIM_OK;
}

/* Why the latest shim_machine_create failed (empty after a success), for
 * shim_machine_last_error(NULL): a failed creation leaves no machine to ask. */
static char shim_machine_create_error[256];

static shim_ret shim_machine_create_failed(const char *host_name, shim_ret r, const char *why)
{
	snprintf(shim_machine_create_error, sizeof(shim_machine_create_error), "%s",
		 why && *why ? why : shim_ret_string(r));
	/* Short prefix: a log line holds less than the reason may need. */
	shim_log(SHIM_LOG_ERR, "machine on %s not created: %s", host_name,
		 shim_machine_create_error);
	return r;
}

shim_ret shim_machine_create(struct shim_host host, shim_machine **out)
{
	char why[sizeof(shim_machine_create_error)];
	shim_machine *m;
	shim_ret r;

	shim_machine_create_error[0] = '\0';
	if (out)
		*out = NULL;
	r = shim_hostcall_check(host, why, sizeof(why));
	if (r == SHIM_OK && !out) {
		snprintf(why, sizeof(why), "no place for the machine (out is NULL)");
		r = SHIM_ERR_BAD_ARGUMENT;
	}
	if (r != SHIM_OK) {
		shim_hostcall_release(host); /* not when its version is another: see host.h */
		return shim_machine_create_failed("?", r, why);
	}
	m = shim_zalloc(sizeof(*m));
	if (!m) {
		shim_hostcall_release(host);
		return shim_machine_create_failed("?", SHIM_ERR_NO_MEMORY, NULL);
	}
	shim_object_init(&m->obj, &shim_machine_class, shim_machine_free);
	m->host = host;
	m->host_alive = true;
	shim_hostcall_layout(m, &m->layout);
	r = shim_dma_pool_create(m->layout.dma_base, m->layout.dma_size, &m->pool);
	if (r == SHIM_OK && m->layout.dma_high_size) {
		r = shim_dma_pool_add(m->pool, m->layout.dma_high_base, m->layout.dma_high_size);
		if (r != SHIM_OK)
			snprintf(m->last_error, sizeof(m->last_error),
				 "host's DMA window above 4 GiB (0x%llx) overlaps its first one",
				 (unsigned long long)m->layout.dma_high_base);
	}
	if (r == SHIM_OK) {
		m->map_low = shim_hostcall_ram_map(m, m->layout.dma_base, m->layout.dma_size);
		m->map_high = shim_hostcall_ram_map(m, m->layout.dma_high_base,
						    m->layout.dma_high_size);
		r = shim_workloop_create(m, &m->wl);
	}
	if (r == SHIM_OK)
		r = shim_firmware_enumerate(m);
	if (r != SHIM_OK) {
		snprintf(why, sizeof(why), "%s", m->last_error);
		shim_machine_create_failed(shim_hostcall_name(m), r, why);
		shim_machine_destroy(m);
		return r;
	}
	*out = m;
	return SHIM_OK;
}

void shim_machine_destroy(shim_machine *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->dev_count; i++)
		if (m->devs[i]->svc)
			(void)shim_machine_terminate(m, m->devs[i]);
	shim_hostcall_destroy(m);
	shim_workloop_release(m->wl);
	m->wl = NULL;
	for (size_t i = 0; i < m->dev_count; i++)
		shim_pci_device_release(m->devs[i]);
	m->dev_count = 0;
	shim_object_release(&m->obj);
}

const char *shim_machine_host_name(const shim_machine *m)
{
	return m ? shim_hostcall_name(m) : "";
}

shim_workloop *shim_machine_workloop(shim_machine *m)
{
	return m ? m->wl : NULL;
}

size_t shim_machine_device_count(const shim_machine *m)
{
	return m ? m->dev_count : 0;
}

shim_pci_device *shim_machine_device(shim_machine *m, size_t i)
{
	return m && i < m->dev_count ? m->devs[i] : NULL;
}

const char *shim_machine_last_error(const shim_machine *m)
{
	return m ? m->last_error : shim_machine_create_error;
}

shim_ret shim_machine_host_ping(shim_machine *m)
{
	uint32_t id = 0;

	if (!m)
		return SHIM_ERR_BAD_ARGUMENT;
	return shim_hostcall_cfg_read(m, SHIM_BDF(0, 0, 0), 0, 4, &id);
}

uint8_t *shim_machine_ram_ptr(shim_machine *m, uint64_t addr, uint64_t len)
{
	const struct shim_host_layout *l = &m->layout;

	if (!m->host_alive)
		return NULL;
	if (m->map_low && addr >= l->dma_base && addr - l->dma_base <= l->dma_size &&
	    len <= l->dma_size - (addr - l->dma_base))
		return m->map_low + (addr - l->dma_base);
	if (m->map_high && addr >= l->dma_high_base && addr - l->dma_high_base <= l->dma_high_size &&
	    len <= l->dma_high_size - (addr - l->dma_high_base))
		return m->map_high + (addr - l->dma_high_base);
	return NULL;
}

/* ---- services ---- */

static void shim_service_free(shim_object *obj)
{
	shim_service *svc = (shim_service *)obj;
	shim_pci_device *dev = svc->dev;

	shim_free(svc, sizeof(*svc));
	shim_pci_device_release(dev);
}

void shim_service_set_private(shim_service *svc, void *priv)
{
	if (svc)
		svc->priv = priv;
}

void *shim_service_private(const shim_service *svc)
{
	return svc ? svc->priv : NULL;
}

shim_workloop *shim_service_workloop(shim_service *svc)
{
	return svc ? svc->m->wl : NULL;
}

shim_pci_device *shim_service_provider(shim_service *svc)
{
	return svc ? svc->dev : NULL;
}

const struct shim_driver *shim_service_driver(const shim_service *svc)
{
	return svc ? svc->driver : NULL;
}

static void shim_service_destroy(shim_service *svc)
{
	svc->dev->svc = NULL;
	shim_kext_services_add(svc->kext, -1);
	shim_kext_note_idle(svc->kext, shim_workloop_now_ns(svc->m->wl));
	shim_object_release(&svc->obj);
}

/* The best personality of k for dev whose driver's probe accepts it. */
static const struct shim_driver *shim_machine_probe(shim_kext *k, shim_pci_device *dev)
{
	const struct shim_driver *best = NULL;
	int best_score = 0;

	for (size_t i = 0; i < shim_kext_personality_count(k); i++) {
		int score = 0;
		const struct shim_driver *d =
			shim_kext_personality_match(k, i, dev, &score);

		if (!d || (d->probe && !d->probe(dev, &score)))
			continue;
		if (!best || score > best_score) {
			best = d;
			best_score = score;
		}
	}
	return best;
}

/* A failed start must give back everything it took. */
static void shim_machine_check_failed_start(const struct shim_driver *d, shim_pci_device *dev,
					    const struct shim_counters *before)
{
	struct shim_counters after;

	shim_counters_snapshot(&after);
	if (after.objects_live != before->objects_live ||
	    after.alloc_count != before->alloc_count ||
	    after.wired_bytes != before->wired_bytes || after.prepared != before->prepared)
		SHIM_VERIFY_FAIL(SHIM_V_LEAK_AT_UNLOAD,
				 "%s on %s: failed start left %ld object(s), %ld allocation(s), "
				 "%lld wired byte(s), %ld prepared descriptor(s) behind",
				 d->class_name, dev->name, after.objects_live - before->objects_live,
				 after.alloc_count - before->alloc_count,
				 (long long)(after.wired_bytes - before->wired_bytes),
				 after.prepared - before->prepared);
}

static shim_ret shim_machine_start(shim_machine *m, shim_kext *k, shim_pci_device *dev,
				   const struct shim_driver *d)
{
	struct shim_counters before;
	shim_service *svc = shim_zalloc(sizeof(*svc));
	shim_ret r;

	if (!svc)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&svc->obj, &shim_service_class, shim_service_free);
	shim_object_retain(&dev->obj);
	svc->m = m;
	svc->dev = dev;
	svc->kext = k;
	svc->driver = d;
	dev->svc = svc;
	shim_kext_services_add(k, 1);
	shim_counters_snapshot(&before);
	r = d->start ? d->start(svc, dev) : SHIM_OK;
	if (r == SHIM_OK)
		return SHIM_OK;
	shim_machine_check_failed_start(d, dev, &before);
	shim_log(SHIM_LOG_WARN, "%s on %s: start failed: %s", d->class_name, dev->name,
		 shim_ret_string(r));
	shim_service_destroy(svc);
	return r;
}

shim_ret shim_machine_match(shim_machine *m, shim_kext *k, size_t *started)
{
	shim_ret result = SHIM_OK;
	size_t n = 0;

	if (started)
		*started = 0;
	if (!m || !k || !shim_kext_can_start(k))
		return SHIM_ERR_BAD_ARGUMENT;
	for (size_t i = 0; i < m->dev_count; i++) {
		shim_pci_device *dev = m->devs[i];
		const struct shim_driver *d;
		shim_ret r;

		if (dev->svc || dev->gone)
			continue;
		d = shim_machine_probe(k, dev);
		if (!d)
			continue;
		r = shim_machine_start(m, k, dev, d);
		if (r == SHIM_OK)
			n++;
		else if (result == SHIM_OK)
			result = r;
	}
	if (started)
		*started = n;
	return result;
}

shim_service *shim_machine_service(shim_machine *m, shim_pci_device *dev)
{
	if (!m || !dev || dev->m != m)
		return NULL;
	return dev->svc;
}

shim_ret shim_machine_terminate(shim_machine *m, shim_pci_device *dev)
{
	shim_service *svc;

	if (!m || !dev || dev->m != m)
		return SHIM_ERR_BAD_ARGUMENT;
	svc = dev->svc;
	if (!svc)
		return SHIM_ERR_NOT_FOUND;
	shim_power_service_end(dev); /* stop sees restored config space */
	if (!shim_pci_check_present(dev)) {
		dev->told_gone = true;
		if (svc->driver->device_gone)
			svc->driver->device_gone(svc);
	}
	if (svc->driver->stop)
		svc->driver->stop(svc);
	shim_service_destroy(svc);
	return SHIM_OK;
}
