/* Ownership as installed: root:wheel (uid 0, gid 0) for every entry. git
 * keeps no owners, so it is checked where they exist: a staged install
 * (e.g. `fakeroot` around `meson install --destdir`, where stat sees the
 * faked owners), a tar listing of the image (`tar --numeric-owner -tvf`),
 * or the bundle itself when running as root. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "q_internal.h"

#define Q_OWN_FIX "install it owned by root:wheel (uid 0, gid 0): chown -R 0:0, or `fakeroot` " \
		  "around the install and the packaging step"

static void q_owner(struct bench_q_ctx *c, const char *rel, const char *owner, const char *group)
{
	bench_q_add(c, "bundle.ownership", rel, "", "", Q_OWN_FIX, "%s is owned by %s:%s, not root:wheel",
		    *rel ? rel : "the bundle directory", owner, group);
}

static void q_own_stat(struct bench_q_ctx *c, const char *rel, const struct stat *st)
{
	char u[24], g[24];

	if (st->st_uid == 0 && st->st_gid == 0)
		return;
	snprintf(u, sizeof(u), "%u", (unsigned)st->st_uid);
	snprintf(g, sizeof(g), "%u", (unsigned)st->st_gid);
	q_owner(c, rel, u, g);
}

static void q_own_dir(struct bench_q_ctx *c, const char *path, const char *rel, int depth,
		      size_t *budget)
{
	struct dirent *e;
	DIR *d;

	if (depth > 16 || (d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL && *budget > 0) {
		char child[BENCH_Q_PATH + 256], child_rel[BENCH_Q_PATH];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", path, e->d_name) >= (int)sizeof(child) ||
		    snprintf(child_rel, sizeof(child_rel), "%s%s%s", rel, *rel ? "/" : "",
			     e->d_name) >= (int)sizeof(child_rel) || lstat(child, &st) != 0)
			continue;
		(*budget)--;
		q_own_stat(c, child_rel, &st);
		if (S_ISDIR(st.st_mode))
			q_own_dir(c, child, child_rel, depth + 1, budget);
	}
	closedir(d);
}

static void q_own_tree(struct bench_q_ctx *c, const char *dir)
{
	size_t budget = 20000;
	struct stat st;

	if (lstat(dir, &st) == 0)
		q_own_stat(c, "", &st);
	q_own_dir(c, dir, "", 0, &budget);
}

static bool q_is_root_name(const char *s, bool group)
{
	return strcmp(s, "0") == 0 || strcmp(s, "root") == 0 || (group && strcmp(s, "wheel") == 0);
}

/* One listing line: GNU "MODE OWNER/GROUP SIZE DATE TIME PATH" or BSD
 * "MODE LINKS OWNER GROUP SIZE MON DAY TIME PATH". False if neither. */
static bool q_listing_line(const char *line, char *owner, char *group, const char **path)
{
	char mode[16], a[64], b[64], cc[64], d[64], e[64], f[64], g[64];
	int n = 0;

	if (sscanf(line, "%15s %63s %63s %63s %63s%n", mode, a, b, cc, d, &n) == 5 &&
	    strchr(a, '/') != NULL) {
		char *slash = strchr(a, '/');

		*slash = '\0';
		snprintf(owner, 64, "%s", a);
		snprintf(group, 64, "%s", slash + 1);
	} else if (sscanf(line, "%15s %63s %63s %63s %63s %63s %63s %63s%n", mode, a, b, cc, d, e,
			  f, g, &n) == 8) {
		snprintf(owner, 64, "%s", b);
		snprintf(group, 64, "%s", cc);
	} else {
		return false;
	}
	while (line[n] == ' ')
		n++;
	*path = line + n;
	return line[n] != '\0';
}

/* The part of path below the component equal to the bundle's name, "" for
 * the bundle itself, NULL when path is not in the bundle. */
static const char *q_in_bundle(const char *path, const char *bundle_name)
{
	size_t n = strlen(bundle_name);

	for (const char *p = path; (p = strstr(p, bundle_name)) != NULL; p++) {
		if (p != path && p[-1] != '/')
			continue;
		if (p[n] == '\0' || (p[n] == '/' && p[n + 1] == '\0'))
			return "";
		if (p[n] == '/')
			return p + n + 1;
	}
	return NULL;
}

static void q_own_listing(struct bench_q_ctx *c, const char *file)
{
	const char *slash = strrchr(c->dir, '/');
	const char *bname = slash != NULL ? slash + 1 : c->dir;
	FILE *in = fopen(file, "r");
	char line[8192];
	size_t seen = 0;

	if (in == NULL) {
		bench_q_not_checked(c->res, "ownership: cannot read the listing %s", file);
		return;
	}
	while (fgets(line, sizeof(line), in) != NULL) {
		char owner[64], group[64], rel[BENCH_Q_PATH], *arrow;
		const char *path, *inside;

		line[strcspn(line, "\n")] = '\0';
		if (!q_listing_line(line, owner, group, &path) ||
		    (inside = q_in_bundle(path, bname)) == NULL)
			continue;
		snprintf(rel, sizeof(rel), "%s", inside);
		if ((arrow = strstr(rel, " -> ")) != NULL)
			*arrow = '\0';
		if (*rel && rel[strlen(rel) - 1] == '/')
			rel[strlen(rel) - 1] = '\0';
		seen++;
		if (!q_is_root_name(owner, false) || !q_is_root_name(group, true))
			q_owner(c, rel, owner, group);
	}
	fclose(in);
	if (seen == 0)
		bench_q_not_checked(c->res, "ownership: the listing %s has no entry under %s", file,
				    bname);
}

void bench_q_ownership(struct bench_q_ctx *c)
{
	const char *inst = c->opt->as_installed;
	struct stat st;

	if (inst == NULL) {
		if (geteuid() == 0)
			q_own_tree(c, c->dir);
		else
			bench_q_not_checked(c->res, "ownership: not root, and no --as-installed "
						    "(a staged install or a tar listing) given");
		return;
	}
	if (stat(inst, &st) != 0)
		bench_q_not_checked(c->res, "ownership: --as-installed %s cannot be read", inst);
	else if (S_ISDIR(st.st_mode))
		q_own_tree(c, inst);
	else
		q_own_listing(c, inst);
}
