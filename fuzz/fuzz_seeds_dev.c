/* Seed inputs for the device side (fuzz_dev.c), derived from nothing a
 * driver says: each early register read all-ones in turn, one hostile
 * program per kind of misbehaviour at a few early accesses (so the fuzzer
 * starts from a device that lies, drops, storms or vanishes while the
 * driver starts), a removal with interrupts still in flight, and for
 * "both" the same programs over every structure-aware seed
 * (fuzz_seeds.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_targets.h"
#include "model/hostile.h"

#define PROG_MAX (1 + 2 * MODEL_HOSTILE_RECORD)
#define SEED_REST 32

struct prog {
	const char *name;
	uint8_t kind, mode;
	uint16_t at, arg;
	uint32_t value;
};

/* One record each (an empty program first: the honest device). */
static const struct prog progs[] = {
	{ "honest", 0xff, 0, 0, 0, 0 },
	{ "read2_zero", MODEL_HOSTILE_READ, 1, 2, 0, 0 },
	{ "read3_xor", MODEL_HOSTILE_READ, 3, 3, 0, 0x80000001u },
	{ "read8_big", MODEL_HOSTILE_READ, 2, 8, 0, 0x7fffffffu },
	{ "read_stuck_ones", MODEL_HOSTILE_READ, 0 | 31u << 3, 4, 0, 0 },
	{ "read_stuck_set", MODEL_HOSTILE_READ, 4 | 31u << 3, 6, 0, 0xffu },
	{ "write0_dropped", MODEL_HOSTILE_WRITE, 0, 0, 0, 0 },
	{ "write2_dropped", MODEL_HOSTILE_WRITE, 0, 2, 0, 0 },
	{ "dma0_word", MODEL_HOSTILE_DMA, 2, 0, 0, 0xffffffffu },
	{ "dma0_byte_late", MODEL_HOSTILE_DMA, 4 | 3, 0, 14, 0x80u },
	/* 16-bit fields of the first two writes (an entry's IDs and counts). */
	{ "dma0_u16_0", MODEL_HOSTILE_DMA, 1, 0, 0, 0xffffu },
	{ "dma0_u16_4", MODEL_HOSTILE_DMA, 1, 0, 4, 0xffffu },
	{ "dma0_u16_8", MODEL_HOSTILE_DMA, 1, 0, 8, 0xffffu },
	{ "dma0_u16_12", MODEL_HOSTILE_DMA, 1, 0, 12, 0xffffu },
	{ "dma1_u16_0", MODEL_HOSTILE_DMA, 1, 1, 0, 0xffffu },
	{ "dma1_u16_4", MODEL_HOSTILE_DMA, 1, 1, 4, 0xffffu },
	{ "dma1_u16_8", MODEL_HOSTILE_DMA, 1, 1, 8, 0xffffu },
	{ "dma1_u16_12", MODEL_HOSTILE_DMA, 1, 1, 12, 0xffffu },
	{ "irq0_missing", MODEL_HOSTILE_IRQ, 0, 0, 0, 0 },
	{ "irq0_twice", MODEL_HOSTILE_IRQ, 1, 0, 0, 0 },
	{ "irq0_storm", MODEL_HOSTILE_IRQ, 2, 0, 200, 0 },
	{ "spurious3", MODEL_HOSTILE_SPURIOUS, 0, 3, 1, 0 },
	{ "spurious10_storm", MODEL_HOSTILE_SPURIOUS, 0, 10, 63, 0 },
	{ "removed0", MODEL_HOSTILE_REMOVE, 0, 0, 0, 0 },
	{ "removed4", MODEL_HOSTILE_REMOVE, 0, 4, 0, 0 },
	{ "removed12", MODEL_HOSTILE_REMOVE, 0, 12, 0, 0 },
	{ "removed40", MODEL_HOSTILE_REMOVE, 0, 40, 0, 0 },
};
/* Two records at one access: interrupts still in flight when the device
 * goes (raised, then the removal, before the driver's loop runs). Their
 * handlers run on a device that is gone, possibly after the driver let
 * go of what they use. */
