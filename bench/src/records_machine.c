/* Who recorded: the machine (CPU model, cores) and a kext's default release
 * label (git describe of the tree its bundle lives in, else its version). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "records_priv.h"

void bench_records_machine(char *cpu, size_t len, unsigned *cores)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	snprintf(cpu, len, "unknown");
	*cores = n > 0 ? (unsigned)n : 1;
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || colon == NULL)
			continue;
		colon += strspn(colon + 1, " \t") + 1;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(cpu, len, "%s", colon);
		break;
	}
	fclose(f);
}

/* git's answer for dir, without a shell: the path is the user's. */
static bool bench_records_git_describe(const char *dir, char *out, size_t len)
{
	int fd[2];
	pid_t pid;
	ssize_t n;
	size_t got = 0;
	int status;

	if (pipe(fd) != 0)
		return false;
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return false;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", 0);

		dup2(fd[1], 1);
		if (devnull >= 0)
			dup2(devnull, 2);
		close(fd[0]);
		execlp("git", "git", "-C", dir, "describe", "--tags", "--always", "--dirty",
		       (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while (got + 1 < len && (n = read(fd[0], out + got, len - 1 - got)) > 0)
		got += (size_t)n;
	close(fd[0]);
	out[got] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0 && out[0] != '\0';
}

void bench_records_default_label(const char *bundle_path, const char *version, char *out,
				 size_t len)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", bundle_path != NULL ? bundle_path : ".");
	/* The bundle's parent: a bundle inside a build tree is described by the tree. */
	while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
		dir[strlen(dir) - 1] = '\0';
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (getenv("DRVBENCH_NO_GIT_LABEL") == NULL && bench_records_git_describe(dir, out, len))
		return;
	snprintf(out, len, "%s", version != NULL && version[0] != '\0' ? version : "unversioned");
}
