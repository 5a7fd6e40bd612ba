/* DMA commands (shim/dma.h): segment lists built from a descriptor's
 * physical runs under the device's constraints, bounce buffers for memory
 * the device cannot reach, and the records for segments used outside the
 * prepare/complete window. */
#include "machine_internal.h"
#include "shim/alloc.h"
#include "shim/dma.h"

static shim_class shim_dma_command_class = SHIM_CLASS_INIT("ShimDMACommand");

#define SHIM_DMA_COPY_CHUNK 4096u

struct shim_dma_command {
	shim_object obj;
	shim_pci_device *dev;        /* retained */
	struct shim_dma_spec spec;
	uint64_t limit;              /* highest reachable device address */
	bool prepared;
	enum shim_dma_direction dir;
	shim_memdesc *md;            /* retained while prepared */
	uint64_t off, len;
	shim_memdesc *bounce;        /* while prepared, when bounced */
	struct shim_dma_segment *segs;
	uint32_t nsegs;
};

static void shim_dma_segs_free(shim_dma_command *cmd)
{
	if (cmd->segs)
		shim_free(cmd->segs, cmd->nsegs * sizeof(*cmd->segs));
	cmd->segs = NULL;
	cmd->nsegs = 0;
}

static void shim_dma_command_free(shim_object *obj)
{
	shim_dma_command *cmd = (shim_dma_command *)obj;
	shim_pci_device *dev = cmd->dev;

	shim_free(cmd, sizeof(*cmd));
	shim_pci_device_release(dev);
}

shim_ret shim_dma_command_create_(shim_pci_device *dev, const struct shim_dma_spec *spec,
				  shim_dma_command **out, const char *file, int line)
{
	shim_dma_command *cmd;

	if (!out)
		return SHIM_ERR_BAD_ARGUMENT;
	*out = NULL;
	if (SHIM_FAULT(SHIM_FAULT_DMA_ALLOC, file, line))
		return SHIM_ERR_NO_MEMORY;
	if (!dev || !spec || spec->address_bits == 0 || spec->address_bits > 64 ||
	    (spec->alignment & (spec->alignment - 1)) != 0 ||
	    (spec->flags & ~SHIM_DMA_NO_BOUNCE) != 0)
		return SHIM_ERR_BAD_ARGUMENT;
	cmd = shim_zalloc(sizeof(*cmd));
	if (!cmd)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&cmd->obj, &shim_dma_command_class, shim_dma_command_free);
	shim_object_retain(&dev->obj);
	cmd->dev = dev;
	cmd->spec = *spec;
	if (cmd->spec.alignment == 0)
		cmd->spec.alignment = 1;
	cmd->limit = spec->address_bits == 64 ? UINT64_MAX : (1ull << spec->address_bits) - 1;
	*out = cmd;
	return SHIM_OK;
}

/* Splits [addr, addr+len) at max_segment; counts (segs NULL) or fills. */
static uint32_t shim_dma_split(const shim_dma_command *cmd, uint64_t addr, uint64_t len,
			       struct shim_dma_segment *segs)
{
	uint64_t max = cmd->spec.max_segment ? cmd->spec.max_segment : len;
	uint32_t n = 0;

	while (len > 0) {
		uint64_t piece = len < max ? len : max;

		if (segs)
			segs[n] = (struct shim_dma_segment){ addr, piece };
		n++;
		addr += piece;
		len -= piece;
	}
	return n;
}

/* True when every run of md's range is reachable and starts aligned. */
static bool shim_dma_reachable(const shim_dma_command *cmd, shim_memdesc *md, uint64_t off,
			       uint64_t len)
{
	for (uint64_t done = 0; done < len;) {
		uint64_t run, a = shim_memdesc_phys_at(md, off + done, &run);

		if (run > len - done)
			run = len - done;
		if (a > cmd->limit || run - 1 > cmd->limit - a || a % cmd->spec.alignment != 0)
			return false;
		done += run;
	}
	return true;
}

