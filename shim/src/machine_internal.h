/* The shim's machine side, shared by its files only: the structs behind the
 * opaque machine, PCI device, work loop, timer, interrupt source and memory
 * descriptor handles, and the calls between those files. */
#ifndef SHIM_MACHINE_INTERNAL_H
#define SHIM_MACHINE_INTERNAL_H

#include "internal.h"
#include "shim/driver.h"
#include "shim/host.h"
#include "shim/machine.h"
#include "shim/memory.h"
#include "shim/object.h"
#include "shim/pci.h"
#include "shim/power_policy.h"
#include "shim/workloop.h"

#define SHIM_PCI_BAR_COUNT 6
#define SHIM_MSI_MAX_VECTORS 32
#define SHIM_MSI_FIRST_VECTOR 0x20u  /* vectors below are the host's own */
#define SHIM_WL_PENDING_MAX 16
#define SHIM_WL_INTX_LINES 32

/* PCI config-space offsets and bits the shim itself uses. */
#define SHIM_PCI_VENDOR 0x00
#define SHIM_PCI_COMMAND 0x04
#define SHIM_PCI_STATUS 0x06
#define SHIM_PCI_CLASS_REV 0x08  /* revision ID, then the 24-bit class code */
#define SHIM_PCI_HEADER_TYPE 0x0e
#define SHIM_PCI_BAR0 0x10
#define SHIM_PCI_CAP_PTR 0x34
#define SHIM_PCI_INTR_PIN 0x3d
#define SHIM_PCI_CMD_IO 0x0001u
#define SHIM_PCI_CMD_MEMORY 0x0002u
#define SHIM_PCI_CMD_MASTER 0x0004u
#define SHIM_PCI_CMD_INTX_DISABLE 0x0400u
#define SHIM_PCI_STATUS_CAPS 0x0010u
#define SHIM_PCI_CAP_MSI 0x05
#define SHIM_MSI_CTRL 2          /* from the capability offset */
#define SHIM_MSI_ADDR_LO 4
#define SHIM_MSI_ADDR_HI 8       /* 64-bit capable only */
#define SHIM_MSI_DATA_32 8
#define SHIM_MSI_DATA_64 12
#define SHIM_MSI_CTRL_ENABLE 0x0001u
#define SHIM_MSI_CTRL_64BIT 0x0080u
#define SHIM_MSI_CTRL_MMC_SHIFT 1 /* multiple message capable, log2, 3 bits */
#define SHIM_MSI_CTRL_MME_SHIFT 4 /* multiple message enable, log2, 3 bits */
#define SHIM_PCI_CAP_MSIX 0x11
#define SHIM_MSIX_CTRL 2         /* from the capability offset */
#define SHIM_MSIX_TABLE 4        /* BIR in bits 2:0, offset in the rest */
#define SHIM_MSIX_PBA 8
#define SHIM_MSIX_CTRL_SIZE 0x07ffu   /* table entries - 1 */
#define SHIM_MSIX_CTRL_MASKALL 0x4000u
#define SHIM_MSIX_CTRL_ENABLE 0x8000u
#define SHIM_MSIX_BIR_MASK 0x7u
#define SHIM_MSIX_ENTRY_SIZE 16u
#define SHIM_MSIX_ADDR_LO 0u     /* within an entry */
#define SHIM_MSIX_ADDR_HI 4u
#define SHIM_MSIX_DATA 8u
#define SHIM_MSIX_VCTRL 12u
#define SHIM_MSIX_VCTRL_MASKED 0x1u
/* Most MSI-X indexes offered (vectors are reserved for all of them). */
#define SHIM_MSIX_MAX_VECTORS 128u
/* Bound on capability-list walks: a looping list must not hang the bench. */
#define SHIM_PCI_CAP_WALK_MAX 48

enum shim_bar_kind { SHIM_BAR_NONE = 0, SHIM_BAR_MEM32, SHIM_BAR_MEM64, SHIM_BAR_IO };

