/* The QEMU process: a private temp dir per machine (so tests run in
 * parallel; locked, so a killed run's dir is swept: qemu_tmpdir.c),
 * listening sockets QEMU connects to, spawn with death signal and own
 * process group, stderr captured for error reports, kill + reap. Every
 * wait of the start-up also ends when the run is interrupted. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu_internal.h"

#define HALT_BIOS_SIZE 65536  /* all HLT: the vCPU halts at the reset vector */
#define HLT_OPCODE 0xf4
#define STDERR_LOG SHIM_QEMU_LOG_NAME

#define PROC_PATH (SHIM_QEMU_TMPDIR_PATH + 16)
/* The longest name in the dir that must fit a unix socket path (108 bytes
 * with its NUL). */
#define LONGEST_SOCKET "/qmp.sock"

/* False when the path does not fit (the dir's length was checked when it
 * was made, so only a bug gets here). */
static bool proc_path(const struct shim_qemu_proc *p, const char *name, char *buf, size_t len)
{
	return (size_t)snprintf(buf, len, "%s/%s", p->tmp.path, name) < len;
}

static shim_ret proc_make_dir(struct shim_qemu_proc *p, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	size_t max = sizeof(sa.sun_path) - 1 - strlen(LONGEST_SOCKET);
	shim_ret r = shim_qemu_tmpdir_make("qemu", max, &p->tmp, err, errlen);

	if (r == SHIM_ERR_BAD_ARGUMENT) {
		size_t used = strlen(err);

		snprintf(err + used, errlen - used, " (QEMU's sockets are in it, and a unix "
			 "socket path has at most %zu)", sizeof(sa.sun_path) - 1);
	}
	return r;
}

static int proc_write_bios(const struct shim_qemu_proc *p)
{
	char path[PROC_PATH];
	unsigned char *img = malloc(HALT_BIOS_SIZE);
	int fd, rc = -1;

	if (!img)
		return -1;
	memset(img, HLT_OPCODE, HALT_BIOS_SIZE);
	proc_path(p, "halt.bin", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		rc = write(fd, img, HALT_BIOS_SIZE) == HALT_BIOS_SIZE ? 0 : -1;
		close(fd);
	}
	free(img);
	return rc;
}

