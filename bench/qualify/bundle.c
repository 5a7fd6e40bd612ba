/* A bundle's layout and manifest: the path is a directory with Contents/,
 * Contents/Info.plist is read with a size bound and parsed by the one
 * bounded parse (shim_plist_parse), and CFBundleExecutable names a plain
 * file in Contents/MacOS. Anything else is a finding, never a crash. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "q_internal.h"
#include "shim/plist_parse.h"

#define Q_PLIST "Contents/Info.plist"

bool bench_q_plist_load(struct bench_q_ctx *c, const char *bytes, size_t len)
{
	char why[256];

	if (shim_plist_parse(bytes, len, &c->root, why, sizeof(why)) != SHIM_OK) {
		bench_q_add(c, "plist.unreadable", Q_PLIST, "", "",
			    "write it as an XML property list (plutil -lint checks one)",
			    "Info.plist refused: %s", why);
		return false;
	}
	if (plist_get_node_type(c->root) != PLIST_DICT) {
		plist_free(c->root);
		c->root = NULL;
		bench_q_add(c, "plist.unreadable", Q_PLIST, "", "",
			    "the top level of Info.plist must be a <dict>",
			    "Info.plist is not a dictionary");
		return false;
	}
	return true;
}

/* Reads at most SHIM_PLIST_MAX_BYTES + 1 bytes: a larger file is refused
 * by size without reading it all. */
static void q_read_plist(struct bench_q_ctx *c)
{
	char path[BENCH_Q_PATH + 32];
	size_t cap = SHIM_PLIST_MAX_BYTES + 1, used = 0;
	struct stat st;
	char *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", c->dir, Q_PLIST);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		bench_q_add(c, "plist.unreadable", Q_PLIST, "", "",
			    "put the manifest at Contents/Info.plist",
			    "Info.plist %s", fd < 0 ? strerror(errno) : "is not a regular file");
		if (fd >= 0)
			close(fd);
		return;
	}
	buf = malloc(cap);
	while (buf != NULL && used < cap) {
		ssize_t n = read(fd, buf + used, cap - used);

		if (n <= 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (buf == NULL)
		bench_q_add(c, "plist.unreadable", Q_PLIST, "", "", "", "Info.plist: out of memory");
	else
		bench_q_plist_load(c, buf, used);
	free(buf);
}

/* CFBundleExecutable: a plain name of a regular file in Contents/MacOS. */
static void q_find_executable(struct bench_q_ctx *c)
{
	const char *exe = bench_q_plist_string(c->root, "CFBundleExecutable");
	char path[BENCH_Q_PATH + 600];
	struct stat st;

	if (exe == NULL || *exe == '\0' || strchr(exe, '/') != NULL || strcmp(exe, ".") == 0 ||
	    strcmp(exe, "..") == 0 || strlen(exe) > 255) {
		bench_q_add(c, "plist.executable", Q_PLIST, "CFBundleExecutable", "key",
			    "set CFBundleExecutable to the binary's file name in Contents/MacOS",
			    "CFBundleExecutable is %s", exe == NULL ? "missing or not a string"
									: "not a plain file name");
		return;
	}
	c->exec = exe;
	snprintf(c->exec_rel, sizeof(c->exec_rel), "Contents/MacOS/%s", exe);
	snprintf(path, sizeof(path), "%s/%s", c->dir, c->exec_rel);
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		bench_q_add(c, "plist.executable", Q_PLIST, "CFBundleExecutable", "key",
			    "install the binary as Contents/MacOS/<CFBundleExecutable>",
			    "CFBundleExecutable '%s': %s", exe,
			    lstat(path, &st) != 0 ? "no such file in Contents/MacOS"
						  : "not a regular file");
		return;
	}
	c->exec_present = true;
}

/* The symbol prefix CFBundleIdentifier gives, and its last label's. */
static void q_prefixes(struct bench_q_ctx *c)
{
	const char *id = bench_q_plist_string(c->root, "CFBundleIdentifier");
	const char *last;
	size_t n = 0;

	if (!bench_q_identifier_ok(id) || strlen(id) >= sizeof(c->prefix) - 2)
		return; /* plist.identifier(-placeholder) says so; no prefix to check against */
	for (const char *p = id; *p != '\0'; p++)
		c->prefix[n++] = (*p == '.' || *p == '-') ? '_' : *p;
	c->prefix[n++] = '_';
	c->prefix[n] = '\0';
	last = strrchr(id, '.');
	last = last != NULL ? last + 1 : id;
	if (strlen(last) + 2 <= sizeof(c->short_prefix))
		snprintf(c->short_prefix, sizeof(c->short_prefix), "%s_", last);
	for (char *p = c->short_prefix; *p != '\0'; p++)
		if (*p == '-')
			*p = '_';
}

bool bench_q_bundle(struct bench_q_ctx *c)
{
	char path[BENCH_Q_PATH + 16];
	struct stat st;
	const char *id, *v;

	if (stat(c->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		bench_q_add(c, "bundle.layout", "", "", "", "give the NAME.kext directory",
			    "%s: %s", c->dir, stat(c->dir, &st) != 0 ? strerror(errno)
							: "not a directory (a bundle is a directory)");
		return false;
	}
	snprintf(path, sizeof(path), "%s/Contents", c->dir);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		bench_q_add(c, "bundle.layout", "Contents", "", "",
			    "a kext bundle is NAME.kext/Contents/{Info.plist,MacOS/<executable>}",
			    "no Contents directory");
		return false;
	}
	q_read_plist(c);
	if (c->root != NULL) {
		q_find_executable(c);
		q_prefixes(c);
		id = bench_q_plist_string(c->root, "CFBundleIdentifier");
		v = bench_q_plist_string(c->root, "CFBundleVersion");
		snprintf(c->res->bundle_id, sizeof(c->res->bundle_id), "%s", id ? id : "");
		snprintf(c->res->version, sizeof(c->res->version), "%s", v ? v : "");
	}
	bench_q_walk(c);
	return true;
}

bool bench_qualify_bundle_identity(const char *bundle, char *id, size_t idlen, char *version,
				  size_t vlen, char *why, size_t len)
{
	struct bench_qualify_options opt = { .bundle = bundle };
	struct bench_qualify_result scratch;
	struct bench_q_ctx c;
	const char *i, *v;
	bool ok;

	memset(&c, 0, sizeof(c));
	bench_qualify_result_init(&scratch, bundle);
	c.opt = &opt;
	c.res = &scratch;
	snprintf(c.dir, sizeof(c.dir), "%s", bundle != NULL ? bundle : "");
	q_read_plist(&c);
	i = bench_q_plist_string(c.root, "CFBundleIdentifier");
	v = bench_q_plist_string(c.root, "CFBundleVersion");
	ok = i != NULL && v != NULL;
	if (ok) {
		snprintf(id, idlen, "%s", i);
		snprintf(version, vlen, "%s", v);
	} else {
		snprintf(why, len, "%s: %s", bundle != NULL ? bundle : "",
			 scratch.count > 0 ? scratch.findings[0].message
					   : "no CFBundleIdentifier or CFBundleVersion string");
	}
	if (c.root != NULL)
		plist_free(c.root);
	bench_qualify_result_free(&scratch);
	return ok;
}
