/* expect_exit CODE PROGRAM [ARGS...]: runs PROGRAM and succeeds only when
 * it exits with exactly CODE (meson's should_fail accepts any failure). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int want, status = 0;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: expect_exit CODE PROGRAM [ARGS...]\n");
		return 2;
	}
	want = atoi(argv[1]);
	pid = fork();
	if (pid < 0) {
		perror("expect_exit: fork");
		return 1;
	}
	if (pid == 0) {
		execv(argv[2], &argv[2]);
		perror("expect_exit: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("expect_exit: waitpid");
		return 1;
	}
	if (!WIFEXITED(status)) {
		fprintf(stderr, "expect_exit: %s did not exit normally (status 0x%x)\n", argv[2],
			status);
		return 1;
	}
	if (WEXITSTATUS(status) != want) {
		fprintf(stderr, "expect_exit: %s exited %d, expected %d\n", argv[2],
			WEXITSTATUS(status), want);
		return 1;
	}
	return 0;
}
