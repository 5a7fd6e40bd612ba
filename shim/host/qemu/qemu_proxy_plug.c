/* Hot-unplug and re-plug of the proxied device (qemu host, proxy mode),
 * done the way qemu:edu does it for QEMU's own edu
 * (docs/qemu-host.md, 'Hot-plug on pc'): device_del, completed by writing the slot bit to the ACPI
 * eject register as a guest's firmware would (machine pc, bus 0). QEMU
 * unrealizes the proxy at once: it closes its end of the socket, the remote
 * exits on the EOF (reaped here, so the host does not take the exit for a
 * crash) and the slot reads all-ones. DEVICE_DELETED comes some 50 ms later
 * (QEMU defers it), and the id can be reused before it, so the unplug does
 * not wait for it: stale ones are dropped at the next unplug. Re-plug forks a
 * fresh remote on a new socketpair and hands QEMU the other end with QMP
 * getfd (the fd rides on the command, SCM_RIGHTS), then device_add. */
#include <stdio.h>
#include <unistd.h>

#include "qemu_internal.h"

#define PCI_CONF_ADDR 0xcf8u
#define PCI_CONF_DATA 0xcfcu
#define PIIX_HP_UP 0xae00u    /* slots with a pending insertion; reading clears */
#define PIIX_HP_EJECT 0xae08u /* write 1 << slot: complete the removal */
#define REMOTE_EOF_GRACE_MS 2000u

/* The host behind `host` when it is in proxy mode on pc and the device is
 * plugged (want_plugged) or unplugged (!want_plugged). */
static shim_ret plug_host(const struct shim_host *host, bool want_plugged,
			  struct shim_qemu_host **out, char *why, size_t len)
{
	struct shim_qemu_host *h;