struct shim_bar {
	enum shim_bar_kind kind; /* NONE also for the upper half of a 64-bit BAR */
	bool prefetchable;
	bool assigned;
	uint64_t base, size;
};

struct shim_pci_device {
	shim_object obj;
	shim_machine *m;          /* retained */
	uint16_t bdf, vendor, device;
	uint32_t class_code;      /* 24-bit class, subclass, programming interface */
	char name[16];
	struct shim_bar bar[SHIM_PCI_BAR_COUNT];
	uint8_t msi_cap;          /* 0: none */
	uint16_t msi_ctrl;        /* control word as found by the firmware */
	uint8_t msix_cap;         /* 0: none (or its table or PBA lies in no memory BAR) */
	uint16_t msix_size;       /* table entries */
	uint8_t msix_table_bar, msix_pba_bar;
	uint32_t msix_table_off, msix_pba_off;
	uint8_t intr_pin;         /* 0: no INTx */
	bool gone;
	bool told_gone;           /* the driver's device_gone has run: hands off */
	/* MSI and MSI-X programming, owned by intr.c. MSI-X index i uses
	 * vector msi_vec_base + i - 1. */
	bool msi_vectors_valid;
	uint32_t msi_vec_base;
	unsigned msi_vec_count;
	unsigned msi_users;
	shim_service *svc;        /* owned by machine.c */
	struct shim_power_dev *pm; /* power.c: only while below the top state or changing */
};

struct shim_mmio_map {
	shim_object obj;
	shim_pci_device *dev;     /* retained */
	unsigned bar;
	bool is_io;
	uint64_t base, length;
};

struct shim_machine {
	shim_object obj;
	struct shim_host host;
	bool host_alive;
	struct shim_host_layout layout;
	shim_pci_device **devs;
	size_t dev_count, dev_cap;
	shim_workloop *wl;
	struct shim_dma_pool *pool;
	shim_memdesc *memdescs;   /* every live descriptor, for DMA checks */
	/* The host's CPU mappings of the DMA windows (NULL: copy through the host). */
	uint8_t *map_low, *map_high;
	uint32_t next_vector;
	char last_error[256];
	/* power.c */
	bool power_policy_set;
	struct shim_power_policy power_policy;
	struct shim_power_stats power_stats;
	/* autounload.c */
	uint64_t unload_delay_ns;
	bool unload_delay_set;
};

struct shim_timer {
	shim_object obj;
	shim_workloop *wl;        /* retained */
	shim_timer_fn fn;
	void *owner;
	bool armed, running, released;
	uint64_t deadline, seq, fired_pass;
	shim_timer *next;
};

struct shim_intr_source {
	shim_object obj;
	shim_workloop *wl;        /* retained */
	shim_pci_device *dev;     /* retained */
	unsigned index;
	bool msi;                 /* a message vector: MSI or MSI-X */
	bool msix;                /* an MSI-X table entry (index - 1), masked while disabled */
	uint32_t id;              /* MSI: global vector; INTx: host line */
	shim_intr_filter_fn filter;
	shim_intr_action_fn action;
	void *owner;
	bool enabled;
	bool auto_disabled;       /* INTx: until the action has run */
	bool in_action, released;
	unsigned msi_pending;     /* MSI arrivals while disabled */
	int approvals;            /* filter approvals not yet handed to the action */
	uint64_t action_pass;
	shim_intr_source *next;
};

struct shim_workloop {
	shim_object obj;
	shim_machine *m;          /* retained */
	shim_timer *timers;
	shim_intr_source *sources;
	uint64_t timer_seq, pass;
	struct {
		uint32_t line;
		bool level;
	} intx[SHIM_WL_INTX_LINES];
	size_t intx_count;
	const void *pending[SHIM_WL_PENDING_MAX];
	size_t pending_count;
};

struct shim_client_map;

