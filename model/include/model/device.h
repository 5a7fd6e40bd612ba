/* A PCI function written in the shape of a QEMU device: identity and config
 * space with a capability list (MSI or MSI-X), BARs with read/write
 * callbacks, reset, timers on the bus clock and DMA through the bus. A model
 * runs unchanged on the in-process bus (model_bus), behind QEMU's
 * x-pci-proxy-dev (model/remote) and inside fuzz targets. The host that runs
 * it implements struct model_env. Models never include shim headers. */
#ifndef MODEL_DEVICE_H
#define MODEL_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODEL_CFG_SIZE 256
#define MODEL_BAR_COUNT 6

/* Standard config-space offsets and bits used by models and hosts. */
#define MODEL_PCI_VENDOR_ID 0x00
#define MODEL_PCI_DEVICE_ID 0x02
#define MODEL_PCI_COMMAND 0x04
#define MODEL_PCI_STATUS 0x06
#define MODEL_PCI_REVISION 0x08
#define MODEL_PCI_CLASS_PROG 0x09
#define MODEL_PCI_HEADER_TYPE 0x0e
#define MODEL_PCI_BAR0 0x10
#define MODEL_PCI_SUBSYS_VENDOR 0x2c
#define MODEL_PCI_SUBSYS_ID 0x2e
#define MODEL_PCI_ROM 0x30
#define MODEL_PCI_CAP_PTR 0x34
#define MODEL_PCI_INT_LINE 0x3c
#define MODEL_PCI_INT_PIN 0x3d
#define MODEL_PCI_CMD_IO 0x0001
#define MODEL_PCI_CMD_MEMORY 0x0002
#define MODEL_PCI_CMD_MASTER 0x0004
#define MODEL_PCI_CMD_INTX_DISABLE 0x0400
#define MODEL_PCI_STATUS_INTX 0x0008
#define MODEL_PCI_STATUS_CAP_LIST 0x0010
#define MODEL_PCI_CAP_ID_MSI 0x05
#define MODEL_MSI_FLAGS_ENABLE 0x0001
#define MODEL_MSI_FLAGS_QMASK 0x000e  /* multiple message capable */
#define MODEL_MSI_FLAGS_QSIZE 0x0070  /* multiple message enable */
#define MODEL_MSI_FLAGS_64BIT 0x0080
#define MODEL_MSI_FLAGS_MASKBIT 0x0100
#define MODEL_PCI_CAP_ID_MSIX 0x11
#define MODEL_MSIX_FLAGS_QSIZE 0x07ff   /* table entries - 1 */
#define MODEL_MSIX_FLAGS_MASKALL 0x4000
#define MODEL_MSIX_FLAGS_ENABLE 0x8000
#define MODEL_MSIX_ENTRY_SIZE 16
#define MODEL_MSIX_VCTRL_MASKED 0x1u
#define MODEL_MSIX_MAX_VECTORS 128

enum model_bar_kind { MODEL_BAR_NONE = 0, MODEL_BAR_MEM32, MODEL_BAR_MEM64, MODEL_BAR_IO };

typedef struct model_device model_device;
typedef struct model_timer model_timer;

/* What a model needs from whoever hosts it. */
struct model_env_ops {
	uint64_t (*clock_ns)(void *env);
	/* Arm/cancel a callback at absolute virtual time (one slot per timer). */
	void (*timer_mod)(void *env, model_timer *t, uint64_t expire_ns);
	void (*timer_del)(void *env, model_timer *t);
	/* Bus-master DMA: false (and nothing moved) if the range is not RAM. */
	bool (*dma_read)(void *env, model_device *dev, uint64_t addr, void *buf, size_t len);
	bool (*dma_write)(void *env, model_device *dev, uint64_t addr, const void *buf, size_t len);
	/* INTx pin level (only called while MSI is off and INTx not disabled). */
	void (*set_intx)(void *env, model_device *dev, bool level);
	/* A fault a real device would report (where QEMU's edu would abort). */
	void (*device_error)(void *env, model_device *dev, const char *msg);
};

struct model_env {
	const struct model_env_ops *ops;
	void *ctx;
};

struct model_timer {
	void (*cb)(void *opaque);
	void *opaque;
	uint64_t expire_ns;
	bool armed;
	model_timer *next; /* owned by the env's timer list */
};

struct model_device_ops {
	const char *name;
	/* BAR access of 1/2/4/8 bytes at offset `off` inside BAR `bar`. */
	uint64_t (*bar_read)(model_device *dev, unsigned bar, uint64_t off, unsigned size);
	void (*bar_write)(model_device *dev, unsigned bar, uint64_t off, uint64_t val, unsigned size);
	/* Device reset: device registers only; config space is reset by model_device_reset. */
	void (*reset)(model_device *dev);
	void (*destroy)(model_device *dev);
};

struct model_bar {
	enum model_bar_kind kind;
	uint64_t size; /* power of two */
};

