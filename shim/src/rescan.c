/* Re-scan after hot-plug or surprise removal: forget functions that went
 * away (terminating their services first, as the provider's termination
 * does), then let the firmware enumerate the slots that are free. */
#include "machine_internal.h"
#include "shim/log.h"

/* A device that answers with other IDs was replaced behind our back. */
static bool shim_rescan_still_there(shim_pci_device *dev)
{
	uint32_t id;

	if (!shim_pci_check_present(dev))
		return false;
	id = shim_pci_cfg_read32(dev, SHIM_PCI_VENDOR);
	if (dev->gone)
		return false;
	if ((id & 0xffffu) != dev->vendor || (id >> 16) != dev->device)
		dev->gone = true;
	return !dev->gone;
}

/* Give the vectors back when they were the last handed out, so attach and
 * detach cycles do not exhaust the host's MSI range. */
static void shim_rescan_return_vectors(shim_machine *m, const shim_pci_device *dev)
{
	if (dev->msi_vectors_valid && dev->msi_vec_base + dev->msi_vec_count == m->next_vector)
		m->next_vector = dev->msi_vec_base;
}

shim_ret shim_machine_rescan(shim_machine *m, size_t *added, size_t *removed)
{
	size_t n_added = 0, n_removed = 0, i = 0;
	shim_ret r;

	if (added)
		*added = 0;
	if (removed)
		*removed = 0;
	if (!m || !m->host_alive)
		return m ? SHIM_ERR_HOST : SHIM_ERR_BAD_ARGUMENT;
	while (i < m->dev_count) {
		shim_pci_device *dev = m->devs[i];

		if (shim_rescan_still_there(dev)) {
			i++;
			continue;
		}
		shim_log(SHIM_LOG_WARN, "rescan: %s (%04x:%04x) is gone", dev->name, dev->vendor,
			 dev->device);
		if (dev->svc)
			(void)shim_machine_terminate(m, dev);
		shim_rescan_return_vectors(m, dev);
		for (size_t k = i + 1; k < m->dev_count; k++)
			m->devs[k - 1] = m->devs[k];
		m->dev_count--;
		shim_pci_device_release(dev);
		n_removed++;
	}
	r = shim_firmware_rescan(m, &n_added);
	if (r != SHIM_OK)
		shim_log(SHIM_LOG_WARN, "rescan: %s: %s", shim_ret_string(r), m->last_error);
	for (size_t k = m->dev_count - n_added; k < m->dev_count; k++)
		shim_log(SHIM_LOG_INFO, "rescan: found %s (%04x:%04x)", m->devs[k]->name,
			 m->devs[k]->vendor, m->devs[k]->device);
	if (added)
		*added = n_added;
	if (removed)
		*removed = n_removed;
	return r;
}