struct shim_memdesc {
	shim_object obj;
	shim_pci_device *dev;     /* retained */
	uint64_t phys, length;    /* phys: contiguous only */
	/* Pageable memory: the guest-physical address of each 4 KiB page
	 * (NULL: one contiguous buffer at phys). */
	uint64_t *pages;
	uint64_t npages;
	int prepared;
	shim_memdesc *prev, *next; /* machine's list */
	/* Over a client task's memory (shim_uc_client_memdesc), else NULL: the
	 * bytes at client_off of the mapping move in at the first prepare and,
	 * when the device writes, back out at the last complete. */
	struct shim_client_map *client; /* retained */
	uint64_t client_off;
	bool to_client;
};

#define SHIM_PAGE_SIZE 4096ull
/* uc_memory.c: a client descriptor's bytes between the task and guest RAM
 * (in: into the descriptor; else out to the client, if it is still there),
 * and the descriptor's reference to the mapping dropped when it is freed. */
SHIM_INTERNAL void shim_client_map_sync_(shim_memdesc *md, bool in);
SHIM_INTERNAL void shim_client_map_put_(struct shim_client_map *map);

/* hostcall.c: the only file that touches the host's ops. Calls refuse once
 * the host is destroyed and keep the host's detail of a failure in
 * m->last_error. */
/* Before a machine owns host: SHIM_ERR_UNSUPPORTED for another
 * SHIM_HOST_VERSION, SHIM_ERR_BAD_ARGUMENT for missing ops; why says which. */
SHIM_INTERNAL shim_ret shim_hostcall_check(struct shim_host host, char *why, size_t len);
/* Destroys a host no machine owns; not one of another version (host.h). */
SHIM_INTERNAL void shim_hostcall_release(struct shim_host host);
SHIM_INTERNAL void shim_hostcall_destroy(shim_machine *m);
SHIM_INTERNAL const char *shim_hostcall_name(const shim_machine *m);
SHIM_INTERNAL void shim_hostcall_layout(shim_machine *m, struct shim_host_layout *out);
SHIM_INTERNAL shim_ret shim_hostcall_cfg_read(shim_machine *m, uint16_t bdf, uint16_t off,
					      unsigned size, uint32_t *val);
SHIM_INTERNAL shim_ret shim_hostcall_cfg_write(shim_machine *m, uint16_t bdf, uint16_t off,
					       unsigned size, uint32_t val);
SHIM_INTERNAL shim_ret shim_hostcall_mem_read(shim_machine *m, uint64_t addr, unsigned size,
					      uint64_t *val);
SHIM_INTERNAL shim_ret shim_hostcall_mem_write(shim_machine *m, uint64_t addr, unsigned size,
					       uint64_t val);
SHIM_INTERNAL shim_ret shim_hostcall_io_read(shim_machine *m, uint16_t port, unsigned size,
					     uint32_t *val);
SHIM_INTERNAL shim_ret shim_hostcall_io_write(shim_machine *m, uint16_t port, unsigned size,
					      uint32_t val);
SHIM_INTERNAL shim_ret shim_hostcall_ram_read(shim_machine *m, uint64_t addr, void *buf,
					      size_t len);
SHIM_INTERNAL shim_ret shim_hostcall_ram_write(shim_machine *m, uint64_t addr, const void *buf,
					       size_t len);
SHIM_INTERNAL uint64_t shim_hostcall_clock_ns(shim_machine *m);
SHIM_INTERNAL shim_ret shim_hostcall_clock_run(shim_machine *m, uint64_t until_ns);
/* The optional clock_skip: whether the host has it, and the call
 * (SHIM_ERR_UNSUPPORTED without it). */
SHIM_INTERNAL bool shim_hostcall_can_skip(shim_machine *m);
SHIM_INTERNAL shim_ret shim_hostcall_clock_skip(shim_machine *m, uint64_t ns);
SHIM_INTERNAL shim_ret shim_hostcall_msi_route(shim_machine *m, uint32_t vector, uint64_t *addr,
					       uint32_t *data);
SHIM_INTERNAL shim_ret shim_hostcall_intx_route(shim_machine *m, uint16_t bdf, uint8_t pin,
						uint32_t *line);
