/* The buffers a method call is marshalled into (uc_call.c).
 *
 * Without AddressSanitizer each is a heap block of its exact size, which
 * valgrind's memcheck guards like any other. Under ASan, malloc and free
 * of these short-lived blocks were a sixth of a fuzz execution, so each
 * call takes a frame from a ring instead: a heap block with a slot for
 * each kind of buffer, poisoned except for the bytes the call was given
 * (exactly as many as it asked for) and poisoned again when the call
 * ends. An access past a buffer, or into one after its call returned, is
 * an ASan report at the faulting line: "use-after-poison", located inside
 * a region allocated by shim_uc_buf_frame_. Past a buffer it is caught
 * for as many bytes as its slot's spare room and the gap behind it (at
 * least UC_BUF_GAP); after its call until the ring comes back round to
 * its frame (UC_BUF_FRAMES - 1 calls later), where ASan's quarantine
 * holds a freed block for longer. The frames are the shim's, not the
 * driver's: outside its allocation counters, never freed. */
#include <stddef.h>
#include <stdint.h>

#include "shim/alloc.h"
#include "internal.h"
#include "uc_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define UC_BUF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UC_BUF_ASAN 1
#endif
#endif

#ifdef UC_BUF_ASAN
#include <sanitizer/asan_interface.h>
#include <stdlib.h>

#define UC_BUF_FRAMES 16
#define UC_BUF_GAP 64 /* poisoned bytes before each slot, and after the last */

/* A slot per kind of buffer, each as large as that kind may be. */
static const size_t slot_cap[UC_BUF_KINDS] = {
	[UC_BUF_SCALAR_IN] = SHIM_UC_MAX_SCALARS * sizeof(uint64_t),
	[UC_BUF_STRUCT_IN] = SHIM_UC_MAX_INLINE_STRUCT,
	[UC_BUF_SCALAR_OUT] = SHIM_UC_MAX_SCALARS * sizeof(uint64_t),
	[UC_BUF_STRUCT_OUT] = SHIM_UC_MAX_STRUCT_OUT,
};

static uint8_t *frames[UC_BUF_FRAMES];
static unsigned users[UC_BUF_FRAMES]; /* buffers handed out, not given back */
static unsigned next_frame;

/* Where kind's slot starts in a frame: a gap before each slot. The
 * offset of UC_BUF_KINDS, past the last slot and its gap, is the frame's
 * size. */
static size_t slot_offset(unsigned kind)
{
	size_t off = UC_BUF_GAP;

	for (unsigned k = 0; k < kind; k++)
		off += slot_cap[k] + UC_BUF_GAP;
	return off;
}

unsigned shim_uc_buf_frame_(void)
{
	/* The next frame no call holds: a call made from inside a method
	 * (nested) keeps its caller's buffers. */
	for (unsigned i = 0; i < UC_BUF_FRAMES; i++) {
		unsigned f = (next_frame + i) % UC_BUF_FRAMES;

		if (users[f] != 0)
			continue;
		if (frames[f] == NULL) {
			if ((frames[f] = malloc(slot_offset(UC_BUF_KINDS))) == NULL)
				return UC_BUF_NO_FRAME;
			ASAN_POISON_MEMORY_REGION(frames[f], slot_offset(UC_BUF_KINDS));
		}
		next_frame = (f + 1) % UC_BUF_FRAMES;
		return f;
	}
	return UC_BUF_NO_FRAME;
}

void *shim_uc_buf_take_(unsigned frame, enum uc_buf_kind kind, size_t size)
{
	uint8_t *p;

	if (frame == UC_BUF_NO_FRAME || size > slot_cap[kind])
		return shim_alloc_unfilled(size);
	p = frames[frame] + slot_offset(kind);
	ASAN_UNPOISON_MEMORY_REGION(p, size);
	users[frame]++;
	return p;
}

void shim_uc_buf_give_(unsigned frame, enum uc_buf_kind kind, void *p, size_t size)
{
	if (frame == UC_BUF_NO_FRAME || size > slot_cap[kind]) {
		shim_free(p, size);
		return;
	}
	ASAN_POISON_MEMORY_REGION(p, size);
	users[frame]--;
}

#else

unsigned shim_uc_buf_frame_(void)
{
	return UC_BUF_NO_FRAME;
}

void *shim_uc_buf_take_(unsigned frame, enum uc_buf_kind kind, size_t size)
{
	(void)frame, (void)kind;
	return shim_alloc_unfilled(size);
}

void shim_uc_buf_give_(unsigned frame, enum uc_buf_kind kind, void *p, size_t size)
{
	(void)frame, (void)kind;
	shim_free(p, size);
}

#endif
