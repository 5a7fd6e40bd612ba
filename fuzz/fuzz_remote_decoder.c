/* Fuzz target for model/remote's message decoder, the code that first
 * touches every byte QEMU's proxy (or anything else on the socket) sends.
 * Input: byte 0 = number of fds that came with the message (mod 10), the
 * rest = the message bytes. Checks: no out-of-bounds access (sanitizers),
 * an accepted message re-encodes to bytes that decode to the same fields,
 * and field values respect what the server relies on. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_die.h"
#include "model/remote.h"

#define TARGET "fuzz_remote_decoder"
#define FD_CHOICES 10u

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_fields(const struct model_remote_msg *m)
{
	switch (m->cmd) {
	case MODEL_REMOTE_CFG_READ:
	case MODEL_REMOTE_CFG_WRITE:
		if (m->u.cfg.off + m->u.cfg.len > MODEL_REMOTE_CFG_SPACE)
			fuzz_die(TARGET, "config access beyond 256 bytes accepted");
		break;
	case MODEL_REMOTE_BAR_READ:
	case MODEL_REMOTE_BAR_WRITE:
		if (m->u.bar.size == 0 || m->u.bar.size > 8 || m->u.bar.addr + m->u.bar.size < m->u.bar.addr)
			fuzz_die(TARGET, "BAR access size %u accepted", m->u.bar.size);
		break;
	case MODEL_REMOTE_SYNC_SYSMEM:
		if (m->u.sysmem.count != m->nfds || m->nfds == 0 || m->nfds > MODEL_REMOTE_MAX_FDS)
			fuzz_die(TARGET, "SYNC_SYSMEM with %u fds accepted", m->nfds);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_remote_msg m, again;
	uint8_t *copy, enc[MODEL_REMOTE_MAX_MSG];
	unsigned nfds;
	size_t n;

	if (size < 1)
		return 0;
	nfds = data[0] % FD_CHOICES;
	/* An exact-size heap copy, so ASan sees any read past the message. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (model_remote_decode(copy, size - 1, nfds, &m) == MODEL_REMOTE_OK) {
		check_fields(&m);
		n = model_remote_encode(&m, enc, sizeof(enc));
		if (n == 0 || model_remote_decode(enc, n, nfds, &again) != MODEL_REMOTE_OK)
			fuzz_die(TARGET, "%s re-encoding not accepted", model_remote_cmd_string((int)m.cmd));
		if (memcmp(&m.u, &again.u, sizeof(m.u)) != 0 || m.cmd != again.cmd)
			fuzz_die(TARGET, "%s re-encoding decodes differently",
				 model_remote_cmd_string((int)m.cmd));
	}
	free(copy);
	return 0;
}
