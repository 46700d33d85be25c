/* run.c — run a program for a test: capture its output, bound its time. */
#include "tests/support/run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *build_path(const char *name)
{
	static char buf[8][4096];
	static int slot;
	const char *dir = getenv("LINKEM_BUILD");
	char *b = buf[slot++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/%s", dir && *dir ? dir : "build",
		 name);
	return b;
}

/* In a child about to exec: SIGINT and SIGQUIT as a terminal gives
 * them (a background job of a script has them ignored, and the tests
 * may run as one), then ignore, if not 0, as SIG_IGN. */
static void child_signals(int ignore)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	if (ignore)
		signal(ignore, SIG_IGN);
}

pid_t spawn_cmd(char *const argv[], int *out_fd, int *err_fd)
{
	return spawn_cmd_ignoring(argv, 0, out_fd, err_fd);
}

pid_t spawn_cmd_ignoring(char *const argv[], int ignore, int *out_fd,
			 int *err_fd)
{
	int po[2], pe[2];
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		/* A failed test must not leave its launch running. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		child_signals(ignore);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	*out_fd = po[0];
	*err_fd = pe[0];
	return pid;
}

void buf_append(char **buf, size_t *len, const char *data, size_t n)
{
	*buf = realloc(*buf, *len + n + 1);
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

int run_cmd(char *const argv[], char *const extra_env[], int timeout_ms,
	    struct run_result *r)
{
	double start = now_s();
	int po[2], pe[2], st = 0;
	struct pollfd pfd[2];
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->out = calloc(1, 1);
	r->err = calloc(1, 1);
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		for (int i = 0; extra_env && extra_env[i]; i++)
			putenv(extra_env[i]);
		child_signals(0);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	pfd[0] = (struct pollfd){.fd = po[0], .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = pe[0], .events = POLLIN};
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		int left = timeout_ms - (int)((now_s() - start) * 1000);
		char buf[65536];

		if (left <= 0) {
			r->timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(pfd, 2, left) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				continue;
			}
			if (i == 0)
				buf_append(&r->out, &r->out_len, buf,
					   (size_t)n);
			else
				buf_append(&r->err, &r->err_len, buf,
					   (size_t)n);
		}
	}
	for (int i = 0; i < 2; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->seconds = now_s() - start;
	return 0;
}

void run_result_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

bool has(const char *text, const char *needle)
{
	return text && strstr(text, needle) != NULL;
}

int occurrences(const char *text, const char *needle)
{
	int k = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		k++;
	return k;
}

int count_lines(const char *text)
{
	int n = 0;

	for (; text && *text; text++)
		n += *text == '\n';
	return n;
}

static pid_t ppid_of(const char *pid)
{
	char path[600], buf[512];
	FILE *f;
	char *p;
	int ppid = -1;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %d", &ppid);
	fclose(f);
	return ppid;
}

static bool descends_from(const char *pid, pid_t ancestor)
{
	char cur[300];
	pid_t p;

	snprintf(cur, sizeof(cur), "%s", pid);
	for (int depth = 0; depth < 64; depth++) {
		if (atoi(cur) == ancestor)
			return true;
		p = ppid_of(cur);
		if (p <= 1)
			return false;
		snprintf(cur, sizeof(cur), "%d", p);
	}
	return false;
}

static int add_unique(char (*out)[64], int n, int max, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(out[i], s) == 0)
			return n;
	if (n < max)
		snprintf(out[n++], 64, "%s", s);
	return n;
}

int launch_netns(pid_t supervisor, char (*out)[64], int max)
{
	DIR *d = opendir("/proc"), *fds;
	struct dirent *de;
	char path[300], link[64], self[64];
	int n = 0;
	ssize_t len;

	if (!d)
		return -1;
	/* The supervisor's own namespace is not the launch's (nor is it
	 * when its janitor, a child in that namespace, shows it). */
	len = readlink("/proc/self/ns/net", self, sizeof(self) - 1);
	self[len > 0 ? len : 0] = '\0';
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (atoi(de->d_name) == supervisor ||
		    !descends_from(de->d_name, supervisor))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len > 0) {
			link[len] = '\0';
			if (strcmp(link, self) != 0)
				n = add_unique(out, n, max, link);
		}
	}
	closedir(d);
	snprintf(path, sizeof(path), "/proc/%d/fd", supervisor);
	fds = opendir(path);
	while (fds && (de = readdir(fds))) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", supervisor,
			 de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len > 0) {
			link[len] = '\0';
			if (strncmp(link, "net:[", 5) == 0 &&
			    strcmp(link, self) != 0)
				n = add_unique(out, n, max, link);
		}
	}
	if (fds)
		closedir(fds);
	return n;
}

bool netns_in_use(const char *ns)
{
	DIR *d = opendir("/proc"), *fds;
	struct dirent *de, *fe;
	char path[600], link[64];
	bool found = false;
	ssize_t len;

	while (d && !found && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len > 0) {
			link[len] = '\0';
			if (strcmp(link, ns) == 0) {
				found = true;
				break;
			}
		}
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		fds = opendir(path);
		while (fds && (fe = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s",
				 de->d_name, fe->d_name);
			len = readlink(path, link, sizeof(link) - 1);
			if (len > 0) {
				link[len] = '\0';
				if (strcmp(link, ns) == 0) {
					found = true;
					break;
				}
			}
		}
		if (fds)
			closedir(fds);
	}
	if (d)
		closedir(d);
	return found;
}
