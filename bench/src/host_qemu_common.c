/* Pieces shared by the qemu and qemu-proxy host factories (host_qemu_common.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_qemu_common.h"
#include "shim/host_qemu.h"

bool bench_qemu_binary_available(char *why, size_t len)
{
	const char *bin = getenv("DRVBENCH_QEMU");
	const char *path = getenv("PATH");
	char full[1024];

	if (bin != NULL && *bin != '\0') {
		if (access(bin, X_OK) == 0)
			return true;
		snprintf(why, len, "DRVBENCH_QEMU=%s is not executable", bin);
		return false;
	}
	while (path != NULL && *path != '\0') {
		const char *end = strchr(path, ':');
		size_t n = end != NULL ? (size_t)(end - path) : strlen(path);

		snprintf(full, sizeof(full), "%.*s/qemu-system-x86_64", (int)n, path);
		if (n > 0 && access(full, X_OK) == 0)
			return true;
		path = end != NULL ? end + 1 : NULL;
	}
	snprintf(why, len, "qemu-system-x86_64 not found on PATH (set DRVBENCH_QEMU)");
	return false;
}

static bool bench_qemu_knows(const struct bench_profile *p, const char *key, size_t n)
{
	for (const char *const *o = p->qemu_options; o != NULL && *o != NULL; o++)
		if (strlen(*o) == n && strncmp(*o, key, n) == 0)
			return true;
	return false;
}

static void bench_qemu_list_options(const struct bench_profile *p, char *why, size_t len)
{
	size_t used = strlen(why);

	for (const char *const *o = p->qemu_options; o != NULL && *o != NULL; o++) {
		snprintf(why + used, len - used, "%s%s", o == p->qemu_options ? "; it takes: " : ", ",
			 *o);
		used = strlen(why);
	}
}

shim_ret bench_qemu_device_arg(const struct bench_options *opt, const char *id, unsigned slot,
			       char *buf, size_t len, char *why, size_t whylen)
{
	const struct bench_profile *p = opt->profile;
	const char *o = opt->device_options;
	size_t used = (size_t)snprintf(buf, len, "%s,id=%s,addr=%u", p->qemu_device, id, slot);

	while (o != NULL && *o != '\0' && used < len) {
		const char *end = strchr(o, ','), *eq;
		size_t n = end != NULL ? (size_t)(end - o) : strlen(o);

		eq = memchr(o, '=', n);
		if (!bench_qemu_knows(p, o, eq != NULL ? (size_t)(eq - o) : n)) {
			snprintf(why, whylen, "qemu: QEMU's %s device has no '%.*s' option",
				 p->qemu_device, (int)(eq != NULL ? (size_t)(eq - o) : n), o);
			bench_qemu_list_options(p, why, whylen);
			return SHIM_ERR_UNSUPPORTED;
		}
		used += (size_t)snprintf(buf + used, len - used, ",%.*s", (int)n, o);
		o = end != NULL ? end + 1 : NULL;
	}
	if (used >= len) {
		snprintf(why, whylen, "qemu: -device line too long");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	return SHIM_OK;
}

shim_ret bench_backing_create(const struct bench_profile *p, struct bench_backing_dir *b,
			      const char **extra, char *why, size_t len)
{
	char err[512];
	size_t n = 0;
	shim_ret r;

	memset(b, 0, sizeof(*b));
	extra[0] = NULL;
	if (p->nbacking == 0)
		return SHIM_OK;
	r = shim_qemu_tmpdir_make("backing", SHIM_QEMU_TMPDIR_PATH - 1, &b->dir, err, sizeof(err));
	if (r != SHIM_OK) {
		snprintf(why, len, "qemu: backing files: %s", err);
		return r;
	}
	for (size_t i = 0; i < p->nbacking && i < BENCH_PROFILE_MAX_BACKING; i++) {
		const struct bench_backing *bk = &p->backing[i];
		int fd;

		if (strcmp(bk->kind, "disk") != 0) {
			snprintf(why, len, "qemu: profile %s: unknown backing kind '%s'", p->name,
				 bk->kind);
			return SHIM_ERR_BAD_ARGUMENT;
		}
		if ((size_t)snprintf(b->files[i], sizeof(b->files[i]), "%s/%.64s.img", b->dir.path,
				     bk->id) >= sizeof(b->files[i])) {
			snprintf(why, len, "qemu: backing file path too long in %s", b->dir.path);
			return SHIM_ERR_BAD_ARGUMENT;
		}
		fd = open(b->files[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		b->nfiles = i + 1;
		if (fd < 0 || ftruncate(fd, (off_t)bk->size) != 0) {
			snprintf(why, len, "qemu: backing file %s: %s", b->files[i], strerror(errno));
			if (fd >= 0)
				close(fd);
			return SHIM_ERR_HOST;
		}
		close(fd);
		snprintf(b->drive_args[i], sizeof(b->drive_args[i]),
			 "if=none,id=%s,file=%s,format=raw", bk->id, b->files[i]);
		extra[n++] = "-drive";
		extra[n++] = b->drive_args[i];
	}
	extra[n] = NULL;
	return SHIM_OK;
}

void bench_backing_remove(struct bench_backing_dir *b)
{
	shim_qemu_tmpdir_remove(&b->dir); /* its files with it */
	b->nfiles = 0;
}

void bench_qemu_sweep(void)
{
	shim_qemu_tmpdir_sweep();
}

void bench_qemu_abandon(void)
{
	shim_qemu_tmpdir_abandon();
}

/* Copies s into a JSON string body (quotes and backslashes escaped). */
static bool bench_json_escape(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (n + 3 >= len || (unsigned char)*s < 0x20)
			return false;
		if (*s == '"' || *s == '\\')
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n] = '\0';
	return true;
}

shim_ret bench_qemu_hmp(const struct shim_host *h, const char *cmd, const char *args, char *why,
			size_t len)
{
	char esc[2 * BENCH_QEMU_ARG_LEN], json[3 * BENCH_QEMU_ARG_LEN], reply[1024];
	const char *ret;
	shim_ret r;

	if (!bench_json_escape(args, esc, sizeof(esc))) {
		snprintf(why, len, "qemu: %s: argument cannot be sent", cmd);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	snprintf(json, sizeof(json),
		 "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"%s %s\"}}",
		 cmd, esc);
	r = shim_qemu_host_qmp(h, json, reply, sizeof(reply));
	if (r != SHIM_OK) {
		snprintf(why, len, "qemu: %s: %s (%.300s)", cmd, shim_ret_string(r), reply);
		return r;
	}
	/* Success prints nothing: {"return": ""}. Anything else is QEMU's error. */
	ret = strstr(reply, "\"return\"");
	ret = ret != NULL ? strchr(ret + 8, '"') : NULL;
	if (ret != NULL && ret[1] == '"')
		return SHIM_OK;
	snprintf(why, len, "qemu: %s %s: QEMU says: %.400s", cmd, args, ret != NULL ? ret : reply);
	return SHIM_ERR_GENERIC;
}