static const struct prog in_flight[][2] = {
	{ { "removed4_irqs_in_flight", MODEL_HOSTILE_SPURIOUS, 0, 4, 1, 0 },
	  { NULL, MODEL_HOSTILE_REMOVE, 0, 4, 0, 0 } },
	{ { "removed12_irqs_in_flight", MODEL_HOSTILE_SPURIOUS, 0, 12, 3, 0 },
	  { NULL, MODEL_HOSTILE_REMOVE, 0, 12, 0, 0 } },
};
/* The ones "both" puts under every structure-aware seed. */
static const char *const both_progs[] = { "honest", "read_stuck_ones", "irq0_storm",
					  "removed40", "dma0_word" };

/* Besides: each of the first READS_ONES register reads all-ones in turn
 * (what a removed or broken device answers), named read<N>_ones. */
#define READS_ONES 32

static void encode_record(const struct prog *p, uint8_t *b)
{
	b[0] = p->kind;
	b[1] = (uint8_t)p->at;
	b[2] = (uint8_t)(p->at >> 8);
	b[3] = p->mode;
	b[4] = (uint8_t)p->arg;
	b[5] = (uint8_t)(p->arg >> 8);
	for (int i = 0; i < 4; i++)
		b[6 + i] = (uint8_t)(p->value >> (8 * i));
}

/* The program of n records (n 0 or 1 for the honest device's empty one). */
static size_t encode(const struct prog *p, size_t n, uint8_t *b)
{
	if (p->kind == 0xff) {
		b[0] = 0;
		return 1;
	}
	b[0] = (uint8_t)n;
	for (size_t i = 0; i < n; i++)
		encode_record(&p[i], b + 1 + i * MODEL_HOSTILE_RECORD);
	return 1 + n * MODEL_HOSTILE_RECORD;
}

static bool write_file(const char *dir, const char *name, const uint8_t *b, size_t n, char *why,
		       size_t len)
{
	char path[4096];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		snprintf(why, len, "%s: path too long", dir);
		return false;
	}
	f = fopen(path, "wb");
	if (f == NULL || fwrite(b, 1, n, f) != n) {
		snprintf(why, len, "cannot write %s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return false;
	}
	return fclose(f) == 0;
}

bool fuzz_seeds_dev(const struct fuzz_world *w, bool both, const char *dir, char *why,
		    size_t len)
{
	uint8_t b[PROG_MAX + SEED_REST];
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s", dir) >= sizeof(path)) {
		snprintf(why, len, "%s: path too long", dir);
		return false;
	}
	for (char *p = path + 1; *p != '\0'; p++)
		if (*p == '/') { /* the parents first */
			*p = '\0';
			(void)mkdir(path, 0755);
			*p = '/';
		}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		snprintf(why, len, "cannot create %s: %s", dir, strerror(errno));
		return false;
	}
	for (unsigned n = 0; n < READS_ONES; n++) {
		struct prog p = { NULL, MODEL_HOSTILE_READ, 0, (uint16_t)n, 0, 0 };
		char name[32];
		size_t k = encode(&p, 1, b);

		snprintf(name, sizeof(name), "read%u_ones", n);
		memset(b + k, 1, SEED_REST);
		if (!write_file(dir, name, b, k + SEED_REST, why, len))
			return false;
	}
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		size_t n = encode(&progs[i], 1, b);

		/* "device": scalars and structure sizes of 1 for the calls. */
		memset(b + n, 1, SEED_REST);
		if (!write_file(dir, progs[i].name, b, n + (both ? 0 : SEED_REST), why, len))
			return false;
		for (size_t k = 0; both && k < sizeof(both_progs) / sizeof(both_progs[0]); k++) {
			char name[64];

			if (strcmp(both_progs[k], progs[i].name) != 0)
				continue;
			snprintf(name, sizeof(name), "%s__", progs[i].name);
			if (!fuzz_seeds_struct_under(w, b, n, name, dir, why, len))
				return false;
		}
	}
	for (size_t i = 0; !both && i < sizeof(in_flight) / sizeof(in_flight[0]); i++) {
		size_t n = encode(in_flight[i], 2, b);

		memset(b + n, 1, SEED_REST);
		if (!write_file(dir, in_flight[i][0].name, b, n + SEED_REST, why, len))
			return false;
	}
	return true;
}