/* Segments of md's range, run by run; counts (segs NULL) or fills. */
static uint32_t shim_dma_build(const shim_dma_command *cmd, shim_memdesc *md, uint64_t off,
			       uint64_t len, struct shim_dma_segment *segs)
{
	uint32_t n = 0;

	for (uint64_t done = 0; done < len;) {
		uint64_t run, a = shim_memdesc_phys_at(md, off + done, &run);

		if (run > len - done)
			run = len - done;
		n += shim_dma_split(cmd, a, run, segs ? segs + n : NULL);
		done += run;
	}
	return n;
}

/* Copies len bytes between md at off and the (contiguous) bounce buffer. */
static shim_ret shim_dma_bounce_copy(shim_memdesc *md, uint64_t off, shim_memdesc *bounce,
				     uint64_t len, bool into_bounce)
{
	void *p = NULL;
	uint8_t *tmp;
	shim_ret r = SHIM_OK;

	if (shim_memdesc_map(bounce, &p) == SHIM_OK)
		return into_bounce ? shim_memdesc_read(md, off, p, len)
				   : shim_memdesc_write(md, off, p, len);
	tmp = shim_malloc(SHIM_DMA_COPY_CHUNK);
	if (!tmp)
		return SHIM_ERR_NO_MEMORY;
	for (uint64_t done = 0; done < len && r == SHIM_OK;) {
		uint64_t n = len - done < SHIM_DMA_COPY_CHUNK ? len - done : SHIM_DMA_COPY_CHUNK;

		if (into_bounce) {
			r = shim_memdesc_read(md, off + done, tmp, n);
			if (r == SHIM_OK)
				r = shim_memdesc_write(bounce, done, tmp, n);
		} else {
			r = shim_memdesc_read(bounce, done, tmp, n);
			if (r == SHIM_OK)
				r = shim_memdesc_write(md, off + done, tmp, n);
		}
		done += n;
	}
	shim_free(tmp, SHIM_DMA_COPY_CHUNK);
	return r;
}

/* Takes a bounce buffer within reach and (towards the device) fills it. */
static shim_ret shim_dma_bounce(shim_dma_command *cmd, shim_memdesc *md, uint64_t off,
				uint64_t len)
{
	shim_ret r;

	if (cmd->spec.flags & SHIM_DMA_NO_BOUNCE)
		return SHIM_ERR_UNSUPPORTED;
	/* The pool's mask is the highest address of the last byte. */
	r = shim_memdesc_alloc_internal(cmd->dev, len, cmd->spec.alignment, cmd->limit,
					&cmd->bounce);
	if (r != SHIM_OK)
		return r == SHIM_ERR_NO_DEVICE ? r : SHIM_ERR_NO_RESOURCES;
	if (cmd->dir & SHIM_DMA_TO_DEVICE) {
		r = shim_dma_bounce_copy(md, off, cmd->bounce, len, true);
		if (r != SHIM_OK) {
			shim_memdesc_release_(cmd->bounce, __FILE__, __LINE__);
			cmd->bounce = NULL;
			return r;
		}
	}
	return SHIM_OK;
}

shim_ret shim_dma_command_prepare_(shim_dma_command *cmd, shim_memdesc *md, uint64_t off,
				   uint64_t len, enum shim_dma_direction dir, const char *file,
				   int line)
{
	shim_memdesc *src;
	uint64_t src_off;
	uint32_t n;
	shim_ret r;

	if (!cmd || !md || md->dev->m != cmd->dev->m || dir < SHIM_DMA_TO_DEVICE ||
	    dir > SHIM_DMA_BIDIRECTIONAL)
		return SHIM_ERR_BAD_ARGUMENT;
	if (cmd->prepared)
		return SHIM_ERR_BUSY;
	if (len == 0 || off > md->length || len > md->length - off ||
	    (cmd->spec.max_transfer && len > cmd->spec.max_transfer))
		return SHIM_ERR_BAD_ARGUMENT;
	if (SHIM_FAULT(SHIM_FAULT_DMA_PREPARE, file, line))
		return SHIM_ERR_NO_RESOURCES;
	if (!shim_context_may_block_("shim_dma_command_prepare", file, line))
		return SHIM_ERR_NOT_PERMITTED;
	cmd->dir = dir;
	src = md;
	src_off = off;
	if (!shim_dma_reachable(cmd, md, off, len)) {
		r = shim_dma_bounce(cmd, md, off, len);
		if (r != SHIM_OK)
			return r;
		src = cmd->bounce;
		src_off = 0;
	}
	n = shim_dma_build(cmd, src, src_off, len, NULL);
	cmd->segs = shim_malloc((size_t)n * sizeof(*cmd->segs));
	if (!cmd->segs) {
		if (cmd->bounce)
			shim_memdesc_release_(cmd->bounce, file, line);
		cmd->bounce = NULL;
		return SHIM_ERR_NO_MEMORY;
	}
	cmd->nsegs = shim_dma_build(cmd, src, src_off, len, cmd->segs);
	shim_object_retain(&md->obj);
	shim_memdesc_wire(md);
	if (cmd->bounce)
		shim_memdesc_wire(cmd->bounce);
	cmd->md = md;
	cmd->off = off;
	cmd->len = len;
	cmd->prepared = true;
	return SHIM_OK;
}

