/* Proxy mode of the qemu host: a model/ device served from a child process
 * over QEMU's x-pci-proxy-dev (docs/qemu-host.md, 'x-pci-proxy-dev'). The host makes
 * a socketpair, forks the remote (which runs model/remote's serve loop
 * directly: no binary to find) with one end, and starts QEMU with the proxy
 * device on the other. Guest RAM is already a shared memfd (qemu_args.c),
 * which QEMU hands on to the remote.
 * A dead remote does not fail QEMU's accesses (they read all-ones), so every
 * op checks the child and turns its death into SHIM_ERR_HOST. QEMU sees the
 * socket's EOF a moment before the child can be reaped, so an access or two
 * in that window reads all-ones (as a vanished device would) first. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/catalog.h"
#include "model/remote.h"
#include "qemu_internal.h"

#define REMOTE_FD 3               /* the socket's number in the child */
#define REMOTE_EXIT_GRACE_MS 500u /* the remote exits by itself on QEMU's EOF */
#define DEFAULT_PROXY_SLOT 4u
#define MAX_ROOT_SLOT 31u

/* Child: only the socket and its log (as stderr) stay open; then serve
 * until EOF. The parent built the model once already (so a plugin is
 * loaded and inherited here); a failure now still lands in the log. */
static void remote_child(int sock, int log_fd, const char *model, pid_t parent)
{
	int devnull = open("/dev/null", O_RDWR);
	model_device *dev;
	model_remote *r;
	char why[512];
	int rc;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	/* Not the parent's handlers (they would report an interrupt that is
	 * not the parent's): a terminal's ^C is the parent's to act on (it
	 * stops QEMU, and the remote exits on the hang-up); TERM and HUP end it. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	alarm(0);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
	}
	if (log_fd >= 0)
		dup2(log_fd, 2);
	if (dup2(sock, REMOTE_FD) < 0)
		_exit(127);
	if (close_range(REMOTE_FD + 1, ~0u, 0) != 0)
		for (int fd = REMOTE_FD + 1; fd < 1024; fd++)
			close(fd);
	signal(SIGPIPE, SIG_IGN);
	dev = model_catalog_create(model, why, sizeof(why));
	if (!dev)
		fprintf(stderr, MODEL_REMOTE_LOG_PREFIX "cannot build the model: %s\n", why);
	r = dev ? model_remote_create(dev, REMOTE_FD, NULL) : NULL;
	if (!r)
		_exit(126);
	rc = model_remote_serve(r);
	model_remote_destroy(r);
	_exit(rc == 0 ? 0 : 1);
}

shim_ret shim_qemu_remote_spawn(struct shim_qemu_remote *rm, int *qemu_end, char *err,
				size_t errlen)
{
	pid_t parent = getpid();
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(err, errlen, "proxy: socketpair: %s", strerror(errno));
		return SHIM_ERR_HOST;
	}
	/* The remote's log: read back for error reports and device errors;
	 * one for every remote of this host, so counts go on across replugs. */
	if (rm->log_fd < 0)
		rm->log_fd = memfd_create("drvbench-remote-log", MFD_CLOEXEC);
	fflush(NULL); /* nothing buffered twice */
	rm->pid = fork();
	if (rm->pid == 0) {
		close(sv[0]);
		remote_child(sv[1], rm->log_fd, rm->model, parent);
	}
	close(sv[1]);
	if (rm->pid < 0) {
		close(sv[0]);
		snprintf(err, errlen, "proxy: fork: %s", strerror(errno));
		return SHIM_ERR_HOST;
	}
	rm->reaped = false;
	*qemu_end = sv[0];
	return SHIM_OK;
}

static bool remote_reap(struct shim_qemu_remote *rm, unsigned grace_ms)
{
	uint64_t deadline = shim_qemu_now_ns() + (uint64_t)grace_ms * 1000000u;

	if (rm->pid <= 0 || rm->reaped)
		return true;
	for (;;) {
		pid_t w = waitpid(rm->pid, &rm->wstatus, WNOHANG);
		if (w == rm->pid || (w < 0 && errno == ECHILD)) {
			if (w < 0)
				rm->wstatus = -1; /* someone else reaped it */
			rm->reaped = true;
			return true;
		}
		if (shim_qemu_now_ns() >= deadline)
			return false;
		usleep(2000);
	}
}

bool shim_qemu_remote_end(struct shim_qemu_remote *rm, unsigned grace_ms)
{
	if (rm->pid <= 0 || rm->reaped || remote_reap(rm, grace_ms))
		return true;
	kill(rm->pid, SIGKILL);
	while (waitpid(rm->pid, &rm->wstatus, 0) < 0 && errno == EINTR)
		;
	rm->reaped = true;
	return false;
}

void shim_qemu_proxy_stop(struct shim_qemu_remote *rm)
{
	(void)shim_qemu_remote_end(rm, REMOTE_EXIT_GRACE_MS);
	if (rm->log_fd > 0)
		close(rm->log_fd);
	rm->log_fd = -1;
}

/* The last len-1 bytes of the remote's log, newlines turned into " | ". */
static size_t log_tail(const struct shim_qemu_remote *rm, char *buf, size_t len)
{
	struct stat st;
	off_t from;
	ssize_t n;

	if (!buf || len == 0)
		return 0;
	buf[0] = '\0';
	if (rm->log_fd <= 0 || fstat(rm->log_fd, &st) != 0 || st.st_size == 0)
		return 0;
	from = st.st_size > (off_t)(len - 1) ? st.st_size - (off_t)(len - 1) : 0;
	n = pread(rm->log_fd, buf, len - 1, from);
	if (n <= 0)
		return 0;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ';';
	return (size_t)n;
}

