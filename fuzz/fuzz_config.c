/* The kext fuzzer's own flags and environment (see fuzz_config.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_config.h"

#define ORIGIN "$ORIGIN/"

struct flag {
	const char *name; /* "-kext=" */
	const char *env;  /* NULL: not exported */
	bool path;        /* $ORIGIN is expanded */
};

static const struct flag flags[] = {
	{ "-kext=", "DRVBENCH_FUZZ_KEXT", true },
	{ "-tests=", "DRVBENCH_FUZZ_TESTS", true },
	{ "-device=", "DRVBENCH_FUZZ_DEVICE", true },
	{ "-target=", "DRVBENCH_FUZZ_TARGET", false },
	{ "-client_abi=", "DRVBENCH_FUZZ_CLIENT_ABI", false },
	{ "-write_seeds=", NULL, false },
	{ "-oracles=", "DRVBENCH_FUZZ_ORACLES", false },
	{ "-print_selectors=", NULL, false },
	{ "-print_execs=", "DRVBENCH_FUZZ_PRINT_EXECS", false },
	{ "-list_selectors=", NULL, false },
};
#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

/* "$ORIGIN/x" -> "<directory of this binary>/x", in out (kept for the
 * process: the configuration points into it). */
static const char *expand(const char *v, char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n;

	if (strncmp(v, ORIGIN, strlen(ORIGIN)) != 0)
		return v;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return v;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	n = snprintf(out, len, "%s/%s", self, v + strlen(ORIGIN));
	return n > 0 && (size_t)n < len ? out : v;
}

static const char **slot(struct fuzz_config *cfg, size_t i)
{
	const char **slots[NFLAGS] = { &cfg->kext, &cfg->tests, &cfg->device, &cfg->target,
				       &cfg->client_abi, &cfg->write_seeds, &cfg->oracles,
				       &cfg->print_selectors, &cfg->print_execs, NULL };

	return slots[i];
}

void fuzz_config_read(int *argc, char ***argv, struct fuzz_config *cfg)
{
	static char expanded[NFLAGS][PATH_MAX];
	int kept = 1;

	memset(cfg, 0, sizeof(*cfg));
	for (size_t f = 0; f < NFLAGS; f++)
		if (flags[f].env != NULL && getenv(flags[f].env) != NULL && *getenv(flags[f].env))
			*slot(cfg, f) = getenv(flags[f].env);
	for (int i = 1; argc != NULL && argv != NULL && i < *argc; i++) {
		const char *a = (*argv)[i];
		size_t f;

		for (f = 0; f < NFLAGS && strncmp(a, flags[f].name, strlen(flags[f].name)) != 0; f++)
			;
		if (f == NFLAGS) {
			(*argv)[kept++] = (*argv)[i];
			continue;
		}
		a += strlen(flags[f].name);
		if (slot(cfg, f) == NULL)
			cfg->list = strcmp(a, "0") != 0;
		else
			*slot(cfg, f) = a;
		if (flags[f].env != NULL)
			setenv(flags[f].env, a, 1);
	}
	if (argc != NULL && argv != NULL && *argc > 0) {
		*argc = kept;
		(*argv)[kept] = NULL;
	}
	for (size_t f = 0; f < NFLAGS; f++)
		if (flags[f].path && *slot(cfg, f) != NULL)
			*slot(cfg, f) = expand(*slot(cfg, f), expanded[f], sizeof(expanded[f]));
}
