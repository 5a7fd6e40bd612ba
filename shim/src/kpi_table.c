/* The KPI table: which library provides each symbol a kext may link
 * against. Kept sorted by name (a unit test checks) so the loader's
 * per-symbol lookup is a binary search. */
#include "shim/kpi.h"

#include <stdlib.h>
#include <string.h>

/* By id. Versions follow Apple's scheme: the kpi.* libraries carry the
 * kernel's major version (19 here) and stay compatible back to 8.0, the
 * first release with KPIs; IOPCIFamily has its own numbering. */
static const struct shim_kpi_library libraries[] = {
	{ "com.apple.iokit.IOPCIFamily", "2.9", "1.0",
	  "the PCI device a driver is matched to: config space, BARs, MMIO, interrupt types" },
	/* Declared by most real kexts; nothing in the shim plays the BSD layer
	 * yet, so it provides no symbol and a manifest naming it gets only the
	 * "declared but unused" note. */
	{ "com.apple.kpi.bsd", "19.0", "8.0",
	  "BSD layer (empty: the shim has no BSD-side API)" },
	{ "com.apple.kpi.iokit", "19.0", "8.0",
	  "allocation, log, locks, work loop, timers, interrupts, memory descriptors, "
	  "services, user clients, power, verifier" },
	{ "com.apple.kpi.libkern", "19.0", "8.0",
	  "C-library helpers, overflow checks, reference-counted objects" },
	/* As com.apple.kpi.bsd: commonly declared, nothing Mach-level exported. */
	{ "com.apple.kpi.mach", "19.0", "8.0",
	  "Mach layer (empty: the shim has no Mach-side API)" },
};

#define PCI (&libraries[0])
#define IOKIT (&libraries[2])
#define LIBKERN (&libraries[3])

/* Sorted by name in strcmp order ('_' sorts after capitals and digits,
 * before lower case). */
