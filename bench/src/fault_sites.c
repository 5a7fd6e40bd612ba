/* Sites of allocations and of failed calls (fault_sites.h). */
#include <dlfcn.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault_sites.h"

extern char **environ;

void bench_sites_take(struct bench_sites *s)
{
	s->n = shim_alloc_live_sites(s->s, BENCH_FAULT_MAX_SITES);
	if (s->n > BENCH_FAULT_MAX_SITES)
		s->n = BENCH_FAULT_MAX_SITES;
}

static bool bench_site_same(const struct shim_alloc_site *a, const struct shim_alloc_site *b)
{
	return a->line == b->line && a->size == b->size && strcmp(a->file, b->file) == 0;
}

void bench_sites_new(const struct bench_sites *before, char *why, size_t len)
{
	struct bench_sites now;
	bool used[BENCH_FAULT_MAX_SITES] = { false };

	bench_sites_take(&now);
	for (size_t i = 0; i < now.n; i++) {
		bool old = false;

		for (size_t j = 0; j < before->n && !old; j++) {
			if (!used[j] && bench_site_same(&now.s[i], &before->s[j])) {
				used[j] = true;
				old = true;
			}
		}
		if (!old)
			bench_why_append(why, len, "leaked %zu byte(s) allocated at %s:%d",
					 now.s[i].size, now.s[i].file, now.s[i].line);
	}
}

/* "file:line" of addr in the image at path loaded at base, from its debug
 * information (addr2line, when installed); false otherwise. */
static bool bench_addr2line(const char *path, uintptr_t off, char *buf, size_t len)
{
	char addr[32], out[512] = "";
	char *argv[] = { "addr2line", "-e", (char *)path, addr, NULL };
	posix_spawn_file_actions_t fa;
	int fds[2], status = 0;
	ssize_t n = 0, got;
	pid_t pid;
	char *colon;

	snprintf(addr, sizeof(addr), "0x%lx", (unsigned long)off);
	if (pipe(fds) != 0)
		return false;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	if (posix_spawnp(&pid, "addr2line", &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	while ((size_t)n + 1 < sizeof(out) && (got = read(fds[0], out + n, sizeof(out) - 1 - (size_t)n)) > 0)
		n += got;
	close(fds[0]);
	waitpid(pid, &status, 0);
	out[n] = '\0';
	out[strcspn(out, " \n")] = '\0';
	colon = strrchr(out, ':');
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out[0] == '?' || colon == NULL ||
	    colon[1] == '?' || colon[1] == '0')
		return false;
	/* The file name is enough: its directory is the build's. */
	snprintf(buf, len, "%s", strrchr(out, '/') != NULL ? strrchr(out, '/') + 1 : out);
	return true;
}

void bench_fault_site(const struct shim_fault_stats *st, char *buf, size_t len)
{
	Dl_info info;

	if (st->file != NULL) { /* the file's name: its directory is the build's */
		snprintf(buf, len, "%s:%d",
			 strrchr(st->file, '/') != NULL ? strrchr(st->file, '/') + 1 : st->file,
			 st->line);
		return;
	}
	if (dladdr(st->caller, &info) == 0) {
		snprintf(buf, len, "%p", st->caller);
		return;
	}
	/* The return address is past the call: the instruction before it is the call's. */
	if (info.dli_fname != NULL &&
	    bench_addr2line(info.dli_fname,
			    (uintptr_t)st->caller - 1 - (uintptr_t)info.dli_fbase, buf, len))
		return;
	if (info.dli_sname != NULL)
		snprintf(buf, len, "%s+0x%lx", info.dli_sname,
			 (unsigned long)((const char *)st->caller - (const char *)info.dli_saddr));
	else if (info.dli_fname != NULL) /* a static function */
		snprintf(buf, len, "%s+0x%lx",
			 strrchr(info.dli_fname, '/') != NULL ? strrchr(info.dli_fname, '/') + 1
							       : info.dli_fname,
			 (unsigned long)((const char *)st->caller - (const char *)info.dli_fbase));
	else
		snprintf(buf, len, "%p", st->caller);
}
