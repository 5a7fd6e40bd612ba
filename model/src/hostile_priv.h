/* Internals of the hostile device shared by hostile.c (the engine: the
 * program, its counters, limits and findings) and hostile_wrap.c (the
 * interposition on a model's callbacks and env). */
#ifndef MODEL_HOSTILE_PRIV_H
#define MODEL_HOSTILE_PRIV_H

#include "model/hostile.h"
#include "model_internal.h"

struct hostile_action {
	uint8_t kind, mode;
	uint16_t at, arg;
	uint32_t value;
	bool fired;
};

/* A READ override that goes on for later reads of one register. */
struct hostile_sticky {
	model_device *dev;
	unsigned bar;
	uint64_t off;
	uint8_t op;
	uint32_t value;
	unsigned remaining; /* HOSTILE_FOREVER: every read */
};
#define HOSTILE_FOREVER 31u

/* A DMA field the device rewrites later (the double fetch). */
struct hostile_late {
	model_device *dev;
	uint64_t addr;
	uint8_t bytes[4];
	unsigned size;
	uint64_t due; /* register access index */
};

struct model_hostile {
	bool armed, gone;
	struct hostile_action act[MODEL_HOSTILE_MAX_ACTIONS];
	size_t nact;
	struct hostile_sticky sticky[MODEL_HOSTILE_MAX_ACTIONS];
	struct hostile_late late[MODEL_HOSTILE_MAX_ACTIONS];
	struct model_hostile_stats st;
	uint64_t accesses;       /* since the load: the index actions fire at */
	uint64_t entry_accesses; /* since model_hostile_entry: the budget */
	uint64_t same_clock_reads, last_clock, start_clock;
	bool clock_known;
	struct model_hostile_limits lim;
	model_hostile_finding_fn finding;
	void *finding_ctx;
	model_hostile_gone_fn gone_fn;
	void *gone_ctx;
	model_hostile_poke_fn poke_fn;
	void *poke_ctx;
};

/* The armed program's unfired action of kind for event number count
 * (marked fired), or NULL. */
MODEL_INTERNAL struct hostile_action *model_hostile_take(struct model_hostile *h,
							 enum model_hostile_kind kind,
							 uint64_t count);
/* Counts a register access at virtual time now (a read when read), checks
 * the limits; returns the access's index. */
MODEL_INTERNAL uint64_t model_hostile_count_access(struct model_hostile *h, uint64_t now,
						   bool read);
/* An interrupt reached the driver: reads at the same instant that follow
 * it are its handler's, not a poll. */
static inline void model_hostile_irq_sent(struct model_hostile *h)
{
	h->same_clock_reads = 0;
}

/* The value a READ override op makes of the real one (size bytes). */
MODEL_INTERNAL uint64_t model_hostile_apply_read(uint8_t op, uint32_t value, uint64_t real,
						 unsigned size);

#endif
