/* model/remote: serves a model/ device to QEMU's x-pci-proxy-dev over the
 * multi-process ("mpqemu") protocol (facts: docs/qemu-host.md, 'x-pci-proxy-dev').
 * The remote owns config space (with the MSI capability) and the BARs,
 * decodes BAR accesses against the bases the guest programmed, DMAs into
 * guest RAM shared by memfd, and delivers MSI by writing the message into
 * that RAM. INTx cannot reach the guest this way (it needs KVM's irqfd).
 * Single-threaded; errors are return codes, rejects are logged to stderr. */
#ifndef MODEL_REMOTE_H
#define MODEL_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/device.h"

/* ---- wire format ------------------------------------------------------- */

#define MODEL_REMOTE_HDR_SIZE 16u     /* cmd (s32), padding, payload size (u64) */
#define MODEL_REMOTE_MAX_PAYLOAD 192u /* QEMU's limit: the SYNC_SYSMEM payload */
#define MODEL_REMOTE_MAX_MSG (MODEL_REMOTE_HDR_SIZE + MODEL_REMOTE_MAX_PAYLOAD)
#define MODEL_REMOTE_MAX_FDS 8u
#define MODEL_REMOTE_CFG_PAYLOAD 12u
#define MODEL_REMOTE_BAR_PAYLOAD 24u
#define MODEL_REMOTE_RET_PAYLOAD 8u
#define MODEL_REMOTE_CFG_SPACE 256u   /* x-pci-proxy-dev is a conventional PCI function */

enum model_remote_cmd {
	MODEL_REMOTE_SYNC_SYSMEM = 0, /* guest RAM regions, one fd each; no reply */
	MODEL_REMOTE_RET = 1,         /* the remote's reply */
	MODEL_REMOTE_CFG_WRITE = 2,
	MODEL_REMOTE_CFG_READ = 3,
	MODEL_REMOTE_BAR_WRITE = 4,
	MODEL_REMOTE_BAR_READ = 5,
	MODEL_REMOTE_SET_IRQFD = 6,   /* INTx trigger + resample eventfds; no reply */
	MODEL_REMOTE_DEVICE_RESET = 7,
	MODEL_REMOTE_CMD_COUNT = 8,
};

enum model_remote_status {
	MODEL_REMOTE_OK = 0,
	MODEL_REMOTE_E_TRUNCATED,    /* fewer bytes than the header announces */
	MODEL_REMOTE_E_TOO_BIG,      /* payload size above 192: the stream is lost */
	MODEL_REMOTE_E_UNKNOWN_CMD,
	MODEL_REMOTE_E_PAYLOAD_SIZE, /* wrong payload size for this command */
	MODEL_REMOTE_E_FD_COUNT,     /* wrong number of fds for this command */
	MODEL_REMOTE_E_FIELD,        /* a field out of range (length, offset, region) */
};

struct model_remote_region {
	uint64_t gpa, size;
	int64_t offset; /* in the region's fd */
};

/* A validated message. fds are not part of it: the caller owns them. */
struct model_remote_msg {
	enum model_remote_cmd cmd;
	unsigned nfds;
	union {
		struct {
			unsigned count; /* = nfds */
			struct model_remote_region r[MODEL_REMOTE_MAX_FDS];
		} sysmem;
		struct {
			uint32_t off, val;
			unsigned len; /* 1, 2 or 4 */
		} cfg;
		struct {
			uint64_t addr, val; /* addr: guest-physical, or the port for I/O */
			unsigned size;      /* 1, 2, 4 or 8 */
			bool memory;
		} bar;
		uint64_t ret;
	} u;
};

/* The payload size a header announces, or MODEL_REMOTE_E_TOO_BIG. */
enum model_remote_status model_remote_header_size(const uint8_t hdr[MODEL_REMOTE_HDR_SIZE],
						  uint64_t *payload);
/* Pure decoder: `len` bytes holding one header plus payload, received with
 * `nfds` descriptors. On failure out->cmd still says which command it was
 * (when the header was readable) so a server can keep the stream in sync.
 * Never reads outside buf[0..len). */
enum model_remote_status model_remote_decode(const uint8_t *buf, size_t len, unsigned nfds,
					     struct model_remote_msg *out);
/* Wire bytes of m (not validated) into buf; returns the length, 0 if cap is short. */
size_t model_remote_encode(const struct model_remote_msg *m, uint8_t *buf, size_t cap);
const char *model_remote_status_string(enum model_remote_status s);
const char *model_remote_cmd_string(int cmd);
/* True for the commands QEMU waits on a RET for. */
bool model_remote_cmd_wants_reply(int cmd);

/* ---- the server -------------------------------------------------------- */

typedef struct model_remote model_remote;

struct model_remote_options {
	/* Timers run on CLOCK_MONOTONIC, multiplied by this (0 = 1): with 10, a
	 * model's 100 ms delay passes in 10 ms of real time. */
	unsigned time_scale;
	bool quiet; /* no log lines for device errors (rejects are always logged) */
	/* A reply the peer does not take within this many ms means it stopped
	 * reading: the session ends as broken (0: MODEL_REMOTE_SEND_TIMEOUT_MS). */
	unsigned send_timeout_ms;
};

#define MODEL_REMOTE_SEND_TIMEOUT_MS 5000u
/* Lines about a misbehaving peer (rejected messages, refused guest RAM):
 * the first MODEL_REMOTE_LOG_BURST are logged, then one line each time the
 * count of those not logged reaches a power of ten; the session's last
 * line gives the total. Device errors are never thinned (the bench counts
 * them in the log), but no line is ever waited for: one stderr cannot take
 * at once (a full pipe) is dropped and counted. */
#define MODEL_REMOTE_LOG_BURST 10u

struct model_remote_stats {
	unsigned long messages, rejected, replies;
	unsigned long sysmem_syncs, dma_errors, device_errors, intx_changes;
	unsigned long log_suppressed; /* peer lines past the burst, not logged */
	unsigned long log_dropped;    /* lines stderr could not take without waiting */
	unsigned regions; /* currently mapped guest-RAM regions */
};

/* Takes ownership of dev and of the connected socket fd (both released by
 * destroy). NULL on bad arguments or no memory (nothing is taken then).
 * dev comes from the model catalogue (model/catalog.h): a built-in model
 * ("edu,no_msi") or a model plugin ("./libmydev.so,fast"). */
model_remote *model_remote_create(model_device *dev, int fd, const struct model_remote_options *opt);
void model_remote_destroy(model_remote *r);

/* Serves until QEMU hangs up: 0 on EOF between messages, -1 when the
 * stream cannot be recovered (framing or I/O error, a hang-up in the middle
 * of a message, a peer that stopped reading replies); the reason was
 * logged. */
int model_remote_serve(model_remote *r);
/* One bounded step: runs due timers, waits up to timeout_ms for one
 * message and handles it. 1 = a message handled (or rejected and
 * skipped), 0 = nothing arrived, -1 = EOF between messages (or the peer
 * gone while a reply was sent), -2 = unrecoverable. */
int model_remote_step(model_remote *r, int timeout_ms);
void model_remote_get_stats(const model_remote *r, struct model_remote_stats *out);

#define MODEL_REMOTE_LOG_PREFIX "drvbench-remote: "

#endif
