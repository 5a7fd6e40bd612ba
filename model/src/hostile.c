/* The hostile device's engine (model/hostile.h): the loaded program, the
 * events it counts, the limits on what a driver may do with a device that
 * never answers, and the findings when it does more. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostile_priv.h"

static const char *const kind_names[MODEL_HOSTILE_KIND_COUNT] = {
	"READ", "WRITE", "DMA", "IRQ", "SPURIOUS", "REMOVE",
};

static const char *const finding_names[] = { "busy-poll", "access-budget", "clock-budget" };

struct model_hostile *model_hostile_create(void)
{
	return calloc(1, sizeof(struct model_hostile));
}

void model_hostile_destroy(struct model_hostile *h)
{
	free(h);
}

static uint32_t le(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

void model_hostile_load(struct model_hostile *h, const uint8_t *prog, size_t len)
{
	h->nact = 0;
	for (size_t off = 0; off < len && h->nact < MODEL_HOSTILE_MAX_ACTIONS;
	     off += MODEL_HOSTILE_RECORD) {
		uint8_t r[MODEL_HOSTILE_RECORD] = { 0 };

		memcpy(r, prog + off, len - off < sizeof(r) ? len - off : sizeof(r));
		h->act[h->nact++] = (struct hostile_action){
			.kind = (uint8_t)(r[0] % MODEL_HOSTILE_KIND_COUNT),
			.at = (uint16_t)le(r + 1, 2),
			.mode = r[3],
			.arg = (uint16_t)le(r + 4, 2),
			.value = le(r + 6, 4),
		};
	}
	memset(h->sticky, 0, sizeof(h->sticky));
	memset(h->late, 0, sizeof(h->late));
	memset(&h->st, 0, sizeof(h->st));
	h->st.removed_at = UINT64_MAX;
	h->accesses = h->entry_accesses = h->same_clock_reads = 0;
	h->clock_known = false;
	h->gone = false;
	h->armed = true;
}

void model_hostile_entry(struct model_hostile *h)
{
	if (h == NULL)
		return;
	h->entry_accesses = 0;
	h->start_clock = h->last_clock;
}

void model_hostile_disarm(struct model_hostile *h)
{
	h->armed = false;
	memset(h->sticky, 0, sizeof(h->sticky));
	memset(h->late, 0, sizeof(h->late));
}

bool model_hostile_armed(const struct model_hostile *h)
{
	return h->armed;
}

void model_hostile_set_limits(struct model_hostile *h, const struct model_hostile_limits *l)
{
	h->lim = *l;
}

void model_hostile_on_finding(struct model_hostile *h, model_hostile_finding_fn fn, void *ctx)
{
	h->finding = fn;
	h->finding_ctx = ctx;
}

void model_hostile_on_gone(struct model_hostile *h, model_hostile_gone_fn fn, void *ctx)
{
	h->gone_fn = fn;
	h->gone_ctx = ctx;
}

void model_hostile_on_poke(struct model_hostile *h, model_hostile_poke_fn fn, void *ctx)
{
	h->poke_fn = fn;
	h->poke_ctx = ctx;
}

bool model_hostile_gone(const struct model_hostile *h)
{
	return h->gone;
}

void model_hostile_stats(const struct model_hostile *h, struct model_hostile_stats *out)
{
	*out = h->st;
}

const char *model_hostile_finding_name(enum model_hostile_finding cls)
{
	return (unsigned)cls < sizeof(finding_names) / sizeof(finding_names[0]) ?
		       finding_names[cls] : "unknown";
}

bool model_hostile_describe(const struct model_hostile *h, size_t i, char *buf, size_t len)
{
	const struct hostile_action *a;

	if (i >= h->nact)
		return false;
	a = &h->act[i];
	snprintf(buf, len, "%s at %u mode 0x%02x arg %u value 0x%" PRIx32 "%s", kind_names[a->kind],
		 a->at, a->mode, a->arg, a->value, a->fired ? " (fired)" : "");
	return true;
}

struct hostile_action *model_hostile_take(struct model_hostile *h, enum model_hostile_kind kind,
					  uint64_t count)
{
	if (!h->armed || count > UINT16_MAX)
		return NULL;
	for (size_t i = 0; i < h->nact; i++)
		if (h->act[i].kind == kind && h->act[i].at == count && !h->act[i].fired) {
			h->act[i].fired = true;
			return &h->act[i];
		}
	return NULL;
}

__attribute__((format(printf, 3, 4))) static void finding(struct model_hostile *h,
							   enum model_hostile_finding cls,
							   const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (h->finding != NULL)
		h->finding(h->finding_ctx, cls, msg);
}

uint64_t model_hostile_count_access(struct model_hostile *h, uint64_t now, bool read)
{
	uint64_t i = h->accesses++;

	h->entry_accesses++;

	if (!h->armed)
		return i;
	if (!h->clock_known) {
		h->start_clock = h->last_clock = now;
		h->clock_known = true;
	}
	if (now != h->last_clock) {
		h->last_clock = now;
		h->same_clock_reads = 0;
	}
	h->same_clock_reads += read;
	/* Each limit fires once (a finding callback that returns lets the
	 * driver go on). */
	if (h->lim.reads_same_clock != 0 && h->same_clock_reads == h->lim.reads_same_clock)
		finding(h, MODEL_HOSTILE_BUSY_POLL,
			"%" PRIu64 " register reads with the virtual clock standing still at %" PRIu64
			" ns: a busy poll with no bound on the device's answer", h->same_clock_reads, now);
	if (h->lim.accesses != 0 && h->entry_accesses == h->lim.accesses)
		finding(h, MODEL_HOSTILE_ACCESS_BUDGET,
			"%" PRIu64 " register accesses in one driver entry (budget), the clock at %" PRIu64
			" ns: a wait with no bound on what the device reports", h->entry_accesses, now);
	if (h->lim.clock_ns != 0 && now - h->start_clock > h->lim.clock_ns) {
		uint64_t ran = now - h->start_clock;

		h->start_clock = now; /* once per budget */
		finding(h, MODEL_HOSTILE_CLOCK_BUDGET,
			"the virtual clock ran %" PRIu64 " ns in one driver entry (budget %" PRIu64
			" ns) while the driver kept accessing the device", ran, h->lim.clock_ns);
	}
	return i;
}

static uint64_t swap_bytes(uint64_t v, unsigned size)
{
	uint64_t r = 0;

	for (unsigned i = 0; i < size; i++)
		r |= ((v >> (8 * i)) & 0xff) << (8 * (size - 1 - i));
	return r;
}

uint64_t model_hostile_apply_read(uint8_t op, uint32_t value, uint64_t real, unsigned size)
{
	uint64_t mask = size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
	uint64_t v = (uint64_t)value | ((uint64_t)value << 32), out;

	switch (op & 7) {
	case 0: out = UINT64_MAX; break;
	case 1: out = 0; break;
	case 2: out = v; break;
	case 3: out = real ^ v; break;
	case 4: out = real | v; break;
	case 5: out = real & ~v; break;
	case 6: out = real + v; break;
	default: out = swap_bytes(real, size); break;
	}
	return out & mask;
}
