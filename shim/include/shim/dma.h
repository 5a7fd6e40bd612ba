/* DMA commands (IODMACommand's role): turn a memory descriptor into the
 * device addresses a transfer uses, under the device's constraints (address
 * bits, largest segment, alignment, largest transfer), with a direction.
 * prepare wires the memory and builds the segment list, bouncing through a
 * buffer the device can reach when the memory is not (or refusing, if the
 * command may not bounce); complete copies a bounced transfer from the
 * device back and unwires. Segments exist only between the two: asking for
 * one after complete, or past the prepared range, is a verifier record, and
 * a device DMA after complete hits unprepared memory (also a record). */
#ifndef SHIM_DMA_H
#define SHIM_DMA_H

#include "shim/memory.h"
#include "shim/pci.h"
#include "shim/types.h"

typedef struct shim_dma_command shim_dma_command;

enum shim_dma_direction {
	SHIM_DMA_TO_DEVICE = 1,   /* the device reads memory (a write to a disk) */
	SHIM_DMA_FROM_DEVICE = 2, /* the device writes memory (a read from a disk) */
	SHIM_DMA_BIDIRECTIONAL = 3,
};

/* Refuse (SHIM_ERR_UNSUPPORTED) rather than bounce memory out of reach. */
#define SHIM_DMA_NO_BOUNCE 0x1u

struct shim_dma_spec {
	unsigned address_bits;  /* 1..64: every byte's device address fits this many bits */
	uint64_t max_segment;   /* largest segment in bytes; 0: no limit */
	uint64_t alignment;     /* power of two every segment starts on; 0 or 1: any byte */
	uint64_t max_transfer;  /* largest prepared range in bytes; 0: no limit */
	unsigned flags;         /* SHIM_DMA_* */
};

struct shim_dma_segment {
	uint64_t addr, len;     /* device address and length */
};

/* A command for dev; reusable for one transfer at a time. A counted object. */
shim_ret shim_dma_command_create_(shim_pci_device *dev, const struct shim_dma_spec *spec,
				  shim_dma_command **out, const char *file, int line);
#define shim_dma_command_create(d, s, o) shim_dma_command_create_((d), (s), (o), __FILE__, __LINE__)
/* A command still prepared is completed first (a verifier record). */
void shim_dma_command_release_(shim_dma_command *cmd, const char *file, int line);
#define shim_dma_command_release(c) shim_dma_command_release_((c), __FILE__, __LINE__)

/* Prepares [off, off+len) of md for a transfer in direction dir: md is
 * prepared (wired), and the segments follow the spec. Memory above the
 * address bits or off the alignment is bounced (a buffer within reach; for
 * SHIM_DMA_TO_DEVICE its bytes are copied in now) unless SHIM_DMA_NO_BOUNCE.
 * SHIM_ERR_BAD_ARGUMENT for an empty or out-of-range range or one above
 * max_transfer; SHIM_ERR_BUSY when already prepared; SHIM_ERR_NO_RESOURCES
 * when no bounce buffer can be had. */
shim_ret shim_dma_command_prepare_(shim_dma_command *cmd, shim_memdesc *md, uint64_t off,
				   uint64_t len, enum shim_dma_direction dir, const char *file,
				   int line);
#define shim_dma_command_prepare(c, m, o, l, d) \
	shim_dma_command_prepare_((c), (m), (o), (l), (d), __FILE__, __LINE__)

/* Segments from transfer offset *offset on (0 = the first byte of the
 * prepared range): fills at most *count, sets *count to how many and moves
 * *offset past them (equal to the length once all are out). A segment may
 * start inside one when *offset does. */
shim_ret shim_dma_command_segments_(shim_dma_command *cmd, uint64_t *offset,
				    struct shim_dma_segment *segs, uint32_t *count,
				    const char *file, int line);
#define shim_dma_command_segments(c, o, s, n) \
	shim_dma_command_segments_((c), (o), (s), (n), __FILE__, __LINE__)

/* Ends the transfer: a bounced one in SHIM_DMA_FROM_DEVICE direction is
 * copied back into md, md is completed. A complete without prepare is a
 * verifier record (SHIM_ERR_NOT_READY). */
shim_ret shim_dma_command_complete_(shim_dma_command *cmd, const char *file, int line);
#define shim_dma_command_complete(c) shim_dma_command_complete_((c), __FILE__, __LINE__)

/* Bytes prepared (0 when not prepared), and whether they bounced. */
uint64_t shim_dma_command_length(const shim_dma_command *cmd);
bool shim_dma_command_bounced(const shim_dma_command *cmd);

#endif
