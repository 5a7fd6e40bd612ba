/* Private temp dirs that nothing leaves behind (shim/host_qemu.h): each live
 * dir holds an flock on itself, a dir whose lock is free belongs to no live
 * process and is swept before the next one is made. The owner's pid is
 * never trusted: pids are reused, and a concurrent run's dir is locked. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "qemu_internal.h"

#define TMPDIR_PREFIX "drvbench-"
#define TMPDIR_SUFFIX "-XXXXXX"
/* Written once the dir is locked: a locked-free dir without it may be one
 * whose maker is between mkdtemp and flock, so it is left alone until it is
 * older than TMPDIR_UNARMED_AGE_S (a maker dies there only by SIGKILL). */
#define TMPDIR_ARMED ".owner"
#define TMPDIR_UNARMED_AGE_S 600
#define TMPDIR_SLOTS 16

/* This process's live dirs, for shim_qemu_tmpdir_abandon in a signal
 * handler: a slot is filled before it is marked used, and unmarked before
 * it is emptied. */
static char tmpdir_live[TMPDIR_SLOTS][SHIM_QEMU_TMPDIR_PATH];
static volatile sig_atomic_t tmpdir_used[TMPDIR_SLOTS];

const char *shim_qemu_tmp_root(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp != NULL && *tmp != '\0' ? tmp : "/tmp";
}

/* Removes every entry of the dir open as dfd (the dirs hold files and
 * sockets only) with raw getdents64: no malloc, so a signal handler may
 * call it. */
static void tmpdir_empty(int dfd)
{
	char buf[2048];
	long n;

	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			/* struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name */
			unsigned short reclen;
			const char *name = buf + off + 19;

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
				unlinkat(dfd, name, 0);
			off += reclen;
		}
	}
}

/* Empties and removes path; dfd is an open fd of it (or -1: opened here). */
static void tmpdir_destroy(const char *path, int dfd)
{
	int fd = dfd >= 0 ? dfd : open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	/* twice: getdents64 may not see entries removed while it reads */
	tmpdir_empty(fd);
	lseek(fd, 0, SEEK_SET);
	tmpdir_empty(fd);
	rmdir(path);
	if (dfd < 0)
		close(fd);
}

static bool tmpdir_name_ours(const char *name)
{
	static const char *const kinds[] = { "qemu", "backing" };
	size_t pre = strlen(TMPDIR_PREFIX);

	if (strncmp(name, TMPDIR_PREFIX, pre) != 0)
		return false;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t k = strlen(kinds[i]);

		if (strncmp(name + pre, kinds[i], k) == 0 && name[pre + k] == '-' &&
		    strlen(name + pre + k + 1) == strlen(TMPDIR_SUFFIX) - 1)
			return true;
	}
	return false;
}

/* One candidate: ours, a dir, not locked by anyone, armed or old. */
static bool tmpdir_sweep_one(int root, const char *root_path, const char *name)
{
	char path[SHIM_QEMU_TMPDIR_PATH + 64];
	struct stat st;
	bool armed, gone = false;
	int fd = openat(root, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && flock(fd, LOCK_EX | LOCK_NB) == 0) {
		armed = faccessat(fd, TMPDIR_ARMED, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
		if (armed || time(NULL) - st.st_mtime > TMPDIR_UNARMED_AGE_S) {
			snprintf(path, sizeof(path), "%s/%s", root_path, name);
			tmpdir_destroy(path, fd);
			gone = true;
		}
	}
	close(fd); /* releases the lock */
	return gone;
}

unsigned shim_qemu_tmpdir_sweep(void)
{
	const char *root_path = shim_qemu_tmp_root();
	DIR *d = opendir(root_path);
	struct dirent *e;
	unsigned swept = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (tmpdir_name_ours(e->d_name))
			swept += tmpdir_sweep_one(dirfd(d), root_path, e->d_name);
	closedir(d);
	return swept;
}

shim_ret shim_qemu_tmpdir_make(const char *kind, size_t max_len, struct shim_qemu_tmpdir *t,
			       char *err, size_t errlen)
{
	const char *root = shim_qemu_tmp_root();
	size_t len = strlen(root) + 1 + strlen(TMPDIR_PREFIX) + strlen(kind) + strlen(TMPDIR_SUFFIX);
	char pid[24];
	int fd;

	memset(t, 0, sizeof(*t));
	t->lock_fd = -1;
	t->slot = -1;
	if (max_len > sizeof(t->path) - 1)
		max_len = sizeof(t->path) - 1;
	if (len > max_len) {
		snprintf(err, errlen, "TMPDIR %s is %zu characters long: the paths of a %s temp "
			 "dir in it may have at most %zu; set TMPDIR to a directory of at most %zu "
			 "characters", root, strlen(root), kind, max_len, max_len - (len - strlen(root)));
		return SHIM_ERR_BAD_ARGUMENT;
	}
	shim_qemu_tmpdir_sweep();
	snprintf(t->path, sizeof(t->path), "%s/" TMPDIR_PREFIX "%s" TMPDIR_SUFFIX, root, kind);
	if (mkdtemp(t->path) == NULL) {
		snprintf(err, errlen, "cannot create a temp dir in %s: %s", root, strerror(errno));
		t->path[0] = '\0';
		return SHIM_ERR_HOST;
	}
	t->lock_fd = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->lock_fd < 0 || flock(t->lock_fd, LOCK_EX) != 0 ||
	    (fd = openat(t->lock_fd, TMPDIR_ARMED, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "cannot lock the temp dir %s: %s", t->path, strerror(errno));
		shim_qemu_tmpdir_remove(t);
		return SHIM_ERR_HOST;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	/* The pid is for a reader's curiosity only: the lock is what counts. */
	(void)!write(fd, pid, strlen(pid));
	close(fd);
	for (int i = 0; i < TMPDIR_SLOTS && t->slot < 0; i++) {
		if (!tmpdir_used[i]) {
			memcpy(tmpdir_live[i], t->path, sizeof(t->path));
			tmpdir_used[i] = 1;
			t->slot = i;
		}
	}
	return SHIM_OK;
}

void shim_qemu_tmpdir_remove(struct shim_qemu_tmpdir *t)
{
	if (t->path[0] == '\0')
		return; /* none made (a zeroed struct's fd and slot mean nothing) */
	if (t->slot >= 0)
		tmpdir_used[t->slot] = 0;
	t->slot = -1;
	tmpdir_destroy(t->path, t->lock_fd);
	if (t->lock_fd >= 0)
		close(t->lock_fd);
	t->lock_fd = -1;
	t->path[0] = '\0';
}

void shim_qemu_tmpdir_abandon(void)
{
	for (int i = 0; i < TMPDIR_SLOTS; i++) {
		if (tmpdir_used[i]) {
			tmpdir_used[i] = 0;
			tmpdir_destroy(tmpdir_live[i], -1);
		}
	}
}
