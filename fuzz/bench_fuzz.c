/* Benchmark: executions per second of a fuzz target on one core. Loads
 * the seed corpus, then for the given number of seconds (or executions)
 * feeds the target mutated copies (a few random byte flips, inserts and
 * truncations, as a fuzzer would; the same sequence on every run) and
 * prints the rate by wall clock and by CPU time, and the instructions per
 * execution where the kernel lets a process count its own (the figure a
 * busy machine does not disturb). Built with sanitizers by
 * oss-fuzz/build.sh (drvbench/bench_fuzz_kext there); usage:
 * bench_fuzz_kext -kext=PATH [-tests=PATH] [-target=...] [-oracles=...] CORPUS_DIR
 * [SECONDS [MAX_EXECS]]. fuzz/bench_fuzz.py runs it per oracle. */
#include <dirent.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_die.h"

#define BENCH_MAX_SEEDS 256
#define BENCH_MAX_LEN 16384

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A counter of this process's user-space instructions, or -1. */
static int instructions_open(void)
{
	struct perf_event_attr a = { .type = PERF_TYPE_HARDWARE, .size = sizeof(a),
				     .config = PERF_COUNT_HW_INSTRUCTIONS, .disabled = 1,
				     .exclude_kernel = 1, .exclude_hv = 1 };

	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static void ioctl_enable(int fd, bool on)
{
	(void)ioctl(fd, on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
}

static size_t load(const char *dir, uint8_t **seeds, size_t *lens)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < BENCH_MAX_SEEDS) {
		char path[4096];
		FILE *f;

		if (e->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path) ||
		    (f = fopen(path, "rb")) == NULL)
			continue;
		seeds[n] = malloc(BENCH_MAX_LEN);
		if (seeds[n] != NULL)
			lens[n] = fread(seeds[n], 1, BENCH_MAX_LEN, f), n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	static uint8_t *seeds[BENCH_MAX_SEEDS];
	static size_t lens[BENCH_MAX_SEEDS];
	static uint8_t buf[BENCH_MAX_LEN];
	double secs, start, cpu0, elapsed, cpu;
	unsigned long execs = 0, max_execs;
	long long instructions = -1;
	int counter;
	size_t nseeds;

	LLVMFuzzerInitialize(&argc, &argv); /* takes the target's options */
	if (argc < 2 || (nseeds = load(argv[1], seeds, lens)) == 0) {
		fprintf(stderr, "usage: %s -kext=PATH [-tests=PATH] [-target=T] [-oracles=L] CORPUS_DIR "
				"[SECONDS [MAX_EXECS]]\n",
			argv[0]);
		return 2;
	}
	secs = argc > 2 ? atof(argv[2]) : 5.0;
	max_execs = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;
	counter = instructions_open();
	if (counter >= 0)
		ioctl_enable(counter, true);
	start = clock_s(CLOCK_MONOTONIC);
	cpu0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	do {
		for (int k = 0; k < 100; k++, execs++) {
			size_t s = next_rand() % nseeds, len = lens[s];

			memcpy(buf, seeds[s], len);
			for (int m = (int)(next_rand() % 4); m >= 0 && len > 0; m--) {
				uint64_t r = next_rand();

				if ((r & 3) == 3 && len + 1 < BENCH_MAX_LEN)
					buf[len++] = (uint8_t)(r >> 8);
				else if ((r & 3) == 2)
					len -= (r >> 8) % len / 2;
				else
					buf[(r >> 8) % len] ^= (uint8_t)(1u << ((r >> 40) & 7));
			}
			LLVMFuzzerTestOneInput(buf, len);
		}
		elapsed = clock_s(CLOCK_MONOTONIC) - start;
	} while (elapsed < secs && (max_execs == 0 || execs < max_execs));
	cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	if (counter >= 0) {
		ioctl_enable(counter, false);
		if (read(counter, &instructions, sizeof(instructions)) != sizeof(instructions))
			instructions = -1;
		close(counter);
	}
	printf("%lu execs in %.2f s: %.0f exec/s (one core); %.0f exec/s by CPU time", execs,
	       elapsed, (double)execs / elapsed, (double)execs / cpu);
	if (instructions >= 0)
		printf("; %.0f instructions/exec", (double)instructions / (double)execs);
	printf("\n");
	for (size_t i = 0; i < nseeds; i++)
		free(seeds[i]);
	return 0;
}
