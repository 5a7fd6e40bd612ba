/* The remote's serve loop: one validated message at a time, answered as
 * QEMU expects (a RET for config, BAR and reset requests; nothing for
 * SYNC_SYSMEM and SET_IRQFD). A message that fails validation is logged,
 * its fds are closed and, if QEMU waits for an answer, it gets all-ones so
 * the stream stays in step. Only a broken frame ends the session. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "remote_io.h"
#include "remote_priv.h"

#define SERVE_WAIT_MS 1000
#define ALL_ONES UINT64_MAX /* QEMU truncates the reply to the access size */

model_remote *model_remote_create(model_device *dev, int fd, const struct model_remote_options *opt)
{
	model_remote *r;

	if (!dev || fd < 0)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->dev = dev;
	r->fd = fd;
	if (opt)
		r->opt = *opt;
	r->irqfds[0] = r->irqfds[1] = -1;
	model_remote_clock_start(r);
	model_device_attach_env(dev, (struct model_env){ &model_remote_env_ops, r });
	return r;
}

void model_remote_destroy(model_remote *r)
{
	if (!r)
		return;
	model_remote_log_summary(r);
	model_device_destroy(r->dev); /* cancels the model's timers through the env */
	model_remote_drop_timers(r);
	model_remote_mem_release(r);
	for (int i = 0; i < 2; i++)
		if (r->irqfds[i] >= 0)
			close(r->irqfds[i]);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

void model_remote_get_stats(const model_remote *r, struct model_remote_stats *out)
{
	*out = r->stats;
}

/* The BAR whose programmed range holds the whole access, or -1. */
static int bar_decode(const model_remote *r, const struct model_remote_msg *m, uint64_t *off)
{
	const model_device *dev = r->dev;

	for (unsigned i = 0; i < MODEL_BAR_COUNT; i++) {
		enum model_bar_kind k = dev->bars[i].kind;
		uint64_t base = model_device_bar_base(dev, i), size = dev->bars[i].size;
		if (k == MODEL_BAR_NONE || base == 0 || (k == MODEL_BAR_IO) == m->u.bar.memory)
			continue;
		if (m->u.bar.addr >= base && m->u.bar.addr - base < size &&
		    m->u.bar.addr - base + m->u.bar.size <= size) {
			*off = m->u.bar.addr - base;
			return (int)i;
		}
	}
	return -1;
}

static enum remote_tx_status send_ret(model_remote *r, uint64_t value)
{
	return model_remote_send_ret(r->fd, value, r->opt.send_timeout_ms);
}

static enum remote_tx_status reject(model_remote *r, const struct model_remote_msg *m,
				    const char *why)
{
	r->stats.rejected++;
	model_remote_log(r, MODEL_REMOTE_LOG_PEER, "rejected %s: %s",
			 model_remote_cmd_string((int)m->cmd), why);
	return model_remote_cmd_wants_reply((int)m->cmd) ? send_ret(r, ALL_ONES) : REMOTE_TX_SENT;
}

static enum remote_tx_status reply(model_remote *r, uint64_t value)
{
	r->stats.replies++;
	return send_ret(r, value);
}

static enum remote_tx_status do_bar(model_remote *r, const struct model_remote_msg *m)
{
	uint64_t off = 0;
	int bar = bar_decode(r, m, &off);

	if (bar < 0) {
		r->stats.rejected++;
		model_remote_log(r, MODEL_REMOTE_LOG_PEER, "%s at %s 0x%" PRIx64 " size %u decodes "
				 "to no BAR", model_remote_cmd_string((int)m->cmd),
				 m->u.bar.memory ? "GPA" : "port", m->u.bar.addr, m->u.bar.size);
		return send_ret(r, m->cmd == MODEL_REMOTE_BAR_READ ? ALL_ONES : 0);
	}
	if (m->cmd == MODEL_REMOTE_BAR_READ)
		return reply(r, model_device_bar_read(r->dev, (unsigned)bar, off, m->u.bar.size));
	model_device_bar_write(r->dev, (unsigned)bar, off, m->u.bar.val, m->u.bar.size);
	return reply(r, 0);
}

static void do_irqfd(model_remote *r, struct remote_rx *rx)
{
	for (int i = 0; i < 2; i++) {
		if (r->irqfds[i] >= 0)
			close(r->irqfds[i]);
		r->irqfds[i] = rx->fds[i];
	}
	rx->nfds = 0;
}

/* QEMU's x-pci-proxy-dev sizes every BAR as a 32-bit one (and would take
 * the upper half of a 64-bit BAR for a BAR of its own), so a model's
 * 64-bit memory BAR is shown to QEMU, and to the guest's firmware behind
 * it, as a 32-bit BAR with nothing in the slot after it: type bits 00, the
 * upper dword reading 0 and ignoring writes. The model keeps decoding it
 * (its upper address stays 0). */
static int wide_bar_part(const model_remote *r, uint16_t off)
{
	unsigned dw = (off & ~3u);

	for (unsigned i = 0; i + 1 < MODEL_BAR_COUNT; i++) {
		if (r->dev->bars[i].kind != MODEL_BAR_MEM64)
			continue;
		if (dw == MODEL_PCI_BAR0 + 4 * i)
			return 1;
		if (dw == MODEL_PCI_BAR0 + 4 * (i + 1))
			return 2;
	}
	return 0;
}

static uint32_t cfg_read(model_remote *r, const struct model_remote_msg *m)
{
	uint16_t off = (uint16_t)m->u.cfg.off;
	uint32_t v = model_config_read(r->dev, off, m->u.cfg.len);
	int part = wide_bar_part(r, off);

	if (part == 2)
		return 0;
	if (part == 1 && (off & 3u) == 0)
		v &= ~(uint32_t)0x6; /* memory type: 32-bit */
	return v;
}

static void cfg_write(model_remote *r, const struct model_remote_msg *m)
{
	uint16_t off = (uint16_t)m->u.cfg.off;

	if (wide_bar_part(r, off) != 2)
		model_config_write(r->dev, off, m->u.cfg.val, m->u.cfg.len);
}

/* Whether the reply (if any) went out. */
static enum remote_tx_status dispatch(model_remote *r, struct remote_rx *rx)
{
	struct model_remote_msg m;
	unsigned nfds = rx->fd_overflow ? MODEL_REMOTE_MAX_FDS + 1 : rx->nfds;
	enum model_remote_status st = model_remote_decode(rx->buf, rx->len, nfds, &m);
	enum remote_tx_status tx = REMOTE_TX_SENT;

	r->stats.messages++;
	if (st != MODEL_REMOTE_OK) {
		model_remote_rx_close_fds(rx);
		return reject(r, &m, model_remote_status_string(st));
	}
	switch (m.cmd) {
	case MODEL_REMOTE_SYNC_SYSMEM:
		model_remote_mem_sync(r, &m, rx->fds);
		rx->nfds = 0;
		break;
	case MODEL_REMOTE_SET_IRQFD:
		do_irqfd(r, rx);
		break;
	case MODEL_REMOTE_CFG_WRITE:
		cfg_write(r, &m);
		tx = reply(r, 0);
		break;
	case MODEL_REMOTE_CFG_READ:
		tx = reply(r, cfg_read(r, &m));
		break;
	case MODEL_REMOTE_BAR_WRITE:
	case MODEL_REMOTE_BAR_READ:
		tx = do_bar(r, &m);
		break;
	case MODEL_REMOTE_DEVICE_RESET:
		/* QEMU clears its own BARs and command on reset; ours must follow. */
		model_device_reset(r->dev);
		tx = reply(r, 0);
		break;
	case MODEL_REMOTE_RET:
	case MODEL_REMOTE_CMD_COUNT:
	default:
		tx = reject(r, &m, "not a request");
		break;
	}
	model_remote_rx_close_fds(rx);
	return tx;
}

int model_remote_step(model_remote *r, int timeout_ms)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	struct remote_rx rx;
	int wait = model_remote_run_timers(r), rc;
	enum remote_tx_status tx;

	if (timeout_ms >= 0 && (wait < 0 || wait > timeout_ms))
		wait = timeout_ms;
	rc = poll(&p, 1, wait);
	if (rc < 0 && errno != EINTR) {
		model_remote_log(r, MODEL_REMOTE_LOG_KEEP, "poll failed: errno %d", errno);
		return -2;
	}
	if (rc <= 0) {
		model_remote_run_timers(r);
		return 0;
	}
	switch (model_remote_recv(r->fd, &rx)) {
	case REMOTE_RX_OK:
		break;
	case REMOTE_RX_EOF:
		return -1;
	case REMOTE_RX_TOO_BIG:
		r->stats.rejected++;
		model_remote_log(r, MODEL_REMOTE_LOG_KEEP, "rejected a message: %s; cannot "
				 "resynchronise, closing",
				 model_remote_status_string(MODEL_REMOTE_E_TOO_BIG));
		return -2;
	case REMOTE_RX_CUT:
		model_remote_log(r, MODEL_REMOTE_LOG_KEEP, "the peer hung up in the middle of a "
				 "message (%zu of %zu bytes came); closing", rx.got, rx.want);
		return -2;
	case REMOTE_RX_ERROR:
	default:
		model_remote_log(r, MODEL_REMOTE_LOG_KEEP, "receive failed (error, or the rest "
				 "of a message never came); closing");
		return -2;
	}
	tx = dispatch(r, &rx);
	if (tx == REMOTE_TX_GONE)
		return -1; /* the reply could not be sent: QEMU hung up */
	if (tx == REMOTE_TX_STALLED) {
		model_remote_log(r, MODEL_REMOTE_LOG_KEEP, "the peer stopped reading: a reply "
				 "found no room for %u ms; closing",
				 r->opt.send_timeout_ms ? r->opt.send_timeout_ms
							: MODEL_REMOTE_SEND_TIMEOUT_MS);
		return -2;
	}
	model_remote_run_timers(r);
	return 1;
}

int model_remote_serve(model_remote *r)
{
	for (;;) {
		int rc = model_remote_step(r, SERVE_WAIT_MS);
		if (rc == -1)
			return 0;
		if (rc < 0)
			return -1;
	}
}
