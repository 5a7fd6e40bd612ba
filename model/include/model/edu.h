/* A model of QEMU 7.2's edu device, register for register (see
 * docs/qemu-edu.md). Where QEMU's edu aborts the
 * emulator (bad DMA range) this model reports a device error instead. */
#ifndef MODEL_EDU_H
#define MODEL_EDU_H

#include "model/device.h"
#include "model/plugin.h"

#define MODEL_EDU_VENDOR 0x1234
#define MODEL_EDU_DEVICE 0x11e8
#define MODEL_EDU_BAR0_SIZE 0x100000u
#define MODEL_EDU_DMA_DELAY_NS 100000000ull /* 100 ms virtual, as QEMU */
#define MODEL_EDU_FACT_DELAY_NS 1000ull     /* QEMU uses a thread; we use a short timer */

struct model_edu_config {
	uint64_t dma_mask;  /* 0 = QEMU's default 0x0fffffff */
	bool no_msi;        /* omit the MSI capability (INTx-only variant) */
	uint32_t id_value;  /* 0 = 0x010000ed; tests set others to provoke a mismatch */
};

model_device *model_edu_create(const struct model_edu_config *cfg);

/* The variants by option string (model/options.h), as a spec names them
 * after "edu": dma_mask=N, id=N (a 32-bit ID register value), no_msi.
 * NULL with the reason in why on an unknown or malformed option. */
#define MODEL_EDU_OPTIONS_HELP "[,dma_mask=N][,id=N][,no_msi]"
model_device *model_edu_create_from_options(const char *options, char *why, size_t len);
/* edu's entry in the model catalogue (model/catalog.h). */
extern const struct model_plugin model_edu_plugin;

#endif
