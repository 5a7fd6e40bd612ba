/* The remote against a peer that misbehaves instead of QEMU: guest RAM that
 * can be shrunk under it, a peer that stops reading replies, a flood of
 * rejected messages, a stderr nobody drains, and hang-ups in the middle of
 * a message (in-process, and through drvbench-model-serve when its path is
 * given as the first argument). Each used to crash, block or pass silently. */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "edu_qos_regs.h"
#include "remote_peer.h"

#define BAR0 0xfe000000ull
#define RAM_SIZE (2u << 20)
#define TIME_SCALE 1000
#define FLOOD 20000u

static const char *serve_path; /* drvbench-model-serve, or NULL */

/* ---- stderr captured in a memfd ---- */

struct capture {
	int saved, fd;
};

static void capture_start(struct capture *c)
{
	fflush(stderr);
	c->fd = memfd_create("captured-stderr", MFD_CLOEXEC);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->fd >= 0 && c->saved >= 0);
	assert_int_equal(STDERR_FILENO, dup2(c->fd, STDERR_FILENO));
}

/* Restores stderr; returns what was written (malloc'd). */
static char *capture_end(struct capture *c)
{
	off_t n;
	char *text;

	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	n = lseek(c->fd, 0, SEEK_END);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(n, pread(c->fd, text, (size_t)n, 0));
	close(c->fd);
	return text;
}

static unsigned count_lines(const char *text)
{
	unsigned n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

static void expect_text(const char *text, const char *want)
{
	if (strstr(text, want) == NULL)
		fail_msg("the remote's log does not say '%s'; it says:\n%s", want, text);
}

/* ---- the peer ---- */

static void open_peer(struct remote_peer *p, bool quiet, unsigned send_timeout_ms)
{
	struct model_remote_options opt = { .time_scale = TIME_SCALE, .quiet = quiet,
					    .send_timeout_ms = send_timeout_ms };

	assert_true(remote_peer_open_with(p, &opt));
}

static void program_bar0(struct remote_peer *p)
{
	remote_peer_cfg_write(p, EDU_QOS_CFG_BAR0, (uint32_t)BAR0, 4);
	remote_peer_cfg_write(p, EDU_QOS_CFG_COMMAND, EDU_QOS_CMD_MEMORY | EDU_QOS_CMD_MASTER, 2);
}

/* An edu DMA from guest RAM into the device's buffer, waited for. */
static void dma_from_ram(struct remote_peer *p, uint32_t src)
{
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_SRC, src, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_DST, EDU_QOS_DMA_BUF, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_CNT, 256, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_CMD, 1, 4); /* run, RAM to buffer */
	for (int i = 0; i < 200; i++) {
		if (!(remote_peer_bar_read(p, BAR0 + EDU_QOS_DMA_CMD, 4) & 1))
			return;
		(void)model_remote_step(p->r, 5);
	}
	fail_msg("edu DMA did not complete");
}

/* A SYNC_SYSMEM of one region at GPA 0 backed by fd. */
static void sync_ram(struct remote_peer *p, int fd, size_t size)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_SYNC_SYSMEM };

	m.u.sysmem.count = 1;
	m.u.sysmem.r[0] = (struct model_remote_region){ 0, size, 0 };
	assert_true(remote_peer_send_msg(p, &m, &fd, 1));
	assert_int_equal(1, remote_peer_pump(p));
}

/* A header announcing an unknown command and no payload: rejected, no reply. */
static void send_unknown(struct remote_peer *p)
{
	uint8_t hdr[MODEL_REMOTE_HDR_SIZE] = { 99 };

	assert_true(remote_peer_send(p, hdr, sizeof(hdr), NULL, 0));
}

/* ---- tests ---- */

