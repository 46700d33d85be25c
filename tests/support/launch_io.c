/* launch_io.c — a background linkem-launch for tests (see launch_io.h). */
#include "tests/support/launch_io.h"
#include "tests/support/run.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

void launch_pump(struct launch *L, int ms)
{
	double end = now_s() + ms / 1000.0;

	for (;;) {
		struct pollfd pf[2] = {{.fd = L->out, .events = POLLIN},
				       {.fd = L->err, .events = POLLIN}};
		int left = (int)((end - now_s()) * 1000);
		char buf[65536];

		if (left < 0)
			left = 0;
		if (poll(pf, 2, left) <= 0)
			return;
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (!(pf[i].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(pf[i].fd, buf, sizeof(buf));
			if (n > 0) {
				if (i == 0)
					buf_append(&L->obuf, &L->olen, buf,
						   (size_t)n);
				else
					buf_append(&L->ebuf, &L->elen, buf,
						   (size_t)n);
			} else if (i == 0) {
				L->out = -1;
			} else {
				L->err = -1;
			}
		}
		if (L->out < 0 && L->err < 0)
			return;
	}
}

bool launch_wait_for(struct launch *L, const char *needle, int times,
		     double seconds)
{
	double end = now_s() + seconds;

	while (now_s() < end) {
		if (occurrences(L->obuf, needle) >= times)
			return true;
		launch_pump(L, 50);
	}
	return occurrences(L->obuf, needle) >= times;
}

void launch_start(struct launch *L, const char *n, const char *const *args,
		  const char *script)
{
	char *argv[32];
	int k = 0;
	double end = now_s() + 15;

	memset(L, 0, sizeof(*L));
	L->obuf = calloc(1, 1);
	L->ebuf = calloc(1, 1);
	argv[k++] = (char *)build_path("linkem-launch");
	argv[k++] = "-n";
	argv[k++] = (char *)n;
	for (int i = 0; args && args[i]; i++) {
		cr_assert_lt(k, 27, "too many arguments");
		argv[k++] = (char *)args[i];
	}
	argv[k++] = "--";
	argv[k++] = "sh";
	argv[k++] = "-c";
	argv[k++] = (char *)script;
	argv[k] = NULL;
	L->pid = spawn_cmd(argv, &L->out, &L->err);
	cr_assert_gt(L->pid, 0);
	while (now_s() < end) {
		const char *p;

		launch_pump(L, 50);
		p = strstr(L->ebuf, "control socket ");
		if (p && strchr(p, '\n')) {
			sscanf(p, "control socket %255s", L->sock);
			return;
		}
		if (L->err < 0)
			break;
	}
	cr_assert_fail("no control socket printed; stderr: %s", L->ebuf);
}

int launch_finish(struct launch *L, int sig, double seconds)
{
	int st;
	double end = now_s() + seconds;

	if (sig)
		kill(L->pid, sig);
	while (waitpid(L->pid, &st, WNOHANG) == 0) {
		launch_pump(L, 20);
		if (now_s() > end) {
			kill(L->pid, SIGKILL);
			waitpid(L->pid, &st, 0);
			L->hung = true;
			break;
		}
	}
	launch_pump(L, 0);
	L->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return L->status;
}

void launch_free(struct launch *L)
{
	char cmd[128];

	if (L->out >= 0)
		close(L->out);
	if (L->err >= 0)
		close(L->err);
	free(L->obuf);
	free(L->ebuf);
	if (!L->dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", L->dir);
	(void)!system(cmd);
}

int raw_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0,
		     "connect %s: %s", path, strerror(errno));
	return fd;
}

char *raw_call(int fd, const char *text, int ms)
{
	static char line[65536];
	size_t len = 0;

	if (text)
		cr_assert_eq(send(fd, text, strlen(text), MSG_NOSIGNAL),
			     (ssize_t)strlen(text));
	while (len < sizeof(line) - 1) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&pf, 1, ms) <= 0)
			return NULL;
		n = read(fd, line + len, 1);
		if (n <= 0)
			return NULL;
		if (line[len++] == '\n')
			break;
	}
	line[len] = '\0';
	return line;
}
