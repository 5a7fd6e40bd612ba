/* The kext version grammar the loader applies to CFBundleVersion and
 * OSBundleCompatibleVersion: MAJOR[.MINOR[.REVISION]][STAGE N], MAJOR of
 * 1-4 digits, MINOR and REVISION of 1-2, STAGE one of d (development),
 * a (alpha), b (beta), f or fc (final candidate) with N in 1..255. A
 * release without a stage sorts after every staged one of its number. */
#include <ctype.h>
#include <string.h>

#include "q_internal.h"

/* Reads 1..max digits at *p; false when none or too many. */
static bool q_digits(const char **p, int max, unsigned *out)
{
	unsigned v = 0;
	int n = 0;

	while (isdigit((unsigned char)**p)) {
		if (++n > max)
			return false;
		v = v * 10 + (unsigned)(**p - '0');
		(*p)++;
	}
	*out = v;
	return n > 0;
}

/* The stage's rank (release highest) and its number, or false. */
static bool q_stage(const char *p, unsigned *rank, unsigned *num)
{
	static const struct {
		const char *tag;
		unsigned rank;
	} stages[] = { { "fc", 4 }, { "f", 4 }, { "d", 1 }, { "a", 2 }, { "b", 3 } };

	*rank = 5;
	*num = 0;
	if (*p == '\0')
		return true;
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		size_t n = strlen(stages[i].tag);

		if (strncmp(p, stages[i].tag, n) != 0)
			continue;
		p += n;
		*rank = stages[i].rank;
		return q_digits(&p, 3, num) && *p == '\0' && *num >= 1 && *num <= 255;
	}
	return false;
}

bool bench_q_version_parse(const char *s, uint64_t *out)
{
	unsigned part[3] = { 0, 0, 0 }, rank, num;
	const char *p = s;

	if (s == NULL || strlen(s) > 63 || !q_digits(&p, 4, &part[0]))
		return false;
	for (int i = 1; i < 3 && *p == '.'; i++) {
		p++;
		if (!q_digits(&p, 2, &part[i]))
			return false;
	}
	if (!q_stage(p, &rank, &num))
		return false;
	*out = (((((uint64_t)part[0] * 100 + part[1]) * 100 + part[2]) * 10 + rank) * 1000) + num;
	return true;
}