static int proc_listen(const struct shim_qemu_proc *p, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (!proc_path(p, name, sa.sun_path, sizeof(sa.sun_path))) {
		close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Child side of fork: only async-signal-safe calls until exec. */
static void proc_child(char **argv, int logfd, int errpipe, const struct shim_qemu_options *o,
		       int ram_fd, pid_t parent)
{
	struct rlimit no_core = { 0, 0 };
	sigset_t none;
	int devnull = open("/dev/null", O_RDONLY);
	int e;

	setpgid(0, 0);
	/* fires when the forking thread dies: fine, the host is single-threaded */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	setrlimit(RLIMIT_CORE, &no_core);  /* edu's hw_error aborts QEMU */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (devnull >= 0)
		dup2(devnull, 0);
	dup2(logfd, 1);
	dup2(logfd, 2);
	for (size_t i = 0; i < o->keep_fd_count; i++)
		if (o->keep_fds[i] > 2)
			fcntl(o->keep_fds[i], F_SETFD, 0);
	if (ram_fd > 2)
		fcntl(ram_fd, F_SETFD, 0);
	execvp(argv[0], argv);
	e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Returns the errno of a failed exec, or 0 once exec succeeded (pipe closed). */
static int proc_exec_result(int rd)
{
	int e = 0;
	ssize_t n;

	do
		n = read(rd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(e) ? e : 0;
}

static void proc_fail(struct shim_qemu_proc *p, const char *what, char *err, size_t errlen)
{
	char status[96], tail[1024];

	shim_qemu_proc_reap(p, 200);
	shim_qemu_proc_describe(p, status, sizeof(status));
	shim_qemu_proc_stderr_tail(p, tail, sizeof(tail));
	snprintf(err, errlen, "%s; %s; stderr: %s", what, status, tail[0] ? tail : "(empty)");
}

/* Accepts QEMU's connection on lfd, watching for QEMU's exit and for an
 * interrupt meanwhile. */
static int proc_accept(struct shim_qemu_proc *p, int lfd, uint64_t deadline_ns)
{
	while (shim_qemu_now_ns() < deadline_ns) {
		struct pollfd pfd[2] = { { .fd = lfd, .events = POLLIN },
					 { .fd = shim_qemu_interrupt_fd(), .events = POLLIN } };
		int n = poll(pfd, pfd[1].fd >= 0 ? 2 : 1, 20);

		if (n > 0 && (pfd[1].revents & POLLIN))
			return -1;
		if (n > 0)
			return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (n < 0 && errno != EINTR)
			return -1;
		if (shim_qemu_proc_reap(p, 0))
			return -1;
	}
	return -1;
}

static shim_ret proc_spawn(struct shim_qemu_proc *p, const struct shim_qemu_options *o,
			   int ram_fd, char **argv, char *err, size_t errlen)
{
	char logpath[PROC_PATH];
	int pipefd[2], logfd, e;
	pid_t parent = getpid();

	proc_path(p, STDERR_LOG, logpath, sizeof(logpath));
	logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (logfd >= 0)
		p->log_fd = open(logpath, O_RDONLY | O_CLOEXEC);
	if (logfd < 0 || p->log_fd < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		if (logfd >= 0)
			close(logfd);
		snprintf(err, errlen, "cannot prepare QEMU's log: %s", strerror(errno));
		return SHIM_ERR_HOST;
	}
	p->pid = fork();
	if (p->pid == 0)
		proc_child(argv, logfd, pipefd[1], o, ram_fd, parent);
	close(logfd);
	close(pipefd[1]);
	if (p->pid < 0) {
		close(pipefd[0]);
		snprintf(err, errlen, "fork failed: %s", strerror(errno));
		return SHIM_ERR_HOST;
	}
	setpgid(p->pid, p->pid);
	e = proc_exec_result(pipefd[0]);
	close(pipefd[0]);
	if (e) {
		shim_qemu_proc_reap(p, 1000);
		snprintf(err, errlen, "cannot run QEMU binary '%s': %s", argv[0], strerror(e));
		return SHIM_ERR_HOST;
	}
	return SHIM_OK;
}

shim_ret shim_qemu_proc_start(struct shim_qemu_proc *p, const struct shim_qemu_options *o,
			      int ram_fd, unsigned timeout_ms, char *err, size_t errlen)
{
	int qt_l = -1, qmp_l = -1;
	char **argv = NULL;
	shim_ret r = SHIM_ERR_HOST;

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	p->qt_fd = p->qmp_fd = p->log_fd = -1;
	r = proc_make_dir(p, err, errlen);
	if (r != SHIM_OK)
		return r;
	r = SHIM_ERR_HOST;
	shim_qemu_phase("tmpdir");
	argv = shim_qemu_args_build(o, p->tmp.path, ram_fd, err, errlen);
	if (!argv) {
		r = SHIM_ERR_BAD_ARGUMENT;
		goto out;
	}
	if (proc_write_bios(p) < 0 || (qt_l = proc_listen(p, "qt.sock")) < 0 ||
	    (qmp_l = proc_listen(p, "qmp.sock")) < 0) {
		snprintf(err, errlen, "cannot prepare %s: %s", p->tmp.path, strerror(errno));
		goto out;
	}
	shim_qemu_phase("listen");
	if (shim_qemu_interrupted()) {
		snprintf(err, errlen, "interrupted before QEMU was started");
		goto out;
	}
	r = proc_spawn(p, o, ram_fd, argv, err, errlen);
	if (r != SHIM_OK)
		goto out;
	shim_qemu_phase("spawn");
	uint64_t deadline = shim_qemu_now_ns() + (uint64_t)timeout_ms * 1000000u;
	p->qt_fd = proc_accept(p, qt_l, deadline);
	if (p->qt_fd >= 0)
		p->qmp_fd = proc_accept(p, qmp_l, deadline);
	if (p->qmp_fd < 0) {
		proc_fail(p, shim_qemu_interrupted() ? "interrupted while QEMU was starting"
						     : "QEMU did not connect its qtest/QMP sockets",
			  err, errlen);
		r = SHIM_ERR_HOST;
	} else {
		shim_qemu_phase("connect");
	}
out:
	if (qt_l >= 0)
		close(qt_l);
	if (qmp_l >= 0)
		close(qmp_l);
	shim_qemu_args_free(argv);
	if (r != SHIM_OK)
		shim_qemu_proc_stop(p);
	return r;
}

bool shim_qemu_proc_reap(struct shim_qemu_proc *p, unsigned grace_ms)
{
	uint64_t deadline = shim_qemu_now_ns() + (uint64_t)grace_ms * 1000000u;

	if (p->pid <= 0 || p->reaped)
		return p->reaped;
	for (;;) {
		pid_t w = waitpid(p->pid, &p->wstatus, WNOHANG);

		if (w == p->pid || (w < 0 && errno == ECHILD)) {
			p->reaped = true;
			if (w < 0)
				p->wstatus = -1;
			return true;
		}
		if (shim_qemu_now_ns() >= deadline)
			return false;
		usleep(2000);
	}
}

void shim_qemu_proc_describe(const struct shim_qemu_proc *p, char *buf, size_t len)
{
	if (p->pid <= 0)
		snprintf(buf, len, "QEMU not started");
	else if (!p->reaped)
		snprintf(buf, len, "QEMU (pid %ld) still running", (long)p->pid);
	else if (p->wstatus == -1)
		snprintf(buf, len, "QEMU (pid %ld) gone, status unknown", (long)p->pid);
	else if (WIFSIGNALED(p->wstatus)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(p->wstatus));
		snprintf(buf, len, "QEMU (pid %ld) killed by signal %d (SIG%s)", (long)p->pid,
			 WTERMSIG(p->wstatus), abbrev ? abbrev : "?");
	} else
		snprintf(buf, len, "QEMU (pid %ld) exited with status %d", (long)p->pid,
			 WEXITSTATUS(p->wstatus));
}

void shim_qemu_proc_kill(struct shim_qemu_proc *p)
{
	if (p->pid > 0 && !p->reaped) {
		kill(-p->pid, SIGKILL);  /* its process group: anything QEMU started too */
		kill(p->pid, SIGKILL);
		while (waitpid(p->pid, &p->wstatus, 0) < 0 && errno == EINTR)
			;
		p->reaped = true;
	}
}

void shim_qemu_proc_forget_files(struct shim_qemu_proc *p)
{
	shim_qemu_tmpdir_remove(&p->tmp);
}

void shim_qemu_proc_stop(struct shim_qemu_proc *p)
{
	if (p->qt_fd >= 0)
		close(p->qt_fd);
	if (p->qmp_fd >= 0)
		close(p->qmp_fd);
	p->qt_fd = p->qmp_fd = -1;
	shim_qemu_proc_kill(p);
	shim_qemu_proc_forget_files(p);
	if (p->log_fd >= 0)
		close(p->log_fd);
	p->log_fd = -1;
}
