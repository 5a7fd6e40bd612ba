/* expect_exit [--stdout-has TEXT]... CODE PROGRAM [ARGS...]: runs PROGRAM
 * and succeeds only when it exits with exactly CODE (meson's should_fail
 * accepts any failure) and, for each --stdout-has, its stdout contains
 * TEXT. PROGRAM's stdout is passed through. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_NEEDLES 8
#define OUT_CAP (1u << 20) /* stdout kept for the checks; the rest is only echoed */

/* Reads fd to EOF, echoing it to stdout and keeping the first OUT_CAP bytes. */
static char *read_all(int fd)
{
	char *buf = malloc(OUT_CAP + 1), chunk[4096];
	size_t used = 0;
	ssize_t n;

	if (buf == NULL)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		size_t keep = (size_t)n < OUT_CAP - used ? (size_t)n : OUT_CAP - used;

		fwrite(chunk, 1, (size_t)n, stdout);
		memcpy(buf + used, chunk, keep);
		used += keep;
	}
	buf[used] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	const char *needles[MAX_NEEDLES];
	int want, status = 0, argi = 1, fds[2], bad = 0;
	size_t nneedles = 0;
	char *out;
	pid_t pid;

	while (argi + 1 < argc && strcmp(argv[argi], "--stdout-has") == 0 &&
	       nneedles < MAX_NEEDLES) {
		needles[nneedles++] = argv[argi + 1];
		argi += 2;
	}
	if (argc - argi < 2) {
		fprintf(stderr, "usage: expect_exit [--stdout-has TEXT]... CODE PROGRAM [ARGS...]\n");
		return 2;
	}
	want = atoi(argv[argi]);
	if (pipe(fds) != 0) {
		perror("expect_exit: pipe");
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("expect_exit: fork");
		return 1;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[argi + 1], &argv[argi + 1]);
		perror("expect_exit: exec");
		_exit(127);
	}
	close(fds[1]);
	out = read_all(fds[0]);
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid) {
		perror("expect_exit: waitpid");
		free(out);
		return 1;
	}
	if (out == NULL) {
		fprintf(stderr, "expect_exit: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < nneedles; i++)
		if (strstr(out, needles[i]) == NULL) {
			fprintf(stderr, "expect_exit: %s's stdout lacks \"%s\"\n", argv[argi + 1],
				needles[i]);
			bad = 1;
		}
	free(out);
	if (!WIFEXITED(status)) {
		fprintf(stderr, "expect_exit: %s did not exit normally (status 0x%x)\n",
			argv[argi + 1], status);
		return 1;
	}
	if (WEXITSTATUS(status) != want) {
		fprintf(stderr, "expect_exit: %s exited %d, expected %d\n", argv[argi + 1],
			WEXITSTATUS(status), want);
		return 1;
	}
	return bad;
}
