/* plist.ioclass-undefined: every personality's IOClass must be a class the
 * binary defines. In an ELF kext classes are runtime data (its descriptor),
 * so the binary is loaded in a child process that writes the names to a
 * pipe: a kext whose constructors crash or hang costs a finding-free
 * "not checked", never the qualification. Mach-O: OSMetaClass symbols. */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "q_internal.h"
#include "shim/driver.h"

#define Q_CLASS_BYTES 65536
#define Q_CLASS_TIMEOUT_MS 5000

void bench_q_names_free(char **names)
{
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

static void q_child(int fd, const char *path)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	const struct shim_kmod_info *info = h ? dlsym(h, SHIM_KMOD_INFO_SYMBOL) : NULL;
	const struct shim_kext_desc *d = info != NULL ? info->desc : NULL;
	FILE *out = fdopen(fd, "w");

	if (out == NULL)
		_exit(2);
	if (d == NULL || info->abi_version != SHIM_KEXT_ABI_VERSION) {
		fprintf(out, "E%s\n", h == NULL ? dlerror() : "no kmod_info of this kext ABI");
		fclose(out);
		_exit(1);
	}
	for (size_t i = 0; d->drivers != NULL && i < d->driver_count; i++)
		if (d->drivers[i] != NULL && d->drivers[i]->class_name != NULL)
			fprintf(out, "C%s\n", d->drivers[i]->class_name);
	for (size_t i = 0; d->classes != NULL && i < d->class_count; i++)
		if (d->classes[i] != NULL && d->classes[i]->name != NULL)
			fprintf(out, "C%s\n", d->classes[i]->name);
	fclose(out);
	_exit(0);
}

/* Reads the child's output within the time left; false on timeout. */
static bool q_collect(int fd, char *buf, size_t cap, size_t *used, int timeout_ms)
{
	struct timespec t0, t;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long spent;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= timeout_ms)
			return false;
		if (poll(&p, 1, (int)(timeout_ms - spent)) <= 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		n = read(fd, buf + *used, cap - 1 - *used);
		if (n <= 0)
			return true; /* closed: the child is done */
		*used += (size_t)n;
		if (*used >= cap - 1)
			return true;
	}
}

static long q_parse(char *buf, char ***names, char *why, size_t len)
{
	size_t n = 0, cap = 8;
	char **v = calloc(cap + 1, sizeof(char *));

	for (char *line = strtok(buf, "\n"); v != NULL && line != NULL; line = strtok(NULL, "\n")) {
		if (line[0] == 'E') {
			snprintf(why, len, "%s", line + 1);
			bench_q_names_free(v);
			return -1;
		}
		if (line[0] != 'C')
			continue;
		if (n == cap) {
			char **g = realloc(v, (cap * 2 + 1) * sizeof(char *));

			if (g == NULL)
				break;
			v = g;
			cap *= 2;
		}
		v[n++] = strdup(line + 1);
		v[n] = NULL;
	}
	*names = v;
	return v != NULL ? (long)n : -1;
}

long bench_q_elf_classes(const char *path, char ***names, int timeout_ms, char *why, size_t len)
{
	char *buf = malloc(Q_CLASS_BYTES);
	size_t used = 0;
	int fds[2], status = 0;
	bool done;
	pid_t pid;
	long n;

	*names = NULL;
	if (buf == NULL || pipe(fds) != 0) {
		free(buf);
		snprintf(why, len, "no pipe or memory");
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		q_child(fds[1], path);
	}
	close(fds[1]);
	done = pid > 0 && q_collect(fds[0], buf, Q_CLASS_BYTES, &used, timeout_ms);
	close(fds[0]);
	if (pid > 0 && !done)
		kill(pid, SIGKILL);
	if (pid > 0)
		waitpid(pid, &status, 0);
	buf[used] = '\0';
	if (pid < 0 || !done || WIFSIGNALED(status)) {
		if (pid < 0)
			snprintf(why, len, "cannot fork");
		else if (!done)
			snprintf(why, len, "loading it took over %d ms", timeout_ms);
		else
			snprintf(why, len, "loading it crashed (signal %d)", WTERMSIG(status));
		free(buf);
		return -1;
	}
	n = q_parse(buf, names, why, len);
	free(buf);
	return n;
}

static bool q_defined(char **names, const char *cls)
{
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		if (strcmp(names[i], cls) == 0)
			return true;
	return false;
}

void bench_q_check_ioclasses(struct bench_q_ctx *c, char **names)
{
	plist_t pers = plist_dict_get_item(c->root, "IOKitPersonalities");
	plist_dict_iter it = NULL;

	if (pers == NULL || plist_get_node_type(pers) != PLIST_DICT)
		return;
	plist_dict_new_iter(pers, &it);
	for (uint32_t i = 0, n = plist_dict_get_size(pers); it != NULL && i < n; i++) {
		char *name = NULL, key[256];
		plist_t p = NULL;
		const char *cls;

		plist_dict_next_item(pers, it, &name, &p);
		cls = p != NULL ? bench_q_plist_string(p, "IOClass") : NULL;
		snprintf(key, sizeof(key), "IOKitPersonalities.%.200s.IOClass", name ? name : "?");
		if (cls != NULL && !q_defined(names, cls))
			bench_q_add(c, "plist.ioclass-undefined", "Contents/Info.plist", key, "key",
				    "set IOClass to the class name of a driver the kext defines",
				    "IOClass '%s' of personality %s names no class the binary defines",
				    cls, name ? name : "?");
		free(name);
	}
	free(it);
}

void bench_q_class_rules(struct bench_q_ctx *c)
{
	struct bench_q_slice *s = c->bin.read && c->bin.nslices ? &c->bin.slices[0] : NULL;
	char path[BENCH_Q_PATH + 600], why[256] = "";
	char **names = NULL;

	if (s == NULL || c->root == NULL)
		return;
	if (c->bin.macho) {
		bench_q_check_ioclasses(c, s->classes);
		return;
	}
	if (!s->kext_type || strcmp(s->arch, bench_elf_host_machine()) != 0) {
		bench_q_not_checked(c->res, "IOClass: the %s binary cannot be loaded on this %s bench "
					    "to read its classes", s->arch, bench_elf_host_machine());
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", c->dir, c->exec_rel);
	if (bench_q_elf_classes(path, &names, Q_CLASS_TIMEOUT_MS, why, sizeof(why)) < 0) {
		bench_q_not_checked(c->res, "IOClass: cannot read the binary's classes: %s", why);
		return;
	}
	bench_q_check_ioclasses(c, names);
	bench_q_names_free(names);
}

