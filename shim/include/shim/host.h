/* The host boundary: the only calls the shim makes to reach a machine.
 * Kept narrow on purpose (rumpuser-style): if a feature can be built from
 * these calls, it does not get a new one. Device enumeration and BAR
 * assignment are built from config access; the DMA allocator from layout.
 * Hosts: sim (in-process model bus), qemu (qtest socket).
 * All calls return SHIM_OK or an error (SHIM_ERR_HOST when the machine is
 * dead or hung, with detail in last_error). Single-threaded. */
#ifndef SHIM_HOST_H
#define SHIM_HOST_H

#include "shim/types.h"

/* The version of this boundary; bump it on any change to the structs below.
 * A host names the version it was written for twice: in a guard that stops
 * it compiling against another version of this header,
 *     #if SHIM_HOST_VERSION != 3
 *     #error "this host implements shim/host.h version 3"
 *     #endif
 * and in ops->version, which shim_machine_create checks for hosts built
 * apart from the shim (a separate library). */
#define SHIM_HOST_VERSION 3

/* bdf = bus << 8 | device << 3 | function. */
#define SHIM_BDF(b, d, f) ((uint16_t)(((b) << 8) | ((d) << 3) | (f)))

struct shim_host_layout {
	uint64_t dma_base, dma_size;   /* guest RAM the shim may hand out for DMA */
	/* Guest RAM above 4 GiB the shim may hand out too (0 size: none), so a
	 * device meets DMA addresses wider than 32 bits. */
	uint64_t dma_high_base, dma_high_size;
	uint64_t mmio32_base, mmio32_size;  /* window for 32-bit memory BARs */
	/* Window for 64-bit BARs, above 4 GiB and above RAM; those that do not
	 * fit (or a 0 size) go to mmio32. A BAR that fits no window fails
	 * shim_machine_create with SHIM_ERR_NO_RESOURCES. */
	uint64_t mmio64_base, mmio64_size;
	uint32_t io_base, io_size;     /* window for I/O BARs */
	unsigned max_bus;              /* buses the firmware scans: 0..max_bus */
};

enum shim_host_irq_kind { SHIM_HOST_IRQ_MSI = 1, SHIM_HOST_IRQ_INTX = 2 };
struct shim_host_irq {
	enum shim_host_irq_kind kind;
	uint32_t id;   /* MSI: the vector passed to msi_route; INTx: the line from intx_route */
	bool level;    /* INTx: new level; MSI: always true */
};

/* A device-initiated DMA the host saw (only hosts that can see them). */
struct shim_host_dma {
	uint16_t bdf;
	uint64_t addr, len;
	bool to_memory; /* device wrote guest RAM */
};

struct shim_host_ops {
	/* SHIM_HOST_VERSION as the host was built. First, so that it can be read
	 * before anything else is trusted: shim_machine_create refuses another
	 * version with SHIM_ERR_UNSUPPORTED and then calls no op at all (not
	 * even destroy: the caller keeps such a host). Every op not marked
	 * optional must be set; a host without one is refused, naming it. */
	uint32_t version;
	const char *name;
	shim_ret (*cfg_read)(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t *val);
	shim_ret (*cfg_write)(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t val);
	/* Guest-physical memory accesses of 1, 2, 4 or 8 bytes (MMIO or RAM). */
	shim_ret (*mem_read)(void *ctx, uint64_t addr, unsigned size, uint64_t *val);
	shim_ret (*mem_write)(void *ctx, uint64_t addr, unsigned size, uint64_t val);
	shim_ret (*io_read)(void *ctx, uint16_t port, unsigned size, uint32_t *val);
	shim_ret (*io_write)(void *ctx, uint16_t port, unsigned size, uint32_t val);
	/* Bulk guest-RAM access (DMA buffers). */
	shim_ret (*ram_read)(void *ctx, uint64_t addr, void *buf, size_t len);
	shim_ret (*ram_write)(void *ctx, uint64_t addr, const void *buf, size_t len);
	/* Virtual clock, ns. clock_run lets the machine run until an interrupt
	 * or DMA is observable, a device timer fires, or the clock reaches
	 * until_ns, whichever is first; it returns within a bounded real time.
	 * Hosts whose clock stands still while idle advance it while waiting. */
	uint64_t (*clock_ns)(void *ctx);
	shim_ret (*clock_run)(void *ctx, uint64_t until_ns);
	/* The message (address, data) that makes `vector` observable through irq_next. */
	shim_ret (*msi_route)(void *ctx, uint32_t vector, uint64_t *addr, uint32_t *data);
	/* The line that INTx pin (1 = INTA) of bdf drives. */
	shim_ret (*intx_route)(void *ctx, uint16_t bdf, uint8_t pin, uint32_t *line);
	/* Next observed interrupt event: SHIM_OK and *ev filled, or SHIM_ERR_NOT_FOUND. */
	shim_ret (*irq_next)(void *ctx, struct shim_host_irq *ev);
	/* Optional (NULL): next observed device DMA, like irq_next. */
	shim_ret (*dma_next)(void *ctx, struct shim_host_dma *ev);
	void (*layout)(void *ctx, struct shim_host_layout *out);
	/* Detail of the last failure; never NULL. */
	const char *(*last_error)(void *ctx);
	void (*destroy)(void *ctx);
	/* Optional (NULL), for power management: function bdf loses its context
	 * as in a low-power state (config space, BARs and device registers back
	 * to power-on values). Not buildable from the calls above: the devices
	 * hosted here have no PM or FLR capability and sit behind no bridge that
	 * could do a secondary-bus reset. Other functions may be reset too
	 * (qemu: QMP system_reset); the caller restores what it saved. */
	shim_ret (*device_reset)(void *ctx, uint16_t bdf);
	/* Optional (NULL; version 2): a CPU pointer to guest RAM [addr,
	 * addr+len), valid until destroy, through which the shim reads and
	 * writes DMA memory as a CPU does (getBytesNoCopy's role): no copy and
	 * no host exchange per access, and the device may change the bytes at
	 * any time. Not buildable from ram_read/ram_write, which copy through
	 * the host on every access (on qemu, one qtest socket exchange each,
	 * so every completion-queue poll would be a round trip); a host can
	 * only offer it by sharing the memory itself (the sim's bus RAM, the
	 * memfd behind QEMU's guest RAM). SHIM_ERR_UNSUPPORTED (or NULL) when
	 * the range is not mappable; the shim then falls back to ram_read and
	 * ram_write. Accesses through the pointer are invisible to wrappers. */
	shim_ret (*ram_map)(void *ctx, uint64_t addr, uint64_t len, void **ptr);
	/* Optional (NULL; version 3): let ns of virtual time pass at once, as
	 * if the machine had idled that long in clock_run. For a host whose
	 * clock counts the real time the machine idles (qemu: QEMU's clock
	 * stands still under icount, and jumps by itself to any device timer),
	 * so that a long wait for time alone costs no real time. The shim
	 * calls it only where it awaits nothing but time, never past a timer
	 * of its own (the auto-unload delay, shim_machine_await_unload). Not
	 * buildable from clock_run, which must return within a bounded real
	 * time and cannot tell a wait for time from a wait for the device. A
	 * host whose clock_run already jumps to until_ns (sim) leaves it NULL. */
	shim_ret (*clock_skip)(void *ctx, uint64_t ns);
};

struct shim_host {
	const struct shim_host_ops *ops;
	void *ctx;
};

#endif
