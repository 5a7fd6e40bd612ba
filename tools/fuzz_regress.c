/* Crash to regression test (fuzz_regress.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_regress.h"

#define REGRESS_MAX_INPUT (1u << 20)
#define REGRESS_OUT_CAP 65536
#define REGRESS_NAME_WORDS 64

extern char **environ;

/* What a finding's first line starts with, most telling first. */
static const char *const regress_markers[] = {
	"fuzz: ", "drvbench verifier: ", "ERROR: AddressSanitizer", "runtime error: ",
	"ERROR: LeakSanitizer", "ERROR: libFuzzer",
};

/* argv[0] with the kext's options and extra (NULL-ended), its stdout and
 * stderr together in out; returns the exit status (128 + signal). */
static int regress_run(const struct drvbench_regress *r, const char *const *extra, char *out,
		       size_t cap)
{
	char *argv[32], tmpl[] = "/tmp/drvbench-regress-XXXXXX";
	posix_spawn_file_actions_t fa;
	int fd = mkstemp(tmpl), status = 0;
	size_t n = 0;
	ssize_t got;
	pid_t pid;

	if (fd < 0)
		return -1;
	unlink(tmpl);
	argv[n++] = (char *)r->fuzzer;
	for (size_t i = 0; i < r->nfopt && n < 24; i++)
		argv[n++] = r->fopt[i];
	for (size_t i = 0; extra[i] != NULL && n < 31; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fd, STDERR_FILENO);
	if (posix_spawn(&pid, r->fuzzer, &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fd);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	n = 0;
	lseek(fd, 0, SEEK_SET);
	while (n + 1 < cap && (got = read(fd, out + n, cap - 1 - n)) > 0)
		n += (size_t)got;
	out[n] = '\0';
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The first line of out that says what broke, into reason. */
static bool regress_reason(const char *out, char *reason, size_t len)
{
	for (size_t m = 0; m < sizeof(regress_markers) / sizeof(regress_markers[0]); m++) {
		const char *p = strstr(out, regress_markers[m]);
		const char *bol;

		if (p == NULL)
			continue;
		for (bol = p; bol > out && bol[-1] != '\n'; bol--)
			;
		snprintf(reason, len, "%.*s", (int)strcspn(bol, "\n"), bol);
		return true;
	}
	return false;
}

static size_t regress_read(const char *path, unsigned char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

void drvbench_regress_name(const char *reason, const unsigned char *data, size_t n, char *out,
			   size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	const char *p = reason;
	size_t at = 0;
	char word[REGRESS_NAME_WORDS];

	for (size_t i = 0; i < n; i++)
		h = (h ^ data[i]) * 16777619u;
	/* Past the target prefix ("fuzz: struct: "): what broke, not where. */
	if (strncmp(p, "fuzz: ", 6) == 0 && strstr(p + 6, ": ") != NULL)
		p = strstr(p + 6, ": ") + 2;
	while (*p != '\0' && at + 12 < len && at < REGRESS_NAME_WORDS) {
		size_t w = 0;

		while (*p != '\0' && *p != ' ' && *p != ',' && *p != ';' && w + 1 < sizeof(word))
			word[w++] = *p++;
		word[w] = '\0';
		while (*p == ' ' || *p == ',' || *p == ';')
			p++;
		if (strchr(word, '/') != NULL)
			continue; /* a path: it names the build, not the bug */
		for (size_t i = 0; word[i] != '\0' && at + 12 < len && at < REGRESS_NAME_WORDS; i++) {
			char c = word[i];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				out[at++] = c;
			else if (at > 0 && out[at - 1] != '-')
				out[at++] = '-';
		}
		if (at > 0 && out[at - 1] != '-')
			out[at++] = '-';
	}
	snprintf(out + at, len - at, "%08x", h);
}

static bool regress_mkdirs(const char *path)
{
	char buf[PATH_MAX];

	if ((size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf))
		return false;
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return false;
			*p = '/';
		}
	}
	return mkdir(buf, 0755) == 0 || errno == EEXIST;
}

static bool regress_write(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	bool ok = f != NULL && fwrite(data, 1, n, f) == n;

	if (f != NULL && fclose(f) != 0)
		ok = false;
	return ok;
}

bool drvbench_regress_keep(const struct drvbench_regress *r, const char *crash, char *path,
			   size_t pathlen, char *reason, size_t reasonlen, char *why, size_t whylen)
{
	static char out[REGRESS_OUT_CAP];
	static unsigned char data[REGRESS_MAX_INPUT];
	char small[] = "/tmp/drvbench-minimised-XXXXXX", runs[48], exact[PATH_MAX + 32];
	char name[160], rpath[PATH_MAX + 8], line[1024];
	const char *minimise[] = { "-minimize_crash=1", runs, exact, crash, NULL };
	const char *replay[] = { NULL, NULL };
	const char *kept = crash;
	int fd = mkstemp(small);
	size_t n;

	if (fd < 0) {
		snprintf(why, whylen, "cannot create a temporary file: %s", strerror(errno));
		return false;
	}
	close(fd);
	snprintf(runs, sizeof(runs), "-runs=%lu", r->runs ? r->runs : 10000);
	snprintf(exact, sizeof(exact), "-exact_artifact_path=%s", small);
	/* A minimised file that still crashes replaces the original. */
	if (regress_run(r, minimise, out, sizeof(out)) == 0) {
		replay[0] = small;
		if (regress_run(r, replay, out, sizeof(out)) != 0 && regress_reason(out, reason, reasonlen))
			kept = small;
	}
	if (kept == crash) {
		replay[0] = crash;
		if (regress_run(r, replay, out, sizeof(out)) == 0 ||
		    !regress_reason(out, reason, reasonlen)) {
			unlink(small);
			snprintf(why, whylen, "%s does not crash again alone (no finding when replayed)",
				 crash);
			return false;
		}
	}
	n = regress_read(kept, data, sizeof(data));
	drvbench_regress_name(reason, data, n, name, sizeof(name));
	snprintf(line, sizeof(line), "%s\n", reason);
	if (!regress_mkdirs(r->dir) ||
	    (size_t)snprintf(path, pathlen, "%s/%s", r->dir, name) >= pathlen ||
	    (size_t)snprintf(rpath, sizeof(rpath), "%s.reason", path) >= sizeof(rpath) ||
	    !regress_write(path, data, n) || !regress_write(rpath, line, strlen(line))) {
		unlink(small);
		snprintf(why, whylen, "cannot write %s: %s", r->dir, strerror(errno));
		return false;
	}
	unlink(small);
	return true;
}