shim_ret shim_dma_command_segments_(shim_dma_command *cmd, uint64_t *offset,
				    struct shim_dma_segment *segs, uint32_t *count,
				    const char *file, int line)
{
	uint64_t at = 0, want;
	uint32_t n = 0, max;

	if (!cmd || !offset || !count || (!segs && *count))
		return SHIM_ERR_BAD_ARGUMENT;
	max = *count;
	*count = 0;
	if (!cmd->prepared) {
		shim_verifier_record_(SHIM_V_DMA_UNPREPARED, file, line,
				      "segments of a DMA command that is not prepared (used after "
				      "complete?)");
		return SHIM_ERR_NOT_READY;
	}
	want = *offset;
	if (want > cmd->len) {
		shim_verifier_record_(SHIM_V_DMA_OUT_OF_RANGE, file, line,
				      "segment at offset 0x%llx of a DMA command prepared for 0x%llx "
				      "bytes", (unsigned long long)want, (unsigned long long)cmd->len);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	for (uint32_t i = 0; i < cmd->nsegs && n < max; i++) {
		const struct shim_dma_segment *s = &cmd->segs[i];

		if (want < at + s->len) {
			uint64_t skip = want - at;

			segs[n++] = (struct shim_dma_segment){ s->addr + skip, s->len - skip };
			want = at + s->len;
		}
		at += s->len;
	}
	*offset = want;
	*count = n;
	return SHIM_OK;
}

shim_ret shim_dma_command_complete_(shim_dma_command *cmd, const char *file, int line)
{
	shim_ret r = SHIM_OK;

	if (!cmd)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!cmd->prepared) {
		shim_verifier_record_(SHIM_V_PREPARE_UNBALANCED, file, line,
				      "complete of a DMA command that is not prepared");
		return SHIM_ERR_NOT_READY;
	}
	if (cmd->bounce) {
		if (cmd->dir & SHIM_DMA_FROM_DEVICE)
			r = shim_dma_bounce_copy(cmd->md, cmd->off, cmd->bounce, cmd->len, false);
		(void)shim_memdesc_unwire(cmd->bounce, file, line);
		shim_memdesc_release_(cmd->bounce, file, line);
		cmd->bounce = NULL;
	}
	(void)shim_memdesc_unwire(cmd->md, file, line);
	shim_object_release_(&cmd->md->obj, file, line);
	cmd->md = NULL;
	shim_dma_segs_free(cmd);
	cmd->prepared = false;
	cmd->len = 0;
	return r;
}

void shim_dma_command_release_(shim_dma_command *cmd, const char *file, int line)
{
	if (!cmd)
		return;
	if (cmd->prepared) {
		shim_verifier_record_(SHIM_V_PREPARE_UNBALANCED, file, line,
				      "release of a DMA command still prepared (0x%llx bytes)",
				      (unsigned long long)cmd->len);
		(void)shim_dma_command_complete_(cmd, file, line);
	}
	shim_object_release_(&cmd->obj, file, line);
}

uint64_t shim_dma_command_length(const shim_dma_command *cmd)
{
	return cmd && cmd->prepared ? cmd->len : 0;
}

bool shim_dma_command_bounced(const shim_dma_command *cmd)
{
	return cmd && cmd->bounce != NULL;
}