/* The remote used to map any fd and die of SIGBUS once the peer shrank it. */
static void test_remote_refuses_guest_ram_not_sealed_against_shrinking(void **state)
{
	struct remote_peer p;
	struct model_remote_stats st;
	struct capture c;
	int fd = memfd_create("unsealed-ram", MFD_CLOEXEC);
	char *log;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(0, ftruncate(fd, RAM_SIZE));
	open_peer(&p, false, 0);
	capture_start(&c);
	sync_ram(&p, fd, RAM_SIZE);
	assert_int_equal(0, ftruncate(fd, 0)); /* the peer shrinks it under the model */
	program_bar0(&p);
	dma_from_ram(&p, 0x1000);
	model_remote_get_stats(p.r, &st);
	log = capture_end(&c);
	assert_int_equal(0, st.regions);
	assert_int_equal(1, st.rejected);
	assert_int_equal(1, st.dma_errors);
	expect_text(log, "not a memfd sealed against shrinking (F_SEAL_SHRINK): not mapped");
	free(log);
	remote_peer_close(&p);
	close(fd);
}

static void test_remote_maps_sealed_guest_ram_that_the_peer_cannot_shrink(void **state)
{
	struct remote_peer p;
	struct model_remote_stats st;

	(void)state;
	open_peer(&p, true, 0);
	assert_true(remote_peer_add_ram(&p, RAM_SIZE));
	assert_int_equal(-1, ftruncate(p.memfd, 0));
	program_bar0(&p);
	dma_from_ram(&p, 0x1000);
	model_remote_get_stats(p.r, &st);
	assert_int_equal(1, st.regions);
	assert_int_equal(0, st.dma_errors);
	remote_peer_close(&p);
}

/* The remote used to block in send() for ever once its socket was full. */
static void test_remote_gives_up_on_a_peer_that_stopped_reading(void **state)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_CFG_READ, .u.cfg = { 0, 0, 4 } };
	int small = 4096, rc = 1;
	struct remote_peer p;
	struct capture c;
	unsigned sent = 0;
	char *log;

	(void)state;
	open_peer(&p, true, 20);
	assert_int_equal(0, setsockopt(p.remote_sock, SOL_SOCKET, SO_SNDBUF, &small,
				       sizeof(small)));
	capture_start(&c);
	while (rc == 1 && sent < 100000) {
		assert_true(remote_peer_send_msg(&p, &m, NULL, 0));
		sent++;
		rc = remote_peer_pump(&p); /* the peer never reads the replies */
	}
	log = capture_end(&c);
	assert_int_equal(-2, rc);
	expect_text(log, "the peer stopped reading: a reply found no room for 20 ms");
	free(log);
	remote_peer_close(&p);
}

/* 19,532 rejects once made 19,532 lines. */
static void test_remote_thins_a_flood_of_rejects_and_counts_the_rest(void **state)
{
	struct remote_peer p;
	struct model_remote_stats st;
	struct capture c;
	char *log, want[128];

	(void)state;
	open_peer(&p, false, 0);
	capture_start(&c);
	for (unsigned i = 0; i < FLOOD; i++) {
		send_unknown(&p);
		assert_int_equal(1, remote_peer_pump(&p));
	}
	model_remote_get_stats(p.r, &st);
	remote_peer_close(&p);
	log = capture_end(&c);
	assert_int_equal(FLOOD, st.rejected);
	assert_int_equal(FLOOD - MODEL_REMOTE_LOG_BURST, st.log_suppressed);
	/* the burst, a line at 1, 10, 100, 1000 and 10000 not logged, the total */
	assert_int_equal(MODEL_REMOTE_LOG_BURST + 5 + 1, count_lines(log));
	expect_text(log, "rejected unknown: unknown command");
	expect_text(log, "the peer misbehaves: 10000 more line(s) about it not logged");
	snprintf(want, sizeof(want), "%u line(s) about the peer in all, %u not logged", FLOOD,
		 FLOOD - MODEL_REMOTE_LOG_BURST);
	expect_text(log, want);
	free(log);
}