/* MSI-X state, kept by the model framework as QEMU's msix.c keeps it: the
 * table and pending bits live in BARs (decoded before the device's own
 * callbacks), a vector is sent only while the device uses it. */
struct model_msix {
	uint8_t cap;                   /* config offset, 0 if none */
	uint16_t vectors;
	uint8_t table_bar, pba_bar;
	uint32_t table_off, pba_off;
	uint8_t table[MODEL_MSIX_MAX_VECTORS * MODEL_MSIX_ENTRY_SIZE];
	uint64_t pending[MODEL_MSIX_MAX_VECTORS / 64];
	uint16_t used[MODEL_MSIX_MAX_VECTORS]; /* model_device_msix_use counts */
};

struct model_device {
	const struct model_device_ops *ops;
	void *state;
	struct model_env env;
	uint8_t config[MODEL_CFG_SIZE];
	uint8_t wmask[MODEL_CFG_SIZE]; /* writable bits */
	struct model_bar bars[MODEL_BAR_COUNT];
	uint8_t msi_cap;               /* offset of the MSI capability, 0 if none */
	uint8_t cap_tail;              /* where the next capability goes */
	uint8_t reset_config[MODEL_CFG_SIZE]; /* constructor state, restored by reset */
	struct model_msix msix;
};

/* Config-space set-up helpers for model constructors. */
void model_device_init(model_device *dev, const struct model_device_ops *ops, void *state,
		       uint16_t vendor, uint16_t device, uint8_t revision, uint32_t class_code);
void model_device_set_subsystem(model_device *dev, uint16_t vendor, uint16_t id);
void model_device_set_int_pin(model_device *dev, uint8_t pin); /* 1 = INTA */
void model_device_declare_bar(model_device *dev, unsigned bar, enum model_bar_kind kind,
			      uint64_t size);
/* Adds an MSI capability: vectors (1..32, power of two), 64-bit address, per-vector mask. */
void model_device_add_msi(model_device *dev, unsigned vectors, bool addr64, bool maskable);
/* Adds an MSI-X capability: vectors (1..MODEL_MSIX_MAX_VECTORS) table
 * entries at table_off in BAR table_bar and the pending bits at pba_off in
 * BAR pba_bar (declare the BARs first; both ranges must fit them). Entries
 * start masked. */
void model_device_add_msix(model_device *dev, unsigned vectors, unsigned table_bar,
			   uint32_t table_off, unsigned pba_bar, uint32_t pba_off);
void model_device_attach_env(model_device *dev, struct model_env env);

/* Config access as seen on the bus, with BAR sizing (write all-ones, read
 * the size mask), write masks and the MSI capability. size 1, 2 or 4. */
uint32_t model_config_read(model_device *dev, uint16_t off, unsigned size);
void model_config_write(model_device *dev, uint16_t off, uint32_t val, unsigned size);
/* Base programmed into BAR i (0 if none/unassigned). */
uint64_t model_device_bar_base(const model_device *dev, unsigned bar);
uint16_t model_device_command(const model_device *dev);
bool model_device_msi_enabled(const model_device *dev);
bool model_device_msix_enabled(const model_device *dev);

/* BAR accesses as the bus and the remote make them: the MSI-X table and
 * pending bits when the access falls there, else the device's callbacks. */
uint64_t model_device_bar_read(model_device *dev, unsigned bar, uint64_t off, unsigned size);
void model_device_bar_write(model_device *dev, unsigned bar, uint64_t off, uint64_t val,
			    unsigned size);

/* Interrupt delivery from the device's side: MSI vector (0-based) when MSI
 * is on, else the INTx level. msi_notify writes the message through DMA
 * (nothing happens with bus mastering off, as on QEMU). */
void model_device_msi_notify(model_device *dev, unsigned vector);
void model_device_set_irq(model_device *dev, bool level);
/* MSI-X, as QEMU's devices use it: a vector is marked in use (counted)
 * before it may fire; notify sends its message, or, while the vector or the
 * function is masked (or MSI-X is off), sets its pending bit, sent on
 * unmask. A vector not in use is dropped; unuse clears its pending bit. */
void model_device_msix_use(model_device *dev, unsigned vector);
void model_device_msix_unuse(model_device *dev, unsigned vector);
void model_device_msix_notify(model_device *dev, unsigned vector);

/* Timers and DMA through the env. DMA also checks bus mastering. */
void model_timer_init(model_timer *t, void (*cb)(void *), void *opaque);
void model_timer_mod(model_device *dev, model_timer *t, uint64_t expire_ns);
void model_timer_del(model_device *dev, model_timer *t);
uint64_t model_clock_ns(model_device *dev);
bool model_dma_read(model_device *dev, uint64_t addr, void *buf, size_t len);
bool model_dma_write(model_device *dev, uint64_t addr, const void *buf, size_t len);
void model_device_error(model_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reset config space to its constructor state and call ops->reset. */
void model_device_reset(model_device *dev);
void model_device_destroy(model_device *dev);

#endif