static const struct shim_kpi_symbol symbols[] = {
	/* Emitted by compilers (-fstack-protector): libkern's role in a kernel. */
	{ "__stack_chk_fail", LIBKERN },
	{ "__stack_chk_guard", LIBKERN },
	/* Emitted by compilers for struct copies and initialisation, and used
	 * by kexts as libkern provides them. */
	{ "memcmp", LIBKERN },
	{ "memcpy", LIBKERN },
	{ "memmove", LIBKERN },
	{ "memset", LIBKERN },
	{ "shim_add_overflows_u64", LIBKERN },
	{ "shim_class_live", LIBKERN },
	{ "shim_dma_buffer_alloc_", IOKIT },
	{ "shim_dma_command_bounced", IOKIT },
	{ "shim_dma_command_complete_", IOKIT },
	{ "shim_dma_command_create_", IOKIT },
	{ "shim_dma_command_length", IOKIT },
	{ "shim_dma_command_prepare_", IOKIT },
	{ "shim_dma_command_release_", IOKIT },
	{ "shim_dma_command_segments_", IOKIT },
	{ "shim_free_", IOKIT },
	{ "shim_host_to_le16", LIBKERN },
	{ "shim_host_to_le32", LIBKERN },
	{ "shim_host_to_le64", LIBKERN },
	{ "shim_intr_source_create", IOKIT },
	{ "shim_intr_source_disable", IOKIT },
	{ "shim_intr_source_enable", IOKIT },
	{ "shim_intr_source_release", IOKIT },
	/* OSSwap: byte order is libkern's. */
	{ "shim_le16_to_host", LIBKERN },
	{ "shim_le32_to_host", LIBKERN },
	{ "shim_le64_to_host", LIBKERN },
	{ "shim_lock_alloc_", IOKIT },
	{ "shim_lock_free_", IOKIT },
	{ "shim_lock_held", IOKIT },
	{ "shim_lock_lock_", IOKIT },
	{ "shim_lock_unlock_", IOKIT },
	{ "shim_log_", IOKIT },
	{ "shim_malloc_", IOKIT },
	{ "shim_memcmp", LIBKERN },
	{ "shim_memcpy", LIBKERN },
	{ "shim_memdesc_alloc_pages_", IOKIT },
	{ "shim_memdesc_complete_", IOKIT },
	{ "shim_memdesc_dma_address_", IOKIT },
	{ "shim_memdesc_is_prepared", IOKIT },
	{ "shim_memdesc_length", IOKIT },
	{ "shim_memdesc_map", IOKIT },
	{ "shim_memdesc_prepare_", IOKIT },
	{ "shim_memdesc_read", IOKIT },
	{ "shim_memdesc_release_", IOKIT },
	{ "shim_memdesc_write", IOKIT },
	{ "shim_memset", LIBKERN },
	{ "shim_mmio_length", PCI },
	{ "shim_mmio_read16", PCI },
	{ "shim_mmio_read32", PCI },
	{ "shim_mmio_read64", PCI },
	{ "shim_mmio_read8", PCI },
	{ "shim_mmio_unmap_", PCI },
	{ "shim_mmio_write16", PCI },
	{ "shim_mmio_write32", PCI },
	{ "shim_mmio_write64", PCI },
	{ "shim_mmio_write8", PCI },
	{ "shim_mul_overflows_u64", LIBKERN },
	{ "shim_object_class_name", LIBKERN },
	{ "shim_object_init", LIBKERN },
	{ "shim_object_refcount", LIBKERN },
	{ "shim_object_release_", LIBKERN },
	{ "shim_object_retain_", LIBKERN },
	{ "shim_pci_bar_info", PCI },
	{ "shim_pci_cfg_read16", PCI },
	{ "shim_pci_cfg_read32", PCI },
	{ "shim_pci_cfg_read8", PCI },
	{ "shim_pci_cfg_write16", PCI },
	{ "shim_pci_cfg_write32", PCI },
	{ "shim_pci_cfg_write8", PCI },
	{ "shim_pci_class_code", PCI },
	{ "shim_pci_device_id", PCI },
	{ "shim_pci_find_capability", PCI },
	{ "shim_pci_interrupt_type", PCI },
	{ "shim_pci_is_present", PCI },
	{ "shim_pci_map_bar_", PCI },
	{ "shim_pci_message_interrupt_count", PCI },
	{ "shim_pci_name", PCI },
	{ "shim_pci_set_bus_master", PCI },
	{ "shim_pci_set_io_enable", PCI },
	{ "shim_pci_set_memory_enable", PCI },
	{ "shim_pci_vendor_id", PCI },
	{ "shim_power_ack", IOKIT },
	{ "shim_power_current", IOKIT },
	/* IOService's stringFromReturn role. */
	{ "shim_ret_string", IOKIT },
	{ "shim_service_private", IOKIT },
	{ "shim_service_provider", IOKIT },
	{ "shim_service_set_private", IOKIT },
	{ "shim_service_set_userclient", IOKIT },
	{ "shim_service_userclient_context", IOKIT },
	{ "shim_service_workloop", IOKIT },
	{ "shim_snprintf", LIBKERN },
	{ "shim_strcmp", LIBKERN },
	{ "shim_strlen", LIBKERN },
	/* OSSynchronizeIO: a barrier is libkern's (OSMemoryBarrier's family). */
	{ "shim_synchronize_io", LIBKERN },
	/* Privilege checks on the client task are IOUserClient's
	 * (clientHasPrivilege), hence iokit rather than bsd. */
	{ "shim_task_abi", IOKIT },
	{ "shim_task_has_entitlement", IOKIT },
	{ "shim_task_uid", IOKIT },
	{ "shim_timer_arm_ns", IOKIT },
	{ "shim_timer_cancel", IOKIT },
	{ "shim_timer_create", IOKIT },
	{ "shim_timer_release", IOKIT },
	{ "shim_uc_async_complete", IOKIT },
	{ "shim_uc_async_release", IOKIT },
	{ "shim_uc_async_retain", IOKIT },
	{ "shim_uc_client_memdesc", IOKIT },
	{ "shim_uc_handle_alloc", IOKIT },
	{ "shim_uc_handle_free", IOKIT },
	{ "shim_uc_handle_lookup", IOKIT },
	{ "shim_uc_is_open", IOKIT },
	{ "shim_uc_private", IOKIT },
	{ "shim_uc_service", IOKIT },
	{ "shim_uc_service_context", IOKIT },
	{ "shim_uc_set_private", IOKIT },
	{ "shim_uc_struct_in_read_", IOKIT },
	{ "shim_uc_task", IOKIT },
	/* clear/count/get/set_fatal are declared in the driver-facing
	 * verifier.h, so a kext can link them today; only record_ (behind
	 * SHIM_VERIFY_FAIL) is meant for drivers. */
	{ "shim_verifier_record_", IOKIT },
	{ "shim_violation_kind_string", IOKIT },
	{ "shim_workloop_delay_ns", IOKIT },
	{ "shim_workloop_now_ns", IOKIT },
	{ "shim_workloop_sleep_", IOKIT },
	{ "shim_workloop_wakeup", IOKIT },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

size_t shim_kpi_library_count(void)
{
	return COUNT(libraries);
}

const struct shim_kpi_library *shim_kpi_library_at(size_t i)
{
	return i < COUNT(libraries) ? &libraries[i] : NULL;
}

const struct shim_kpi_library *shim_kpi_library_find(const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t i = 0; i < COUNT(libraries); i++)
		if (strcmp(libraries[i].id, id) == 0)
			return &libraries[i];
	return NULL;
}

