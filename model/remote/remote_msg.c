/* The mpqemu message decoder and encoder: a pure function from bytes (plus
 * the number of fds that came with them) to a validated message. Layouts
 * from docs/qemu-host.md, 'Message layout' (x86_64, little-endian). */
#include <string.h>

#include "model/remote.h"

/* Payload offsets. */
#define HDR_CMD 0
#define HDR_SIZE 8
#define SYS_GPA 0
#define SYS_SIZE 64
#define SYS_OFFSET 128
#define CFG_OFF 0
#define CFG_VAL 4
#define CFG_LEN 8
#define BAR_ADDR 0
#define BAR_VAL 8
#define BAR_SIZE 16
#define BAR_MEMORY 20
#define IRQFD_FDS 2u
#define IO_PORT_LIMIT 0x10000ull

static uint64_t le_get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void le_put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

enum model_remote_status model_remote_header_size(const uint8_t hdr[MODEL_REMOTE_HDR_SIZE],
						  uint64_t *payload)
{
	*payload = le_get(hdr + HDR_SIZE, 8);
	return *payload > MODEL_REMOTE_MAX_PAYLOAD ? MODEL_REMOTE_E_TOO_BIG : MODEL_REMOTE_OK;
}

static uint64_t expected_payload(enum model_remote_cmd cmd)
{
	switch (cmd) {
	case MODEL_REMOTE_SYNC_SYSMEM:
		return MODEL_REMOTE_MAX_PAYLOAD;
	case MODEL_REMOTE_CFG_WRITE:
	case MODEL_REMOTE_CFG_READ:
		return MODEL_REMOTE_CFG_PAYLOAD;
	case MODEL_REMOTE_BAR_WRITE:
	case MODEL_REMOTE_BAR_READ:
		return MODEL_REMOTE_BAR_PAYLOAD;
	case MODEL_REMOTE_RET:
	case MODEL_REMOTE_SET_IRQFD:
	case MODEL_REMOTE_DEVICE_RESET:
	case MODEL_REMOTE_CMD_COUNT:
	default:
		return 0;
	}
}

static bool fd_count_ok(enum model_remote_cmd cmd, unsigned nfds)
{
	switch (cmd) {
	case MODEL_REMOTE_SYNC_SYSMEM:
		return nfds >= 1 && nfds <= MODEL_REMOTE_MAX_FDS;
	case MODEL_REMOTE_SET_IRQFD:
		return nfds == IRQFD_FDS;
	default:
		return nfds == 0;
	}
}

static bool add_overflows(uint64_t a, uint64_t b)
{
	return a + b < a;
}

static enum model_remote_status decode_sysmem(const uint8_t *p, unsigned nfds,
					      struct model_remote_msg *m)
{
	m->u.sysmem.count = nfds;
	for (unsigned i = 0; i < nfds; i++) {
		struct model_remote_region *r = &m->u.sysmem.r[i];
		r->gpa = le_get(p + SYS_GPA + 8 * i, 8);
		r->size = le_get(p + SYS_SIZE + 8 * i, 8);
		r->offset = (int64_t)le_get(p + SYS_OFFSET + 8 * i, 8);
		if (r->size == 0 || r->offset < 0 || add_overflows(r->gpa, r->size) ||
		    add_overflows((uint64_t)r->offset, r->size))
			return MODEL_REMOTE_E_FIELD;
	}
	return MODEL_REMOTE_OK;
}

static enum model_remote_status decode_cfg(const uint8_t *p, struct model_remote_msg *m)
{
	int32_t len = (int32_t)le_get(p + CFG_LEN, 4);

	m->u.cfg.off = (uint32_t)le_get(p + CFG_OFF, 4);
	m->u.cfg.val = (uint32_t)le_get(p + CFG_VAL, 4);
	m->u.cfg.len = len > 0 ? (unsigned)len : 0;
	if (len != 1 && len != 2 && len != 4)
		return MODEL_REMOTE_E_FIELD;
	if (m->u.cfg.off >= MODEL_REMOTE_CFG_SPACE ||
	    m->u.cfg.off + m->u.cfg.len > MODEL_REMOTE_CFG_SPACE)
		return MODEL_REMOTE_E_FIELD;
	return MODEL_REMOTE_OK;
}

static enum model_remote_status decode_bar(const uint8_t *p, struct model_remote_msg *m)
{
	uint32_t size = (uint32_t)le_get(p + BAR_SIZE, 4);
	uint8_t memory = p[BAR_MEMORY];

	m->u.bar.addr = le_get(p + BAR_ADDR, 8);
	m->u.bar.val = le_get(p + BAR_VAL, 8);
	m->u.bar.size = size;
	m->u.bar.memory = memory == 1;
	if ((size != 1 && size != 2 && size != 4 && size != 8) || memory > 1)
		return MODEL_REMOTE_E_FIELD;
	if (add_overflows(m->u.bar.addr, size))
		return MODEL_REMOTE_E_FIELD;
	if (!m->u.bar.memory && m->u.bar.addr + size > IO_PORT_LIMIT)
		return MODEL_REMOTE_E_FIELD;
	return MODEL_REMOTE_OK;
}

enum model_remote_status model_remote_decode(const uint8_t *buf, size_t len, unsigned nfds,
					     struct model_remote_msg *out)
{
	int32_t cmd;
	uint64_t payload;
	const uint8_t *p = buf + MODEL_REMOTE_HDR_SIZE;

