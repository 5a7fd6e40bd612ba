/* Every entry of a bundle, walked without following links and with bounds
 * on depth and count: what the layout does not allow is a stray file (named
 * by kind: header, debugger file, editor backup, .DS_Store, .dSYM), and
 * anything writable by group or others is a permissions finding. */
#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "q_internal.h"

#define Q_MAX_DEPTH 16
#define Q_MAX_ENTRIES 20000

struct q_walk {
	struct bench_q_ctx *c;
	size_t entries;
	bool truncated;
};

/* What a stray file is, by its name; NULL when its name says nothing. */
static const char *q_stray_kind(const char *name)
{
	static const struct {
		const char *glob, *kind;
	} kinds[] = {
		{ "*.h", "header file" }, { "*.hpp", "header file" }, { "*.hh", "header file" },
		{ ".DS_Store", "Finder metadata (.DS_Store)" },
		{ "*.dSYM", "debug symbols bundle (.dSYM)" },
		{ ".gdb_history", "debugger session file" }, { ".gdbinit", "debugger session file" },
		{ ".lldbinit", "debugger session file" }, { ".lldb-history", "debugger session file" },
		{ "core", "core dump" }, { "core.[0-9]*", "core dump" }, { "vgcore.*", "core dump" },
		{ "*~", "editor backup" }, { ".*.sw[po]", "editor backup" }, { "#*#", "editor backup" },
		{ "*.orig", "editor backup" }, { "*.bak", "editor backup" }, { "*.rej", "patch reject" },
		{ "*.o", "object file" }, { "*.a", "static library" },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (fnmatch(kinds[i].glob, name, 0) == 0)
			return kinds[i].kind;
	return NULL;
}

/* Whether the layout allows rel (a path inside the bundle). Without a
 * readable manifest the executable's name is unknown: whatever is in
 * Contents/MacOS is given the benefit of the doubt. */
static bool q_allowed(const struct bench_q_ctx *c, const char *rel, bool dir)
{
	if (c->root == NULL && strncmp(rel, "Contents/MacOS/", 15) == 0)
		return true;
	if (strcmp(rel, "Contents") == 0 || strcmp(rel, "Contents/MacOS") == 0)
		return dir;
	if (strcmp(rel, "Contents/Info.plist") == 0)
		return !dir;
	if (c->exec != NULL && strcmp(rel, c->exec_rel) == 0)
		return !dir;
	if (strcmp(rel, "Contents/CodeResources") == 0)
		return true;
	/* Signatures and resources (localised strings, icons) are the rules'
	 * explicit allowances. */
	return strncmp(rel, "Contents/_CodeSignature", 23) == 0 ||
	       strncmp(rel, "Contents/Resources", 18) == 0;
}

static void q_check_mode(struct q_walk *w, const char *rel, const struct stat *st)
{
	mode_t bad = st->st_mode & (S_IWGRP | S_IWOTH);

	if (bad == 0 || S_ISLNK(st->st_mode))
		return;
	bench_q_add(w->c, "bundle.permissions", rel, "", "",
		    "chmod go-w (directories 0755, files 0644, the executable 0755) in the "
		    "install step",
		    "%s is writable by %s (mode %04o)", *rel ? rel : "the bundle directory",
		    bad == (S_IWGRP | S_IWOTH) ? "group and others"
		    : bad == S_IWGRP ? "group" : "others", (unsigned)(st->st_mode & 07777));
}

static void q_walk_dir(struct q_walk *w, const char *path, const char *rel, int depth);

static void q_entry(struct q_walk *w, const char *path, const char *rel, const char *name,
		    int depth)
{
	struct stat st;
	const char *kind;
	bool dir;

	if (lstat(path, &st) != 0)
		return;
	if (++w->entries > Q_MAX_ENTRIES) {
		w->truncated = true;
		return;
	}
	dir = S_ISDIR(st.st_mode);
	q_check_mode(w, rel, &st);
	kind = q_stray_kind(name);
	if (kind == NULL && S_ISLNK(st.st_mode))
		kind = "symbolic link";
	if (kind == NULL && !q_allowed(w->c, rel, dir))
		kind = "file not accounted for by the layout";
	if (kind != NULL) {
		bench_q_add(w->c, "bundle.stray-file", rel, "", "",
			    "remove it from the bundle (and from the install step that copies it); "
			    "a kext holds only Contents/Info.plist, Contents/MacOS/<executable>, "
			    "_CodeSignature and Resources",
			    "%s%s: %s", rel, dir ? "/" : "", kind);
		return; /* a stray directory is one finding, not one per file inside */
	}
	if (dir)
		q_walk_dir(w, path, rel, depth + 1);
}

static void q_walk_dir(struct q_walk *w, const char *path, const char *rel, int depth)
{
	struct dirent *e;
	DIR *d;

	if (depth > Q_MAX_DEPTH) {
		w->truncated = true;
		return;
	}
	d = opendir(path);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && !w->truncated) {
		char child[BENCH_Q_PATH + 256], child_rel[BENCH_Q_PATH];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", path, e->d_name) >= (int)sizeof(child) ||
		    snprintf(child_rel, sizeof(child_rel), "%s%s%s", rel, *rel ? "/" : "",
			     e->d_name) >= (int)sizeof(child_rel)) {
			w->truncated = true;
			break;
		}
		q_entry(w, child, child_rel, e->d_name, depth);
	}
	closedir(d);
}

void bench_q_walk(struct bench_q_ctx *c)
{
	struct q_walk w = { .c = c };
	struct stat st;

	if (lstat(c->dir, &st) == 0)
		q_check_mode(&w, "", &st);
	q_walk_dir(&w, c->dir, "", 0);
	if (w.truncated)
		bench_q_not_checked(c->res, "bundle: stopped after %d levels or %d entries, or a "
					    "path too long; the rest of the bundle was not walked",
				    Q_MAX_DEPTH, Q_MAX_ENTRIES);
}