/* SHIM_OK with *ev, SHIM_ERR_NOT_FOUND when drained, else an error. */
SHIM_INTERNAL shim_ret shim_hostcall_irq_next(shim_machine *m, struct shim_host_irq *ev);
SHIM_INTERNAL shim_ret shim_hostcall_dma_next(shim_machine *m, struct shim_host_dma *ev);
/* The host's CPU mapping of guest RAM [addr, addr+len), or NULL (no
 * ram_map op, or the host refused: the shim then copies through it). */
SHIM_INTERNAL void *shim_hostcall_ram_map(shim_machine *m, uint64_t addr, uint64_t len);
/* SHIM_ERR_UNSUPPORTED when the host has no device_reset. */
SHIM_INTERNAL shim_ret shim_hostcall_device_reset(shim_machine *m, uint16_t bdf);

/* pci.c */
SHIM_INTERNAL shim_ret shim_pci_device_create(shim_machine *m, uint16_t bdf,
					      shim_pci_device **out);
SHIM_INTERNAL void shim_pci_device_release(shim_pci_device *dev);
/* Reads the vendor ID; marks the device gone when it reads all-ones. */
SHIM_INTERNAL bool shim_pci_check_present(shim_pci_device *dev);

/* firmware.c: enumerate, size and assign; adds devices to m. A BAR that
 * fits no window fails it with SHIM_ERR_NO_RESOURCES, reason in m->last_error. */
SHIM_INTERNAL shim_ret shim_firmware_enumerate(shim_machine *m);

/* machine.c */
SHIM_INTERNAL shim_ret shim_machine_add_device(shim_machine *m, shim_pci_device *dev);

/* power.c: the service on dev is about to stop: config space saved for a
 * low-power state is restored (if the device is there) and the record dropped. */
SHIM_INTERNAL void shim_power_service_end(shim_pci_device *dev);
/* power.c: the name of the low-power state dev's driver acknowledged and is
 * in (no change pending), or NULL: from the ack until the next change the
 * device's registers are off limits. */
SHIM_INTERNAL const char *shim_power_registers_off(const shim_pci_device *dev);
/* memory.c: a descriptor over a copy of a client's memory in guest RAM
 * (unprepared): there whether or not the device still is, not filled. */
SHIM_INTERNAL shim_ret shim_dma_buffer_client_(shim_pci_device *dev, uint64_t size,
					       shim_memdesc **out);

/* firmware.c: enumerate slots with no live device, placing BARs above the
 * ones already assigned; *added counts new devices. A function with a BAR
 * that fits no window is left out: SHIM_ERR_NO_RESOURCES, as above. */
SHIM_INTERNAL shim_ret shim_firmware_rescan(shim_machine *m, size_t *added);

/* workloop.c / timer.c / intr.c */
SHIM_INTERNAL shim_ret shim_workloop_create(shim_machine *m, shim_workloop **out);
SHIM_INTERNAL void shim_workloop_release(shim_workloop *wl);
/* One step: interrupts, filters, actions, due timers, DMA checks. */
SHIM_INTERNAL shim_ret shim_workloop_dispatch(shim_workloop *wl);
/* Lets ns of virtual time pass awaiting nothing but time, running the loop
 * (timers fire when due): as shim_workloop_delay_ns, except that on a host
 * with clock_skip each stretch up to the next timer passes in one jump,
 * instead of in real time under the loop's real-time guard. */
SHIM_INTERNAL shim_ret shim_workloop_idle_ns(shim_workloop *wl, uint64_t ns);
SHIM_INTERNAL void shim_timers_run_due(shim_workloop *wl);
/* UINT64_MAX when no timer is armed. */
SHIM_INTERNAL uint64_t shim_timers_next_deadline(shim_workloop *wl);
SHIM_INTERNAL void shim_intr_deliver_msi(shim_workloop *wl, uint32_t vector);
SHIM_INTERNAL void shim_intr_set_line(shim_workloop *wl, uint32_t line, bool level);
SHIM_INTERNAL void shim_intr_run_filters(shim_workloop *wl);
SHIM_INTERNAL void shim_intr_run_actions(shim_workloop *wl);
/* power.c, after config space is back: every MSI-X entry registered on dev
 * programmed again (address, data, mask) and MSI-X enabled as before. */