	memset(out, 0, sizeof(*out));
	out->cmd = MODEL_REMOTE_CMD_COUNT; /* "unknown" until the header is read */
	if (!buf || len < MODEL_REMOTE_HDR_SIZE)
		return MODEL_REMOTE_E_TRUNCATED;
	if (model_remote_header_size(buf, &payload) != MODEL_REMOTE_OK)
		return MODEL_REMOTE_E_TOO_BIG;
	if (len - MODEL_REMOTE_HDR_SIZE < payload)
		return MODEL_REMOTE_E_TRUNCATED;
	if (len - MODEL_REMOTE_HDR_SIZE > payload)
		return MODEL_REMOTE_E_PAYLOAD_SIZE;
	cmd = (int32_t)le_get(buf + HDR_CMD, 4);
	if (cmd < 0 || cmd >= MODEL_REMOTE_CMD_COUNT)
		return MODEL_REMOTE_E_UNKNOWN_CMD;
	out->cmd = (enum model_remote_cmd)cmd;
	out->nfds = nfds;
	/* A RET may carry 0..192 bytes (QEMU reads the value from the first 8). */
	if (out->cmd == MODEL_REMOTE_RET) {
		out->u.ret = le_get(p, payload < 8 ? (unsigned)payload : 8);
		return fd_count_ok(out->cmd, nfds) ? MODEL_REMOTE_OK : MODEL_REMOTE_E_FD_COUNT;
	}
	if (payload != expected_payload(out->cmd))
		return MODEL_REMOTE_E_PAYLOAD_SIZE;
	if (!fd_count_ok(out->cmd, nfds))
		return MODEL_REMOTE_E_FD_COUNT;
	switch (out->cmd) {
	case MODEL_REMOTE_SYNC_SYSMEM:
		return decode_sysmem(p, nfds, out);
	case MODEL_REMOTE_CFG_WRITE:
	case MODEL_REMOTE_CFG_READ:
		return decode_cfg(p, out);
	case MODEL_REMOTE_BAR_WRITE:
	case MODEL_REMOTE_BAR_READ:
		return decode_bar(p, out);
	default:
		return MODEL_REMOTE_OK;
	}
}

size_t model_remote_encode(const struct model_remote_msg *m, uint8_t *buf, size_t cap)
{
	uint64_t payload = expected_payload(m->cmd);
	uint8_t *p = buf + MODEL_REMOTE_HDR_SIZE;

	if (m->cmd == MODEL_REMOTE_RET)
		payload = MODEL_REMOTE_RET_PAYLOAD;
	if (cap < MODEL_REMOTE_HDR_SIZE + payload)
		return 0;
	memset(buf, 0, MODEL_REMOTE_HDR_SIZE + payload);
	le_put(buf + HDR_CMD, (uint32_t)m->cmd, 4);
	le_put(buf + HDR_SIZE, payload, 8);
	switch (m->cmd) {
	case MODEL_REMOTE_SYNC_SYSMEM:
		for (unsigned i = 0; i < m->u.sysmem.count && i < MODEL_REMOTE_MAX_FDS; i++) {
			le_put(p + SYS_GPA + 8 * i, m->u.sysmem.r[i].gpa, 8);
			le_put(p + SYS_SIZE + 8 * i, m->u.sysmem.r[i].size, 8);
			le_put(p + SYS_OFFSET + 8 * i, (uint64_t)m->u.sysmem.r[i].offset, 8);
		}
		break;
	case MODEL_REMOTE_CFG_WRITE:
	case MODEL_REMOTE_CFG_READ:
		le_put(p + CFG_OFF, m->u.cfg.off, 4);
		le_put(p + CFG_VAL, m->u.cfg.val, 4);
		le_put(p + CFG_LEN, m->u.cfg.len, 4);
		break;
	case MODEL_REMOTE_BAR_WRITE:
	case MODEL_REMOTE_BAR_READ:
		le_put(p + BAR_ADDR, m->u.bar.addr, 8);
		le_put(p + BAR_VAL, m->u.bar.val, 8);
		le_put(p + BAR_SIZE, m->u.bar.size, 4);
		p[BAR_MEMORY] = m->u.bar.memory ? 1 : 0;
		break;
	case MODEL_REMOTE_RET:
		le_put(p, m->u.ret, 8);
		break;
	default:
		break;
	}
	return MODEL_REMOTE_HDR_SIZE + payload;
}

bool model_remote_cmd_wants_reply(int cmd)
{
	return cmd == MODEL_REMOTE_CFG_WRITE || cmd == MODEL_REMOTE_CFG_READ ||
	       cmd == MODEL_REMOTE_BAR_WRITE || cmd == MODEL_REMOTE_BAR_READ ||
	       cmd == MODEL_REMOTE_DEVICE_RESET;
}

const char *model_remote_cmd_string(int cmd)
{
	static const char *const names[MODEL_REMOTE_CMD_COUNT] = {
		"SYNC_SYSMEM", "RET",	   "PCI_CFGWRITE", "PCI_CFGREAD",
		"BAR_WRITE",   "BAR_READ", "SET_IRQFD",	   "DEVICE_RESET",
	};

	return cmd >= 0 && cmd < MODEL_REMOTE_CMD_COUNT ? names[cmd] : "unknown";
}

const char *model_remote_status_string(enum model_remote_status s)
{
	switch (s) {
	case MODEL_REMOTE_OK:
		return "ok";
	case MODEL_REMOTE_E_TRUNCATED:
		return "truncated message";
	case MODEL_REMOTE_E_TOO_BIG:
		return "payload size above 192";
	case MODEL_REMOTE_E_UNKNOWN_CMD:
		return "unknown command";
	case MODEL_REMOTE_E_PAYLOAD_SIZE:
		return "wrong payload size for the command";
	case MODEL_REMOTE_E_FD_COUNT:
		return "wrong number of file descriptors";
	case MODEL_REMOTE_E_FIELD:
		return "field out of range";
	}
	return "unknown status";
}
