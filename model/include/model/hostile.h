/* A hostile device: a wrapper around any model through which a byte
 * program (a fuzz input) decides what the device says to its driver:
 * register read values, the contents the device DMAs into memory, its
 * interrupts, and a removal at a chosen access. Everything not overridden
 * is the real model's, so a driver gets as far as it would on the honest
 * device. The engine (struct model_hostile) is created by whoever hosts
 * the device and outlives it: every device wrapped with it (a re-plugged
 * one too) follows the loaded program, and its counters run on. */
#ifndef MODEL_HOSTILE_H
#define MODEL_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/device.h"

/* The program: records of MODEL_HOSTILE_RECORD bytes (a short last one
 * reads as if padded with zeros), at most MODEL_HOSTILE_MAX_ACTIONS:
 *   [0] kind (% MODEL_HOSTILE_KIND_COUNT)
 *   [1..2] at: little-endian; the action fires on the at-th (0-based) event
 *          its kind counts, from the load on
 *   [3] mode  [4..5] arg (little-endian)  [6..9] value (little-endian)
 * Kinds, what they count, and what mode/arg/value mean:
 *   READ      BAR reads: the value read becomes (mode & 7) all-ones, zero,
 *             value, real ^ value, real | value, real & ~value, real + value,
 *             or the real value with its bytes reversed (a 64-bit read sees
 *             value in both halves); mode >> 3 (0..31): the same for that
 *             many later reads of the same register, 31 for every one.
 *   WRITE     BAR writes: this one is dropped (a doorbell or ack ignored).
 *   DMA       device writes to memory (not interrupt messages): at offset
 *             arg % length, (mode & 3) byte = value, 16 bits = value,
 *             32 bits = value, byte ^= value; with mode & 4 the real data
 *             lands first and the change is made at the ((mode >> 3) & 15)-th
 *             register access after it (the entry changes under a driver
 *             that reads it twice: a double fetch).
 *   IRQ       interrupts the model raises (an MSI or MSI-X message, an INTx
 *             assertion): (mode & 3) dropped (missing), repeated arg % 8 + 1
 *             more times (duplicated), repeated arg % 1024 + 1 more times
 *             (a storm), or sent as vector value (MSI data / INTx: dropped).
 *   SPURIOUS  register accesses: before this one, arg % 64 + 1 interrupts
 *             the model never raised (vector value % the enabled count;
 *             INTx: a pulse of the line).
 *   REMOVE    register accesses: the device is gone from this one on
 *             (reads all-ones, writes, DMA and interrupts lost); the gone
 *             callback removes it from its bus. */
#define MODEL_HOSTILE_RECORD 10
#define MODEL_HOSTILE_MAX_ACTIONS 32

enum model_hostile_kind {
	MODEL_HOSTILE_READ = 0,
	MODEL_HOSTILE_WRITE,
	MODEL_HOSTILE_DMA,
	MODEL_HOSTILE_IRQ,
	MODEL_HOSTILE_SPURIOUS,
	MODEL_HOSTILE_REMOVE,
	MODEL_HOSTILE_KIND_COUNT
};

/* Classes of finding the engine itself makes (the driver's fault, not the
 * device's): a driver must bound every wait whatever the device says. */
enum model_hostile_finding {
	/* N register reads with the virtual clock standing still and no
	 * interrupt from the device in between: a busy poll that never ends
	 * on a device that never answers. */
	MODEL_HOSTILE_BUSY_POLL = 0,
	/* More register accesses in one driver entry (a call, a start, a
	 * stop: see model_hostile_entry) than the budget: a wait with no bound
	 * on what the device reports. */
	MODEL_HOSTILE_ACCESS_BUDGET,
	/* The virtual clock ran past the budget during one driver entry. */
	MODEL_HOSTILE_CLOCK_BUDGET,
};

struct model_hostile_limits {
	uint64_t reads_same_clock; /* 0: no limit */
	uint64_t accesses;         /* per driver entry; 0: no limit */
	uint64_t clock_ns;         /* virtual time per driver entry; 0: no limit */
};

struct model_hostile_stats {
	uint64_t reads, writes, dma_writes, irqs; /* events counted since the load */
	uint64_t reads_overridden, writes_dropped, dma_corrupted;
	uint64_t irqs_dropped, irqs_extra, irqs_spurious;
	uint64_t removed_at; /* the register access the device went at; UINT64_MAX: present */
};

struct model_hostile;

/* The finding callback gets the class and a readable message; it may not
 * return (a fuzzer aborts there, at the driver's access). */
typedef void (*model_hostile_finding_fn)(void *ctx, enum model_hostile_finding cls,
					 const char *msg);
/* The device must leave its bus now (called inside a register access of
 * the driver; the callee detaches it and destroys it later). */
typedef void (*model_hostile_gone_fn)(void *ctx, model_device *dev);

/* Writes guest memory as the CPU would (unobserved): a late DMA change
 * made after the driver may have let go of the memory is the device's
 * doing, never reported as a DMA the driver allowed. */
typedef bool (*model_hostile_poke_fn)(void *ctx, uint64_t addr, const void *buf, size_t len);

/* NULL on no memory. Starts disarmed: a wrapped device is the real one. */
struct model_hostile *model_hostile_create(void);
/* Devices still wrapped must be destroyed first. */
void model_hostile_destroy(struct model_hostile *h);
/* Loads a program (above), zeroes the counters and arms the engine. */
void model_hostile_load(struct model_hostile *h, const uint8_t *prog, size_t len);
/* Back to the honest device (counters kept); limits are no longer checked. */
void model_hostile_disarm(struct model_hostile *h);
bool model_hostile_armed(const struct model_hostile *h);
void model_hostile_set_limits(struct model_hostile *h, const struct model_hostile_limits *l);
/* The driver is entered anew (a user-client call, its start or stop, a
 * run of its work loop): the access and clock budgets count from here.
 * Each entry is bounded, not the program: a program of many calls that
 * each give up in time is no hang. */
void model_hostile_entry(struct model_hostile *h);
void model_hostile_on_finding(struct model_hostile *h, model_hostile_finding_fn fn, void *ctx);
void model_hostile_on_gone(struct model_hostile *h, model_hostile_gone_fn fn, void *ctx);
/* Without one, late changes go through the device's env as DMA. */
void model_hostile_on_poke(struct model_hostile *h, model_hostile_poke_fn fn, void *ctx);
/* Wraps dev (attached to its bus or env already: its env is interposed).
 * The wrapper goes with the device: model_device_destroy frees it. */
bool model_hostile_wrap(struct model_hostile *h, model_device *dev);
/* The program removed the device (since the last load or the last wrap:
 * a re-plugged device is present again). */
bool model_hostile_gone(const struct model_hostile *h);
void model_hostile_stats(const struct model_hostile *h, struct model_hostile_stats *out);
/* "busy-poll", "access-budget", "clock-budget". */
const char *model_hostile_finding_name(enum model_hostile_finding cls);
/* One line describing record i of the loaded program ("READ at 3: value
 * 0x10 for 31 more"), for findings and traces; false past the end. */
bool model_hostile_describe(const struct model_hostile *h, size_t i, char *buf, size_t len);

#endif