SHIM_INTERNAL void shim_intr_msix_restore(shim_pci_device *dev);
/* The message indexes dev offers: MSI-X entries, else MSI vectors. */
SHIM_INTERNAL bool shim_intr_uses_msix(const shim_pci_device *dev);

/* memory.c: true when [addr, addr+len) lies inside a prepared descriptor of m. */
SHIM_INTERNAL bool shim_memdesc_covers_dma(shim_machine *m, uint64_t addr, uint64_t len);
/* The CPU pointer to guest RAM [addr, addr+len) through the machine's
 * mappings, or NULL. */
SHIM_INTERNAL uint8_t *shim_machine_ram_ptr(shim_machine *m, uint64_t addr, uint64_t len);
/* Guest-physical address of byte off of md and how many bytes from there
 * are physically contiguous (up to the end of md). off < length. */
SHIM_INTERNAL uint64_t shim_memdesc_phys_at(const shim_memdesc *md, uint64_t off, uint64_t *run);
/* A contiguous buffer for the shim's own use (bounce buffers): zeroed,
 * counted as wired, not prepared, aligned to at least a page (align is a
 * power of two or 0); released with shim_memdesc_release_. */
SHIM_INTERNAL shim_ret shim_memdesc_alloc_internal(shim_pci_device *dev, uint64_t size,
						   uint64_t align, uint64_t phys_mask,
						   shim_memdesc **out);
/* prepare/complete without fault injection, for the shim's own calls. */
SHIM_INTERNAL void shim_memdesc_wire(shim_memdesc *md);
SHIM_INTERNAL shim_ret shim_memdesc_unwire(shim_memdesc *md, const char *file, int line);

/* dma_pool.c: first-fit free list over the host's DMA window, top-down. */
struct shim_dma_pool;
SHIM_INTERNAL shim_ret shim_dma_pool_create(uint64_t base, uint64_t size,
					    struct shim_dma_pool **out);
/* A second range (guest RAM above 4 GiB), above every range already in. */
SHIM_INTERNAL shim_ret shim_dma_pool_add(struct shim_dma_pool *pool, uint64_t base, uint64_t size);
SHIM_INTERNAL void shim_dma_pool_destroy(struct shim_dma_pool *pool);
SHIM_INTERNAL shim_ret shim_dma_pool_alloc(struct shim_dma_pool *pool, uint64_t size,
					   uint64_t align, uint64_t phys_mask, uint64_t *addr);
SHIM_INTERNAL void shim_dma_pool_free(struct shim_dma_pool *pool, uint64_t addr, uint64_t size);
SHIM_INTERNAL uint64_t shim_dma_pool_free_bytes(const struct shim_dma_pool *pool);

/* kext.c: personalities, for matching in machine.c. */
SHIM_INTERNAL size_t shim_kext_personality_count(const shim_kext *k);
/* Driver and score of personality i if it matches the IDs, else NULL. */
SHIM_INTERNAL const struct shim_driver *shim_kext_personality_match(const shim_kext *k, size_t i,
								    const shim_pci_device *dev,
								    int *score);
SHIM_INTERNAL void shim_kext_services_add(shim_kext *k, long delta);
/* After a service of k went: when it was the last, k is idle from now_ns
 * (virtual time), which auto-unload counts from. */
SHIM_INTERNAL void shim_kext_note_idle(shim_kext *k, uint64_t now_ns);
/* Running services, and since when k has had none. */
SHIM_INTERNAL long shim_kext_services(const shim_kext *k, uint64_t *idle_since_ns);
/* False for a manifest-only kext (loaded without a descriptor). */
SHIM_INTERNAL bool shim_kext_can_start(const shim_kext *k);

#endif
