/* The test side of the mpqemu socket (see remote_peer.h). */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "model/catalog.h"
#include "remote_peer.h"

#define REPLY_WAIT_MS 1000
#define FAILED UINT64_C(0xdeadbeefdeadbeef)

bool remote_peer_open(struct remote_peer *p, unsigned time_scale)
{
	return remote_peer_open_model(p, "edu", time_scale);
}

bool remote_peer_open_with(struct remote_peer *p, const struct model_remote_options *opt)
{
	return remote_peer_open_spec(p, "edu", opt);
}

bool remote_peer_open_model(struct remote_peer *p, const char *spec, unsigned time_scale)
{
	struct model_remote_options opt = { .time_scale = time_scale, .quiet = true };

	return remote_peer_open_spec(p, spec, &opt);
}

bool remote_peer_open_spec(struct remote_peer *p, const char *spec,
			   const struct model_remote_options *opt)
{
	int sv[2];
	model_device *dev;

	memset(p, 0, sizeof(*p));
	p->memfd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return false;
	dev = model_catalog_create(spec, NULL, 0);
	p->r = dev ? model_remote_create(dev, sv[1], opt) : NULL;
	if (!p->r) {
		model_device_destroy(dev);
		close(sv[0]);
		close(sv[1]);
		return false;
	}
	p->sock = sv[0];
	p->remote_sock = sv[1];
	return true;
}

void remote_peer_close(struct remote_peer *p)
{
	model_remote_destroy(p->r);
	if (p->ram)
		munmap(p->ram, p->ram_size);
	if (p->memfd >= 0)
		close(p->memfd);
	close(p->sock);
}

bool remote_peer_send(struct remote_peer *p, const void *buf, size_t len, const int *fds,
		      unsigned nfds)
{
	union {
		char b[CMSG_SPACE(16 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds > 16)
		return false;
	if (nfds) {
		struct cmsghdr *c;
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	return sendmsg(p->sock, &mh, MSG_NOSIGNAL) == (ssize_t)len;
}

bool remote_peer_send_msg(struct remote_peer *p, const struct model_remote_msg *m, const int *fds,
			  unsigned nfds)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	size_t n = model_remote_encode(m, buf, sizeof(buf));

	return n && remote_peer_send(p, buf, n, fds, nfds);
}

int remote_peer_pump(struct remote_peer *p)
{
	return model_remote_step(p->r, REPLY_WAIT_MS);
}

bool remote_peer_ret(struct remote_peer *p, uint64_t *val)
{
	uint8_t buf[MODEL_REMOTE_HDR_SIZE + MODEL_REMOTE_RET_PAYLOAD];
	struct model_remote_msg m;
	size_t got = 0;

	while (got < sizeof(buf)) {
		struct pollfd pf = { .fd = p->sock, .events = POLLIN };
		ssize_t n;
		if (poll(&pf, 1, REPLY_WAIT_MS) <= 0)
			return false;
		n = recv(p->sock, buf + got, sizeof(buf) - got, 0);
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	if (model_remote_decode(buf, sizeof(buf), 0, &m) != MODEL_REMOTE_OK ||
	    m.cmd != MODEL_REMOTE_RET)
		return false;
	*val = m.u.ret;
	return true;
}

bool remote_peer_quiet(struct remote_peer *p)
{
	struct pollfd pf = { .fd = p->sock, .events = POLLIN };

	return poll(&pf, 1, 0) == 0;
}

static uint64_t exchange(struct remote_peer *p, const struct model_remote_msg *m)
{
	uint64_t v;

	if (!remote_peer_send_msg(p, m, NULL, 0) || remote_peer_pump(p) != 1 ||
	    !remote_peer_ret(p, &v))
		return FAILED;
	return v;
}

uint64_t remote_peer_cfg_read(struct remote_peer *p, uint32_t off, unsigned len)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_CFG_READ, .u.cfg = { off, 0, len } };
	return exchange(p, &m);
}

void remote_peer_cfg_write(struct remote_peer *p, uint32_t off, uint32_t val, unsigned len)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_CFG_WRITE, .u.cfg = { off, val, len } };
	(void)exchange(p, &m);
}

uint64_t remote_peer_bar_read(struct remote_peer *p, uint64_t addr, unsigned size)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_BAR_READ,
				      .u.bar = { addr, 0, size, true } };
	return exchange(p, &m);
}

void remote_peer_bar_write(struct remote_peer *p, uint64_t addr, uint64_t val, unsigned size)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_BAR_WRITE,
				      .u.bar = { addr, val, size, true } };
	(void)exchange(p, &m);
}

bool remote_peer_add_ram(struct remote_peer *p, size_t size)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_SYNC_SYSMEM };
	void *ram;

	/* Sealed against resizing, as QEMU's memory-backend-memfd is. */
	p->memfd = memfd_create("remote-test-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (p->memfd < 0 || ftruncate(p->memfd, (off_t)size) != 0 ||
	    fcntl(p->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0)
		return false;
	ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, p->memfd, 0);
	if (ram == MAP_FAILED)
		return false;
	p->ram = ram;
	p->ram_size = size;
	m.u.sysmem.count = 1;
	m.u.sysmem.r[0] = (struct model_remote_region){ 0, size, 0 };
	return remote_peer_send_msg(p, &m, &p->memfd, 1) && remote_peer_pump(p) == 1;
}

unsigned remote_peer_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}