size_t shim_qemu_host_remote_log(const struct shim_host *host, char *buf, size_t len)
{
	if (buf && len)
		buf[0] = '\0';
	if (!shim_host_is_qemu(host))
		return 0;
	return log_tail(&((const struct shim_qemu_host *)host->ctx)->remote, buf, len);
}

shim_ret shim_qemu_proxy_proc_start(struct shim_qemu_host *h, const struct shim_qemu_options *opt,
				    unsigned timeout_ms, char *err, size_t errlen)
{
	struct shim_qemu_options o = *opt;
	size_t ndev = 0, nfd = opt->keep_fd_count;
	unsigned slot = opt->proxy_slot ? opt->proxy_slot : DEFAULT_PROXY_SLOT;
	const char **devs = NULL;
	int *fds = NULL, qemu_end = -1;
	shim_ret r;

	h->remote.pid = -1;
	h->remote.log_fd = -1;
	if (!opt->proxy_model)
		return shim_qemu_proc_start(&h->proc, opt, h->ram_fd, timeout_ms, err, errlen);
	if (slot > MAX_ROOT_SLOT) {
		snprintf(err, errlen, "proxy: slot %u outside 0..31", slot);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if (strlen(opt->proxy_model) >= sizeof(h->remote.model)) {
		snprintf(err, errlen, "proxy: model spec longer than %zu characters: '%.60s...'",
			 sizeof(h->remote.model) - 1, opt->proxy_model);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	snprintf(h->remote.model, sizeof(h->remote.model), "%s", opt->proxy_model);
	h->remote.slot = slot;
	while (opt->device_args && opt->device_args[ndev])
		ndev++;
	devs = calloc(ndev + 2, sizeof(*devs));
	fds = calloc(nfd + 1, sizeof(*fds));
	if (!devs || !fds) {
		free(devs);
		free(fds);
		snprintf(err, errlen, "out of memory");
		return SHIM_ERR_NO_MEMORY;
	}
	/* Refuse a model that cannot be built here, where the reason can
	 * still be told (the remote child only has its log). */
	char why[512];
	model_device *probe = model_catalog_create(opt->proxy_model, why, sizeof(why));
	if (!probe) {
		snprintf(err, errlen, "proxy: cannot build the model: %s", why);
		r = SHIM_ERR_BAD_ARGUMENT;
		goto out;
	}
	model_device_destroy(probe);
	r = shim_qemu_remote_spawn(&h->remote, &qemu_end, err, errlen);
	if (r != SHIM_OK) {
		shim_qemu_proxy_stop(&h->remote);
		goto out;
	}
	shim_qemu_phase("remote");
	snprintf(h->remote.device_arg, sizeof(h->remote.device_arg),
		 "x-pci-proxy-dev,id=" SHIM_QEMU_PROXY_ID ",addr=%u,fd=%d", slot, qemu_end);
	for (size_t i = 0; i < ndev; i++)
		devs[i] = opt->device_args[i];
	devs[ndev] = h->remote.device_arg;
	for (size_t i = 0; i < nfd; i++)
		fds[i] = opt->keep_fds[i];
	fds[nfd] = qemu_end;
	o.device_args = devs;
	o.keep_fds = fds;
	o.keep_fd_count = nfd + 1;
	r = shim_qemu_proc_start(&h->proc, &o, h->ram_fd, timeout_ms, err, errlen);
	close(qemu_end); /* QEMU has its own copy now (or never will) */
	if (r != SHIM_OK)
		shim_qemu_proxy_stop(&h->remote);
out:
	free(devs);
	free(fds);
	return r;
}

static void describe(const struct shim_qemu_remote *rm, char *buf, size_t len)
{
	if (rm->wstatus == -1)
		snprintf(buf, len, "gone (status unknown)");
	else if (WIFSIGNALED(rm->wstatus))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(rm->wstatus));
	else
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(rm->wstatus));
}

bool shim_qemu_proxy_gone(struct shim_qemu_host *h)
{
	char how[48], tail[512];

	if (h->remote.pid <= 0 || (!h->remote.reaped && !remote_reap(&h->remote, 0)))
		return false;
	describe(&h->remote, how, sizeof(how));
	log_tail(&h->remote, tail, sizeof(tail));
	h->dead = true;
	snprintf(h->err, sizeof(h->err),
		 "the proxied device's remote process (model %.300s, pid %ld) %s; QEMU reads all-ones "
		 "from the device from now on; remote log: %s",
		 h->remote.model, (long)h->remote.pid, how, tail[0] ? tail : "(empty)");
	return true;
}

/* A QEMU that stopped answering may be waiting on a hung remote (QEMU's
 * proxy has no timeout): say so next to QEMU's own report. */
void shim_qemu_proxy_note(struct shim_qemu_host *h)
{
	char how[48], tail[256];
	size_t n = strlen(h->err);

	if (h->remote.pid <= 0)
		return;
	if (h->remote.reaped || remote_reap(&h->remote, 0))
		describe(&h->remote, how, sizeof(how));
	else
		snprintf(how, sizeof(how), "still running (hung?)");
	log_tail(&h->remote, tail, sizeof(tail));
	snprintf(h->err + n, sizeof(h->err) - n, "; proxied device's remote (pid %ld) %s; remote log: %s",
		 (long)h->remote.pid, how, tail[0] ? tail : "(empty)");
}

long shim_qemu_host_remote_pid(const struct shim_host *host)
{
	const struct shim_qemu_host *h;

	if (!shim_host_is_qemu(host))
		return -1;
	h = host->ctx;
	return h->remote.pid > 0 && !h->remote.reaped ? (long)h->remote.pid : -1;
}
