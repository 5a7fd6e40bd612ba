/* Fixture binaries for the link tests, handed in by meson as "key=path"
 * arguments (tests/kexts/link/meson.build builds them). Include after
 * cmocka.h. */
#ifndef DRVBENCH_TESTS_LINK_FIXTURES_H
#define DRVBENCH_TESTS_LINK_FIXTURES_H

#include <stdio.h>
#include <string.h>

static int link_fixture_argc;
static char **link_fixture_argv;

static inline void link_fixtures_init(int argc, char **argv)
{
	link_fixture_argc = argc;
	link_fixture_argv = argv;
}

/* The path given for key, NULL if meson gave none (an optional fixture). */
static inline const char *link_fixture_optional(const char *key)
{
	size_t n = strlen(key);

	for (int i = 1; i < link_fixture_argc; i++)
		if (strncmp(link_fixture_argv[i], key, n) == 0 && link_fixture_argv[i][n] == '=')
			return link_fixture_argv[i] + n + 1;
	return NULL;
}

/* The path given for key; fails the test if meson gave none. */
static inline const char *link_fixture(const char *key)
{
	const char *p = link_fixture_optional(key);

	if (p == NULL)
		fail_msg("no fixture '%s' among the test's arguments", key);
	return p;
}

#endif
