/* The sample driver for QEMU's edu device: the operations a started
 * service offers (the user client builds on these; the driver's own test
 * module calls them through the bench's kext symbol lookup). Every call
 * checks state and arguments and fails with a shim_ret; none aborts. */
#ifndef EDU_DRIVER_H
#define EDU_DRIVER_H

#include "shim/driver.h"
#include "shim/memory.h"
#include "shim/types.h"

#define EDU_VENDOR_ID 0x1234u      /* what the driver probes for */
#define EDU_DEVICE_ID 0x11e8u
#define EDU_DMA_WINDOW 0x40000u   /* device-side address of edu's buffer */
#define EDU_DMA_WINDOW_SIZE 4096u
/* QEMU 7.2 aborts when a transfer touches the buffer's last byte: the
 * driver refuses any transfer whose end reaches it. */
#define EDU_DMA_MAX_END (EDU_DMA_WINDOW_SIZE - 1u)
#define EDU_DMA_MASK 0x0fffffffull /* edu's 28-bit DMA address limit */
#define EDU_FACTORIAL_TIMEOUT_NS 1000000000ull
#define EDU_DMA_TIMEOUT_NS 2000000000ull

struct edu_stats {
	bool using_msi;
	uint32_t interrupts;     /* filter invocations that found a cause */
	uint32_t factorials;
	uint32_t dma_transfers;
	uint32_t errors;         /* operations failed by the device or a timeout */
	uint32_t last_status;    /* interrupt-status bits seen last */
};

/* The operations other code may call (the user client, the driver's test
 * module through the bench's symbol lookup): the only globals the kext
 * exports besides kmod_info (it builds with hidden visibility), so each
 * carries the prefix of CFBundleIdentifier org.drvbench.driver.edu, as
 * every global in the kernel's one flat namespace must. */
#define EDU_EXPORT __attribute__((visibility("default")))

EDU_EXPORT shim_ret org_drvbench_driver_edu_liveness(shim_service *svc, uint32_t value,
						     uint32_t *readback);
EDU_EXPORT shim_ret org_drvbench_driver_edu_read_id(shim_service *svc, uint32_t *id);
/* n! computed by the device, completion signalled by its interrupt. */
EDU_EXPORT shim_ret org_drvbench_driver_edu_factorial(shim_service *svc, uint32_t n,
						      uint32_t *result);
/* The same, completion found by polling the status register. */
EDU_EXPORT shim_ret org_drvbench_driver_edu_factorial_polled(shim_service *svc, uint32_t n,
							     uint32_t *result);
/* Copy len bytes between the caller and the device's buffer at dev_off
 * (0..4095), through the driver's DMA buffer. dev_off + len must stay
 * below the buffer's last byte (EDU_DMA_MAX_END). */
EDU_EXPORT shim_ret org_drvbench_driver_edu_dma_to_device(shim_service *svc, uint32_t dev_off,
							  const void *src, uint32_t len);
EDU_EXPORT shim_ret org_drvbench_driver_edu_dma_from_device(shim_service *svc, uint32_t dev_off,
							    void *dst, uint32_t len);
/* DMA between a prepared descriptor (e.g. client memory) and the device.
 * Refused before touching the device if the bus address range exceeds
 * edu's 28-bit mask, the descriptor is not prepared, or the range is bad. */
EDU_EXPORT shim_ret org_drvbench_driver_edu_dma_memdesc(shim_service *svc, shim_memdesc *md,
							uint64_t md_off, uint32_t dev_off,
							uint32_t len, bool to_device);
/* Raise interrupt-status bits through the device and wait until the
 * handler has seen and acknowledged them. */
EDU_EXPORT shim_ret org_drvbench_driver_edu_raise_interrupt(shim_service *svc, uint32_t bits);
EDU_EXPORT shim_ret org_drvbench_driver_edu_get_stats(shim_service *svc, struct edu_stats *out);

#endif