/* A stderr pipe nobody drains used to block the remote at its next line. */
static void test_remote_never_waits_on_a_full_stderr_pipe(void **state)
{
	struct remote_peer p;
	struct model_remote_stats st;
	char junk[4096];
	int fds[2], saved, rcs[5];

	(void)state;
	memset(junk, 'x', sizeof(junk));
	assert_int_equal(0, pipe(fds));
	assert_int_equal(0, fcntl(fds[1], F_SETFL, O_NONBLOCK));
	while (write(fds[1], junk, sizeof(junk)) > 0)
		;
	assert_int_equal(0, fcntl(fds[1], F_SETFL, 0)); /* blocking again, and full */
	open_peer(&p, false, 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fds[1], STDERR_FILENO);
	for (int i = 0; i < 5; i++) {
		send_unknown(&p);
		rcs[i] = remote_peer_pump(&p);
	}
	dup2(saved, STDERR_FILENO);
	close(saved);
	model_remote_get_stats(p.r, &st);
	for (int i = 0; i < 5; i++)
		assert_int_equal(1, rcs[i]);
	assert_int_equal(5, st.rejected);
	assert_int_equal(5, st.log_dropped);
	remote_peer_close(&p);
	close(fds[0]);
	close(fds[1]);
}

/* A hang-up between messages ends the session cleanly (-1); one inside a
 * message used to look the same. */
static void test_remote_hang_up_in_the_middle_of_a_message_is_an_error(void **state)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_CFG_READ, .u.cfg = { 0, 0, 4 } };
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	static const struct {
		size_t send;
		int rc;
		const char *says;
	} cases[] = {
		{ 10, -2, "the peer hung up in the middle of a message (10 of 16 bytes came)" },
		{ 20, -2, "the peer hung up in the middle of a message (20 of 28 bytes came)" },
		{ 0, -1, NULL },
	};

	(void)state;
	assert_int_equal(28, model_remote_encode(&m, buf, sizeof(buf)));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct remote_peer p;
		struct capture c;
		char *log;

		open_peer(&p, true, 0);
		if (cases[i].send > 0)
			assert_true(remote_peer_send(&p, buf, cases[i].send, NULL, 0));
		shutdown(p.sock, SHUT_WR);
		capture_start(&c);
		assert_int_equal(cases[i].rc, remote_peer_pump(&p));
		log = capture_end(&c);
		if (cases[i].says != NULL)
			expect_text(log, cases[i].says);
		else
			assert_string_equal("", log);
		free(log);
		remote_peer_close(&p);
	}
}

/* drvbench-model-serve exits 1 with the reason, not 0 in silence. */
static int serve_once(const void *bytes, size_t n, char *err, size_t errlen)
{
	int sv[2], ep[2], status = 0;
	char fdarg[16];
	ssize_t got;
	size_t used = 0;
	pid_t pid;

	assert_int_equal(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	assert_int_equal(0, pipe2(ep, O_CLOEXEC));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fcntl(sv[1], F_SETFD, 0);
		dup2(ep[1], STDERR_FILENO);
		snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
		execl(serve_path, serve_path, "--model", "edu", "--fd", fdarg, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	close(ep[1]);
	if (n > 0)
		assert_int_equal((ssize_t)n, send(sv[0], bytes, n, MSG_NOSIGNAL));
	close(sv[0]);
	while (used + 1 < errlen && (got = read(ep[0], err + used, errlen - used - 1)) > 0)
		used += (size_t)got;
	err[used] = '\0';
	close(ep[0]);
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_model_serve_exits_1_naming_a_hang_up_mid_message(void **state)
{
	uint8_t half[10] = { 3 };
	char err[1024];

	(void)state;
	if (serve_path == NULL)
		skip();
	assert_int_equal(1, serve_once(half, sizeof(half), err, sizeof(err)));
	expect_text(err, "the peer hung up in the middle of a message (10 of 16 bytes came)");
	assert_int_equal(0, serve_once(NULL, 0, err, sizeof(err)));
	assert_string_equal("", err);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remote_refuses_guest_ram_not_sealed_against_shrinking),
		cmocka_unit_test(test_remote_maps_sealed_guest_ram_that_the_peer_cannot_shrink),
		cmocka_unit_test(test_remote_gives_up_on_a_peer_that_stopped_reading),
		cmocka_unit_test(test_remote_thins_a_flood_of_rejects_and_counts_the_rest),
		cmocka_unit_test(test_remote_never_waits_on_a_full_stderr_pipe),
		cmocka_unit_test(test_remote_hang_up_in_the_middle_of_a_message_is_an_error),
		cmocka_unit_test(test_model_serve_exits_1_naming_a_hang_up_mid_message),
	};

	serve_path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