	if (!shim_host_is_qemu(host)) {
		snprintf(why, len, "not a qemu host");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	h = host->ctx;
	if (h->remote.model[0] == '\0') {
		snprintf(why, len, "the qemu host has no proxied device");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if (!h->is_pc) {
		snprintf(why, len, "proxy hot-plug needs machine pc (ACPI PCI hotplug on bus 0)");
		return SHIM_ERR_UNSUPPORTED;
	}
	if (h->dead || (want_plugged && shim_qemu_proxy_gone(h))) {
		snprintf(why, len, "%s", h->err);
		return SHIM_ERR_HOST;
	}
	if (h->remote.unplugged == want_plugged) {
		snprintf(why, len, "the proxied device is already %s",
			 want_plugged ? "unplugged" : "plugged");
		return SHIM_ERR_NOT_READY;
	}
	*out = h;
	return SHIM_OK;
}

/* A failed step: QEMU's refusal as is, a dead channel through the host. */
static shim_ret plug_fail(struct shim_qemu_host *h, shim_ret r, const char *step,
			  const char *detail, char *why, size_t len)
{
	if (r == SHIM_ERR_HOST || r == SHIM_ERR_TIMEOUT) {
		r = shim_qemu_host_result(h, SHIM_ERR_HOST, detail);
		snprintf(why, len, "proxy %s: %s", step, h->err);
		return r;
	}
	snprintf(why, len, "proxy %s: %s: %.300s", step, shim_ret_string(r), detail);
	return r;
}

/* Drops the DEVICE_DELETED events of earlier unplugs that have come in
 * (only ours are hot-plugged in proxy mode), so they do not pile up. */
static shim_ret drop_stale_events(struct shim_qemu_host *h)
{
	shim_ret r;

	while ((r = shim_qemu_qmp_wait_event(&h->qmp, "DEVICE_DELETED", 0, NULL, 0)) == SHIM_OK)
		;
	return r == SHIM_ERR_TIMEOUT ? SHIM_OK : r;
}

/* The slot's vendor/device register, through the legacy mechanism. */
static shim_ret slot_id(struct shim_qemu_host *h, uint32_t *id)
{
	shim_ret r = shim_qemu_qtest_out(&h->qt, PCI_CONF_ADDR, 4,
					 0x80000000u | (uint32_t)SHIM_BDF(0, h->remote.slot, 0) << 8);

	return r == SHIM_OK ? shim_qemu_qtest_in(&h->qt, PCI_CONF_DATA, 4, id) : r;
}

shim_ret shim_qemu_host_proxy_unplug(const struct shim_host *host, char *why, size_t len)
{
	static const char del[] = "{\"execute\":\"device_del\",\"arguments\":{\"id\":\""
				  SHIM_QEMU_PROXY_ID "\"}}";
	struct shim_qemu_host *h = NULL;
	char reply[256];
	uint32_t id = 0;
	shim_ret r = plug_host(host, true, &h, why, len);

	if (r != SHIM_OK)
		return r;
	r = drop_stale_events(h);
	if (r != SHIM_OK)
		return plug_fail(h, r, "unplug", h->qmp.detail, why, len);
	r = shim_qemu_qmp_exec(&h->qmp, del, reply, sizeof(reply));
	if (r != SHIM_OK)
		return plug_fail(h, r, "device_del", r == SHIM_ERR_GENERIC ? reply : h->qmp.detail,
				 why, len);
	r = shim_qemu_qtest_out(&h->qt, PIIX_HP_EJECT, 4, 1u << h->remote.slot);
	if (r != SHIM_OK)
		return plug_fail(h, r, "eject", h->qt.detail, why, len);
	/* From here on the remote's exit is expected, not a crash. */
	h->remote.unplugged = true;
	if (!shim_qemu_remote_end(&h->remote, REMOTE_EOF_GRACE_MS)) {
		snprintf(why, len, "proxy unplug: the remote (pid %ld) did not exit on QEMU's "
			 "hang-up within %u ms: killed", (long)h->remote.pid, REMOTE_EOF_GRACE_MS);
		h->remote.pid = -1;
		return SHIM_ERR_TIMEOUT;
	}
	h->remote.pid = -1;
	r = slot_id(h, &id);
	if (r != SHIM_OK)
		return plug_fail(h, r, "unplug", h->qt.detail, why, len);
	if (id != 0xffffffffu) {
		snprintf(why, len, "proxy unplug: slot %u still answers (0x%08x) after the eject",
			 h->remote.slot, id);
		return SHIM_ERR_GENERIC;
	}
	return SHIM_OK;
}

/* QEMU keeps a getfd'd fd until something takes it: drop it after a refusal. */
static void drop_fd_name(struct shim_qemu_host *h, const char *name)
{
	char json[128], reply[256];

	snprintf(json, sizeof(json), "{\"execute\":\"closefd\",\"arguments\":{\"fdname\":\"%s\"}}",
		 name);
	(void)shim_qemu_qmp_exec(&h->qmp, json, reply, sizeof(reply));
}

shim_ret shim_qemu_host_proxy_replug(const struct shim_host *host, char *why, size_t len)
{
	struct shim_qemu_host *h = NULL;
	char name[32], json[256], reply[512];
	int qemu_end = -1;
	uint32_t up = 0;
	shim_ret r = plug_host(host, false, &h, why, len);

	if (r != SHIM_OK)
		return r;
	r = shim_qemu_remote_spawn(&h->remote, &qemu_end, why, len);
	if (r != SHIM_OK)
		return r;
	snprintf(name, sizeof(name), "proxyfd%u", ++h->remote.plugs);
	snprintf(json, sizeof(json), "{\"execute\":\"getfd\",\"arguments\":{\"fdname\":\"%s\"}}",
		 name);
	r = shim_qemu_qmp_exec_fd(&h->qmp, json, qemu_end, reply, sizeof(reply));
	close(qemu_end); /* QEMU holds its own copy now (or never will) */
	if (r != SHIM_OK) {
		(void)shim_qemu_remote_end(&h->remote, 0);
		h->remote.pid = -1;
		return plug_fail(h, r, "getfd", r == SHIM_ERR_GENERIC ? reply : h->qmp.detail, why,
				 len);
	}
	snprintf(json, sizeof(json),
		 "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"x-pci-proxy-dev\","
		 "\"id\":\"" SHIM_QEMU_PROXY_ID "\",\"addr\":\"%u\",\"fd\":\"%s\"}}",
		 h->remote.slot, name);
	r = shim_qemu_qmp_exec(&h->qmp, json, reply, sizeof(reply));
	if (r != SHIM_OK) {
		if (r == SHIM_ERR_GENERIC)
			drop_fd_name(h, name);
		(void)shim_qemu_remote_end(&h->remote, 0);
		h->remote.pid = -1;
		return plug_fail(h, r, "device_add", r == SHIM_ERR_GENERIC ? reply : h->qmp.detail,
				 why, len);
	}
	h->remote.unplugged = false;
	/* The insertion is pending for a guest: acknowledge it as firmware would. */
	r = shim_qemu_qtest_in(&h->qt, PIIX_HP_UP, 4, &up);
	if (r != SHIM_OK)
		return plug_fail(h, r, "insertion ack", h->qt.detail, why, len);
	r = shim_qemu_host_result(h, SHIM_OK, "");
	if (r != SHIM_OK) /* the new remote died at once */
		snprintf(why, len, "proxy replug: %s", h->err);
	return r;
}