size_t shim_kpi_symbol_count(void)
{
	return COUNT(symbols);
}

const struct shim_kpi_symbol *shim_kpi_symbol_at(size_t i)
{
	return i < COUNT(symbols) ? &symbols[i] : NULL;
}

static int symbol_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct shim_kpi_symbol *)elem)->name);
}

const struct shim_kpi_symbol *shim_kpi_symbol_find(const char *name)
{
	if (name == NULL)
		return NULL;
	return bsearch(name, symbols, COUNT(symbols), sizeof(symbols[0]), symbol_cmp);
}

/* Prefixes of the runtimes' entry points and of the data they define in an
 * instrumented object (gcov's __gcov_master, clang's
 * __llvm_profile_filename), checked empirically with gcc-12 and clang-14. */
static const char *const instrumentation_prefixes[] = {
	"__asan_", "__lsan_", "__msan_", "__tsan_", "__hwasan_", "__dfsan_", "__ubsan_",
	"__sanitizer_", "__sancov_", "__llvm_", "__gcov_", "__cyg_profile_func_",
};

/* -pg profiling calls these by exact name. */
static const char *const instrumentation_names[] = { "__fentry__", "mcount" };

bool shim_kpi_is_instrumentation(const char *name)
{
	if (name == NULL)
		return false;
	for (size_t i = 0; i < COUNT(instrumentation_prefixes); i++)
		if (strncmp(name, instrumentation_prefixes[i], strlen(instrumentation_prefixes[i])) == 0)
			return true;
	for (size_t i = 0; i < COUNT(instrumentation_names); i++)
		if (strcmp(name, instrumentation_names[i]) == 0)
			return true;
	return false;
}

#define VERSION_PARTS 3
#define VERSION_DIGITS 9 /* keeps a component inside an unsigned long on every ABI */

/* Parses "A[.B[.C]]" into parts (missing ones 0); false if malformed. */
static bool version_parse(const char *s, unsigned long parts[VERSION_PARTS])
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (size_t i = 0; i < VERSION_PARTS; i++)
		parts[i] = 0;
	for (;;) {
		unsigned long v = 0;
		size_t digits = 0;

		if (n == VERSION_PARTS)
			return false;
		while (*s >= '0' && *s <= '9') {
			if (++digits > VERSION_DIGITS)
				return false;
			v = v * 10 + (unsigned long)(*s - '0');
			s++;
		}
		if (digits == 0)
			return false;
		parts[n++] = v;
		if (*s == '\0')
			return true;
		if (*s != '.')
			return false;
		s++;
	}
}

int shim_kpi_version_compare(const char *a, const char *b)
{
	unsigned long pa[VERSION_PARTS], pb[VERSION_PARTS];

	if (!version_parse(a, pa) || !version_parse(b, pb))
		return -2;
	for (size_t i = 0; i < VERSION_PARTS; i++) {
		if (pa[i] != pb[i])
			return pa[i] < pb[i] ? -1 : 1;
	}
	return 0;
}
