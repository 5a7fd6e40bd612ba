/* The QEMU command line: a halting firmware, icount with sleep=off and the
 * PIT off (virtual time only moves to device deadlines), guest RAM from a
 * memfd the host made (QEMU opens it through /proc/self/fd, so the host,
 * QEMU and proxied device processes share it), optionally split around
 * the 4 GiB hole, qtest and QMP sockets. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_internal.h"

#define ARGS_FIXED 40  /* fixed words, with slack */

static char *args_fmt(const char *fmt, ...) SHIM_PRINTF(1, 2);
static char *args_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static size_t args_count(const char *const *list)
{
	size_t n = 0;

	while (list && list[n])
		n++;
	return n;
}

void shim_qemu_args_free(char **argv)
{
	if (!argv)
		return;
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

char **shim_qemu_args_build(const struct shim_qemu_options *o, const char *dir,
			    int ram_fd, char *err, size_t errlen)
{
	const char *machine = o->machine ? o->machine : "q35";
	const char *binary = o->qemu_binary;
	uint64_t ram_mb = o->ram_mb ? o->ram_mb : 128, high_mb = o->ram_high_mb;
	size_t ndev = args_count(o->device_args), nextra = args_count(o->extra_args);
	size_t cap = ARGS_FIXED + 2 * ndev + nextra, n = 0;
	char **argv;

	if (strcmp(machine, "q35") != 0 && strcmp(machine, "pc") != 0) {
		snprintf(err, errlen, "machine '%s' not supported (q35 or pc)", machine);
		return NULL;
	}
	if (ram_mb < 16 || ram_mb > 2048) {
		snprintf(err, errlen, "ram_mb %llu outside 16..2048", (unsigned long long)ram_mb);
		return NULL;
	}
	if (high_mb > 4096) {
		snprintf(err, errlen, "ram_high_mb %llu outside 0..4096", (unsigned long long)high_mb);
		return NULL;
	}
	if (ram_fd < 0) {
		snprintf(err, errlen, "no guest RAM file");
		return NULL;
	}
	if (!binary)
		binary = getenv("DRVBENCH_QEMU");
	if (!binary || !*binary)
		binary = "qemu-system-x86_64";
	argv = calloc(cap + 1, sizeof(*argv));
	if (!argv) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	const char *fixed[] = { binary, "-nodefaults", "-display", "none", "-no-user-config", NULL };
	for (size_t i = 0; fixed[i]; i++)
		argv[n++] = strdup(fixed[i]);
	argv[n++] = strdup("-machine");
	/* With RAM above 4 GiB, q35 and pc both keep at most max-ram-below-4g
	 * under the hole and put the rest at 4 GiB. */
	if (high_mb)
		argv[n++] = args_fmt("%s,pit=off,memory-backend=mem,max-ram-below-4g=%lluM", machine,
				     (unsigned long long)ram_mb);
	else
		argv[n++] = args_fmt("%s,pit=off,memory-backend=mem", machine);
	argv[n++] = strdup("-object");
	argv[n++] = args_fmt("memory-backend-file,id=mem,size=%lluM,share=on,mem-path=/proc/self/fd/%d",
			     (unsigned long long)(ram_mb + high_mb), ram_fd);
	argv[n++] = strdup("-m");
	argv[n++] = args_fmt("%lluM", (unsigned long long)(ram_mb + high_mb));
	argv[n++] = strdup("-bios");
	argv[n++] = args_fmt("%s/halt.bin", dir);
	argv[n++] = strdup("-icount");
	argv[n++] = strdup("shift=0,sleep=off");
	argv[n++] = strdup("-qtest");
	argv[n++] = args_fmt("unix:%s/qt.sock", dir);
	argv[n++] = strdup("-qtest-log");
	argv[n++] = strdup("none");  /* no log; even /dev/null costs a formatted line per exchange */
	argv[n++] = strdup("-chardev");
	argv[n++] = args_fmt("socket,path=%s/qmp.sock,id=qmp0", dir);
	argv[n++] = strdup("-mon");
	argv[n++] = strdup("chardev=qmp0,mode=control");
	for (size_t i = 0; i < ndev; i++) {
		argv[n++] = strdup("-device");
		argv[n++] = strdup(o->device_args[i]);
	}
	for (size_t i = 0; i < nextra; i++)
		argv[n++] = strdup(o->extra_args[i]);
	argv[n] = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!argv[i]) {
			/* free what was made; the NULL hole ends argv early, so walk by count */
			for (size_t j = 0; j < n; j++)
				free(argv[j]);
			free(argv);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
	}
	return argv;
}
